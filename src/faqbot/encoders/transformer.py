"""Sentence-transformers on torch (CPU, offline): the reference the ONNX export matches."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..settings import DEFAULT_MODEL, EncoderSettings
from .model import model_fingerprint, resolve_model_path


class SentenceTransformerEncoder:
    """Encodes with sentence-transformers on the CPU, offline. Imports torch only when built."""

    def __init__(
        self, model: str = DEFAULT_MODEL, threads: int | None = None, batch_size: int | None = None
    ):
        """`threads` None leaves torch's own choice; `batch_size` None is EncoderSettings'."""
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
        self.model_path = resolve_model_path(model)
        self._model = SentenceTransformer(str(self.model_path), device="cpu")
        self.max_tokens = int(self._model.max_seq_length)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        self.dimension = int(get_dim())
        self.batch_size = batch_size or EncoderSettings().batch_size

    def export_onnx(self, folder: Path) -> bool:
        from .onnx import export_onnx

        return export_onnx(self, folder)

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

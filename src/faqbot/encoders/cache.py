"""An encoder that remembers its last texts: safety and retrieval encode a question once."""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np


class RememberingEncoder:
    """Wraps an encoder; vectors of the last `size` texts are served from memory.

    The crisis classifier reads the question as typed and retrieval the question after typo
    correction: for most questions that is the same text, so the model runs once per question.
    """

    def __init__(self, encoder, size: int):
        self.encoder = encoder
        self._size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __getattr__(self, name):  # model_id, dimension, export_onnx of the wrapped encoder
        return getattr(self.encoder, name)

    def forget(self) -> None:
        """Drop every remembered vector (benchmarks: a timed question must not be served)."""
        with self._lock:
            self._vectors.clear()

    def encode(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return self.encoder.encode(texts)
        with self._lock:  # what is remembered is taken before anything new can push it out
            found = {t: self._vectors[t] for t in dict.fromkeys(texts) if t in self._vectors}
            for t in found:
                self._vectors.move_to_end(t)
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            fresh = np.asarray(self.encoder.encode(missing), dtype=np.float32)
            found |= dict(zip(missing, fresh, strict=True))
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    self._vectors[text] = vector
                while len(self._vectors) > self._size:
                    self._vectors.popitem(last=False)
        return np.stack([found[t] for t in texts])

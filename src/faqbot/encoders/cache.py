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

    def encode(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            fresh = np.asarray(self.encoder.encode(missing), dtype=np.float32)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    self._vectors[text] = vector
                while len(self._vectors) > self._size:
                    self._vectors.popitem(last=False)
                found = {t: self._vectors.get(t) for t in texts}
            found |= {t: v for t, v in zip(missing, fresh, strict=True)}
        else:
            with self._lock:
                found = {t: self._vectors[t] for t in texts}
                for t in found:
                    self._vectors.move_to_end(t)
        if not texts:
            return self.encoder.encode(texts)
        return np.stack([found[t] for t in texts])

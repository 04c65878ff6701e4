"""Text encoders behind a one-method protocol; the default is the bundled all-MiniLM-L6-v2."""

from __future__ import annotations

from typing import Protocol

import numpy as np


class Encoder(Protocol):
    """Anything that turns texts into L2-normalised float32 rows, one per text.

    A build also reads `model_id` (recorded in the manifest) and `dimension`, and calls
    `export_onnx(folder) -> bool` when the encoder has it.
    """

    def encode(self, texts: list[str]) -> np.ndarray: ...

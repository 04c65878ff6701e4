"""The small-talk classifier: multinomial logistic regression over the sentence embedding the bot
already computes for retrieval and safety, with a confidence threshold chosen on cross-validation.

Trained by `faqbot intent-train` (intent/train.py) from tests/data/intent/; saved with the
training set's hash in data/intent.npz.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

INTENTS = ("greeting", "thanks", "contact", "question")  # "question": for the articles
MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "intent.npz"


@dataclass(frozen=True)
class IntentModel:
    """Weights, the threshold a small-talk class must reach, and what it was trained on."""

    coef: np.ndarray  # (len(INTENTS), dim)
    intercept: np.ndarray  # (len(INTENTS),)
    threshold: float  # P(class) at or above: that small-talk class; below: "question"
    model_id: str
    data_hash: str

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """Class probabilities (rows: texts; columns: INTENTS)."""
        logits = vectors @ self.coef.T + self.intercept
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        return p / p.sum(axis=1, keepdims=True)

    def intents(self, vectors: np.ndarray) -> list[str]:
        """The intent of each row: a small-talk class only when confident, else "question"."""
        out = []
        for p in self.probabilities(vectors):
            best = int(p.argmax())
            out.append(INTENTS[best] if p[best] >= self.threshold else "question")
        return out

    def save(self, path: Path = MODEL_PATH) -> None:
        np.savez_compressed(
            path,
            coef=self.coef.astype(np.float32),
            intercept=self.intercept.astype(np.float32),
            threshold=np.array(self.threshold),
            model_id=np.array(self.model_id),
            data_hash=np.array(self.data_hash),
        )


def load_intent_model(path: Path | str = MODEL_PATH) -> IntentModel:
    """The saved classifier.

    Raises:
        ValueError: the file is missing or not an intent model (re-train: faqbot intent-train).
    """
    return _load(str(path))


@lru_cache(maxsize=2)
def _load(path: str) -> IntentModel:
    try:
        with np.load(path) as z:
            return IntentModel(
                z["coef"], z["intercept"], float(z["threshold"]), str(z["model_id"]),
                str(z["data_hash"]),
            )  # fmt: skip
    except (OSError, KeyError, ValueError) as exc:
        raise ValueError(
            f"The small-talk classifier {path} cannot be read ({exc}). Run: faqbot intent-train"
        ) from None

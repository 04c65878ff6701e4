"""The learned sentence ranker: LightGBM lambdarank over answer/features.py, trained by
`faqbot answer-train` on the training questions (cross-validated), saved in data/answer_ranker.json.

A passage ranks by its best sentence; the best sentence is the one the reply bolds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..index.texts import chunk_unit_text
from ..retrieval import Candidate, Candidates
from .features import NAMES, CorpusStats, feature_matrix
from .memory import QuestionMemory

RANKER_PATH = Path(__file__).resolve().parent.parent / "data" / "answer_ranker.json"


@dataclass(frozen=True)
class SentenceRanker:
    """A LightGBM lambdarank model over features.NAMES, with a logistic calibration of its raw
    scores (fitted on cross-validated scores) so a score reads as P(the sentence answers)."""

    booster: object  # lightgbm.Booster
    slope: float
    offset: float
    data_hash: str = ""
    memory: QuestionMemory | None = None  # the training questions the memory features read

    @classmethod
    def stand_in(cls) -> SentenceRanker:
        """Scores every sentence alike: a bot to train the first ranker (or one over new
        features) with, before a saved one fits."""
        return cls(_Constant(), 0.0, 0.0)

    def probability(self, x: np.ndarray) -> np.ndarray:
        # one thread: a question's ~150 sentences; an OpenMP pool woken per call cost ~3 ms
        raw = self.booster.predict(x, num_threads=1)
        return 1.0 / (1.0 + np.exp(-(self.slope * raw + self.offset)))

    def save(self, path: Path = RANKER_PATH, report: dict | None = None) -> None:
        data = {"names": list(NAMES), "slope": self.slope, "offset": self.offset,
                "data_hash": self.data_hash, "cross_validated": report or {},
                "model": self.booster.model_to_string()}  # fmt: skip
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


class _Constant:
    def predict(self, x: np.ndarray, num_threads: int = 1) -> np.ndarray:
        return np.zeros(len(x))


def load_ranker(path: Path | str = RANKER_PATH) -> SentenceRanker:
    """The saved ranker.

    Raises:
        ValueError: missing, unreadable, or fitted on other features (faqbot answer-train).
    """
    return _load(str(path))


@lru_cache(maxsize=2)
def _load(path: str) -> SentenceRanker:
    import lightgbm

    fix = "Run: faqbot answer-train"
    try:
        d = json.loads(Path(path).read_text(encoding="utf-8"))
        booster = lightgbm.Booster(model_str=d["model"])
        ranker = SentenceRanker(
            booster, float(d["slope"]), float(d["offset"]), d.get("data_hash", "")
        )
    except (OSError, ValueError, KeyError, TypeError, lightgbm.basic.LightGBMError) as exc:
        raise ValueError(f"The answer ranker {path} cannot be read ({exc}). {fix}") from None
    if tuple(d["names"]) != NAMES:
        raise ValueError(f"The answer ranker {path} was fitted on other features. {fix}")
    return ranker


def sentence_texts(candidate: Candidate) -> list[str]:
    chunk = candidate.passage.chunk
    return [chunk_unit_text(chunk, u) for u in chunk.units]


def rank(candidates: Candidates, ranker: SentenceRanker, stats: CorpusStats,
         documents: dict[str, str], leave_out: str = "") -> list[Candidate]:  # fmt: skip
    """The candidates with learned sentence scores (probability a sentence answers), best
    passage first; a passage scores as its best sentence. `leave_out`: an author the memory
    ignores (training the coverage model on the training questions)."""
    items = candidates.items
    if not items:
        return []
    texts = [sentence_texts(c) for c in items]
    vectors = [c.sentence_vectors for c in items]
    matrix, ends = feature_matrix(candidates, texts, vectors, stats, documents, ranker.memory,
                                  leave_out)  # fmt: skip
    # one prediction for every sentence: LightGBM's per-call set-up costs more than the trees
    probabilities = ranker.probability(matrix)
    starts = np.concatenate([[0], ends[:-1]])
    best = np.maximum.reduceat(probabilities, starts)
    # a Candidate made directly: dataclasses.replace checks its fields each time (~0.05 ms)
    scored = [
        Candidate(c.passage, probabilities[a:b], c.cosine, c.vector, c.sentence_vectors)
        for c, a, b in zip(items, starts, ends, strict=True)
    ]
    order = sorted(range(len(scored)), key=lambda i: -float(best[i]))
    return [scored[i] for i in order]


def best_probability(ranked: list[Candidate]) -> float:
    """P(the best sentence answers) of ranked candidates (0 when there are none)."""
    return (
        float(ranked[0].sentence_scores.max()) if ranked and len(ranked[0].sentence_scores) else 0.0
    )

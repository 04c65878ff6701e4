"""What retrieval hands the answer stage: passages with their sentence scores and vectors."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..types import Passage


@dataclass(frozen=True)
class Candidate:
    """A retrieved passage scored against the question, sentence by sentence."""

    passage: Passage
    sentence_scores: np.ndarray  # cosine of each unit (sentence or list item) with the question
    cosine: float  # of the passage vector with the question
    vector: np.ndarray  # the passage vector, for the near-duplicate check
    sentence_vectors: np.ndarray  # one row per unit, for the answer ranker

    @cached_property  # read many times while selecting; a frozen dataclass still allows this
    def relevance(self) -> float:
        return 0.5 * self.cosine + 0.5 * float(self.sentence_scores.max())


@dataclass(frozen=True)
class Candidates:
    """The top passages for one question, best first, and what retrieval saw in the question."""

    question: str  # as asked
    searched: str  # after typo correction
    query: np.ndarray  # the searched text's embedding
    rare_unknown: tuple[str, ...]  # uncommon words no article uses (and not typos of one)
    items: tuple[Candidate, ...]

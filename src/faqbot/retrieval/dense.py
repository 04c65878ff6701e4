"""Dense ranking: FAISS finds passages by vector, each rescored with its best sentence."""

from __future__ import annotations

import numpy as np

from .fusion import Ranking
from .sentences import SentenceScores


def dense_ranking(
    vectors, sentences: SentenceScores, query: np.ndarray, n: int, pool: int
) -> Ranking:
    """The top n passages for the query vector, from a FAISS pool of at least `pool`.

    Each is rescored as passage cosine plus its best sentence's cosine, so one sentence that
    answers lifts a passage that wanders.
    """
    pool = min(max(n, pool), vectors.ntotal)
    scores, rows = vectors.search(query[None, :], pool)
    found = rows[0] >= 0
    rows, scores = rows[0][found], scores[0][found]
    if not len(rows):
        return []
    rescored = scores.astype(np.float64) + sentences.best(rows, query).astype(np.float64)
    order = np.lexsort((rows, -rescored))[:n]
    return [(int(rows[i]), float(rescored[i])) for i in order]

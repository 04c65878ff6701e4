"""Dense (FAISS), lexical (BM25) and hybrid (reciprocal rank fusion) retrieval over chunks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .chunking import Chunk
from .lexical import LexicalIndex


@dataclass(frozen=True)
class Hit:
    """One retrieved passage, best first; ranks are 1-based, None when a retriever missed it."""

    chunk_id: str
    text: str
    score: float
    doc_id: str
    title: str
    publisher: str
    section: str
    start: int
    end: int
    rank: int
    dense_rank: int | None = None
    dense_score: float | None = None
    lexical_rank: int | None = None
    lexical_score: float | None = None


def reciprocal_rank_fusion(rankings: list[list[int]], k: int = 60) -> list[tuple[int, float]]:
    """Fuse ranked lists of row ids: score = sum of 1 / (k + rank). Ties keep first-seen order."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, row in enumerate(ranking, start=1):
            scores[row] = scores.get(row, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda item: -item[1])


class Retriever:
    """Runs the three rankings over one set of chunks; the encoder is injected."""

    def __init__(self, chunks, vectors, lexical: LexicalIndex, encoder, rrf_k=60, candidates=50):
        self.chunks: tuple[Chunk, ...] = tuple(chunks)
        self._vectors = vectors
        self._lexical = lexical
        self._encoder = encoder
        self._rrf_k = rrf_k
        self._candidates = candidates

    def dense(self, question: str, n: int) -> list[tuple[int, float]]:
        query = self._encoder.encode([question])
        n = min(n, self._vectors.ntotal)
        scores, rows = self._vectors.search(np.ascontiguousarray(query, dtype=np.float32), n)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]

    def lexical(self, question: str, n: int) -> list[tuple[int, float]]:
        return self._lexical.search(question, n)

    def search(self, question: str, k: int, mode: str = "hybrid") -> list[Hit]:
        n = max(k, self._candidates)
        dense = self.dense(question, n) if mode in ("dense", "hybrid") else []
        lexical = self.lexical(question, n) if mode in ("lexical", "hybrid") else []
        if mode == "dense":
            ranked = dense
        elif mode == "lexical":
            ranked = lexical
        else:
            ranked = reciprocal_rank_fusion(
                [[r for r, _ in dense], [r for r, _ in lexical]], self._rrf_k
            )
        d_info = {row: (rank, s) for rank, (row, s) in enumerate(dense, start=1)}
        l_info = {row: (rank, s) for rank, (row, s) in enumerate(lexical, start=1)}
        return [
            self._hit(row, score, rank, d_info.get(row), l_info.get(row))
            for rank, (row, score) in enumerate(ranked[:k], start=1)
        ]

    def _hit(self, row, score, rank, dense, lexical) -> Hit:
        c = self.chunks[row]
        return Hit(
            chunk_id=c.chunk_id,
            text=c.text,
            score=float(score),
            doc_id=c.doc_id,
            title=c.title,
            publisher=c.publisher,
            section=c.section,
            start=c.start,
            end=c.end,
            rank=rank,
            dense_rank=dense[0] if dense else None,
            dense_score=dense[1] if dense else None,
            lexical_rank=lexical[0] if lexical else None,
            lexical_score=lexical[1] if lexical else None,
        )

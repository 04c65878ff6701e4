"""Dense (FAISS), lexical (BM25) and hybrid (z-score or reciprocal rank fusion) retrieval."""

from __future__ import annotations

from collections.abc import Callable
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


def zscore_fusion(
    dense: list[tuple[int, float]],
    lexical: list[tuple[int, float]],
    dense_weight: float = 0.75,
    lexical_floor: float = 0.0,
) -> list[tuple[int, float]]:
    """Convex combination of z-normalised scores over every row either list holds. Unlike RRF it
    keeps how decisively a retriever prefers its top passage.

    A row BM25 did not list gets the raw score `lexical_floor` before normalising: 0 when the
    list holds every passage with a match (BM25 really scores the rest 0), the last listed score
    when the list was cut at n. A row missing from the dense list gets that list's lowest z."""
    rows = list(dict.fromkeys([r for r, _ in dense] + [r for r, _ in lexical]))
    if not rows:
        return []
    zd = _z(dict(dense))
    d_floor = min(zd.values(), default=0.0)
    listed = dict(lexical)
    zl = _z({r: listed.get(r, lexical_floor) for r in rows}) if lexical else {}
    fused = {
        r: dense_weight * zd.get(r, d_floor) + (1 - dense_weight) * zl.get(r, 0.0) for r in rows
    }
    return sorted(fused.items(), key=lambda item: -item[1])


def _z(scores: dict[int, float]) -> dict[int, float]:
    if not scores:
        return {}
    values = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
    mean, spread = float(values.mean()), float(values.std()) or 1.0
    return {r: (s - mean) / spread for r, s in scores.items()}


def make_fusion(name: str, rrf_k: int = 60, dense_weight: float = 0.8) -> Callable:
    """(dense pairs, lexical pairs, lexical floor) -> fused (row, score) pairs, best first."""
    if name == "rrf":
        return lambda d, lx, _floor=0.0: reciprocal_rank_fusion(
            [[r for r, _ in d], [r for r, _ in lx]], rrf_k
        )
    if name == "zscore":
        return lambda d, lx, floor=0.0: zscore_fusion(d, lx, dense_weight, floor)
    raise ValueError(f"fusion must be 'zscore' or 'rrf', got {name!r}")


UNITS_IN_MEMORY_BYTES = 128 * 2**20  # ~17k passages of ~5 sentences


class Retriever:
    """Runs the three rankings over one set of chunks; the encoder is injected."""

    def __init__(
        self, chunks, vectors, units, lexical: LexicalIndex, encoder, fusion=None, candidates=50
    ):
        self.chunks: tuple[Chunk, ...] = tuple(chunks)
        # one row per sentence / list item, chunk by chunk; read into memory while small (a
        # gather from the memory map costs more than the arithmetic), paged from disk when big
        if units.size * 4 <= UNITS_IN_MEMORY_BYTES:  # as float32: no conversion per question
            units = np.ascontiguousarray(units, dtype=np.float32)
        self._units = units
        self._unit_offset = np.cumsum([0] + [len(c.units) for c in self.chunks])
        self._row_of = {c.chunk_id: i for i, c in enumerate(self.chunks)}
        self._cached: tuple[str, np.ndarray] | None = None
        self._vectors = vectors
        self._lexical = lexical
        self._encoder = encoder
        self._fuse = fusion or make_fusion("zscore")
        self._candidates = candidates

    def query_vector(self, question: str) -> np.ndarray:
        """The question's embedding, shape (dim,); the last one is cached for ask()'s reuse."""
        cached = self._cached  # one read: another thread may replace it meanwhile
        if cached is not None and cached[0] == question:
            return cached[1]
        vector = np.ascontiguousarray(self._encoder.encode([question])[0], dtype=np.float32)
        self._cached = (question, vector)
        return vector

    def row(self, chunk_id: str) -> int:
        return self._row_of[chunk_id]

    def unit_scores_many(self, rows, query: np.ndarray) -> list[np.ndarray]:
        """Cosine of each sentence / list item of each passage in `rows` with the query: one
        gather and one matrix product for them all."""
        scores, bounds = self._gathered_unit_scores(rows, query)
        return [scores[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]

    def _gathered_unit_scores(self, rows, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The units of `rows`, passage after passage, scored; and where each passage starts."""
        rows = np.asarray(rows, dtype=np.int64)
        starts, ends = self._unit_offset[rows], self._unit_offset[rows + 1]
        take = np.concatenate([np.arange(a, b) for a, b in zip(starts, ends, strict=True)])
        scores = np.asarray(self._units[take], dtype=np.float32) @ query
        return scores, np.concatenate([[0], np.cumsum(ends - starts)])

    def dense(self, question: str, n: int) -> list[tuple[int, float]]:
        """FAISS finds candidates by passage vector; each is rescored as passage cosine plus its
        best sentence's cosine, so one sentence that answers lifts a passage that wanders."""
        query = self.query_vector(question)
        pool = min(max(n, self._candidates), self._vectors.ntotal)
        scores, rows = self._vectors.search(query[None, :], pool)
        found = rows[0] >= 0
        rows, scores = rows[0][found], scores[0][found]
        if not len(rows):
            return []
        units, bounds = self._gathered_unit_scores(rows, query)
        best_unit = np.maximum.reduceat(units, bounds[:-1])  # every passage has a unit
        rescored = scores.astype(np.float64) + best_unit.astype(np.float64)
        order = np.lexsort((rows, -rescored))[:n]
        return [(int(rows[i]), float(rescored[i])) for i in order]

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
            # a full list was cut at n: the passages it left out score at most its last score
            floor = lexical[-1][1] if len(lexical) >= n else 0.0
            ranked = self._fuse(dense, lexical, floor)
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

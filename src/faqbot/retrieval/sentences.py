"""Sentence vectors: each passage's sentences and list items scored against the question."""

from __future__ import annotations

import numpy as np

from ..types import Chunk


class SentenceScores:
    """One vector per sentence or list item, passage after passage; scored by gather + product.

    Read into memory as float32 while small (a gather from the memory map costs more than the
    arithmetic), paged from disk as stored (float16) beyond `in_memory_bytes`.
    """

    def __init__(self, chunks: tuple[Chunk, ...], units: np.ndarray, in_memory_bytes: int):
        if units.size * 4 <= in_memory_bytes:  # as float32: no conversion per question
            units = np.ascontiguousarray(units, dtype=np.float32)
        self.units = units
        self._offset = np.cumsum([0] + [len(c.units) for c in chunks])

    def gathered(self, rows, query: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The units of `rows`, passage after passage: scores, vectors, where passages start."""
        rows = np.asarray(rows, dtype=np.int64)
        starts, ends = self._offset[rows], self._offset[rows + 1]
        sizes = ends - starts
        bounds = np.concatenate([[0], np.cumsum(sizes)])
        # each passage's unit numbers, start to end, in one go (an arange per passage: ~0.05 ms)
        take = np.arange(bounds[-1]) + np.repeat(starts - bounds[:-1], sizes)
        vectors = np.asarray(self.units[take], dtype=np.float32)
        return vectors @ query, vectors, bounds

    def per_passage(self, rows, query: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """(cosine with the query, vectors) of the sentences / list items of each passage."""
        if not len(rows):
            return []
        scores, vectors, bounds = self.gathered(rows, query)
        pairs = zip(bounds[:-1], bounds[1:], strict=True)
        return [(scores[a:b], vectors[a:b]) for a, b in pairs]

    def best(self, rows, query: np.ndarray) -> np.ndarray:
        """The best sentence's cosine per passage in `rows` (every passage has a sentence)."""
        scores, _, bounds = self.gathered(rows, query)
        return np.maximum.reduceat(scores, bounds[:-1])

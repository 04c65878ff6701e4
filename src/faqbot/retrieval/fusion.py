"""Fusing the dense and BM25 rankings: z-score (the default) or reciprocal rank fusion."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..settings import RetrievalSettings

Ranking = list[tuple[int, float]]  # (row, score) pairs, best first


def reciprocal_rank_fusion(rankings: list[list[int]], k: int) -> Ranking:
    """Fuse ranked lists of row ids: score = sum of 1 / (k + rank). Ties keep first-seen order."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, row in enumerate(ranking, start=1):
            scores[row] = scores.get(row, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda item: -item[1])


def zscore_fusion(
    dense: Ranking, lexical: Ranking, dense_weight: float, lexical_floor: float = 0.0
) -> Ranking:
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


def make_fusion(settings: RetrievalSettings) -> Callable[[Ranking, Ranking, float], Ranking]:
    """(dense ranking, lexical ranking, lexical floor) -> fused ranking, as the settings say."""
    if settings.fusion == "rrf":
        return lambda d, lx, _floor: reciprocal_rank_fusion(
            [[r for r, _ in d], [r for r, _ in lx]], settings.rrf_k
        )
    return lambda d, lx, floor: zscore_fusion(d, lx, settings.dense_weight, floor)

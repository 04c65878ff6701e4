"""Which candidates a reply quotes, and which sections it offers to read next."""

from __future__ import annotations

from ..retrieval import Candidate
from ..settings import AnswerSettings


def select(candidates: tuple[Candidate, ...], settings: AnswerSettings) -> list[Candidate]:
    """In hybrid rank order; drop far-weaker and near-duplicate passages; prefer a second source.

    A passage from an article not yet shown may jump up to `other_source_jump` ranks ahead.
    """
    if not candidates:
        return []
    best = max(c.relevance for c in candidates)
    pool = [c for c in candidates if c.relevance >= best - settings.weak_margin]
    chosen: list[Candidate] = []
    while pool and len(chosen) < settings.max_quotes:
        shown_docs = {c.passage.doc_id for c in chosen}
        # another article saying nearly the same thing beats a second quote from the same one
        pick = min(
            pool,
            key=lambda c: (
                c.passage.rank
                + (settings.other_source_jump if c.passage.doc_id in shown_docs else 0)
            ),
        )
        pool.remove(pick)
        if any(float(pick.vector @ c.vector) >= settings.duplicate_cosine for c in chosen):
            continue
        chosen.append(pick)
    return chosen


def topics(candidates, shown, limit: int) -> tuple[str, ...]:
    """Up to `limit` section titles of the candidates, most relevant first, not among `shown`."""
    taken = {c.passage.section for c in shown}
    found: list[str] = []
    for c in sorted(candidates, key=lambda c: -c.relevance):
        if c.passage.section not in taken and c.passage.section not in found:
            found.append(c.passage.section)
    return tuple(found[:limit])

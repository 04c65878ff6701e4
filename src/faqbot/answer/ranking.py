"""Which ranked candidates a reply quotes, and which sections it offers to read next."""

from __future__ import annotations

from ..retrieval import Candidate
from ..settings import AnswerSettings


def select(ranked: list[Candidate], settings: AnswerSettings) -> list[Candidate]:
    """The best-ranked passages (by their best sentence's learned score), at most `max_quotes`;
    a passage far below the best (`weak_margin` of probability) or a near-duplicate of one
    already chosen is left out."""
    if not ranked:
        return []
    top = float(ranked[0].sentence_scores.max())
    chosen: list[Candidate] = []
    for c in ranked:
        if (
            len(chosen) == settings.max_quotes
            or float(c.sentence_scores.max()) < top - settings.weak_margin
        ):
            break
        if any(float(c.vector @ o.vector) >= settings.duplicate_cosine for o in chosen):
            continue
        chosen.append(c)
    return chosen


def topics(candidates, shown, limit: int) -> tuple[str, ...]:
    """Up to `limit` section titles of the candidates, most relevant first, not among `shown`."""
    taken = {c.passage.section for c in shown}
    found: list[str] = []
    for c in sorted(candidates, key=lambda c: -c.relevance):
        if c.passage.section not in taken and c.passage.section not in found:
            found.append(c.passage.section)
    return tuple(found[:limit])

"""Which ranked candidates a reply quotes, and which follow-up questions it offers next."""

from __future__ import annotations

from collections.abc import Mapping

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


def offered_first(
    ranked: list[Candidate], question: str, questions: Mapping[tuple[str, str], str]
) -> list[Candidate]:
    """`ranked`, with the section first when the question is the follow-up offered for it: a
    visitor who clicks "Can ketamine help me work through past trauma?" reads the section that
    question stood for, whatever else ranks near it."""
    asked = " ".join(question.split()).casefold()
    keys = {k for k, q in questions.items() if " ".join(q.split()).casefold() == asked}
    if not keys:
        return ranked
    return sorted(ranked, key=lambda c: (c.passage.doc_id, c.passage.section) not in keys)


def topics(
    candidates, shown, limit: int, questions: Mapping[tuple[str, str], str], min_relevance: float
) -> tuple[str, ...]:
    """Up to `limit` follow-up questions for the candidates' sections, most relevant first, not
    for a section among `shown`. Only sections with a question in `questions` are offered, and
    nothing when even the best candidate is below `min_relevance` (an off-topic question)."""
    if not candidates or max(c.relevance for c in candidates) < min_relevance:
        return ()
    taken = {(c.passage.doc_id, c.passage.section) for c in shown}
    found: list[str] = []
    for c in sorted(candidates, key=lambda c: -c.relevance):
        key = (c.passage.doc_id, c.passage.section)
        question = questions.get(key)
        if question and key not in taken and question not in found:
            found.append(question)
    return tuple(found[:limit])

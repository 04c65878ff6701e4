"""Questions of several parts ("How much does it cost and can I drive after?"): each part's own
best quote is added when the reply to the whole does not quote its passage yet."""

from __future__ import annotations

import re
from dataclasses import replace

from ..types import Quote, Reply, Span
from .coverage import everyday

# the words that open a question: a part must start with one, so "my husband did two tours and
# has PTSD, would it help him?" stays whole
_ASK = (
    r"how|what|what's|whats|when|where|who|whom|whose|which|why|is|isn't|are|aren't|can|can't|"
    r"could|do|don't|does|doesn't|did|will|won't|would|should|shall|may|might|must|has|have|am"
)
# where a second question starts: after "?" or ";", or after "and" / "also" / "plus" (with or
# without a comma) when a question word follows
_JOIN = re.compile(
    r"(?:\?+|;)\s+(?:(?:and|also|plus|and also)\s*,?\s+)?(?=\S)"
    rf"|,?\s+(?:and|also|plus|and also)\s+(?=(?:{_ASK})\b)",
    re.IGNORECASE,
)
_OPENS = re.compile(rf"^(?:{_ASK})\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z0-9']+")


def question_parts(question: str, max_parts: int = 3, min_words: int = 3) -> tuple[str, ...]:
    """The separate questions in `question`, each ending in "?", when there are two or more and
    every one opens with a question word and has at least `min_words` words; otherwise just
    `question`. At most `max_parts`."""
    pieces = [p.strip(" ,;") for p in _JOIN.split(question.strip()) if p.strip(" ,;?")]
    pieces = [p if p.endswith("?") else p + "?" for p in pieces]
    if len(pieces) < 2 or any(
        len(_WORD.findall(p)) < min_words or not _OPENS.match(p) for p in pieces
    ):
        return (question,)
    return tuple(pieces[:max_parts])


def part_quote(reply: Reply) -> Quote | None:
    """The first quote of the reply to one part (answered with bold_first=False), when the answer
    stage is sure of it: no abstention, every word covered but everyday ones ("how much is it?"
    names "much"), a likely answer bold; else None."""
    if reply.abstained or not all(map(everyday, reply.uncovered)) or not reply.quotes:
        return None
    return reply.quotes[0] if reply.quotes[0].highlights else None


def _holds(shown: Quote, quote: Quote) -> bool:
    """True when `shown` already shows the part's answer: the same article, and the part's
    bold sentence (its whole quote if none) inside or overlapping `shown`. A quote of the same
    passage that shows other sentences does not ("is it safe while breastfeeding and does it
    help ocd": one passage holds both answers, the reply quoted only the first)."""
    if shown.passage.chunk.doc_id != quote.passage.chunk.doc_id:
        return False
    spans = quote.highlights or (Span(quote.start, quote.end),)
    return any(s.start < shown.end and shown.start < s.end for s in spans)


def with_part_quotes(reply: Reply, found: list[Quote | None], most: int) -> Reply:
    """The reply with each part's quote (None: the part had none it was sure of) when that
    passage is not quoted yet: right after the first quote, so every part is answered near the
    top; the reply's later quotes follow, up to `most` quotes in all, numbered in order."""
    first, rest = list(reply.quotes[:1]), list(reply.quotes[1:])
    shown = list(reply.quotes)
    added = []
    for quote in found:
        if quote is not None and not any(_holds(q, quote) for q in shown):
            shown.append(quote)
            added.append(quote)
    if not added:
        return reply
    kept = (first + added + rest)[: max(most, len(first) + len(added))]
    return replace(reply, quotes=tuple(replace(q, number=n) for n, q in enumerate(kept, 1)))

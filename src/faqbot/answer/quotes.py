"""A candidate passage as a quote: trimmed to whole sentences around the answer, answer marked."""

from __future__ import annotations

import numpy as np

from ..retrieval import Candidate
from ..settings import AnswerSettings
from ..types import Chunk, Quote, Span


def _joined(doc_text: str, left: Span, right: Span) -> bool:
    """Same paragraph, or a list continuing from its lead-in: a quote may span the gap."""
    gap = doc_text[left.end : right.start]
    return "\n\n" not in gap or doc_text[right.start : right.start + 2] in ("- ", "* ")


def trim_window(
    chunk: Chunk, scores: np.ndarray, max_words: int, doc_text: str, paragraph_jump: float
) -> tuple[int, int]:
    """Indices [lo, hi) of whole units around the best one, at most max_words (best always kept).

    The window grows towards the better-scoring neighbour and does not leave the best unit's
    paragraph (a list counts as part of the paragraph that introduces it) unless the sentence
    across the break scores within `paragraph_jump` of the best one so far.
    """
    units = chunk.units
    words = [len(doc_text[u.start : u.end].split()) for u in units]
    lo = hi = int(np.argmax(scores))
    hi += 1
    total = words[lo]
    while True:
        options = []
        near = float(scores[lo:hi].max()) - paragraph_jump
        if hi < len(units) and (_joined(doc_text, units[hi - 1], units[hi]) or scores[hi] >= near):
            options.append(hi)
        if lo > 0 and (_joined(doc_text, units[lo - 1], units[lo]) or scores[lo - 1] >= near):
            options.append(lo - 1)
        options = [i for i in options if total + words[i] <= max_words]
        if not options:
            return lo, hi
        pick = max(options, key=lambda i: (scores[i], i == hi))  # ties: the sentence after
        total += words[pick]
        lo, hi = (pick, hi) if pick < lo else (lo, hi + 1)


def highlights(
    chunk: Chunk,
    scores: np.ndarray,
    lo: int,
    hi: int,
    margin: float,
    short_lead: int,
    floor: float = 0.0,
) -> tuple[Span, ...]:
    """The answering sentence(s): the best unit of [lo, hi) and any within `margin` of it, of
    those scoring at least `floor` (none above it: nothing is bold).

    A very short sentence (at most `short_lead` characters) right before a highlighted one
    ("No.") is part of the answer too.
    """
    units = chunk.units
    best = float(scores[lo:hi].max())
    keep = {i for i in range(lo, hi) if scores[i] >= max(best - margin, floor)}
    keep |= {
        i - 1 for i in keep if i - 1 >= lo and units[i - 1].end - units[i - 1].start <= short_lead
    }
    return tuple(units[i] for i in sorted(keep))


def make_quote(
    candidate: Candidate, number: int, doc_text: str, settings: AnswerSettings, sure: bool = True
) -> Quote:
    """Quote `number` of a reply, cut from the candidate's passage. The first quote of a reply
    that covers the question (`sure`) bolds its best sentence; any other bolds only sentences
    at or above settings.bold_floor."""
    chunk, scores = candidate.passage.chunk, candidate.sentence_scores
    lo, hi = trim_window(chunk, scores, settings.quote_words, doc_text, settings.paragraph_jump)
    start, end = chunk.units[lo].start, chunk.units[hi - 1].end
    floor = 0.0 if number == 1 and sure else settings.bold_floor
    marked = highlights(
        chunk, scores, lo, hi, settings.highlight_margin, settings.short_lead_chars, floor
    )
    return Quote(
        candidate.passage,
        number,
        start,
        end,
        doc_text[start:end],
        marked,
        trimmed_before=lo > 0,
        trimmed_after=hi < len(chunk.units),
    )

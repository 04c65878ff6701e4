"""Staff-taught answers first: a question close to a taught one gets the taught sentence as its
first quote (bold, cited), or an honest abstention when staff marked it "not in the articles"."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..encoders import Encoder
from ..ingest.curated import CuratedRow, CuratedSet
from ..retrieval import Candidates
from ..settings import AnswerSettings
from ..types import Abstention, Chunk, Passage, Quote, Reply
from .quotes import trim_window


@dataclass(frozen=True)
class Taught:
    """The servable taught questions, their vectors (one unit row each) and the chunk holding
    each taught sentence (None for "not in the articles")."""

    curated: CuratedSet
    vectors: np.ndarray
    chunks: tuple[Chunk | None, ...]

    @classmethod
    def of(cls, curated: CuratedSet, encoder: Encoder, chunks: tuple[Chunk, ...]) -> Taught:
        rows = curated.rows
        vectors = encoder.encode([r.question for r in rows]) if rows else np.zeros((0, 1))
        return cls(
            curated, np.asarray(vectors, dtype=np.float32), tuple(_home(r, chunks) for r in rows)
        )

    def match(self, query: np.ndarray, threshold: float) -> tuple[int, float] | None:
        """The closest taught question (its position, cosine) at or above `threshold`."""
        if not len(self.curated.rows):
            return None
        cosines = self.vectors @ query
        best = int(np.argmax(cosines))
        return (best, float(cosines[best])) if cosines[best] >= threshold else None


def _home(row: CuratedRow, chunks: tuple[Chunk, ...]) -> Chunk | None:
    if row.span is None:
        return None
    for chunk in chunks:
        if chunk.doc_id == row.doc_id and chunk.start <= row.span.start < chunk.end:
            return chunk
    return None


def taught_first(
    reply: Reply,
    candidates: Candidates,
    taught: Taught,
    documents: dict[str, str],
    settings: AnswerSettings,
) -> Reply:
    """The reply with the closest taught answer first; unchanged when none is close enough."""
    found = taught.match(candidates.query, settings.curated_cosine)
    if found is None:
        return reply
    n, cosine = found
    row, chunk = taught.curated.rows[n], taught.chunks[n]
    where = f"cosine {cosine:.2f}, {taught.curated.path.name} line {row.line}"
    source = f"{row.question!r} ({where})"
    if row.not_in_articles or chunk is None:
        return Reply(
            reply.question,
            (),
            Abstention.TAUGHT,
            f"staff marked {row.question!r} as not in the articles ({where})",
            suggestions=reply.suggestions or reply.followups,
            taught=source,
            intent=reply.intent,  # a contact question keeps the clinic's details
            message=reply.message,
        )
    first = _quote(row, chunk, candidates, cosine, documents[row.doc_id], settings)
    others = [
        q
        for q in reply.quotes
        if q.passage.doc_id != row.doc_id or q.end <= first.start or q.start >= first.end
    ]
    rest = tuple(replace(q, number=i) for i, q in enumerate(others[: settings.max_quotes - 1], 2))
    return replace(
        reply,
        quotes=(first, *rest),
        abstention=None,
        abstain_reason="",
        suggestions=(),
        followups=reply.followups or reply.suggestions,
        notes=(),  # staff said this answers it: no "the quotes do not mention" caveat
        uncovered=(),
        facts=(),  # staff's answer replaces a front-matter one
        taught=source,
    )


def _quote(
    row: CuratedRow, chunk: Chunk, candidates: Candidates, cosine: float, doc_text: str, settings
) -> Quote:
    """Quote 1: the taught sentence in bold, with whole sentences of its passage around it."""
    retrieved = next((c for c in candidates.items if c.passage.chunk_id == chunk.chunk_id), None)
    passage = retrieved.passage if retrieved else Passage(chunk, cosine, 0)
    scores = np.array(retrieved.sentence_scores if retrieved else np.zeros(len(chunk.units)))
    inside = [
        i for i, u in enumerate(chunk.units) if u.start < row.span.end and u.end > row.span.start
    ]
    scores[inside] = scores.max() + 1.0  # the taught sentence is the best, whatever retrieval said
    lo, hi = trim_window(chunk, scores, settings.quote_words, doc_text, settings.paragraph_jump)
    start = min(chunk.units[lo].start, row.span.start)
    end = max(chunk.units[hi - 1].end, row.span.end)
    return Quote(
        passage,
        1,
        start,
        end,
        doc_text[start:end],
        (row.span,),
        trimmed_before=start > chunk.start,
        trimmed_after=end < chunk.end,
    )

"""The staff desk's views: ranked passages as table rows, and why the bot answered as it did."""

from __future__ import annotations

from ..types import Passage, Reply
from .markdown import escape_markdown

TABLE_PASSAGE_CHARS = 160
HITS_HEADERS = ("rank", "score", "article", "section", "passage")
WHY_HEADERS = (
    "hybrid rank", "hybrid score", "dense rank", "dense score", "lexical rank", "lexical score",
    "quoted", "article", "section", "passage",
)  # fmt: skip


def hits_table(hits: list[Passage]) -> list[list]:
    """Rows of rank, score, article, section, passage (shortened) for the staff table."""
    return [
        [h.rank, round(h.score, 4), h.title, h.section, _shorten(h.text, TABLE_PASSAGE_CHARS)]
        for h in hits
    ]


def why_table(hits: list[Passage], quoted: set[str]) -> list[list]:
    """Per passage: fused (hybrid), dense and lexical rank and score, and whether it was quoted."""

    def num(value, digits=4):
        return "—" if value is None else round(value, digits)

    return [
        [
            h.rank,
            num(h.score),
            num(h.dense_rank),
            num(h.dense_score),
            num(h.lexical_rank),
            num(h.lexical_score),
            "yes" if h.chunk_id in quoted else "",
            h.title,
            h.section,
            _shorten(h.text, 100),
        ]
        for h in hits
    ]


def why_markdown(reply: Reply) -> str:
    """Abstention and safety decisions for the staff view, escaped."""
    if reply.abstained:
        verdict = f"**Abstained**: {escape_markdown(reply.abstain_reason or 'no reason given')}"
    else:
        verdict = f"**Answered** with {len(reply.quotes)} quote(s)"
    rule = escape_markdown(reply.crisis_rule) if reply.crisis_rule else "none"
    lines = [verdict, f"**Safety**: level `{reply.crisis_level}`, rule matched: {rule}"]
    lines += [f"**Note**: {escape_markdown(n)}" for n in reply.notes]
    return "\n\n".join(lines)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

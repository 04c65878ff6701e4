"""The staff desk's views: ranked passages as table rows (the whole passage, the question's words
marked), why the bot answered as it did, and the taught answers."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Collection

from ..types import Passage, Reply
from .markdown import escape_markdown, note_markdown

HITS_HEADERS = ("rank", "score", "dense", "lexical", "article", "section", "passage")
HITS_TYPES = ("number", "number", "number", "number", "str", "str", "html")
WORD = re.compile(r"\w+")
NO_SCORE = "—"  # a retriever that did not find the passage: the same in both tables
WHY_HEADERS = (
    "hybrid rank", "hybrid score", "dense rank", "dense score", "lexical rank", "lexical score",
    "quoted", "article", "section", "passage",
)  # fmt: skip


def marked_html(
    text: str,
    terms: Collection[str],
    stem: Callable[[str], str],
    common: Callable[[str], bool] = lambda word: False,
) -> str:
    """The text HTML-escaped, each word whose stem is one of `terms` in <mark> unless
    `common(word)` (a word too common to mean a match), lines as <br>."""
    out, pos = [], 0
    for word in WORD.finditer(text):
        if stem(word.group().casefold()) in terms and not common(word.group()):
            out += [
                html.escape(text[pos : word.start()]),
                f"<mark>{html.escape(word.group())}</mark>",
            ]
            pos = word.end()
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def hits_table(
    hits: list[Passage],
    terms: Collection[str] = (),
    stem: Callable[[str], str] = str,
    common: Callable[[str], bool] = lambda word: False,
) -> list[list]:
    """Rows of rank, hybrid, dense and lexical score, article, section and the whole passage
    (HTML, the question's words marked: `terms` are stems as `stem` makes them, a word for
    which `common` is true never)."""

    def num(value):
        return NO_SCORE if value is None else round(value, 3)

    return [
        [
            h.rank,
            num(h.score),
            num(h.dense_score),
            num(h.lexical_score),
            h.title,
            h.section,
            marked_html(h.text, terms, stem, common),
        ]
        for h in hits
    ]


def why_table(hits: list[Passage], quoted: set[str]) -> list[list]:
    """Per passage: fused (hybrid), dense and lexical rank and score, and whether it was quoted."""

    def num(value, digits=4):
        return NO_SCORE if value is None else round(value, digits)

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
        n = len(reply.quotes)
        verdict = f"**Answered** with {n} quote{'' if n == 1 else 's'}"
    rule = escape_markdown(reply.crisis_rule) if reply.crisis_rule else "none"
    lines = [verdict, f"**Safety**: level `{reply.crisis_level}`, rule matched: {rule}"]
    if reply.taught:
        lines.append(f"**Taught answer** first: {escape_markdown(reply.taught)}")
    lines += [f"**Note**: {note_markdown(n)}" for n in reply.notes]
    return "\n\n".join(lines)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

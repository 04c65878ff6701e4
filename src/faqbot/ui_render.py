"""What the web UI shows: Replies, hits and articles turned into escaped Markdown and HTML."""

from __future__ import annotations

import html
import re
from dataclasses import replace

from . import render
from .render import citation, escape_markdown
from .types import Abstention, Reply
from .types import Passage as Hit

CONTEXT_CHARS = 300  # of the article shown on each side of a quote in the sources panel
TABLE_PASSAGE_CHARS = 160
_HEADING = re.compile(r"^#{1,6}\s+")
TOPICS_HINT = "The closest topics in our articles are below: tap one to read about it."
CRISIS_BANNER = '<div class="crisis-banner" role="alert">\n\n{text}\n\n</div>'


def user_markdown(question: str) -> str:
    """The visitor's own words, shown as typed: no HTML or Markdown in them takes effect."""
    return escape_markdown(question)


def reply_markdown(reply: Reply, documents: dict) -> str:
    """One chat turn: crisis banner first (acute), the quotes, the sources one click away.

    Suggested topics and follow-ups are left out here; the chat shows them as buttons.
    """
    acute = reply.crisis_level == "acute" and bool(reply.safety_text)
    # acute safety text moves into the banner at the top instead of its usual place
    shown = replace(reply, suggestions=(), followups=(), **({"safety_text": ""} if acute else {}))
    if reply.abstention is Abstention.TOO_LONG:
        parts = [f"_{escape_markdown(n)}_" for n in reply.notes]
        if reply.safety_text and not acute:
            parts.append(reply.safety_text)
        body = "\n\n".join(parts)
    else:
        body = render.reply_markdown(shown)
        if reply.abstained and reply.suggestions:
            body = _before_disclaimer(body, reply, TOPICS_HINT)
    if acute:
        body = CRISIS_BANNER.format(text=reply.safety_text) + "\n\n" + body
    if reply.quotes:
        body = _before_disclaimer(body, reply, sources_html(reply, documents))
    return body


def _before_disclaimer(body: str, reply: Reply, text: str) -> str:
    disclaimer = f"\n\n_{reply.disclaimer}_"
    if body.endswith(disclaimer):
        return body[: -len(disclaimer)] + f"\n\n{text}" + disclaimer
    return body + f"\n\n{text}"


def sources_html(reply: Reply, documents: dict) -> str:
    """A collapsed <details> block: each cited article opened at the quoted place.

    Written without blank lines so Markdown leaves the (escaped) article text alone.
    """
    items = []
    for quote in reply.quotes:
        n, chunk = quote.number, quote.passage.chunk
        doc = documents.get(chunk.doc_id)
        excerpt = context_html(doc.text, quote.start, quote.end) if doc else ""
        items.append(
            f'<div class="source" id="source-{n}"><p><b>[{n}]</b> '
            f"{html.escape(citation.label(chunk))}</p><blockquote>{excerpt}</blockquote></div>"
        )
    summary = "Show each quote in its article"
    return f'<details class="sources"><summary>{summary}</summary>{"".join(items)}</details>'


def context_html(text: str, start: int, end: int, margin: int = CONTEXT_CHARS) -> str:
    """The text around [start, end) cut at paragraph breaks, with the quote in <mark>."""
    lo = text.rfind("\n\n", 0, max(0, start - margin))
    lo = 0 if lo < 0 else lo + 2
    hi = text.find("\n\n", min(len(text), end + margin))
    hi = len(text) if hi < 0 else hi
    body = text_html(text, lo, hi, start, end, heading="strong")
    return ("<p>…</p>" if lo > 0 else "") + body + ("<p>…</p>" if hi < len(text) else "")


def article_html(title: str, text: str, start: int, end: int) -> str:
    """The full article, escaped, with one passage highlighted (scrolled into view by the page)."""
    body = text_html(text, 0, len(text), start, end, heading="h4")
    body = body.replace("<mark>", '<mark id="passage">', 1)
    return f'<article class="article-view"><h3>{html.escape(title)}</h3>{body}</article>'


def text_html(text: str, lo: int, hi: int, start: int, end: int, heading: str) -> str:
    """text[lo:hi] as escaped HTML paragraphs; Markdown headings in <heading>; [start, end) marked.

    No newline is emitted, so Markdown around it cannot reinterpret the escaped text.
    """
    blocks: list[str] = []
    lines: list[str] = []
    pos = lo
    for line in text[lo:hi].split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        head = _HEADING.match(line)
        if head or not line.strip():
            blocks += [f"<p>{'<br>'.join(lines)}</p>"] if lines else []
            lines = []
        if head:
            tag = heading
            blocks.append(f"<{tag}>{_marked(text, a + head.end(), b, start, end)}</{tag}>")
        elif line.strip():
            lines.append(_marked(text, a, b, start, end))
    blocks += [f"<p>{'<br>'.join(lines)}</p>"] if lines else []
    return "".join(blocks)


def _marked(text: str, a: int, b: int, start: int, end: int) -> str:
    """Escaped text[a:b] with its overlap with [start, end) wrapped in <mark>."""
    m0, m1 = max(a, start), min(b, end)
    if m0 >= m1:
        return html.escape(text[a:b])
    return (
        html.escape(text[a:m0])
        + f"<mark>{html.escape(text[m0:m1])}</mark>"
        + html.escape(text[m1:b])
    )


def citation_text(hit: Hit) -> str:
    """A plain-text citation staff can paste: article, publisher, section, character range."""
    return citation.plain(hit.chunk, hit.text, hit.start, hit.end)


def hits_table(hits: list[Hit]) -> list[list]:
    """Rows of rank, score, article, section, passage (shortened) for the staff table."""
    return [
        [h.rank, round(h.score, 4), h.title, h.section, _shorten(h.text, TABLE_PASSAGE_CHARS)]
        for h in hits
    ]


def why_table(hits: list[Hit], quoted: set[str]) -> list[list]:
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

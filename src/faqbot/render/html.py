"""Articles and quoted places as escaped HTML: the sources panel and the staff's article view."""

from __future__ import annotations

import html
import re

from ..types import Document, Reply
from . import citation

CONTEXT_CHARS = 300  # of the article shown on each side of a quote in the sources panel
_HEADING = re.compile(r"^#{1,6}\s+")


def sources_html(reply: Reply, documents: dict[str, Document], anchor: str = "") -> str:
    """A collapsed <details> block: each cited article opened at the quoted place.

    Written without blank lines so Markdown leaves the (escaped) article text alone. With
    `anchor` (unique to the reply in the page) each place has the id `{anchor}-in-article-{n}`.
    """
    items = []
    for quote in reply.quotes:
        n, chunk = quote.number, quote.passage.chunk
        doc = documents.get(chunk.doc_id)
        excerpt = context_html(doc.text, quote.start, quote.end) if doc else ""
        where = f' id="{anchor}-in-article-{n}"' if anchor else ""
        items.append(
            f'<div class="source"{where}><p><b>[{n}]</b> '
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
    # a heading is a block of its own: two headings in a row, or a heading and its first
    # sentence, must never run together ("...(FAQs)Can I drive...")
    body = text_html(text, lo, hi, start, end, heading="<p><strong>{}</strong></p>")
    return ("<p>…</p>" if lo > 0 else "") + body + ("<p>…</p>" if hi < len(text) else "")


def article_html(title: str, text: str, start: int, end: int) -> str:
    """The full article, escaped, with one passage highlighted (scrolled into view by the page)."""
    body = text_html(text, 0, len(text), start, end, heading="<h4>{}</h4>")
    body = body.replace("<mark>", '<mark id="passage">', 1)
    return f'<article class="article-view"><h3>{html.escape(title)}</h3>{body}</article>'


def text_html(text: str, lo: int, hi: int, start: int, end: int, heading: str) -> str:
    """text[lo:hi] as escaped HTML paragraphs, each Markdown heading as `heading` (a block
    element around {}), [start, end) marked.

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
            blocks.append(heading.format(_marked(text, a + head.end(), b, start, end)))
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

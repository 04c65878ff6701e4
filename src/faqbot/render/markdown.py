"""A Reply as Markdown, escaped for the web (the terminal's plain text: render/text.py)."""

from __future__ import annotations

import html
import re

from ..types import MarkdownText, Quote, Reply
from . import citation

NOT_FOUND = "I couldn't find this in the clinic's articles."
_LIST_MARKER = re.compile(r"^(\s*(?:[-*+•]|\d{1,3}[.)])\s+)")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#|~$])")
# without HTML entities: also "<" and ">" (a tag, a nested quote) and an "&" that starts a
# character reference ("&amp;"); a lone "&", as in "Allied Psychiatry & Mental Health", stays
_MD_HTML_SPECIAL = re.compile(r"[\\`*_\[\]{}#|~$<>]|&(?=#?\w+;)")


def escape_markdown(text: str, html_escape: bool = True) -> str:
    """Make corpus text inert, list markers kept: Markdown specials backslashed, and `<`, `>`,
    `&` as HTML entities for a page (the chat), or else backslashed too (any CommonMark reader
    shows them as written, and a reader of the JSON's Markdown text sees "&", not "&amp;")."""
    if not html_escape:
        return _MD_HTML_SPECIAL.sub(lambda m: "\\" + m.group(), text)
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _line_markdown(line: str, bold: bool, html_escape: bool = True) -> str:
    marker = _LIST_MARKER.match(line)
    head, body = (marker.group(1), line[marker.end() :]) if marker else ("", line)
    body = escape_markdown(body, html_escape)
    if bold and body.strip():
        body = f"**{body}**"
    return (head.strip() + " " if head else "") + body


def cite(number: int, anchor: str = "", title: str = "") -> str:
    """A citation mark: "[n]", or, given the reply's `anchor`, a link to its Sources entry.

    The chat's links are raw HTML: Markdown has no way to give the entry an id to link to.
    """
    if not anchor:
        return f"[{number}]"
    tip = f' title="{html.escape(title)}"' if title else ""
    return f'<a class="cite" href="#{anchor}-{number}"{tip}>[{number}]</a>'


def source_entry(number: int, text: str, anchor: str = "") -> str:
    """One line of the Sources list (`text` already escaped); with `anchor`, the link target."""
    if not anchor:
        return f"{number}. {text}"
    # tabindex -1: the chat's script moves the focus here when a citation is followed
    return (
        f'{number}. <span class="source-entry" id="{anchor}-{number}" tabindex="-1">{text}</span>'
    )


def quote_markdown(quote: Quote, html_escape: bool = True, anchor: str = "") -> str:
    """The quote as a Markdown blockquote, answer sentences bold, ellipses where trimmed, and
    its citation mark (a link to the Sources entry with `anchor`; the quote is unchanged)."""
    text, offset, pieces, pos = quote.text, quote.start, [], quote.start
    for span in sorted(quote.highlights, key=lambda s: s.start):
        pieces += [
            (text[pos - offset : span.start - offset], False),
            (text[span.start - offset : span.end - offset], True),
        ]
        pos = span.end
    pieces.append((text[pos - offset :], False))
    lines: list[str] = [""]
    for text, bold in pieces:
        for i, part in enumerate(text.split("\n")):
            if i:
                lines.append("")
            lines[-1] += _line_markdown(part, bold, html_escape) if part else ""
    if quote.trimmed_before:
        lines[0] = "… " + lines[0]
    if quote.trimmed_after:
        lines[-1] = lines[-1] + " …"
    lines[-1] += " " + cite(quote.number, anchor, citation.label(quote.passage.chunk))
    return "\n".join("> " + line if line else ">" for line in lines)


def note_markdown(note: str, html_escape: bool = True) -> str:
    """A caveat in italics: escaped like corpus text (it may name the visitor's words), unless
    it is the bot's own Markdown (MarkdownText, from a data file), whose bold and links show."""
    text = note if isinstance(note, MarkdownText) else escape_markdown(note, html_escape)
    return f"_{text}_"


_LINK = re.compile(r"\[([^\]]+)\]\(((?:tel|sms):[^)]*|https?://[^)]*)\)")


def plain_links(text: str) -> str:
    """Markdown links of the crisis text as a terminal shows them: "988", "findahelpline.com"."""
    return _LINK.sub(lambda m: m.group(1), text)


def says_not_found(reply: Reply) -> bool:
    """Whether the reply says NOT_FOUND (and lists topics): it abstained, but not under an acute
    crisis message, where it reads as a brush-off, nor with the bot's own message, which says
    why itself; nor ever to another language, whose note says the articles are in English
    (NOT_FOUND after it contradicted it: the question was never looked up)."""
    return (
        reply.abstained
        and reply.crisis_level != "acute"
        and not reply.message
        and reply.intent != "other_language"
    )


def reply_markdown(reply: Reply, html_escape: bool = True, anchor: str = "") -> str:
    """The whole reply: crisis text first when the visitor's message has crisis language (the
    resources line too: on a phone, a line below the sources is off screen), caveats, quotes,
    sources, then the resources line when only a quote brought it, and the disclaimer.

    Args:
        reply: what the bot answered.
        html_escape: `<`, `>` and `&` of corpus text as HTML entities, for a page that shows
            the Markdown as HTML (the chat); False: backslashed, the Markdown as text (the JSON
            API's `markdown`, a terminal's Markdown). Markdown's own marks are backslashed.
        anchor: a prefix for ids unique in the page (the chat: one per reply); given, each
            citation mark links to its Sources entry, `{anchor}-{number}`.
    """

    def esc(text: str) -> str:
        return escape_markdown(text, html_escape)

    parts: list[str] = []
    first = reply.crisis_level in ("acute", "mention")
    if first and reply.safety_text:
        parts.append(reply.safety_text)
    acute = reply.crisis_level == "acute"
    if reply.message:  # the bot's own fixed words, never a quote: small talk (data/clinic.toml)
        # or, under a crisis message with no quote left, that questions can wait (crisis.toml)
        parts.append(reply.message)
    if says_not_found(reply):
        parts.append(NOT_FOUND)
        if reply.suggestions:
            parts.append(
                "Questions the articles do answer:\n"
                + "\n".join(f"- {esc(s)}" for s in reply.suggestions)
            )
    notes = [note_markdown(n, html_escape) for n in reply.notes]
    if (reply.quotes or reply.facts) and not reply.abstained:
        parts += notes  # caveats first: read before the quotes
        # a front-matter detail is the article's data, not its prose: a plain line, not a quote
        parts += [
            f"**{esc(f.label)}:** {esc(f.value)} {cite(f.number, anchor, citation.fact_label(f))}"
            for f in reply.facts
        ]
        parts += [quote_markdown(q, html_escape, anchor) for q in reply.quotes]
        sources = [source_entry(f.number, esc(citation.fact_label(f)), anchor) for f in reply.facts]
        sources += [
            source_entry(q.number, esc(citation.label(q.passage.chunk)), anchor)
            for q in reply.quotes
        ]
        parts.append("**Sources**\n" + "\n".join(sources))
    else:
        parts += notes
    if reply.safety_text and not first:
        parts.append(reply.safety_text)
    if reply.followups and not acute:
        parts.append(
            "**You might also ask:**\n" + "\n".join(f"- {esc(f)}" for f in reply.followups)
        )
    parts.append(f"_{reply.disclaimer}_")
    return "\n\n".join(parts)

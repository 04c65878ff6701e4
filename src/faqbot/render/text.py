"""A Reply as plain text for a terminal: no Markdown marks, quotes indented under their number."""

from __future__ import annotations

import re

from ..types import Quote, Reply
from . import citation
from .markdown import NOT_FOUND, plain_links, says_not_found

QUOTE_INDENT = "   "  # as `faqbot search` indents a passage under its citation
# The bot's own Markdown (crisis text, the clinic's messages, notes): **bold**, *italic*, _italic_.
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")


def plain_markdown(text: str) -> str:
    """The bot's own Markdown as a terminal shows it: links as their text, no emphasis marks.

    Only for the bot's own wording: article text is shown as written, marks and all.
    """
    return _EMPHASIS.sub(r"\2", _STRONG.sub(r"\1", plain_links(text)))


BOLD, PLAIN = "\033[1m", "\033[0m"  # a terminal's bold on and off (ANSI)


def quote_text(quote: Quote, bold: bool = False) -> str:
    """The quote word for word, indented, with ellipses where trimmed and its citation number;
    with `bold` (a terminal that shows it), the answering sentence(s) in bold, as on the web."""
    words = quote.text
    if bold:
        for span in sorted(quote.highlights, key=lambda s: s.start, reverse=True):
            a = max(span.start, quote.start) - quote.start
            b = min(span.end, quote.end) - quote.start
            while a < b and words[b - 1].isspace():  # bold ends on the sentence, not the break
                b -= 1
            if a < b:
                words = f"{words[:a]}{BOLD}{words[a:b]}{PLAIN}{words[b:]}"
    text = ("… " if quote.trimmed_before else "") + words
    text += (" …" if quote.trimmed_after else "") + f" [{quote.number}]"
    return "\n".join(QUOTE_INDENT + line if line.strip() else "" for line in text.split("\n"))


def reply_text(reply: Reply, bold: bool = False) -> str:
    """The whole reply for a terminal, in the order reply_markdown has it: crisis text first
    when the message has crisis language, the bot's own message, caveats, facts and quotes,
    sources, the resources line when only a quote brought it, follow-ups, disclaimer. With
    `bold`, each quote's answering sentence is in the terminal's bold (not when piped)."""
    acute = reply.crisis_level == "acute"
    first = reply.crisis_level in ("acute", "mention")
    parts: list[str] = []
    if first and reply.safety_text:
        parts.append(plain_markdown(reply.safety_text))
    if reply.message:
        parts.append(plain_markdown(reply.message))
    if says_not_found(reply):
        parts.append(NOT_FOUND)
        if reply.suggestions:
            parts.append("Questions the articles do answer:\n" + _bullets(reply.suggestions))
    parts += [plain_markdown(n) for n in reply.notes]
    if (reply.quotes or reply.facts) and not reply.abstained:
        # a front-matter detail is the article's data, not its prose: a plain line, not a quote
        parts += [f"{f.label}: {f.value} [{f.number}]" for f in reply.facts]
        parts += [quote_text(q, bold) for q in reply.quotes]
        sources = [f"{f.number}. {citation.fact_label(f)}" for f in reply.facts]
        sources += [f"{q.number}. {citation.label(q.passage.chunk)}" for q in reply.quotes]
        parts.append("Sources:\n" + "\n".join(sources))
    if reply.safety_text and not first:
        parts.append(plain_markdown(reply.safety_text))
    if reply.followups and not acute:
        parts.append("You might also ask:\n" + _bullets(reply.followups))
    parts.append(reply.disclaimer)
    return "\n\n".join(parts)


def _bullets(lines: tuple[str, ...]) -> str:
    return "\n".join(f"- {line}" for line in lines)

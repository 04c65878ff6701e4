"""A chat turn: the reply as Markdown, crisis banner on top, sources one click away."""

from __future__ import annotations

import html
from dataclasses import replace

from ..types import Abstention, Document, Reply, safety_parts
from .html import sources_html
from .markdown import note_markdown, reply_markdown

TOPICS_HINT = "Questions our articles do answer are below: tap one to ask it."
CRISIS_BANNER = '<div class="crisis-banner" role="alert">\n\n{text}\n\n</div>'
# a part of the safety text in another language than the page's (English): a screen reader
# reads "Llama o envía un mensaje al 988" with a Spanish voice
IN_LANGUAGE = '<div lang="{lang}">\n\n{text}\n\n</div>'
VISITOR_TEXT = '<div class="visitor-text">{text}</div>'
# under a crisis banner for the visitor's own message, the quotes wait behind one click: a
# passage about how fast ketamine works reads as a brush-off to someone at risk, while a
# worried relative who asked a real question can still open it
AFTER_CRISIS = "What the clinic's articles say about your question"
AFTER_CRISIS_BLOCK = (
    '<details class="after-crisis"><summary>{summary}</summary>\n\n{body}\n\n</details>'
)


def user_markdown(question: str) -> str:
    """The visitor's own words, shown as typed: no HTML or Markdown in them takes effect.

    Backslashing Markdown's marks is not enough: a bare URL still became a link, and a line
    of "===" a heading. One line of HTML is a raw HTML block, which Markdown leaves alone; its
    text is escaped and its line breaks are entities (a blank line would end the block), which
    `white-space: pre-wrap` (serve/assets.py) shows as typed.
    """
    text = html.escape(question, quote=False).replace("\r\n", "\n").replace("\n", "&#10;")
    return VISITOR_TEXT.format(text=text)


def chat_markdown(reply: Reply, documents: dict[str, Document], anchor: str = "") -> str:
    """One chat turn: crisis banner first (acute), the quotes, the sources one click away.
    When the visitor's own message is acute, the quotes sit collapsed under the banner.

    Suggested topics and follow-ups are left out here; the chat shows them as buttons.
    `anchor` (e.g. "reply3", one per reply in the chat) prefixes the reply's ids: its
    citation marks link to its own Sources entries, never to another reply's.
    """
    acute = reply.crisis_level == "acute" and bool(reply.safety_text)
    safety = safety_markdown(reply)
    # acute safety text moves into the banner at the top instead of its usual place
    shown = replace(reply, suggestions=(), followups=(), safety_text="" if acute else safety)
    if reply.message and reply.message_language:  # the later line in the visitor's language
        shown = replace(shown, message=IN_LANGUAGE.format(lang=reply.message_language,
                                                          text=reply.message))  # fmt: skip
    if reply.abstention is Abstention.TOO_LONG:
        parts = [note_markdown(n) for n in reply.notes]
        if reply.safety_text and not acute:
            parts.insert(0, safety)
        body = "\n\n".join(parts)
    else:
        body = reply_markdown(shown, anchor=anchor)
        if reply.abstained and reply.suggestions:
            body = _before_disclaimer(body, reply, TOPICS_HINT)
    if reply.quotes:
        body = _before_disclaimer(body, reply, sources_html(reply, documents, anchor))
    if acute and reply.crisis_now:
        body = _after_crisis(body, reply)
    if acute:
        body = CRISIS_BANNER.format(text=safety) + "\n\n" + body
    return body


def safety_markdown(reply: Reply) -> str:
    """The reply's safety text, each part in another language than English marked with its
    `lang` (and then the English line too): the text itself unchanged."""
    parts = safety_parts(reply.safety_text, reply.safety_language)
    if len(parts) < 2:
        return reply.safety_text
    return "\n\n".join(IN_LANGUAGE.format(lang=lang, text=text) for lang, text in parts)


def _after_crisis(body: str, reply: Reply) -> str:
    """The reply under the banner for an acute message, its quotes collapsed."""
    head, tail = _split_disclaimer(body, reply)
    if not reply.quotes or not tail:
        return body
    return AFTER_CRISIS_BLOCK.format(summary=AFTER_CRISIS, body=head.rstrip()) + tail


def _before_disclaimer(body: str, reply: Reply, text: str) -> str:
    head, tail = _split_disclaimer(body, reply)
    return f"{head}\n\n{text}{tail}"


def _split_disclaimer(body: str, reply: Reply) -> tuple[str, str]:
    """(body without its closing disclaimer, the disclaimer with its blank line, or "")."""
    disclaimer = f"\n\n_{reply.disclaimer}_"
    return (body[: -len(disclaimer)], disclaimer) if body.endswith(disclaimer) else (body, "")

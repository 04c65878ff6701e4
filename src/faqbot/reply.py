"""The Reply a visitor reads: cited verbatim quotes (or an honest abstention) plus safety text."""

from __future__ import annotations

import html
import re
from dataclasses import asdict, dataclass, field

from .chunking import Span
from .retrieval import Hit

DISCLAIMER = (
    "General information from the clinic's articles, not medical advice. "
    "Please ask a licensed clinician about your own situation."
)
NOT_FOUND = "I couldn't find this in the clinic's articles."
_LIST_MARKER = re.compile(r"^(\s*(?:[-*+•]|\d{1,3}[.)])\s+)")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#|~$])")


@dataclass(frozen=True)
class Citation:
    number: int
    title: str
    publisher: str
    section: str
    doc_id: str
    chunk_id: str
    start: int
    end: int

    def label(self) -> str:
        source = f"{self.title} — {self.publisher}" if self.publisher else self.title
        return f'{source}, section "{self.section}"'


@dataclass(frozen=True)
class Quote:
    """A verbatim slice of one document: `hit.text == document.text[hit.start:hit.end]`."""

    hit: Hit
    citation: Citation
    highlights: tuple[Span, ...]  # absolute offsets of the answering sentence(s)
    trimmed_before: bool
    trimmed_after: bool
    answer_score: float


@dataclass(frozen=True)
class Reply:
    question: str
    quotes: tuple[Quote, ...]
    abstained: bool
    abstain_reason: str = ""
    suggestions: tuple[str, ...] = ()  # closest section titles, offered when abstaining
    followups: tuple[str, ...] = ()  # related sections to read next
    crisis: bool = False
    crisis_level: str = "none"  # "none" | "mention" | "acute"
    crisis_rule: str | None = None
    safety_text: str = ""
    disclaimer: str = DISCLAIMER
    notes: tuple[str, ...] = field(default=())  # e.g. passages withheld in a crisis reply

    @property
    def passages(self) -> list[Hit]:
        return [q.hit for q in self.quotes]

    @property
    def citations(self) -> list[Citation]:
        return [q.citation for q in self.quotes]

    @property
    def markdown(self) -> str:
        return render_markdown(self)

    def text(self) -> str:
        """The same reply for a terminal: Markdown layout without HTML escaping."""
        return render_markdown(self, html_escape=False)

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "abstained": self.abstained,
            "abstain_reason": self.abstain_reason,
            "crisis": self.crisis,
            "crisis_level": self.crisis_level,
            "crisis_rule": self.crisis_rule,
            "safety_text": self.safety_text,
            "passages": [
                asdict(q.hit)
                | {
                    "citation": q.citation.number,
                    "highlights": [[s.start, s.end] for s in q.highlights],
                    "highlight_text": [
                        q.hit.text[s.start - q.hit.start : s.end - q.hit.start]
                        for s in q.highlights
                    ],
                    "trimmed_before": q.trimmed_before,
                    "trimmed_after": q.trimmed_after,
                }
                for q in self.quotes
            ],
            "citations": [asdict(c) | {"label": c.label()} for c in self.citations],
            "suggestions": list(self.suggestions),
            "followups": list(self.followups),
            "notes": list(self.notes),
            "disclaimer": self.disclaimer,
            "markdown": self.markdown,
        }


def escape_markdown(text: str, html_escape: bool = True) -> str:
    """Make corpus text inert: HTML-escaped, Markdown specials backslashed; list markers kept."""
    if not html_escape:
        return text
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _line_markdown(line: str, bold: bool, html_escape: bool = True) -> str:
    marker = _LIST_MARKER.match(line)
    head, body = (marker.group(1), line[marker.end() :]) if marker else ("", line)
    body = escape_markdown(body, html_escape)
    if bold and body.strip():
        body = f"**{body}**"
    return (head.strip() + " " if head else "") + body


def quote_markdown(quote: Quote, html_escape: bool = True) -> str:
    """The quote as a Markdown blockquote, answer sentences bold, ellipses where trimmed."""
    hit, pieces, pos = quote.hit, [], quote.hit.start
    for span in sorted(quote.highlights, key=lambda s: s.start):
        pieces += [
            (hit.text[pos - hit.start : span.start - hit.start], False),
            (hit.text[span.start - hit.start : span.end - hit.start], True),
        ]
        pos = span.end
    pieces.append((hit.text[pos - hit.start :], False))
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
    lines[-1] += f" [{quote.citation.number}]"
    return "\n".join("> " + line if line else ">" for line in lines)


def render_markdown(reply: Reply, html_escape: bool = True) -> str:
    def esc(text: str) -> str:
        return escape_markdown(text, html_escape)

    parts: list[str] = []
    if reply.crisis_level == "acute" and reply.safety_text:
        parts.append(reply.safety_text)
    acute = reply.crisis_level == "acute"
    if reply.abstained and acute:
        pass  # "not in our articles" and topic lists read as a brush-off under a crisis message
    elif reply.abstained:
        parts.append(NOT_FOUND)
        if reply.suggestions:
            parts.append(
                "Closest topics in the articles:\n"
                + "\n".join(f"- {esc(s)}" for s in reply.suggestions)
            )
    notes = [f"_{esc(n)}_" for n in reply.notes]
    if reply.quotes and not reply.abstained:
        parts += notes  # caveats first: read before the quotes
        parts += [quote_markdown(q, html_escape) for q in reply.quotes]
        parts.append(
            "**Sources**\n" + "\n".join(f"{c.number}. {esc(c.label())}" for c in reply.citations)
        )
    else:
        parts += notes
    if reply.safety_text and reply.crisis_level != "acute":
        parts.append(reply.safety_text)
    if reply.followups and not acute:
        parts.append(
            "**You may also want to read:**\n" + "\n".join(f"- {esc(f)}" for f in reply.followups)
        )
    parts.append(f"_{reply.disclaimer}_")
    return "\n\n".join(parts)

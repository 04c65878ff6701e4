"""The nouns every stage shares: Document, Chunk, Passage, Quote and Reply (data only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from operator import attrgetter

DISCLAIMER = (
    "General information from the clinic's articles, not medical advice. "
    "Please ask a licensed clinician about your own situation."
)


@dataclass(frozen=True)
class Span:
    """Absolute character offsets [start, end) into a document's text."""

    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """One article. `text` is the body that chunk offsets point into."""

    doc_id: str
    title: str
    publisher: str
    text: str
    path: str
    markdown: bool
    meta: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Chunk:
    """A passage of one document; `document.text[start:end] == text` always holds."""

    chunk_id: str
    doc_id: str
    title: str
    publisher: str
    section: str
    start: int
    end: int
    text: str
    units: tuple[Span, ...]  # sentences and list items, absolute offsets, in order


@dataclass(frozen=True)
class Passage:
    """One retrieved chunk, best first; ranks are 1-based, None when a retriever missed it (rank 0:
    not retrieved, quoted because staff taught its sentence)."""

    chunk: Chunk
    score: float
    rank: int
    dense_rank: int | None = None
    dense_score: float | None = None
    lexical_rank: int | None = None
    lexical_score: float | None = None

    # the chunk's fields, read through: a passage refers to its chunk and copies nothing
    chunk_id = property(attrgetter("chunk.chunk_id"))
    doc_id = property(attrgetter("chunk.doc_id"))
    title = property(attrgetter("chunk.title"))
    publisher = property(attrgetter("chunk.publisher"))
    section = property(attrgetter("chunk.section"))
    text = property(attrgetter("chunk.text"))
    start = property(attrgetter("chunk.start"))
    end = property(attrgetter("chunk.end"))


@dataclass(frozen=True)
class Quote:
    """A verbatim slice of a retrieved passage's document: `document.text[start:end] == text`."""

    passage: Passage
    number: int  # its citation number: [1] is the first quote of the reply
    start: int
    end: int
    text: str
    highlights: tuple[Span, ...]  # absolute offsets of the answering sentence(s)
    trimmed_before: bool
    trimmed_after: bool


@dataclass(frozen=True)
class Fact:
    """A front-matter field of one article (reviewer, date...), cited like a quote: `value` is
    the field as written in the article's file in corpus/, never reworded."""

    doc_id: str
    title: str
    publisher: str
    field: str  # the front-matter key, e.g. "medical_reviewer"
    label: str  # how the reply names it, e.g. "Medically reviewed by"
    value: str
    number: int  # its citation number; the reply's quotes are numbered after its facts


class Abstention(Enum):
    """Why a reply quotes nothing; Reply.abstain_reason has the figures for the staff view."""

    LOW_RELEVANCE = "low relevance"
    RARE_WORDS = "rare words"
    TOO_LONG = "question too long"
    NOT_IN_DETAILS = "not in the article's details"  # e.g. an author the article doesn't name
    TAUGHT = "not in the articles (taught by staff)"
    OTHER_LANGUAGE = "asked in another language than the articles' English"


# the prefix of a crisis rule found only with the visitor's earlier messages (safety/detector.py)
CONVERSATION_RULE = "conversation:"


class MarkdownText(str):
    """A note in the bot's own Markdown, from a data file the clinic edits (the current crisis
    line beside a retired one), never a visitor's or an article's words: the web shows it as
    Markdown, links and bold, where any other note is escaped. A plain `str` everywhere else
    (JSON, equality); a note rebuilt as a plain `str` is escaped, the safe side."""

    __slots__ = ()


def safety_parts(text: str, language: str) -> tuple[tuple[str, str], ...]:
    """A safety text as (language code, text) parts, for a reader that marks each part's
    language: with `language` ("es"), the part in it and the English line, its last paragraph
    (safety.shown_language); without, the whole text as English; () for no text."""
    if not text:
        return ()
    own, _, english = text.rpartition("\n\n")
    if not language or not own:
        return (("en", text),)
    return ((language, own), ("en", english))


@dataclass(frozen=True)
class Reply:
    """What the bot answers: cited verbatim quotes, or an abstention, plus the safety fields."""

    question: str
    quotes: tuple[Quote, ...]
    abstention: Abstention | None = None
    abstain_reason: str = ""
    # questions a visitor would ask to read a related section (data/followups.toml): offered
    # when abstaining on a near miss (suggestions) or after an answer (followups)
    suggestions: tuple[str, ...] = ()
    followups: tuple[str, ...] = ()
    crisis: bool = False
    crisis_level: str = "none"  # "none" | "mention" | "acute"
    crisis_rule: str | None = None
    safety_text: str = ""
    # the code of the language safety_text starts in when not English ("es"): that part first,
    # then the English line as its last paragraph (safety_parts); "" all English
    safety_language: str = ""
    disclaimer: str = DISCLAIMER
    notes: tuple[str, ...] = ()  # caveats, e.g. what the articles don't say
    uncovered: tuple[str, ...] = ()  # the question's words no quote covers (empty: all covered)
    facts: tuple[Fact, ...] = ()  # answers from the articles' front matter, shown first
    taught: str = ""  # the staff-taught question it was answered from (corpus/curated.yaml)
    # "question", or small talk ("greeting", "thanks", "contact") answered with `message`: the
    # bot's own fixed wording from data/clinic.toml, never a quote (under a crisis message with
    # no quote left, `message` is the line that questions can wait, from data/crisis.toml)
    intent: str = "question"
    message: str = ""
    message_language: str = ""  # the code of the language `message` is in when not English

    @property
    def abstained(self) -> bool:
        return self.abstention is not None

    @property
    def crisis_now(self) -> bool:
        """The visitor's own message reads as acute, not only read together with their earlier
        messages (whose rule the safety layer prefixes CONVERSATION_RULE)."""
        return self.crisis_level == "acute" and not (self.crisis_rule or "").startswith(
            CONVERSATION_RULE
        )

    @property
    def passages(self) -> list[Passage]:
        """The retrieved passages the quotes are cut from, in quote order."""
        return [q.passage for q in self.quotes]


@dataclass(frozen=True)
class SearchResult(Sequence):
    """Passages for a search, best first, with the safety assessment of the query: a list of
    Passage to iterate, index and count, plus the crisis fields every public answer carries."""

    passages: tuple[Passage, ...]
    crisis_level: str = "none"  # "none" | "mention" | "acute"
    crisis_rule: str | None = None
    safety_text: str = ""
    safety_language: str = ""  # as Reply's: the language safety_text starts in, "" English
    notes: tuple[str, ...] = ()  # e.g. the current crisis line beside a retired one

    def __getitem__(self, i):
        return self.passages[i]

    def __len__(self) -> int:
        return len(self.passages)

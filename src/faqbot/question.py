"""A question as the pipeline takes it: broken characters replaced, checked against the limits."""

from __future__ import annotations

import re
import unicodedata

from .settings import RETRIEVERS, Limits

EMPTY = "The question is empty. Type a question, e.g. 'Can I drive after a session?'"
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Lone surrogates (undecodable terminal bytes, half an emoji from a browser, JSON's
    "\\ud800") as U+FFFD, so every layer can encode the text; the tokenizer would reject them."""
    return _SURROGATE.sub("\ufffd", text)


def require_text(question: object) -> str:
    """The question, cleaned.

    Raises:
        ValueError: not text, or nothing but white space and invisible characters (zero-width
            spaces and joiners, bidi marks: they got the greeting once).
    """
    if not isinstance(question, str) or not visible(question):
        raise ValueError(EMPTY)
    return clean_text(question)


def visible(text: str) -> bool:
    """True when some character is neither white space nor an invisible format character."""
    return any(not c.isspace() and unicodedata.category(c) != "Cf" for c in text)


def validate(question: object, limits: Limits) -> str:
    """The question cleaned and stripped.

    Raises:
        ValueError: empty, or over the length limit (the message gives both lengths).
    """
    question = require_text(question)
    if len(question) > limits.max_question_chars:
        raise ValueError(
            f"The question is {len(question):,} characters long; the limit is "
            f"{limits.max_question_chars:,}. Please shorten it."
        )
    return question.strip()


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def asked_in(text: str, most_chars: int) -> str | None:
    """The last sentence of a (long) message that asks something: it ends in "?" and has at
    least three words; None when there is none, or it is itself over `most_chars`."""
    for sentence in reversed(_SENTENCE_END.split(text.strip())):
        sentence = sentence.strip()
        if sentence.endswith("?") and len(sentence.split()) >= 3:
            return sentence if len(sentence) <= most_chars else None
    return None


def check_search(k: object, retriever: str | None, limits: Limits) -> None:
    """Raises ValueError for k outside 1..max_k or an unknown retriever, naming what is allowed."""
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= limits.max_k:
        raise ValueError(f"k must be a whole number from 1 to {limits.max_k}, got {k!r}")
    if retriever is not None and retriever not in RETRIEVERS:
        raise ValueError(f"retriever must be one of {', '.join(RETRIEVERS)}, got {retriever!r}")

"""Replies and passages as JSON-ready dicts: the JSON API's and `--json`'s shapes."""

from __future__ import annotations

from ..types import Passage, Quote, Reply, SearchResult
from . import citation
from .markdown import reply_markdown


def passage_dict(passage: Passage) -> dict:
    """A ranked passage: its chunk's place and text, and every retriever's rank and score."""
    return _passage_fields(passage, passage.text, passage.start, passage.end)


def _passage_fields(passage: Passage, text: str, start: int, end: int) -> dict:
    chunk = passage.chunk
    return {
        "chunk_id": chunk.chunk_id,
        "text": text,
        "score": passage.score,
        "doc_id": chunk.doc_id,
        "title": chunk.title,
        "publisher": chunk.publisher,
        "section": chunk.section,
        "start": start,
        "end": end,
        "rank": passage.rank,
        "dense_rank": passage.dense_rank,
        "dense_score": passage.dense_score,
        "lexical_rank": passage.lexical_rank,
        "lexical_score": passage.lexical_score,
    }


def quote_dict(quote: Quote) -> dict:
    """A quote: the passage's fields with the quoted text and offsets, and its highlights."""
    return _passage_fields(quote.passage, quote.text, quote.start, quote.end) | {
        "citation": quote.number,
        "highlights": [[s.start, s.end] for s in quote.highlights],
        "highlight_text": [
            quote.text[s.start - quote.start : s.end - quote.start] for s in quote.highlights
        ],
        "trimmed_before": quote.trimmed_before,
        "trimmed_after": quote.trimmed_after,
    }


def reply_dict(reply: Reply) -> dict:
    return {
        "question": reply.question,
        "abstained": reply.abstained,
        "abstain_reason": reply.abstain_reason,
        "crisis": reply.crisis,
        "crisis_level": reply.crisis_level,
        "crisis_rule": reply.crisis_rule,
        "safety_text": reply.safety_text,
        "safety_language": reply.safety_language,
        "passages": [quote_dict(q) for q in reply.quotes],
        "citations": [citation.record(q) for q in reply.quotes],
        "facts": [citation.fact_record(f) for f in reply.facts],
        "suggestions": list(reply.suggestions),
        "followups": list(reply.followups),
        "notes": list(reply.notes),
        "uncovered": list(reply.uncovered),
        "intent": reply.intent,
        "message": reply.message,
        "message_language": reply.message_language,
        "disclaimer": reply.disclaimer,
        # Markdown as text, its escapes backslashes: "&", not "&amp;" (HTML is the reader's)
        "markdown": reply_markdown(reply, html_escape=False),
    }


def search_dict(result: SearchResult) -> dict:
    """A search as JSON: the passages and the query's safety fields, as a reply carries them."""
    return {
        "passages": [passage_dict(p) for p in result],
        "crisis": result.crisis_level != "none",
        "crisis_level": result.crisis_level,
        "crisis_rule": result.crisis_rule,
        "safety_text": result.safety_text,
        "safety_language": result.safety_language,
        "notes": list(result.notes),
    }

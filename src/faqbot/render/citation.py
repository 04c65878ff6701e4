"""How a source is named: the one place a citation is formatted."""

from __future__ import annotations

from ..types import Chunk, Fact, Quote


def source(chunk: Chunk) -> str:
    """The article and its publisher: 'Title — Publisher'."""
    return f"{chunk.title} — {chunk.publisher}" if chunk.publisher else chunk.title


def label(chunk: Chunk) -> str:
    """'Title — Publisher, section "Section"', as the Sources list shows it."""
    return f'{source(chunk)}, section "{chunk.section}"'


def fact_label(fact: Fact) -> str:
    """'Title — Publisher, article details': where a front-matter fact comes from."""
    where = f"{fact.title} — {fact.publisher}" if fact.publisher else fact.title
    return f"{where}, article details"


def fact_record(fact: Fact) -> dict:
    """A front-matter fact as the JSON API gives it."""
    return {
        "number": fact.number,
        "field": fact.field,
        "label": fact.label,
        "value": fact.value,
        "title": fact.title,
        "publisher": fact.publisher,
        "doc_id": fact.doc_id,
        "source": fact_label(fact),
    }


def plain(chunk: Chunk) -> str:
    """A citation staff can paste: the passage's words, source, section, characters, passage id."""
    return (
        f'"{" ".join(chunk.text.split())}" ({source(chunk)}, section "{chunk.section}", '
        f"{chunk.doc_id} characters {chunk.start}-{chunk.end}, passage {chunk.chunk_id})"
    )


def record(quote: Quote) -> dict:
    """The citation of a quote as the JSON API gives it."""
    chunk = quote.passage.chunk
    return {
        "number": quote.number,
        "title": chunk.title,
        "publisher": chunk.publisher,
        "section": chunk.section,
        "doc_id": chunk.doc_id,
        "chunk_id": chunk.chunk_id,
        "start": quote.start,
        "end": quote.end,
        "label": label(chunk),
    }

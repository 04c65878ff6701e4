"""The text of a chunk as each index sees it: embedded, BM25-tokenised, or one sentence of it."""

from __future__ import annotations

from ..types import Chunk, Span


def passage_for_embedding(chunk: Chunk, with_context: bool) -> str:
    return f"{chunk.section}. {chunk.text}" if with_context else chunk.text


def passage_for_lexical(chunk: Chunk) -> str:
    return f"{chunk.section}\n{chunk.text}"


def chunk_unit_text(chunk: Chunk, unit: Span) -> str:
    return chunk.text[unit.start - chunk.start : unit.end - chunk.start]

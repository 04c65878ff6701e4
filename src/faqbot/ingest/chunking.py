"""Structure-aware chunking: whole sentences, lists kept with their lead-in, section-aware."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ..types import Chunk, Document, Span

INTRO_SECTION = "Introduction"
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+\S")
# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space and a capital,
# digit or opening quote. Abbreviations such as "Dr." are rejoined afterwards.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[A-Z0-9\"'“‘(\[$])")
_ABBREVIATIONS = ("Dr.", "Mr.", "Mrs.", "Ms.", "Prof.", "St.", "vs.", "e.g.", "i.e.", "etc.")


@dataclass(frozen=True)
class _Atom:
    """Units that must stay together (a lead-in sentence and its list)."""

    section: str
    units: tuple[Span, ...]
    words: int
    paragraph: int


def split_sentences(text: str, offset: int = 0) -> list[Span]:
    """Split one paragraph into sentence spans (absolute offsets), trimming whitespace."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        head = text[start : match.start() + 1]
        if head.endswith(_ABBREVIATIONS):
            continue
        spans.append((start, match.start() + len(match.group(0).rstrip())))
        start = match.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        piece = text[s:e]
        s += len(piece) - len(piece.lstrip())
        e -= len(piece) - len(piece.rstrip())
        if e > s:
            out.append(Span(offset + s, offset + e))
    return out


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _blocks(doc: Document):
    """Yield (kind, section, spans, paragraph_no): kind is 'para' or 'list'."""
    section, para_no = INTRO_SECTION, 0
    para: list[tuple[int, str]] = []
    items: list[Span] = []

    def flush():
        nonlocal para, items, para_no
        if para:
            start, end = para[0][0], para[-1][0] + len(para[-1][1])
            yield "para", section, split_sentences(doc.text[start:end], start), para_no
        if items:
            yield "list", section, list(items), para_no
        if para or items:
            para_no += 1
        para, items = [], []

    for pos, line in _lines(doc.text):
        heading = _HEADING.match(line) if doc.markdown else None
        if heading or not line.strip():
            yield from flush()
            if heading:
                section = heading.group(2).strip() or section
            continue
        if _LIST_ITEM.match(line):
            if para:  # the list belongs to the paragraph just above it
                start, end = para[0][0], para[-1][0] + len(para[-1][1])
                yield "para", section, split_sentences(doc.text[start:end], start), para_no
                para = []
            lead = len(line) - len(line.lstrip())
            items.append(Span(pos + lead, pos + len(line.rstrip())))
        elif items and line.startswith((" ", "\t")):  # continuation of a list item
            items[-1] = Span(items[-1].start, pos + len(line.rstrip()))
        else:
            if items:
                yield from flush()
            para.append((pos, line))
            if not doc.markdown:  # plain text: one line, one paragraph
                yield from flush()
    yield from flush()


def _atoms(doc: Document) -> list[_Atom]:
    atoms: list[_Atom] = []

    def words(spans) -> int:
        return sum(len(doc.text[s.start : s.end].split()) for s in spans)

    previous_kind = None
    for kind, section, spans, para_no in _blocks(doc):
        follows_para = previous_kind == "para" and atoms and atoms[-1].section == section
        previous_kind = kind
        if kind == "list" and follows_para:
            lead = atoms.pop()  # keep the list with the sentence that introduces it
            spans = [*lead.units, *spans]
            atoms.append(_Atom(section, tuple(spans), words(spans), para_no))
        elif kind == "list":
            atoms.append(_Atom(section, tuple(spans), words(spans), para_no))
        else:
            atoms.extend(_Atom(section, (s,), words([s]), para_no) for s in spans)
    return atoms


def chunk_id(doc_id: str, text: str) -> str:
    return hashlib.sha256(f"{doc_id}\x00{text}".encode()).hexdigest()[:16]


def chunk_document(doc: Document, max_words: int) -> list[Chunk]:
    """Pack whole sentences (and lists with their lead-in) into chunks of up to max_words.

    A chunk never crosses a section heading; an atom longer than max_words becomes its own chunk.
    """
    if max_words < 1:
        raise ValueError(f"max_words must be at least 1, got {max_words}")
    groups: list[list[_Atom]] = []
    for atom in _atoms(doc):
        current = groups[-1] if groups else None
        if (
            current
            and current[0].section == atom.section
            and sum(a.words for a in current) + atom.words <= max_words
        ):
            current.append(atom)
        else:
            groups.append([atom])
    chunks, seen = [], set()
    for group in groups:
        units = tuple(u for a in group for u in a.units)
        start, end = units[0].start, units[-1].end
        text = doc.text[start:end]
        cid = chunk_id(doc.doc_id, text)
        if cid in seen:  # the same passage twice in one article: disambiguate by position
            cid = chunk_id(doc.doc_id, f"{start}\x00{text}")
        seen.add(cid)
        chunks.append(
            Chunk(
                cid, doc.doc_id, doc.title, doc.publisher, group[0].section, start, end, text, units
            )
        )
    return chunks


def chunk_corpus(documents, max_words: int) -> list[Chunk]:
    return [c for doc in documents for c in chunk_document(doc, max_words)]

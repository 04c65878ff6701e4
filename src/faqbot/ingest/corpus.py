"""Load the clinic's articles (Markdown with front matter, or plain text) into Documents."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..settings import Limits
from ..types import Document


@dataclass(frozen=True)
class CorpusProblem:
    """A file that was skipped, with the reason a person can act on."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True)
class Corpus:
    documents: tuple[Document, ...]
    problems: tuple[CorpusProblem, ...]
    fingerprint: (
        str  # hash of every loaded file's name and bytes: a changed corpus means a stale index
    )

    def by_id(self, doc_id: str) -> Document:
        for doc in self.documents:
            if doc.doc_id == doc_id:
                return doc
        raise KeyError(f"No document {doc_id!r} in the corpus")


def _split_front_matter(raw: str) -> tuple[dict, str]:
    if not raw.startswith("---\n"):
        return {}, raw
    end = raw.find("\n---\n", 4)
    if end < 0:
        raise ValueError("front matter opened with '---' is never closed by a '---' line")
    try:
        meta = yaml.safe_load(raw[4:end]) or {}
    except yaml.YAMLError as exc:  # e.g. "- &." (an anchor with no name): say which part broke
        raise ValueError(f"front matter is not valid YAML ({exc.__class__.__name__})") from None
    if not isinstance(meta, dict):
        raise ValueError("front matter is not a 'key: value' mapping")
    return meta, raw[end + 5 :]


def parse_document(path: Path, raw: str) -> Document:
    """Build a Document from a file's text. Raises ValueError with the reason when unusable."""
    if "\x00" in raw:
        raise ValueError("looks like a binary file (contains NUL bytes)")
    markdown = path.suffix.lower() == ".md"
    meta, body = _split_front_matter(raw) if markdown else ({}, raw)
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n") + "\n"
    if not body.strip():
        raise ValueError("has no text")
    title = str(meta.get("title") or "").strip()
    if not title:
        first = next(line for line in body.splitlines() if line.strip())
        title = first.lstrip("# ").strip()[:120]
    meta = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in meta.items()}
    return Document(
        doc_id=path.stem,
        title=title,
        publisher=str(meta.get("publisher") or "").strip(),
        text=body,
        path=str(path),
        markdown=markdown,
        meta=meta,
    )


SUPPORTED_SUFFIXES = (".md", ".txt")


def corpus_files(directory: Path) -> list[Path]:
    return sorted(
        p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
    )


def load_corpus(directory: str | Path, limits: Limits | None = None) -> Corpus:
    """Load every .md and .txt file; a file that cannot be used is reported, the rest still load.

    Raises:
        ValueError: the folder is missing or holds no usable document.
    """
    directory = Path(directory)
    max_bytes = (limits or Limits()).max_file_bytes
    if not directory.is_dir():
        raise ValueError(f"Corpus folder {directory} does not exist. Create it and add .md files.")
    docs: list[Document] = []
    problems: list[CorpusProblem] = []
    seen_bodies: dict[str, str] = {}
    digest = hashlib.sha256()
    for path in corpus_files(directory):
        try:
            data = path.read_bytes()
            if len(data) > max_bytes:
                raise ValueError(f"is {len(data):,} bytes, over the {max_bytes:,} limit")
            try:
                raw = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ValueError(
                    f"is not UTF-8 ({exc.reason} at byte {exc.start}); re-save it as UTF-8"
                ) from None
            doc = parse_document(path, raw)
        except (OSError, ValueError, yaml.YAMLError, StopIteration) as exc:
            problems.append(CorpusProblem(path.name, f"skipped: {str(exc).splitlines()[0]}"))
            continue
        body_hash = hashlib.sha256(doc.text.encode()).hexdigest()
        if body_hash in seen_bodies:
            problems.append(
                CorpusProblem(path.name, f"skipped: duplicate of {seen_bodies[body_hash]}")
            )
            continue
        seen_bodies[body_hash] = path.name
        digest.update(path.name.encode() + b"\x00" + data + b"\x00")
        docs.append(doc)
    if not docs:
        found = ", ".join(str(p) for p in problems) or "no .md or .txt files"
        raise ValueError(f"No usable document in {directory} ({found}). Add .md files and rebuild.")
    return Corpus(tuple(docs), tuple(problems), digest.hexdigest())

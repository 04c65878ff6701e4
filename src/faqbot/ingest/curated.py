"""Staff-taught answers in corpus/curated.yaml: read and checked against the corpus, appended to.

The file is a YAML list, reviewed and versioned like the articles. Each entry is a question and
either the verbatim sentence of one article that answers it, or `not_in_articles: true`:

    - question: Can I drive home after my session?
      document: mindbloom-5-benefits
      sentence: "You should not drive until the next day."
      author: dana
      date: '2026-11-30'
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from ..types import Span
from .corpus import Corpus

CURATED_FILE = "curated.yaml"
HEADER = (
    "# Answers taught by the clinic's staff on the staff desk (/staff), one entry per question.\n"
    "# Reviewed and versioned like the articles; docs/UI.md describes the fields.\n"
)
KEYS = ("question", "document", "sentence", "not_in_articles", "author", "date")
_FIX = "Fix that entry (see the example at the top of faqbot/ingest/curated.py) or remove it"


@dataclass(frozen=True)
class CuratedRow:
    """One taught question: the sentence that answers it (empty: not in the articles)."""

    question: str
    doc_id: str = ""
    sentence: str = ""
    author: str = ""
    date: str = ""
    line: int = field(default=0, compare=False)  # where the entry starts in the file
    span: Span | None = field(default=None, compare=False)  # the sentence in its document

    @property
    def not_in_articles(self) -> bool:
        return not self.sentence

    def entry(self) -> dict:
        """The entry as the file holds it."""
        if self.not_in_articles:
            head = {"question": self.question, "not_in_articles": True}
        else:
            head = {"question": self.question, "document": self.doc_id, "sentence": self.sentence}
        return head | {"author": self.author, "date": self.date}


@dataclass(frozen=True)
class CuratedSet:
    """The entries that can be served, and the ones that cannot with the reason."""

    path: Path
    rows: tuple[CuratedRow, ...] = ()
    problems: tuple[str, ...] = ()


def load_curated(path: str | Path, corpus: Corpus) -> CuratedSet:
    """Read the file (missing: no entries) and place each sentence in its document.

    An entry whose document or sentence is no longer in the corpus is left out and reported in
    `problems`; it is never served.

    Raises:
        ValueError: the file is not valid YAML or an entry is malformed, naming file and line.
    """
    path = Path(path)
    if not path.is_file():
        return CuratedSet(path)
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as why:
        line = why.problem_mark.line + 1 if why.problem_mark else "?"
        problem = why.problem or "unreadable"
        if why.context and why.context_mark and why.context_mark.line + 1 != line:
            problem += f", {why.context} at line {why.context_mark.line + 1}"
        raise ValueError(
            f"{path} line {line}: not valid YAML ({problem}). Fix it there (each entry starts "
            "with '- question:'; put text holding ': ' or ' #' in quotes), or undo the edit: "
            f"git checkout -- {path}"
        ) from None
    if root is None:
        return CuratedSet(path)
    if not isinstance(root, yaml.SequenceNode):
        raise ValueError(f"{path} line 1: must be a list of entries, each '- question: ...'.")
    rows, problems = [], []
    for node in root.value:
        row = _row(path, node)
        where = _place(row, corpus)
        if isinstance(where, str):
            problems.append(f"{path.name} line {row.line}: {where}; it is not served.")
        else:
            rows.append(replace(row, span=where))
    return CuratedSet(path, tuple(rows), tuple(problems))


def _row(path: Path, node) -> CuratedRow:
    line = node.start_mark.line + 1
    value = yaml.SafeLoader("").construct_document(node)
    if not isinstance(value, dict):
        raise ValueError(f"{path} line {line}: an entry must be 'key: value' lines. {_FIX}.")
    unknown = sorted(set(map(str, value)) - set(KEYS))
    if unknown:
        raise ValueError(
            f"{path} line {line}: unknown key {unknown[0]!r}; the keys are {', '.join(KEYS)}."
        )
    text = {k: value.get(k) for k in KEYS}
    if not isinstance(text["question"], str) or not text["question"].strip():
        raise ValueError(f"{path} line {line}: the entry needs a 'question' (text). {_FIX}.")
    taught = text["sentence"] is not None or text["document"] is not None
    if taught == bool(text["not_in_articles"]):
        raise ValueError(
            f"{path} line {line}: give either 'document' and 'sentence', or "
            f"'not_in_articles: true'. {_FIX}."
        )
    if taught and not all(isinstance(text[k], str) and text[k] for k in ("document", "sentence")):
        raise ValueError(f"{path} line {line}: 'document' and 'sentence' must be text. {_FIX}.")
    return CuratedRow(
        text["question"].strip(),
        text["document"] or "",
        text["sentence"] or "",
        str(text["author"] or ""),
        str(text["date"] or ""),
        line,
    )


def _place(row: CuratedRow, corpus: Corpus) -> Span | None | str:
    """The sentence's offsets in its document, None for "not in the articles", or the problem."""
    if row.not_in_articles:
        return None
    try:
        doc = corpus.by_id(row.doc_id)
    except KeyError:
        return f"the document {row.doc_id!r} is no longer in the corpus"
    start = doc.text.find(row.sentence)
    if start < 0:
        return f"the sentence {_short(row.sentence)!r} is no longer in {row.doc_id}"
    return Span(start, start + len(row.sentence))


def append_curated(path: str | Path, row: CuratedRow) -> None:
    """Add one entry at the end of the file, written whole to a temporary file and then moved
    into place: a reader sees the old file or the new one, never half of one."""
    path = Path(path)
    block = yaml.safe_dump(
        [row.entry()], sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f".{path.name}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two desks saving at once both keep their entry
        old = path.read_text(encoding="utf-8") if path.is_file() else HEADER
        if old and not old.endswith("\n"):
            old += "\n"
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(old + block)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

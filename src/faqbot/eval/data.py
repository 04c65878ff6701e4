"""Evaluation data: labelled JSONL questions or a BEIR folder, and the quote relevance rule."""

from __future__ import annotations

import csv
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

KINDS = ("in_scope", "out_of_scope", "crisis", "benign")
SUBKINDS = ("off_topic", "near_domain")
LEVELS = ("acute", "mention")
# A partial overlap must also be this long: without it a short quote ("Lower long-term costs")
# would match any passage sharing half of it ("Lower long-term"). Short quotes must appear whole.
MIN_OVERLAP_CHARS = 60


@dataclass(frozen=True)
class Question:
    """One labelled question. In-scope rows carry alternative answer quotes or judged doc ids."""

    qid: str
    question: str
    kind: str
    answers: tuple[str, ...] = ()
    subkind: str = ""  # out_of_scope: off_topic | near_domain
    level: str = ""  # crisis: acute | mention
    # the visitor's earlier messages in the same chat, oldest first: a follow-up ("is that
    # covered?") is asked after them (tests/data/questions/followups_*.jsonl)
    earlier: tuple[str, ...] = ()
    # BEIR only: judged doc id -> relevance grade (qrels)
    judged: dict[str, int] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Dataset:
    name: str
    questions: tuple[Question, ...]
    by_quote: bool  # True: relevance by answer quotes; False: by BEIR doc ids (qrels)

    def of_kind(self, kind: str) -> list[Question]:
        return [q for q in self.questions if q.kind == kind]


def normalize(text: str) -> str:
    """Collapse every run of whitespace (incl. non-breaking spaces) to one space; strip the ends."""
    return " ".join(text.split())


def quote_matches(passage: str, quote: str) -> bool:
    """The relevance rule, on whitespace-normalised text (see docs/EVALUATION.md).

    True when the passage contains the quote, the quote contains the passage, or their longest
    common substring is at least half the quote's characters and at least MIN_OVERLAP_CHARS.
    """
    p, q = normalize(passage), normalize(quote)
    if not p or not q:
        return False
    if q in p or p in q:
        return True
    # LCS >= ceil(len/2) exactly when some window of that length of the quote occurs in p
    need = max(math.ceil(len(q) / 2), MIN_OVERLAP_CHARS)
    if need >= len(q):
        return False  # only a whole-quote match would do, and it was checked above
    return any(q[i : i + need] in p for i in range(len(q) - need + 1))


def is_relevant(passage: str, quotes: tuple[str, ...] | list[str]) -> bool:
    """A passage answers a question when it matches any one of its (alternative) quotes."""
    return any(quote_matches(passage, q) for q in quotes)


def _fail(path: Path, line: int, message: str) -> ValueError:
    return ValueError(f"{path} line {line}: {message}")


def _strings(value, path: Path, line: int, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(path, line, f'"{key}" must be a list of non-empty strings, got {value!r}')
    return tuple(value)


def _question(row: dict, path: Path, line: int) -> Question:
    qid, text, kind = row.get("id"), row.get("question"), row.get("kind")
    if kind == "near_domain":  # the blind question sets' spelling of out_of_scope/near_domain
        kind, row = "out_of_scope", row | {"subkind": "near_domain"}
    if not isinstance(qid, str) or not qid:
        raise _fail(path, line, 'needs an "id" string, e.g. "q001"')
    if not isinstance(text, str) or not text.strip():
        raise _fail(path, line, f'row {qid} needs a non-empty "question"')
    if kind not in KINDS:
        raise _fail(path, line, f"kind {kind!r} of {qid} is not one of {', '.join(KINDS)}")
    answers, subkind, level = (), "", ""
    if kind == "in_scope":
        answers = _strings(row.get("answers"), path, line, "answers")
    if kind == "out_of_scope":
        subkind = row.get("subkind", "")
        if subkind not in SUBKINDS:
            raise _fail(path, line, f"subkind {subkind!r} of {qid} is not one of {SUBKINDS}")
    if kind == "crisis":
        level = row.get("level", "")
        if level not in LEVELS:
            raise _fail(path, line, f"level {level!r} of {qid} is not one of {LEVELS}")
    earlier = _strings(row["earlier"], path, line, "earlier") if "earlier" in row else ()
    return Question(qid, text, kind, answers, subkind, level, earlier=earlier)


def load_jsonl(path: str | Path) -> Dataset:
    """Read a labelled dev set, one JSON object per line (format in docs/EVALUATION.md).

    Raises:
        ValueError: unreadable line, missing field or duplicate id, naming the line.
    """
    path = Path(path)
    questions: list[Question] = []
    seen: set[str] = set()
    for line, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise _fail(path, line, f"is not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise _fail(path, line, "must be a JSON object")
        q = _question(row, path, line)
        if q.qid in seen:
            raise _fail(path, line, f"id {q.qid!r} is used twice; ids must be unique")
        seen.add(q.qid)
        questions.append(q)
    if not questions:
        raise ValueError(f"{path} holds no questions. Add one JSON object per line.")
    return Dataset(path.stem, tuple(questions), by_quote=True)


def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def beir_qrels_file(folder: Path, split: str = "test") -> Path:
    files = sorted((folder / "qrels").glob("*.tsv"))
    named = folder / "qrels" / f"{split}.tsv"
    if named.is_file():
        return named
    if len(files) == 1:
        return files[0]
    found = ", ".join(f.name for f in files) or "none"
    raise ValueError(f"No qrels/{split}.tsv in {folder} (found: {found}). Pick one with --split.")


def load_beir(folder: str | Path, split: str = "test") -> tuple[Dataset, list[dict]]:
    """Queries judged in qrels/<split>.tsv (grade > 0) and the corpus rows, from a BEIR folder."""
    folder = Path(folder)
    for name in ("corpus.jsonl", "queries.jsonl"):
        if not (folder / name).is_file():
            raise ValueError(f"{folder} is not a BEIR folder: {name} is missing.")
    judged: dict[str, dict[str, int]] = {}
    with open(beir_qrels_file(folder, split), encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if len(row) < 3 or not row[2].strip().lstrip("-").isdigit():
                continue  # the header line, or a blank one
            if int(row[2]) > 0:
                judged.setdefault(row[0], {})[row[1]] = int(row[2])
    texts = {str(r["_id"]): r["text"] for r in _read_jsonl(folder / "queries.jsonl")}
    questions = tuple(
        Question(qid, texts[qid], "in_scope", judged=docs)
        for qid, docs in judged.items()
        if qid in texts
    )
    if not questions:
        raise ValueError(f"No query in {folder}/queries.jsonl has a relevance judgement in qrels.")
    return Dataset(folder.name, questions, by_quote=False), _read_jsonl(folder / "corpus.jsonl")


def write_beir_corpus(rows: list[dict], folder: Path) -> dict[str, str]:
    """Write each BEIR document as a Markdown file; returns faqbot doc_id -> BEIR doc id."""
    folder.mkdir(parents=True, exist_ok=True)
    mapping: dict[str, str] = {}
    for n, row in enumerate(rows):
        beir_id = str(row["_id"])
        stem = re.sub(r"[^A-Za-z0-9_-]", "_", beir_id)[:80]
        if stem in mapping or not stem:
            stem = f"{stem}_{n}"
        title = str(row.get("title") or "").strip() or beir_id
        body = str(row.get("text") or "").strip() or title
        head = yaml.safe_dump({"title": title}, allow_unicode=True, width=10_000)
        (folder / f"{stem}.md").write_text(f"---\n{head}---\n\n{body}\n", encoding="utf-8")
        mapping[stem] = beir_id
    return mapping


def load_dataset(path: str | Path, split: str = "test") -> tuple[Dataset, list[dict] | None]:
    """A JSONL dev set, or a BEIR folder (then also its corpus rows).

    Raises:
        ValueError: the path is neither, with what to pass instead.
    """
    path = Path(path)
    if path.is_dir():
        return load_beir(path, split)
    if path.is_file():
        return load_jsonl(path), None
    raise ValueError(
        f"No dataset at {path}. Pass a JSONL dev set or a BEIR folder: faqbot eval PATH"
    )

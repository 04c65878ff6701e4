"""Follow-up questions: one visitor-phrased question per article section (data/followups.toml),
checked against the corpus's sections when the bot loads; safety-sensitive ones never offered."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .safety import passage_mentions_suicide

DEFAULT_FOLLOWUPS_PATH = Path(__file__).resolve().parent / "data" / "followups.toml"
Section = tuple[str, str]  # (doc_id, section heading)


@dataclass(frozen=True)
class FollowUps:
    """The question to offer for each section; a section missing here is never offered."""

    questions: dict[Section, str]
    problems: tuple[str, ...]  # what the file gets wrong, worded for the person who edits it


def load_followups(sections: Iterable[Section], path: Path | str | None = None) -> FollowUps:
    """The questions of `path` (default: the packaged file) for the corpus's `sections`.

    Every problem is reported, none is fatal: an unknown article or heading, a section with no
    entry, a question or heading about suicide or self-harm (left out, never offered). A file
    that names none of the corpus's articles was written for another corpus: it is ignored
    whole, nothing is offered and nothing reported (a test corpus, a clinic's own articles
    before their file is written).

    Raises:
        ValueError: the file is missing, not TOML, or not tables of "heading" = "question".
    """
    source = Path(path) if path is not None else DEFAULT_FOLLOWUPS_PATH
    fix = f"Fix {source} (its header says how)."
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"Follow-up questions {source} cannot be read ({exc}). {fix}") from None
    known = list(dict.fromkeys(sections))
    docs = {doc for doc, _ in known}
    if docs.isdisjoint(data):
        return FollowUps({}, ())
    questions: dict[Section, str] = {}
    problems: list[str] = []
    for doc, table in data.items():
        if not isinstance(table, dict) or not all(isinstance(q, str) for q in table.values()):
            raise ValueError(f'[{doc}] in {source} must hold "heading" = "question" lines. {fix}')
        if doc not in docs:
            problems.append(f"[{doc}]: no such article in the corpus; its questions are unused")
            continue
        for heading, question in table.items():
            if (doc, heading) not in known:
                problems.append(f'[{doc}] "{heading}": no such section in the article')
            elif passage_mentions_suicide(heading) or passage_mentions_suicide(question):
                if question:
                    problems.append(f'[{doc}] "{heading}": about suicide or self-harm, not offered')
            elif question.strip():
                questions[(doc, heading)] = question.strip()
    listed = {(doc, h) for doc, table in data.items() if isinstance(table, dict) for h in table}
    for doc, heading in known:
        if (doc, heading) not in listed:
            problems.append(f'[{doc}] "{heading}": no question yet, so it is never offered')
    return FollowUps(questions, tuple(problems))

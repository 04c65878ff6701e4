"""The crisis text the clinic edits (data/crisis.toml), and which text each level shows."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from ..textfile import read_texts, required_text

Level = Literal["none", "mention", "acute"]
LEVELS: tuple[Level, ...] = ("none", "mention", "acute")
DEFAULT_CRISIS_PATH = Path(__file__).resolve().parent.parent / "data" / "crisis.toml"
WHAT = "Crisis text"


@dataclass(frozen=True)
class CrisisText:
    """The words shown in a crisis, loaded from the one file the clinic edits and localises."""

    acute_message: str  # Markdown, resources first
    resources_line: str  # one short line for "mention"
    source: str  # the file it came from
    # under the acute message when the visitor's own message is acute and no quote is shown
    # ("" when the file has none)
    later: str = ""
    # first, above the acute message, when one of `emergency_rules` found the message acute
    # (an overdose taken, someone who will not wake up): the emergency number first
    emergency_line: str = ""
    emergency_rules: tuple[str, ...] = ()


def load_crisis_text(path: Path | str | None = None) -> CrisisText:
    """The crisis text from `path`, or from the packaged data/crisis.toml. Cached per file.

    Raises:
        ValueError: the file is missing, unreadable, not TOML, or lacks a text.
    """
    return _load(str(Path(path) if path is not None else DEFAULT_CRISIS_PATH))


@lru_cache(maxsize=8)
def _load(source: str) -> CrisisText:
    data = read_texts(source, WHAT, DEFAULT_CRISIS_PATH)
    return CrisisText(
        acute_message=required_text(data, "acute", "message", source, WHAT, DEFAULT_CRISIS_PATH),
        resources_line=required_text(data, "mention", "line", source, WHAT, DEFAULT_CRISIS_PATH),
        source=source,
        later=_optional(data, "acute", "later"),
        emergency_line=_optional(data, "emergency", "line"),
        emergency_rules=_rules(data, source),
    )


def _rules(data: dict, source: str) -> tuple[str, ...]:
    section = data.get("emergency")
    rules = section.get("rules", []) if isinstance(section, dict) else []
    if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
        raise ValueError(
            f"{WHAT} file {source}: [emergency] rules must be a list of rule names, e.g. "
            '["acute.overdose_taken"].'
        )
    return tuple(rules)


def _optional(data: dict, table: str, key: str) -> str:
    section = data.get(table)
    value = section.get(key) if isinstance(section, dict) else None
    return value.strip() if isinstance(value, str) else ""


def safety_text(level: Level, crisis: CrisisText | None = None, rule: str | None = None) -> str:
    """The text to show for a level: nothing, the resources line, or the full acute message,
    with the emergency line first when `rule` (the assessment's, "conversation:" or not) is one
    of the crisis file's emergency rules."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    if level == "none":
        return ""
    crisis = crisis or load_crisis_text()
    if level != "acute":
        return crisis.resources_line
    found = (rule or "").removeprefix("conversation:")
    if crisis.emergency_line and found in crisis.emergency_rules:
        return f"{crisis.emergency_line}\n\n{crisis.acute_message}"
    return crisis.acute_message

"""The crisis text the clinic edits (data/crisis.toml), and which text each level shows: in
English, or first in a visitor's own language when the file has it (the English lines follow)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from ..textfile import read_texts, required_text

Level = Literal["none", "mention", "acute"]
LEVELS: tuple[Level, ...] = ("none", "mention", "acute")
DEFAULT_CRISIS_PATH = Path(__file__).resolve().parent.parent / "data" / "crisis.toml"
WHAT = "Crisis text"
_CODE = re.compile(r"[a-z]{2,3}")


@dataclass(frozen=True)
class Translation:
    """The crisis text in one other language (a `[languages.<code>]` table of the file): shown
    first to a visitor who writes in it, with the English resources or emergency line under it."""

    language: str  # py3langid's code: "es", "pt", "fr", "de", "it"
    acute_message: str
    resources_line: str
    emergency_line: str = ""  # "" when the table has none: the English one is shown first
    later: str = ""


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
    translations: tuple[Translation, ...] = ()

    def translation(self, language: str | None) -> Translation | None:
        """The text in `language` (a code), or None when the file has none for it."""
        return next((t for t in self.translations if t.language == language), None)


def load_crisis_text(path: Path | str | None = None) -> CrisisText:
    """The crisis text from `path`, or from the packaged data/crisis.toml. Cached per file.

    Raises:
        ValueError: the file is missing, unreadable, not TOML, or lacks a text.
    """
    return _load(str(Path(path) if path is not None else DEFAULT_CRISIS_PATH))


@lru_cache(maxsize=8)
def _load(source: str) -> CrisisText:
    data = read_texts(source, WHAT, DEFAULT_CRISIS_PATH)
    text = CrisisText(
        acute_message=required_text(data, "acute", "message", source, WHAT, DEFAULT_CRISIS_PATH),
        resources_line=required_text(data, "mention", "line", source, WHAT, DEFAULT_CRISIS_PATH),
        source=source,
        later=_optional(data, "acute", "later"),
        emergency_line=_optional(data, "emergency", "line"),
        emergency_rules=_rules(data, source),
        translations=_translations(data, source),
    )
    if text.translations and any("\n\n" in t for t in (text.resources_line, text.emergency_line)):
        # under a translation the English line is the last paragraph (types.safety_parts)
        raise ValueError(
            f"{WHAT} file {source}: with [languages] tables, [mention] line and [emergency] line "
            "must each be one paragraph (no blank line inside)."
        )
    return text


def _translations(data: dict, source: str) -> tuple[Translation, ...]:
    """The `[languages.<code>]` tables: message and line required, emergency and later not."""
    tables = data.get("languages", {})
    if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
        raise ValueError(
            f"{WHAT} file {source}: [languages] must hold one table per language, e.g. "
            '[languages.es] with message = "..." and line = "...".'
        )
    found = []
    for code, table in tables.items():
        if not _CODE.fullmatch(code):
            raise ValueError(
                f"{WHAT} file {source}: [languages.{code}] must be named by a lower-case "
                'language code such as "es", "pt", "fr", "de" or "it".'
            )
        name = f"languages.{code}"
        named = {name: table}  # so a missing text is named as [languages.es] message
        found.append(Translation(
            language=code,
            acute_message=required_text(named, name, "message", source, WHAT, DEFAULT_CRISIS_PATH),
            resources_line=required_text(named, name, "line", source, WHAT, DEFAULT_CRISIS_PATH),
            emergency_line=_optional(tables, code, "emergency"),
            later=_optional(tables, code, "later"),
        ))  # fmt: skip
    return tuple(found)


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


def safety_text(
    level: Level, crisis: CrisisText | None = None, rule: str | None = None,
    language: str | None = None,
) -> str:  # fmt: skip
    """The text to show for a level: nothing, the resources line, or the full acute message,
    with the emergency line first when `rule` (the assessment's, "conversation:" or not) is one
    of the crisis file's emergency rules. With `language` (the code of the visitor's message
    when it is not English) and the file's text in it: that text first, then the English
    resources line (the emergency line, for an emergency), so nothing is lost if the language
    was misread."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    if level == "none":
        return ""
    crisis = crisis or load_crisis_text()
    emergency = bool(crisis.emergency_line) and (
        (rule or "").removeprefix("conversation:") in crisis.emergency_rules
    )
    english = _english(level, crisis, emergency)
    own = crisis.translation(language)
    if own is None:
        return english
    if level != "acute":
        return f"{own.resources_line}\n\n{crisis.resources_line}"
    first = own.emergency_line if emergency and own.emergency_line else ""
    under = crisis.emergency_line if emergency else crisis.resources_line
    return "\n\n".join(t for t in (first, own.acute_message, under) if t)


def shown_language(level: Level, language: str | None, crisis: CrisisText | None = None) -> str:
    """The code of the language `safety_text(level, ..., language)` starts in when that is not
    English ("" when it is all English: no text for the level, or none in the file for
    `language`). Its last paragraph is then the English line (types.safety_parts)."""
    if level == "none" or not language:
        return ""
    return language if (crisis or load_crisis_text()).translation(language) is not None else ""


def _english(level: Level, crisis: CrisisText, emergency: bool) -> str:
    if level != "acute":
        return crisis.resources_line
    if emergency:
        return f"{crisis.emergency_line}\n\n{crisis.acute_message}"
    return crisis.acute_message


def text_language(language: str | None, rule: str | None) -> str | None:
    """The language to show the crisis text in: `language` (the message's, when surely not
    English), else the language of the rule that decided ("acute.pt.wish_to_die" read "quero
    morrer", too short for the identifier to be sure); None: English."""
    if language:
        return language
    parts = (rule or "").removeprefix("conversation:").split(".")
    return parts[1] if len(parts) == 3 and _CODE.fullmatch(parts[1]) else None


def later_line(crisis: CrisisText | None = None, language: str | None = None) -> str:
    """The line under an acute message when no article text is shown (questions can wait), in
    the visitor's language when the file has it."""
    return _later(crisis or load_crisis_text(), language)[0]


def later_language(crisis: CrisisText | None = None, language: str | None = None) -> str:
    """The code of the language later_line(crisis, language) is in when not English, else ""."""
    return _later(crisis or load_crisis_text(), language)[1]


def _later(crisis: CrisisText, language: str | None) -> tuple[str, str]:
    own = crisis.translation(language)
    if own is not None and own.later:
        return own.later, own.language
    return crisis.later, ""

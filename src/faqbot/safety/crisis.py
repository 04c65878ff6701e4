"""The crisis text the clinic edits (data/crisis.toml), and which text each level shows."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

Level = Literal["none", "mention", "acute"]
LEVELS: tuple[Level, ...] = ("none", "mention", "acute")
DEFAULT_CRISIS_PATH = Path(__file__).resolve().parent.parent / "data" / "crisis.toml"


@dataclass(frozen=True)
class CrisisText:
    """The words shown in a crisis, loaded from the one file the clinic edits and localises."""

    acute_message: str  # Markdown, resources first
    resources_line: str  # one short line for "mention"
    source: str  # the file it came from


def load_crisis_text(path: Path | str | None = None) -> CrisisText:
    """The crisis text from `path`, or from the packaged data/crisis.toml. Cached per file.

    Raises:
        ValueError: the file is missing, unreadable, not TOML, or lacks a text.
    """
    return _load(str(Path(path) if path is not None else DEFAULT_CRISIS_PATH))


@lru_cache(maxsize=8)
def _load(source: str) -> CrisisText:
    fix = f"Fix it, or copy the packaged template {DEFAULT_CRISIS_PATH} and edit that."
    try:
        data = tomllib.loads(Path(source).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"Crisis text file {source} does not exist. {fix}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"Crisis text file {source} cannot be read ({exc}). {fix}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"Crisis text file {source} is not valid TOML ({exc}). {fix}") from None
    return CrisisText(
        acute_message=_text(data, "acute", "message", source, fix),
        resources_line=_text(data, "mention", "line", source, fix),
        source=source,
    )


def _text(data: dict, table: str, key: str, source: str, fix: str) -> str:
    section = data.get(table)
    value = section.get(key) if isinstance(section, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(
            f'Crisis text file {source} needs a non-empty text: [{table}] {key} = "...". {fix}'
        )
    return value.strip()


def safety_text(level: Level, crisis: CrisisText | None = None) -> str:
    """The text to show for a level: nothing, the resources line, or the full acute message."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    if level == "none":
        return ""
    crisis = crisis or load_crisis_text()
    return crisis.acute_message if level == "acute" else crisis.resources_line

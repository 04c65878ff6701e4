"""The text files the clinic edits (data/crisis.toml, data/clinic.toml): read as TOML, each
required text present, every problem named with the file and the fix."""

from __future__ import annotations

import tomllib
from pathlib import Path


def read_texts(source: str, what: str, template: Path) -> dict:
    """The TOML tables of `source`, a file of kind `what` (e.g. "Crisis text").

    Raises:
        ValueError: the file is missing, unreadable or not TOML (names the packaged template).
    """
    fix = _fix(template)
    try:
        return tomllib.loads(Path(source).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{what} file {source} does not exist. {fix}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{what} file {source} cannot be read ({exc}). {fix}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{what} file {source} is not valid TOML ({exc}). {fix}") from None


def required_text(data: dict, table: str, key: str, source: str, what: str, template: Path) -> str:
    """`[table] key`, stripped.

    Raises:
        ValueError: it is missing or empty (names the table, the key and the template).
    """
    section = data.get(table)
    value = section.get(key) if isinstance(section, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(
            f'{what} file {source} needs a non-empty text: [{table}] {key} = "...". '
            + _fix(template)
        )
    return value.strip()


def _fix(template: Path) -> str:
    return f"Fix it, or copy the packaged template {template} and edit that."

"""The clinic's own words for small talk and how to reach it (data/clinic.toml, edited by the
clinic): the bot's fixed wording, never a quote from the articles."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT_CLINIC_PATH = Path(__file__).resolve().parent.parent / "data" / "clinic.toml"
MESSAGES = ("greeting", "thanks", "contact")


@dataclass(frozen=True)
class ClinicText:
    """One Markdown message per small-talk intent, loaded from the file the clinic edits."""

    greeting: str
    thanks: str
    contact: str
    source: str

    def message(self, intent: str) -> str:
        return getattr(self, intent)


def load_clinic_text(path: Path | str | None = None) -> ClinicText:
    """The messages from `path`, or from the packaged data/clinic.toml. Cached per file.

    Raises:
        ValueError: the file is missing, unreadable, not TOML, or lacks a message.
    """
    return _load(str(Path(path) if path is not None else DEFAULT_CLINIC_PATH))


@lru_cache(maxsize=8)
def _load(source: str) -> ClinicText:
    fix = f"Fix it, or copy the packaged template {DEFAULT_CLINIC_PATH} and edit that."
    try:
        data = tomllib.loads(Path(source).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"Clinic text file {source} does not exist. {fix}") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"Clinic text file {source} cannot be read ({exc}). {fix}") from None
    messages = {}
    for name in MESSAGES:
        table = data.get(name)
        value = table.get("message") if isinstance(table, dict) else None
        if not isinstance(value, str) or not value.strip():
            raise ValueError(
                f'Clinic text file {source} needs a non-empty [{name}] message = "...". {fix}'
            )
        messages[name] = value.strip()
    return ClinicText(**messages, source=source)

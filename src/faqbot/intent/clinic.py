"""The clinic's own words for small talk and how to reach it (data/clinic.toml, edited by the
clinic): the bot's fixed wording, never a quote from the articles."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..textfile import read_texts, required_text

DEFAULT_CLINIC_PATH = Path(__file__).resolve().parent.parent / "data" / "clinic.toml"
MESSAGES = ("greeting", "thanks", "contact", "other_language")
WHAT = "Clinic text"


@dataclass(frozen=True)
class ClinicText:
    """One Markdown message per small-talk intent, loaded from the file the clinic edits."""

    greeting: str
    thanks: str
    contact: str
    other_language: str  # the English-only note, for a question in another language
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
    data = read_texts(source, WHAT, DEFAULT_CLINIC_PATH)
    texts = {name: required_text(data, name, "message", source, WHAT, DEFAULT_CLINIC_PATH)
             for name in MESSAGES}  # fmt: skip
    return ClinicText(**texts, source=source)

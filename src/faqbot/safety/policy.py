"""What a crisis level does to a reply: the quotes an acute reply leaves out, the notes it adds."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import lru_cache
from pathlib import Path

from .crisis import DEFAULT_CRISIS_PATH
from .normalise import forms
from .rules import load_rules

_DOSE_OR_METHOD = re.compile(
    r"\bdos(?:e|es|ed|ing|age|ages)\b|\boverdos|\bmicrodos|\b\d+(?:\.\d+)?\s?(?:mg|mcg|\u03bcg|ml|g)\b"
    r"|\bmg/kg\b|\b(?:milli|micro)grams?\b|\b(?:pills?|tablets?|capsules?|lozenges?|troches?)\b"
    r"|\b(?:lethal|fatal|deadly|toxic)\b|\binfusions? of \d|\b(?:\d+|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|twelve|single|series of) (?:iv |ketamine )?infusions?\b|\bmethods?\b"
    r"|\bmeans of\b|\b(?:hanging|noose|rope|firearms?|guns?|jump(?:ed|ing)? (?:off|from)|poison\w*"
    r"|razors?|blades?|wrists?|carbon monoxide|stockpil\w*)\b"
    # routes of administration: in an acute reply even "repeated infusions" reads as a method
    r"|\b(?:infusions?|injections?|intranasal|intramuscular|sublingual|nasal sprays?|iv)\b"
    # a phone number: the articles quote an outdated hotline; the crisis text has current ones
    r"|\+?\d[\d ()-]{7,}\d"
)


@lru_cache(maxsize=4096)  # quotes are slices of a fixed corpus: the same few texts again and again
def describes_dose_or_method(text: str) -> bool:
    """True when a passage gives doses, amounts, pills or a means: an acute reply leaves it out."""
    return bool(_DOSE_OR_METHOD.search(unicodedata.normalize("NFKC", text).casefold()))


@lru_cache(maxsize=4096)
def passage_mentions_suicide(text: str) -> bool:
    """True when a quoted passage discusses suicide or self-harm, so the resources line is added.

    Only the phrase rules decide: a passage is the clinic's own published text, not a visitor."""
    return load_rules().match(forms(text)) is not None


_PHONE = re.compile(r"\+?\d[\d ().-]{7,}\d")


@lru_cache(maxsize=4)
def _retired(path: str) -> tuple[tuple[str, ...], str]:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8")).get("retired", {})
    numbers = tuple(str(n) for n in data.get("numbers", ()))
    return numbers, str(data.get("note", "")).strip()


@lru_cache(maxsize=4096)
def retired_number_note(text: str, crisis_path: str = str(DEFAULT_CRISIS_PATH)) -> str:
    """The note naming the current line when `text` quotes a retired crisis number, else ""."""
    numbers, note = _retired(crisis_path)
    quoted = {re.sub(r"\D", "", m) for m in _PHONE.findall(text)}
    return note if note and any(q.endswith(n) for q in quoted for n in numbers) else ""

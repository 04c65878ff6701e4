"""High-precision crisis phrases, read from data files (English and five other languages)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .normalise import DATA, squeeze, tables

RULE_FILES = ("rules_en.toml", "rules_intl.toml")
_MASKED = re.compile(r"MASKED\((\w+)\)")
GUARDED = ":past_or_denied"  # suffix of an acute rule's name when its hit counts as a mention
_SENTENCE_END = ".!?;\n"
_QUESTION_END = re.compile("[" + re.escape(_SENTENCE_END + ":") + "]")  # a sentence end or ":"
GUARDS = ("negation", "not_denial", "past", "now", "answered_no", "over_after", "asked",
          "answered_before", "answered_after")  # fmt: skip
# A message of LONG_SENTENCES or more sentence ends has its cue of now read near the phrase
# only: NOW_WINDOW sentences either side (None: the whole message, however long)
LONG_SENTENCES = 7
NOW_WINDOW: int | None = 1


@dataclass(frozen=True)
class RuleHit:
    """A rule that matched: its level, its name and the matched words (for the staff view)."""

    level: str
    rule: str
    matched: str


def _masked(word: str) -> str:
    """The word, or it with a letter after the first (two in long words) masked: k*ll, s**cide."""
    alts = [word]
    for i in range(1, len(word)):
        for n in (1, 2) if len(word) > 3 else (1,):
            if i + n <= len(word):
                alts.append(word[:i] + "[*#]+" + word[i + n :])
    return "(?:" + "|".join(alts) + ")"


def _expand(src: str, macros: dict[str, str]) -> str:
    if not macros:
        return _MASKED.sub(lambda m: _masked(m.group(1)), src)
    names = sorted(macros, key=len, reverse=True)
    rx = re.compile(r"(?<![A-Z_])(?:" + "|".join(names) + r")(?![A-Z_])")
    for _ in range(3):  # macros may use macros
        src = rx.sub(lambda m: macros[m.group()], src)
    return _MASKED.sub(lambda m: _masked(m.group(1)), src)


def _squeeze_pattern(src: str) -> str:
    """A pattern for squeezed text: letter runs in literals become one ("kill" -> "kil")."""
    return re.sub(r"(?<!\\)([a-z])\1+", r"\1", src)


@dataclass(frozen=True)
class RuleTable:
    """The rules of one level. `scans` (plain, squeezed) hold every rule in one pattern of
    non-capturing groups, cheaper to run than named groups (about a quarter); at a position a
    scan matches, the first of `each` (plain, squeezed: one pattern per rule) matching there is
    the rule it took."""

    level: str
    names: tuple[str, ...]
    scans: tuple[re.Pattern[str], re.Pattern[str]]
    each: tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]]


@dataclass(frozen=True)
class RuleSet:
    """Compiled rule tables, most severe level first; each is matched plain and squeezed."""

    tables: tuple[RuleTable, ...]
    # [guards] (GUARDS), each plain and squeezed (see rules_en.toml); empty: no guard
    guards: tuple[tuple[re.Pattern[str], ...], ...] = ()

    def match(self, forms: tuple[str, ...]) -> RuleHit | None:
        """The most severe rule any reading of the message matches, or None. An acute phrase
        said of the past or denied ("I attempted suicide when I was 19", "not gonna hurt
        myself") counts as a mention, named `<rule>:past_or_denied`, unless another acute phrase
        is found.

        Args:
            forms: readings of one message (see `normalise.forms`).
        """
        held = None
        for table in self.tables:
            level = table.level
            for form in forms:
                for squeezed, text in enumerate((form, squeeze(form))):
                    for found in table.scans[squeezed].finditer(text):
                        if squeezed and _collision(found.group(), form):
                            continue
                        name = table.names[_first_rule(table.each[squeezed], text, found.start())]
                        if level == "acute" and self._guarded(text, found, bool(squeezed)):
                            held = held or RuleHit("mention", name + GUARDED, found.group()[:120])
                            continue
                        return RuleHit(level, name, found.group()[:120])
            if held:
                return held
        return None

    def _guarded(self, text: str, found: re.Match[str], squeezed: bool) -> bool:
        """True when the phrase's sentence speaks of the past, or the words just before it deny
        it, or it is asked and answered no, or the next sentence denies it or says it is over,
        or its sentence reports a question the next sentence answers no (or gives the answer no
        before the item it quotes, or after the phrase), and nothing near it speaks of now (or
        of a condition: "if it fails...")."""
        if not self.guards:
            return False
        (negation, not_denial, past, now, answered_no, over_after, asked_of, answered_before,
         answered_after) = (pair[squeezed] for pair in self.guards)  # fmt: skip
        start, end = found.span()
        if now.search(text, *_near(text, start, end)):
            return False
        first = max(text.rfind(c, 0, start) for c in _SENTENCE_END) + 1
        ends = [i for i in (text.find(c, end) for c in _SENTENCE_END) if i >= 0]
        sentence = text[first : min(ends, default=len(text))]
        # a question or a screening item quoted and answered no ("...not wake up? No.", "better
        # off dead: not at all"): its first "?" or ":" after the phrase, then the answer
        asked = _QUESTION_END.search(text, end)
        if asked and asked.group() in "?:" and answered_no.match(text, asked.end()):
            return True
        denied = negation.search(text, first, start)
        if denied and not_denial.match(text, denied.end("neg")):
            denied = None
        # the next sentence denies it or says it is over ("People ask if I'm going to hurt
        # myself. I'm not.", "I was suicidal in the army. That is behind me.")
        after = min(ends, default=len(text)) + 1
        if over_after.match(text, after):
            return True
        # a question someone asked, reported, answered no in the next sentence ("The nurse asked
        # if I had a plan to end my life. I said no.")
        if asked_of.search(sentence) and answered_no.match(text, after):
            return True
        # an answer no given before the item it answers, in the phrase's sentence ("I ticked
        # 'not at all' on the question about thoughts of being better off dead")
        if answered_before.search(text, first, start):
            return True
        # a question or a form's item reported before the phrase, answered no after it in the
        # same sentence ("When the nurse asks if I'm thinking of harming myself the answer is
        # no", "The question about thoughts that you'd be better off dead - I ticked 'not at
        # all'")
        if asked_of.search(text, first, start):
            answer = answered_after.search(text, end)  # its look-ahead reads past the sentence
            if answer and answer.start() < first + len(sentence):
                return True
        return bool(denied or past.search(sentence))


def _near(text: str, start: int, end: int) -> tuple[int, int]:
    """Where a cue of now counts for the phrase at text[start:end]: the whole of a message of
    up to LONG_SENTENCES sentences; in a longer one, the phrase's sentence and NOW_WINDOW
    sentences either side (a long story's "now I'm doing well" does not make its "I wanted to
    die" of years before a present wish)."""
    cuts = [i for i, c in enumerate(text) if c in _SENTENCE_END]
    if NOW_WINDOW is None or len(cuts) < LONG_SENTENCES:
        return 0, len(text)
    before = [i for i in cuts if i < start]
    after = [i for i in cuts if i >= end]
    lo = before[-NOW_WINDOW - 1] + 1 if len(before) > NOW_WINDOW else 0
    hi = after[NOW_WINDOW] if len(after) > NOW_WINDOW else len(text)
    return lo, hi


@lru_cache(maxsize=1)
def _collision_words() -> frozenset[str]:
    return frozenset(tables()["squeeze_collisions"]["words"])


def _collision(squeezed_match: str, form: str) -> bool:
    """True when a match on the squeezed reading holds a common word that squeezing a pattern
    made ("of" from "off") and the message spells the phrase out plainly: a different phrase."""
    if not _collision_words().intersection(squeezed_match.split()):
        return False
    return re.search(rf"(?<![a-z]){re.escape(squeezed_match)}(?![a-z])", form) is not None


def _first_rule(each: tuple[re.Pattern[str], ...], text: str, at: int) -> int:
    """The index of the first rule matching at `at`: the branch the scan took there."""
    return next(i for i, rx in enumerate(each) if rx.match(text, at))


def _sources(patterns: list[str], squeezed: bool) -> list[str]:
    # a line break or hyphen inside a phrase still matches
    spaced = [src.replace(" ", r"[ \n-]") for src in patterns]
    return [_squeeze_pattern(src) if squeezed else src for src in spaced]


def _compile(patterns: list[str], squeezed: bool) -> re.Pattern[str]:
    """One scan for every rule (RuleTable.scans); every rule starts a word: one cheap test skips
    the other positions."""
    parts = [f"(?:{src})" for src in _sources(patterns, squeezed)]
    return re.compile(r"\b(?=[a-z])(?:" + "|".join(parts) + ")", re.MULTILINE)


def _each(patterns: list[str], squeezed: bool) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(f"(?:{src})", re.MULTILINE) for src in _sources(patterns, squeezed))


def load_rules(folder: Path | None = None, files: tuple[str, ...] = RULE_FILES) -> RuleSet:
    """The rule tables in `files` under `folder` (the packaged data/safety by default).

    Raises:
        ValueError: a file is missing, not TOML, or holds a rule without name and pattern, or
            a pattern that does not compile (the message names the rule).
    """
    return _load(str(folder or DATA), files)


@lru_cache(maxsize=4)
def _load(folder: str, files: tuple[str, ...]) -> RuleSet:
    data = [_read(Path(folder) / name) for name in files]
    macros = {k: v for d in data for k, v in d.get("macros", {}).items()}
    tables = []
    for level in ("acute", "mention"):
        rules = [r for d in data for r in d.get(level, [])]
        for r in rules:
            if not isinstance(r, dict) or not {"name", "pattern"} <= set(r):
                raise ValueError(f"A [[{level}]] rule in {folder} needs a name and a pattern: {r}")
        names = tuple(r["name"] for r in rules)
        sources = [_expand(r["pattern"], macros) for r in rules]
        for name, src in zip(names, sources, strict=True):
            try:
                re.compile(src)
            except re.error as exc:
                raise ValueError(f"Rule {name} in {folder} does not compile: {exc}") from None
        if not sources:  # an empty scan would match at every word
            continue
        scans = (_compile(sources, False), _compile(sources, True))
        tables.append(RuleTable(level, names, scans, (_each(sources, False), _each(sources, True))))
    guards = {k: v for d in data for k, v in d.get("guards", {}).items()}
    if guards and set(guards) != set(GUARDS):
        raise ValueError(
            f"[guards] in {folder} needs exactly {', '.join(GUARDS)}, got {sorted(guards)}."
        )
    compiled = tuple(
        tuple(re.compile(_squeeze_pattern(src) if sq else src) for sq in (False, True))
        for src in (guards[k] for k in GUARDS if guards)
    )
    return RuleSet(tuple(tables), compiled)


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(
            f"Safety rule file {path} cannot be read ({exc}). Fix or restore it."
        ) from None

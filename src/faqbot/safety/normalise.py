"""Undo the ways a message hides its words, so one rule or one model reads many spellings.

Normalisation never deletes meaning: zero-width and bidi characters become spaces (and, because
one may sit inside a word, the text is also read with them removed), run-together words are split
("iwanttodie"), spaced letters joined ("s u i c i d e"), emoji become words, digits standing for
words are read both ways ("want 2 die"). `forms` gives every reading; a detector takes the worst.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "safety"

# Cyrillic а е о р с у х і ѕ ј к and Greek ο α ι κ ε pass for Latin; quotes and dashes vary.
_CHARMAP = str.maketrans(
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0455\u0458\u043a\u03bf\u03b1\u03b9\u03ba\u03b5",
    "aeopcyxisjkoaike",
) | str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc`\u00b4", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u2033", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"),
        **dict.fromkeys("_/", " "),
    }
)
_MARKS = {"Mn", "Me"}  # combining accents and variation selectors: dropped after NFKD
_INVISIBLE = re.compile(r"[\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
                        r"\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]")  # fmt: skip
_LEET_MAP = dict(zip("013457@$!", "oieastasi", strict=True))
_LEET = re.compile(r"(?<=[a-z])[013457@$]|[013457@$](?=[a-z])|(?<=[a-z])!(?=[a-z])")
# a number with its ordinal or unit is not a disguised word ("5th", "10am", "50mg", "1990s")
_NUMBER_WORD = re.compile(r"\d+(?:st|nd|rd|th|s|am|pm|mg|mcg|ml|kg|lbs?|mins?|hrs?|x|k)")
_TOKEN = re.compile(r"[a-z0-9@$!]+")
_UNKEPT = re.compile(r"[^a-z0-9'*#.,!?;:\s-]+")
_CLITICS = {"n't": " not", "'re": " are", "'ve": " have", "'ll": " will", "'d": " would",
            "'m": " am"}  # fmt: skip
_CLITIC_RE = re.compile(r"(?<=\w)(?:n't|'re|'ve|'ll|'d|'m)\b")
_SPACED = re.compile(r"(?<![a-z])(?:[a-z][ .\-*]){2,}[a-z](?![a-z])")  # s u i c i d e, k.i.l.l
_SPLIT_MIN, _SPLIT_PART_ZIPF = 6, 3.0
_TYPO_VOCABULARY = (100_000, 30_000)  # the most common words: English, each other language
_LONG_WORD = re.compile(rf"[a-z]{{{_SPLIT_MIN},}}")
_LANGUAGES = (
    "en",
    "es",
    "pt",
    "fr",
    "de",
    "it",
)  # split unknown words this long into common words only


@lru_cache(maxsize=1)
def tables() -> dict:
    """The word tables of data/safety/normalise.toml."""
    with (DATA / "normalise.toml").open("rb") as f:
        return tomllib.load(f)


def _words(table: dict[str, str]) -> re.Pattern[str]:
    keys = sorted(table, key=len, reverse=True)
    return re.compile(r"(?<![\w'])(?:" + "|".join(map(re.escape, keys)) + r")(?![\w'])")


@lru_cache(maxsize=1)
def _compiled() -> dict:
    t = tables()
    return {
        name: (_words(t[name]), t[name])
        for name in ("apostrophe_words", "bare_words", "misspellings", "digit_words")
    }


def _sub(s: str, name: str) -> str:
    rx, table = _compiled()[name]
    return rx.sub(lambda m: table[m.group()], s)


def emoji_to_words(s: str) -> str:
    """An emoji with a crisis meaning becomes its words ("🪢" -> " rope noose "), others a space."""
    if s.isascii():  # no emoji possible: skip the emoji tokenizer (~1 ms a question)
        return s
    import emoji

    if emoji.emoji_count(s) == 0:
        return s
    words = tables()["emoji_words"]
    # an emoji with no crisis meaning is a space: "want to 😊 die" still reads "want to die"
    return emoji.replace_emoji(
        s, replace=lambda e, data: f" {words.get(data['en'].strip(':'), '')} "
    )


def _join_spaced(s: str) -> str:
    """Spaced-out letters become a word: "s u i c i d e" -> "suicide", "k.i.l.l" -> "kill"."""
    return _SPACED.sub(lambda m: re.sub(r"[ .\-*]", "", m.group()), s)


_LETTERS = re.compile(r"[^\W\d_]{1,30}")


def has_words(text: str) -> bool:
    """True when the (normalised) text holds a word of one of the six languages: a line of
    "aaaa..." or keyboard mash is not read by the model sentence by sentence (its head was never
    fitted to such a line, and read alone one looked acute)."""
    return any(_known(w) for w in _LETTERS.findall(text) if len(w) > 1 or w in ("i", "a"))


@lru_cache(maxsize=8192)
def _known(word: str) -> bool:
    """A word of one of the six languages (wordfreq knows it)."""
    from wordfreq import zipf_frequency

    return any(zipf_frequency(word, lang) > 0 for lang in _LANGUAGES)


@lru_cache(maxsize=8192)
def split_word(word: str) -> str:
    """A run-together word split into common words ("iwanttodie" -> "i want to die"), else as is."""
    protected = tables()["protected"]["words"]
    if len(word) < _SPLIT_MIN or word in protected:
        return word
    from rapidfuzz import process

    if process.extractOne(word, protected, score_cutoff=75):  # "suiside", "unalived": misspelt
        return word
    if _known(word):  # a word in some language
        return word
    import wordninja
    from wordfreq import zipf_frequency

    parts = wordninja.split(word)
    if len(parts) < 2 or not all(
        p in ("i", "a") or (len(p) > 1 and zipf_frequency(p, "en") >= _SPLIT_PART_ZIPF)
        for p in parts
    ):
        return word
    if _typo_of_a_word(word):  # "infushion" is "infusion" misspelt, not "in fu shi on"
        return word
    return " ".join(parts)


@lru_cache(maxsize=1)
def _vocabulary() -> dict[int, tuple[str, ...]]:
    """Common words of the languages read (English deeper: most visitors write it), by length."""
    from wordfreq import top_n_list

    words = set(top_n_list("en", _TYPO_VOCABULARY[0]))
    for lang in _LANGUAGES[1:]:
        words.update(top_n_list(lang, _TYPO_VOCABULARY[1]))
    by_length: dict[int, list[str]] = {}
    for w in words:
        if w.isalpha():
            by_length.setdefault(len(w), []).append(w)
    return {n: tuple(sorted(ws)) for n, ws in by_length.items()}


def _typo_of_a_word(word: str) -> bool:
    """True when a common word lies one edit away (two for a word of nine letters or more)."""
    from rapidfuzz import distance, process

    edits = 2 if len(word) >= 9 else 1
    vocabulary = _vocabulary()
    near = [
        w for n in range(len(word) - edits, len(word) + edits + 1) for w in vocabulary.get(n, ())
    ]
    scorer = distance.Levenshtein.distance
    return process.extractOne(word, near, scorer=scorer, score_cutoff=edits) is not None


def load_tables() -> None:
    """Load now what normalising loads on first need: the tables and patterns, every language's
    word frequencies, wordninja's model and the vocabulary typos are checked against (about
    1.5 s together: otherwise the first visitor whose message has a run-together or misspelt
    word waits for it; FAQBot.warm_up)."""
    from wordfreq import zipf_frequency

    tables()
    _compiled()
    for lang in _LANGUAGES:
        zipf_frequency("the", lang)
    import wordninja

    wordninja.split("warmup")
    _vocabulary()


def _base(text: str, invisible: str) -> str:
    s = _INVISIBLE.sub(invisible, text.replace("\u00ad", ""))  # a soft hyphen is inside a word
    s = emoji_to_words(unicodedata.normalize("NFKC", s)).casefold().translate(_CHARMAP)
    if not s.isascii():
        s = "".join(
            c for c in unicodedata.normalize("NFKD", s) if unicodedata.category(c) not in _MARKS
        )
    s = _unleet(s)
    s = _join_spaced(_UNKEPT.sub(" ", s))
    s = _LONG_WORD.sub(lambda m: split_word(m.group()), s)
    s = _sub(s, "apostrophe_words")
    s = _CLITIC_RE.sub(lambda m: _CLITICS[m.group()], s).replace("'", "")
    s = _sub(_sub(s, "bare_words"), "misspellings")
    # newlines stay: they end a clause for "^"/"$", yet rule patterns step over them like spaces
    s = re.sub(r"[^\S\n]+", " ", s)
    return re.sub(r" ?\n\s*", "\n", s).strip()


def _unleet_word(word: str) -> str:
    if _NUMBER_WORD.fullmatch(word):
        return word
    for _ in range(2):  # twice, so runs like "d13" decode fully
        word = _LEET.sub(lambda m: _LEET_MAP[m.group()], word)
    return word


def _unleet(s: str) -> str:
    """Digits and symbols standing for letters become the letters ("k1ll", "d13")."""
    return _TOKEN.sub(lambda m: _unleet_word(m.group()), s)


@lru_cache(maxsize=256)  # the rules and the model both read a question's main reading
def normalise(text: str) -> str:
    """The main reading: lower-case ASCII, disguises undone, invisible characters as spaces."""
    return _base(text, " ")


def forms(text: str) -> tuple[str, ...]:
    """Every reading of the message worth checking, the main one (`normalise`) first."""
    main = normalise(text)
    out = [main]
    if _INVISIBLE.search(text):  # "k\u200bill": the invisible character may sit inside a word
        out.append(_base(text, ""))
    for s in list(out):
        swapped = _sub(s, "digit_words")
        if swapped != s:
            out.append(swapped)
    return tuple(dict.fromkeys(out))


def squeeze(s: str) -> str:
    """Runs of one letter become one letter ("diiie" -> "die", "kill" -> "kil")."""
    return re.sub(r"([a-z])\1+", r"\1", s)


def disguised(text: str) -> bool:
    """True when the message hides words (invisible characters, emoji, look-alike letters, digits
    for letters, spaced or run-together letters, misspelt crisis words): the model then also
    reads the normalised text, since the embedding of the disguised one says little."""
    s = unicodedata.normalize("NFKC", text).casefold()
    if s.translate(_CHARMAP) != s:  # look-alike letters, "_" or "/" between words
        return True
    if not s.isascii():  # emoji and invisible characters are beyond ASCII
        import emoji

        if _INVISIBLE.search(s) or emoji.emoji_count(s):
            return True
    if _unleet(s) != s or _SPACED.search(s) or _compiled()["misspellings"][0].search(s):
        return True
    return any(split_word(w) != w for w in _LONG_WORD.findall(s))

"""The learned decisions over both crisis heads for a message not in English: two logistic
regressions over five features (each head's most acute reading's P(acute) and P(any tier) minus
its own bars, Head.margins; whether the rules gave mention). The first makes such a message
acute when its probability reaches its bar; the second, at its own bar, gives the resources line
(mention); below both, the heads' own verdicts do not count (docs/safety_languages_before.md,
candidate I: the main head, trained for English, read ordinary messages in other languages as
risk). Fitted on the blind sets' messages in es/pt/fr/de/it (which train neither head); the bars
the highest at which, on those messages, acute recall is at least ACUTE_RECALL and any-tier
recall at least ANY_RECALL. A saved decision without the second regression (candidate H, kept
for comparison) only raises a message to acute when the main head does not already.

Fitted by `faqbot safety-train --two-heads`; saved in data/safety/two_heads.json.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .crisis import LEVELS, Level
from .normalise import DATA

TWO_HEADS_PATH = DATA / "two_heads.json"
TWO_HEADS_RULE = "model:two_heads"  # the rule of its verdicts, so staff see what spoke
FEATURES = ("main_acute", "main_any", "other_acute", "other_any", "rules_mention")
# a message of fewer words (of two or more letters) is not decided by it: "../../../../etc/passwd"
# is no language, and a short message at risk is the rules' (tests/test_safety_head.py)
MIN_WORDS = 3
# the recall the bars keep on the messages fitted: H's own on the same 48 blind sets (1,430 of
# 1,520 acute read acute; 2,300 of 2,348 acute or mention read at a tier)
ACUTE_RECALL = 0.94
ANY_RECALL = 0.98
_WORD = re.compile(r"[^\W\d_]{2,}")


def enough_words(text: str) -> bool:
    """Whether `text` has MIN_WORDS words of two or more letters."""
    return len(_WORD.findall(text)) >= MIN_WORDS


@dataclass(frozen=True)
class Reading:
    """One message as the decision sees it: the rules' level, both heads' margins, and (for a
    decision that reads them, candidate K) its language and the whole message's vector."""

    rules: Level
    main: tuple[float, float]
    other: tuple[float, float]
    language: str = ""
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)

    def features(self) -> list[float]:
        """The five FEATURES."""
        return [*self.main, *self.other, float(self.rules == "mention")]

    def row(self, languages: tuple[str, ...] = (), vector_dims: int = 0) -> np.ndarray:
        """The features a decision reads: the five, one 0/1 per language of `languages`, and
        the vector when `vector_dims` (zeros when the reading has none: a message of no words)."""
        parts = [np.asarray(self.features(), dtype=np.float64)]
        if languages:
            parts.append(np.array([float(self.language == code) for code in languages]))
        if vector_dims:
            v = self.vector if self.vector is not None else np.zeros(vector_dims)
            if len(v) != vector_dims:
                raise ValueError(f"the decision reads {vector_dims}-dimensional vectors, got "
                                 f"{len(v)}: refit it with this encoder (faqbot safety-train "
                                 "--two-heads)")  # fmt: skip
            parts.append(np.asarray(v, dtype=np.float64))
        return np.concatenate(parts)


@dataclass(frozen=True)
class TwoHeads:
    coef: tuple[float, ...]  # one per FEATURES: acute against the rest
    intercept: float
    bar: float
    data_hash: str
    sets: tuple[str, ...] = ()  # the blind splits it was fitted on (dataset.SPLITS' names)
    # any tier (acute or mention) against none; None: a decision for acute only (candidate H)
    any_coef: tuple[float, ...] | None = None
    any_intercept: float = 0.0
    any_bar: float = 1.0
    # candidate K: also one 0/1 feature per language here, and the whole message's vector
    languages: tuple[str, ...] = ()
    vector_dims: int = 0

    @property
    def reads_vector(self) -> bool:
        """Whether its readings need the whole message's vector and language."""
        return bool(self.vector_dims or self.languages)

    def _row(self, reading: Reading) -> np.ndarray:
        return reading.row(self.languages, self.vector_dims)

    @property
    def decides_any(self) -> bool:
        """Whether it decides every level of the messages it reads (candidate I), not only
        whether to raise one to acute (H)."""
        return self.any_coef is not None

    def probability(self, reading: Reading) -> float:
        """P(acute) of the reading."""
        return _logistic(self.coef, self.intercept, self._row(reading))

    def any_probability(self, reading: Reading) -> float:
        """P(acute or mention) of the reading (0 without the second regression)."""
        if self.any_coef is None:
            return 0.0
        return _logistic(self.any_coef, self.any_intercept, self._row(reading))

    def level(self, reading: Reading) -> tuple[Level, float]:
        """The level the decisions give and the probability that gave it: acute, mention (the
        rules' mention counts) or none."""
        p = self.probability(reading)
        if p >= self.bar:
            return "acute", p
        q = self.any_probability(reading)
        if q >= self.any_bar or reading.rules == "mention":
            return "mention", q
        return "none", q

    def acute(self, reading: Reading) -> bool:
        return self.probability(reading) >= self.bar

    def save(self, path: Path = TWO_HEADS_PATH) -> None:
        d = {"features": [*FEATURES, *(f"lang_{c}" for c in self.languages)],
             "vector_dims": self.vector_dims, "coef": list(self.coef),
             "intercept": self.intercept, "bar": self.bar, "data_hash": self.data_hash,
             "sets": list(self.sets)}  # fmt: skip
        if self.any_coef is not None:
            d |= {"any_coef": list(self.any_coef), "any_intercept": self.any_intercept,
                  "any_bar": self.any_bar}  # fmt: skip
        path.write_text(json.dumps(d, indent=1) + "\n", encoding="utf-8")


def _logistic(coef: tuple[float, ...], intercept: float, x) -> float:
    z = float(np.dot(coef, x) + intercept)
    return 1.0 / (1.0 + np.exp(-z))


def load_two_heads(path: Path = TWO_HEADS_PATH) -> TwoHeads | None:
    """The saved decision; None when there is no file.

    Raises:
        ValueError: the file is not one (re-fit: faqbot safety-train --two-heads).
    """
    if not path.exists():
        return None
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        named = tuple(d["features"])
        languages = tuple(n.removeprefix("lang_") for n in named[len(FEATURES) :])
        if named[: len(FEATURES)] != FEATURES or any(
            not n.startswith("lang_") for n in named[len(FEATURES) :]
        ):
            raise ValueError("its features are not FEATURES and lang_<code> ones")
        width = len(named) + int(d.get("vector_dims", 0))
        if len(d["coef"]) != width:
            raise ValueError(f"it has {len(d['coef'])} coefficients for {width} features")
        any_coef = d.get("any_coef")
        if any_coef is not None and len(any_coef) != width:
            raise ValueError("its any-tier coefficients are not one per feature")
        return TwoHeads(
            tuple(float(c) for c in d["coef"]), float(d["intercept"]), float(d["bar"]),
            str(d["data_hash"]), tuple(d["sets"]),
            tuple(float(c) for c in any_coef) if any_coef is not None else None,
            float(d.get("any_intercept", 0.0)), float(d.get("any_bar", 1.0)),
            languages, int(d.get("vector_dims", 0)),
        )  # fmt: skip
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(
            f"{path} is not a two-heads decision ({exc}). Run: faqbot safety-train --two-heads"
        ) from None


def data_hash(texts: list[tuple[str, str, str]]) -> str:
    """A short hash of the (set, text, label) rows the decision was fitted on."""
    blob = json.dumps(sorted(texts), ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def fit(
    readings: list[Reading], labels: list[str], rows_hash: str, sets: tuple[str, ...] = (),
    c: float = 1.0, languages: tuple[str, ...] = (), vector_dims: int = 0,
    groups: list[str] | None = None, folds: int = 5,
    acute_recall: float = ACUTE_RECALL, any_recall: float = ANY_RECALL,
) -> TwoHeads:  # fmt: skip
    """Both regressions (acute against the rest; acute or mention against none) and their bars:
    the highest at which, with the rules' acute (and, for any tier, the rules' mention and the
    acute decision), recall on these rows is at least ACUTE_RECALL and ANY_RECALL. Over the
    five FEATURES, or (candidate K) also one 0/1 per language of `languages` and the whole
    message's vector of `vector_dims`. With `groups` (each row's set), the bars are chosen on
    probabilities predicted `folds`-fold with each group left out (cross_val_predict), not on
    the rows' own: a regression over hundreds of features is surer of the rows it was fitted to.
    `acute_recall` and `any_recall` are the recall the bars keep (the English decision: the
    detector's own on its rows)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, cross_val_predict

    x = np.array([r.row(languages, vector_dims) for r in readings])
    acute = np.array([lab == "acute" for lab in labels])
    risk = np.array([lab != "none" for lab in labels])
    rules = np.array([r.rules for r in readings])

    def model():
        return LogisticRegression(C=c, max_iter=3000)

    first, second = model().fit(x, acute), model().fit(x, risk)
    if groups is None:
        p, q = first.predict_proba(x)[:, 1], second.predict_proba(x)[:, 1]
    else:
        split = {"groups": groups, "cv": GroupKFold(folds), "method": "predict_proba"}
        p = cross_val_predict(model(), x, acute, **split)[:, 1]
        q = cross_val_predict(model(), x, risk, **split)[:, 1]
    bar = recall_bar(p, acute, rules == "acute", acute_recall)
    any_bar = recall_bar(q, risk, (rules != "none") | (p >= bar), any_recall)
    return TwoHeads(
        tuple(float(v) for v in first.coef_[0]), float(first.intercept_[0]), bar, rows_hash, sets,
        tuple(float(v) for v in second.coef_[0]), float(second.intercept_[0]), any_bar,
        tuple(languages), vector_dims,
    )  # fmt: skip


def recall_bar(p: np.ndarray, wanted: np.ndarray, already: np.ndarray, recall: float) -> float:
    """The highest bar at which `already | (p >= bar)` finds at least `recall` of the `wanted`
    rows (1.0, above every probability, when `already` finds enough)."""
    return hits_bar(p, wanted, already, int(np.ceil(recall * wanted.sum())))


def hits_bar(p: np.ndarray, wanted: np.ndarray, already: np.ndarray, hits: int) -> float:
    """recall_bar for a number of the `wanted` rows to find, `hits`, not a fraction."""
    need = hits - int((wanted & already).sum())
    if need <= 0:
        return 1.0 + 1e-9
    scores = np.sort(p[wanted & ~already])[::-1]
    return float(scores[min(need, len(scores)) - 1])


BLIND_LANGUAGES = ("es", "pt", "fr", "de", "it")
# candidates K, L and M (docs/safety_languages_before.md, not kept): the decisions read the
# languages and the whole message's vector too, at this regularisation
VECTOR_C = 1.0


def blind_sets() -> tuple[str, ...]:
    """The names of the blind splits (dataset.SPLITS' blind_*)."""
    from .dataset import SPLITS

    return tuple(name for name in SPLITS if name.startswith("blind_"))


def blind_rows(rows: list, sets: tuple[str, ...]) -> list:
    """The rows in es/pt/fr/de/it of the splits named: the decision's data."""
    from .dataset import split

    return [r for name in sets for r in split(rows, name) if r.lang in BLIND_LANGUAGES]


def rows_hash(rows: list) -> str:
    """data_hash of the rows' (author, text, level)."""
    return data_hash([(r.author, r.text, r.level) for r in rows])


def fit_on_blind_sets(
    rows: list, detector, sets: tuple[str, ...] | None = None, vector: bool = False
) -> TwoHeads:  # fmt: skip
    """The decision fitted on the rows in es/pt/fr/de/it of the blind splits (`sets`, default
    all of them), each read by `detector` (two_heads_reading); with `vector` (candidate K),
    over the languages and the whole message's vector too, its bars chosen set by set left out."""
    sets = blind_sets() if sets is None else sets
    found = blind_rows(rows, sets)
    readings = [detector.two_heads_reading(r.text) for r in found]
    labels, digest = [r.level for r in found], rows_hash(found)
    if not vector:
        return fit(readings, labels, digest, sets)
    dims = next(len(r.vector) for r in readings if r.vector is not None)
    return fit(readings, labels, digest, sets, c=VECTOR_C, languages=BLIND_LANGUAGES,
               vector_dims=dims, groups=[r.author for r in found])  # fmt: skip


# Candidate E (thirty-first session, docs/safety_languages_before.md): the same two regressions
# for a message read as English of MIN_WORDS or more, over FEATURES and the whole message's
# vector, fitted on the blind splits' messages read as English; bars on cross-validated
# probabilities with each blind set left out, keeping the detector's own acute recall on those
# messages and its any-tier recall + ENGLISH_ANY_MORE. Fitted by faqbot safety-train --english.
ENGLISH_PATH = DATA / "two_heads_en.json"
ENGLISH_RULE = "model:english_decision"
ENGLISH_C = 1.0
ENGLISH_ANY_MORE = 0.002


def own_level(reading: Reading) -> Level:
    """The level the detector gives a message read as English without the English decision:
    the rules' level, raised by the main head's own bars (its margins: P minus bar)."""
    head = "acute" if reading.main[0] >= 0 else "mention" if reading.main[1] >= 0 else "none"
    return max(reading.rules, head, key=LEVELS.index)


def english_rows(rows: list, sets: tuple[str, ...]) -> list:
    """The rows of the splits named that the detector reads as English (language_of their
    normalised text) with MIN_WORDS words or more: the English decision's data."""
    from .dataset import split
    from .language import ENGLISH, language_of
    from .normalise import normalise

    return [
        r for name in sets for r in split(rows, name)
        if enough_words(r.text) and language_of(normalise(r.text)) == ENGLISH
    ]  # fmt: skip


def fit_english(rows: list, detector, sets: tuple[str, ...]) -> TwoHeads:
    """Candidate E: the decision for English fitted on english_rows of `sets`, each read by
    `detector` (both heads, two_heads_reading), its bars at the detector's own recall there
    (own_level; any tier + ENGLISH_ANY_MORE), chosen on 5-fold probabilities with each blind
    set (author) left out."""
    found = english_rows(rows, sets)
    readings = [detector.two_heads_reading(r.text) for r in found]
    labels = [r.level for r in found]
    own = [own_level(rd) for rd in readings]
    acute = [o == "acute" for o, lab in zip(own, labels, strict=True) if lab == "acute"]
    risk = [o != "none" for o, lab in zip(own, labels, strict=True) if lab != "none"]
    dims = next(len(r.vector) for r in readings if r.vector is not None)
    groups = [r.author for r in found]
    return fit(
        readings, labels, rows_hash(found), sets, c=ENGLISH_C, vector_dims=dims,
        groups=groups, folds=min(5, len(set(groups))), acute_recall=float(np.mean(acute)),
        any_recall=min(1.0, float(np.mean(risk)) + ENGLISH_ANY_MORE),
    )  # fmt: skip

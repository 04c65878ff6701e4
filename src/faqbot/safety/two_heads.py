"""The learned decision over both crisis heads for a message not in English: a logistic
regression over five features (each head's most acute reading's P(acute) and P(any tier) minus
its own bars, Head.margins; whether the rules gave mention) that makes such a message acute when
its probability reaches a bar. Fitted on the blind sets' messages in es/pt/fr/de/it (which train
neither head), the bar the lowest at which it reads no more of their "none" messages acute than
the main head and the rules do (docs/safety_languages_before.md, candidate H).

Fitted by `faqbot safety-train --two-heads`; saved in data/safety/two_heads.json.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .crisis import Level
from .normalise import DATA

TWO_HEADS_PATH = DATA / "two_heads.json"
TWO_HEADS_RULE = "model:two_heads"  # the rule of its verdicts, so staff see what spoke
FEATURES = ("main_acute", "main_any", "other_acute", "other_any", "rules_mention")
# a message of fewer words (of two or more letters) is not decided by it: "../../../../etc/passwd"
# is no language, and a short message at risk is the rules' (tests/test_safety_head.py)
MIN_WORDS = 3
_WORD = re.compile(r"[^\W\d_]{2,}")


def enough_words(text: str) -> bool:
    """Whether `text` has MIN_WORDS words of two or more letters."""
    return len(_WORD.findall(text)) >= MIN_WORDS


@dataclass(frozen=True)
class Reading:
    """One message as the decision sees it: the rules' level and both heads' margins."""

    rules: Level
    main: tuple[float, float]
    other: tuple[float, float]

    def features(self) -> list[float]:
        return [*self.main, *self.other, float(self.rules == "mention")]


@dataclass(frozen=True)
class TwoHeads:
    coef: tuple[float, ...]  # one per FEATURES
    intercept: float
    bar: float
    data_hash: str
    sets: tuple[str, ...] = ()  # the blind splits it was fitted on (dataset.SPLITS' names)

    def probability(self, reading: Reading) -> float:
        z = float(np.dot(self.coef, reading.features()) + self.intercept)
        return 1.0 / (1.0 + np.exp(-z))

    def acute(self, reading: Reading) -> bool:
        return self.probability(reading) >= self.bar

    def save(self, path: Path = TWO_HEADS_PATH) -> None:
        d = {"features": FEATURES, "coef": list(self.coef), "intercept": self.intercept,
             "bar": self.bar, "data_hash": self.data_hash, "sets": list(self.sets)}  # fmt: skip
        path.write_text(json.dumps(d, indent=1) + "\n", encoding="utf-8")


def load_two_heads(path: Path = TWO_HEADS_PATH) -> TwoHeads | None:
    """The saved decision; None when there is no file.

    Raises:
        ValueError: the file is not one (re-fit: faqbot safety-train --two-heads).
    """
    if not path.exists():
        return None
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        if tuple(d["features"]) != FEATURES or len(d["coef"]) != len(FEATURES):
            raise ValueError("its features are not FEATURES")
        return TwoHeads(tuple(float(c) for c in d["coef"]), float(d["intercept"]),
                        float(d["bar"]), str(d["data_hash"]), tuple(d["sets"]))  # fmt: skip
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(
            f"{path} is not a two-heads decision ({exc}). Run: faqbot safety-train --two-heads"
        ) from None


def data_hash(texts: list[tuple[str, str, str]]) -> str:
    """A short hash of the (set, text, label) rows the decision was fitted on."""
    blob = json.dumps(sorted(texts), ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def fit(readings: list[Reading], labels: list[str], rows_hash: str, sets: tuple[str, ...] = (),
        c: float = 1.0) -> TwoHeads:  # fmt: skip
    """The regression (acute against the rest) and its bar: the lowest at which no more "none"
    messages are read acute (with the rules' acute) than by the rules and the main head."""
    from sklearn.linear_model import LogisticRegression

    x = np.array([r.features() for r in readings])
    y = np.array([lab == "acute" for lab in labels])
    none = np.array([lab == "none" for lab in labels])
    rules_acute = np.array([r.rules == "acute" for r in readings])
    model = LogisticRegression(C=c, max_iter=1000).fit(x, y)
    p = model.predict_proba(x)[:, 1]
    bar = choose_bar(p, none, rules_acute, rules_acute | (x[:, 0] >= 0))
    return TwoHeads(tuple(float(v) for v in model.coef_[0]), float(model.intercept_[0]), bar,
                    rows_hash, sets)  # fmt: skip


def choose_bar(p: np.ndarray, none: np.ndarray, rules_acute: np.ndarray,
               before: np.ndarray) -> float:  # fmt: skip
    """The lowest bar at which `rules_acute | (p >= bar)` reads no more `none` rows acute than
    `before` does."""
    allowed = int((before & none).sum()) - int((rules_acute & none).sum())
    scores = np.sort(p[none & ~rules_acute])[::-1]
    if allowed >= len(scores):  # every "none" row may be read acute: no row bounds the bar
        return float(p.min())
    return float(scores[allowed]) + 1e-9


BLIND_LANGUAGES = ("es", "pt", "fr", "de", "it")


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


def fit_on_blind_sets(rows: list, detector, sets: tuple[str, ...] | None = None) -> TwoHeads:
    """The decision fitted on the rows in es/pt/fr/de/it of the blind splits (`sets`, default
    all of them), each read by `detector` (two_heads_reading)."""
    sets = blind_sets() if sets is None else sets
    found = blind_rows(rows, sets)
    readings = [detector.two_heads_reading(r.text) for r in found]
    return fit(readings, [r.level for r in found], rows_hash(found), sets)

"""Would a learned decision for English messages (candidate E) give fewer false alarms than the
main head's own bars at the same recall? Reads every message of the blind splits before DJ, DK
that the detector reads as English (held-out C is never read), then fits the decision eight
folds with each blind set left out and compares the out-of-fold levels with the shipped
detector's (two_heads.own_level: the rules and the main head's bars).

- `margins`: decision I's five features (both heads' margins, the rules' mention).
- `margins+vector`: those and the whole message's vector (candidate E), bars on inner 5-fold
  cross-validated probabilities at the shipped detector's recall on the fitted folds, the
  any-tier bar at that recall + `--any-more`.

Thirty-first session (docs/safety_languages_before.md): margins alone, false alarms 410 -> 421
of 3,155; with the vector, 410 -> 339 at acute 3,568 -> 3,569, any tier 3,661 -> 3,664.

Run: python benchmarks/safety_english_decision.py [--cache /tmp/english_readings.pkl]
(reading the 9,000 messages takes 10-30 minutes on two cores; the cache keeps them)
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
from pathlib import Path

import numpy as np

from faqbot.safety.crisis import LEVELS
from faqbot.safety.two_heads import hits_bar

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
JUDGES = ("blind_dj", "blind_dk")  # the sets that judged E: never read here


def readings(cache: Path | None) -> list[dict]:
    """Each English blind message's label, set, rules' level, both heads' margins and vector."""
    if cache and cache.exists():
        return pickle.loads(cache.read_bytes())
    from faqbot.safety.commands import training_encoder
    from faqbot.safety.dataset import load_rows
    from faqbot.safety.detector import SafetyDetector
    from faqbot.safety.head import load_head, load_other_head
    from faqbot.safety.two_heads import blind_sets, english_rows

    encoder, _ = training_encoder()
    head = load_head()
    detector = SafetyDetector(encoder, head, other_head=load_other_head(head.model_id))
    sets = tuple(s for s in blind_sets() if s not in JUDGES)
    out = []
    for r in english_rows(load_rows(ROOT / "tests" / "data"), sets):
        reading = detector.two_heads_reading(r.text)
        out.append({"author": r.author, "label": r.level, "reading": reading})
    if cache:
        cache.write_bytes(pickle.dumps(out))
    return out


def figures(label: np.ndarray, level: np.ndarray) -> str:
    a, m, n = label == 2, label == 1, label == 0
    return (
        f"acute {(level[a] == 2).sum()}/{a.sum()}, any tier {(level[a] >= 1).sum()}, "
        f"mention+ {(level[m] >= 1).sum()}/{m.sum()}, false alarms "
        f"{(level[n] >= 1).sum()}/{n.sum()}, none read acute {(level[n] == 2).sum()}"
    )


def study(data: list[dict], vector: bool, any_more: int, c: float = 1.0) -> np.ndarray:
    """Out-of-fold levels of the decision, eight folds with each blind set left out."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, cross_val_predict

    from faqbot.safety.two_heads import own_level

    x = np.array([d["reading"].row((), 384 if vector else 0) for d in data])
    label = np.array([LEVELS.index(d["label"]) for d in data])
    own = np.array([LEVELS.index(own_level(d["reading"])) for d in data])
    rules = np.array([LEVELS.index(d["reading"].rules) for d in data])
    groups = np.array([d["author"] for d in data])
    out = np.zeros(len(data), int)
    for tr, te in GroupKFold(8).split(x, label, groups):
        a, k = label[tr] == 2, label[tr] >= 1

        def model():
            return LogisticRegression(C=c, max_iter=5000)

        if vector:  # bars on inner cross-validated probabilities
            inner = {"groups": groups[tr], "cv": GroupKFold(5), "method": "predict_proba"}
            p = cross_val_predict(model(), x[tr], a, **inner)[:, 1]
            q = cross_val_predict(model(), x[tr], k, **inner)[:, 1]
        first, second = model().fit(x[tr], a), model().fit(x[tr], k)
        if not vector:
            p, q = first.predict_proba(x[tr])[:, 1], second.predict_proba(x[tr])[:, 1]
        b1 = hits_bar(p, a, rules[tr] == 2, int(((own[tr] == 2) & a).sum()))
        b2 = hits_bar(
            q, k, (rules[tr] >= 1) | (p >= b1), int(((own[tr] >= 1) & k).sum()) + any_more
        )
        p1, q1 = first.predict_proba(x[te])[:, 1], second.predict_proba(x[te])[:, 1]
        out[te] = np.where((rules[te] == 2) | (p1 >= b1), 2,
                           np.where((rules[te] >= 1) | (q1 >= b2), 1, 0))  # fmt: skip
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, help="keep the readings here (pickle)")
    parser.add_argument(
        "--any-more", type=int, default=8,
        help="messages the any-tier bar finds beyond the shipped detector's",
    )  # fmt: skip
    args = parser.parse_args(argv)
    from faqbot.safety.two_heads import own_level

    data = readings(args.cache)
    label = np.array([LEVELS.index(d["label"]) for d in data])
    own = np.array([LEVELS.index(own_level(d["reading"])) for d in data])
    print(f"{len(data)} English messages of the blind sets before DJ, DK")
    print(f"- shipped (rules and the main head's bars): {figures(label, own)}")
    print(f"- margins: {figures(label, study(data, False, 0))}")
    for more in (0, args.any_more):
        print(f"- margins+vector, any tier +{more}: {figures(label, study(data, True, more))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

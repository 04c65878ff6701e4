"""Would the older blind sets, joined to training, make the crisis model read new writers better?

Leave-one-author-out over the training authors and the joined ones, as `faqbot safety-train`
would run it with them in SPLITS["train"] (whole and sentence heads, the acute regression, C 16,
neighbour features on; the four bars chosen on every author's out-of-fold scores). Each author
is scored by a model fitted on the others, so a joined author's own figures are as blind as it
was. Reported: model alone and with the phrase rules, over the old training authors and over
the joined ones. Held-out C and the newest blind sets are never read.

Fourteenth session, the twelve older blind sets written for the whole range of visitors joined
(h k m r u x aa ab ae af ah ai; the kept-out training sets s, t, ac, ad and ag and the newest
blind sets aj, ak, al, am stay out), over the old training authors:
- model alone: acute 0.888 -> 0.893, any tier 0.965 -> 0.972, mention 0.961 -> 0.972, false
  alarms 1.5 % -> 1.6 %, none->acute 0.3 % -> 0.4 %;
- with the rules: acute 0.927 -> 0.930, any tier 0.974 -> 0.980, mention 0.973 -> 0.981, false
  alarms 1.9 % -> 2.0 %, none->acute 0.5 % -> 0.6 %;
- the joined authors, each read by a model fitted on the others: model alone acute 0.922, any
  0.982, mention 0.984, false alarms 1.1 %; with the rules acute 0.955, any 0.990, mention 0.986.
(58 minutes on two cores beside another run; the folds now run one per core.)

Fifteenth session: the join was made (dataset.JOINED, now in SPLITS["train"]); the script joins
any other kept-out or blind authors the same way (e.g. --variants "" "ao ap").

Run: python benchmarks/safety_join_blind.py --cache /tmp/join.pkl --variants "" "h k m r"
     (one encoding shared: training alone, then with blind sets h, k, m and r joined)
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from safety_acute_regression import LEVELS, cached_readings  # noqa: E402  (run from the repo root)
from safety_whole_words import rates  # noqa: E402

from faqbot.safety import train as T  # noqa: E402
from faqbot.safety.dataset import SPLITS, load_rows, split  # noqa: E402
from faqbot.safety.head import with_acute  # noqa: E402
from faqbot.safety.normalise import forms  # noqa: E402
from faqbot.safety.rules import load_rules  # noqa: E402


def subset(rows, r: T.Readings, keep: np.ndarray):
    """The rows in `keep` (a row mask) and their readings, owners renumbered."""
    new_index = np.cumsum(keep) - 1
    at = keep[r.owner]
    sub = T.Readings(
        [t for t, k in zip(r.shown, at, strict=True) if k],
        [t for t, k in zip(r.normalised, at, strict=True) if k],
        new_index[r.owner[at]],
        r.vectors[at],
        r.whole[at],
    )
    return [x for x, k in zip(rows, keep, strict=True) if k], sub


def probabilities(rows, r, c: float = 16.0, nw: float = 1.0, acute_c: float | None = None):
    """Per reading, the out-of-fold class probabilities of the shipped design (`acute_c`: the
    acute regression's C; None: `c`)."""
    acute_c = c if acute_c is None else acute_c
    near = T.Neighbours.of(rows, r)
    whole_only = T.FIT_WHOLE_ONLY
    three = np.where(
        r.whole[:, None],
        T._out_of_fold_probs(rows, r, c, 1.0, near, nw, whole_only),
        T._out_of_fold_probs(rows, r, c, 1.0, near, nw, whole_only, True),
    )
    acute = np.where(
        r.whole,
        T._out_of_fold_probs(rows, r, acute_c, 1.0, near, nw, whole_only, acute_only=True)[:, 1],
        T._out_of_fold_probs(rows, r, acute_c, 1.0, near, nw, whole_only, True, acute_only=True)[
            :, 1
        ],
    )
    return with_acute(three, acute)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--variants", nargs="+", default=[""])
    parser.add_argument("--cache", type=Path, help="pickle of the readings (made if missing)")
    args = parser.parse_args()
    variants = [tuple(v.split()) for v in args.variants]
    every = load_rows(Path("tests/data"))
    pool = {a for v in variants for a in v}
    trained = set(SPLITS["train"])
    assert not pool & (set(SPLITS["held_out"]) | trained), "join only blind authors"
    rows = split(every, "train") + [x for x in every if x.author in pool]
    r = cached_readings(rows, args.cache)
    rules = load_rules()
    rule_levels = [(h.level if (h := rules.match(forms(x.text))) else "none") for x in rows]
    for variant in variants:
        keep = np.array([x.author in trained or x.author in variant for x in rows])
        part, pr = subset(rows, r, keep)
        model = T.cross_validated(part, pr, probabilities(part, pr))[1]
        ruled = [lv for lv, k in zip(rule_levels, keep, strict=True) if k]
        both = [max(a, b, key=LEVELS.index) for a, b in zip(model, ruled, strict=True)]
        for tag, levels in (("model alone", model), ("rules and model", both)):
            for who, mine in (("old training authors", trained), ("joined", set(variant))):
                pick = [i for i, x in enumerate(part) if x.author in mine]
                if pick:
                    got = rates([part[i] for i in pick], [levels[i] for i in pick])
                    print(f"joined {' '.join(variant) or '-'}; {tag}; {who}: {got}", flush=True)


if __name__ == "__main__":
    main()

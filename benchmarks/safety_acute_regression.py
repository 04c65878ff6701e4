"""Should P(acute) come from a regression fitted to tell acute from everything else, beside the
three-level one? Leave-one-author-out over the training authors, as `faqbot safety-train` does it
(whole head and sentence head, the four bars chosen on the out-of-fold scores), model alone and
with the phrase rules. Held-out and blind sets are not read.

- `three-level`: P(acute) and P(any tier) from the one three-level regression (before the
  thirteenth session).
- `acute regression`: P(acute) from an acute-against-the-rest regression on the same design,
  at most the three-level P(any tier), which is kept (head.with_acute; train.ACUTE_C_GRID).
- `acute regression, any = max`: P(any tier) raised to the acute regression's P(acute) where
  that is higher.

Thirteenth session (C 16, neighbour weight 1): model alone acute 0.873 / 0.886 / 0.861, any tier
0.962 / 0.964 / 0.966, mention 0.963 / 0.963 / 0.958, false alarms 1.5 % each; with the rules
acute 0.916 / 0.925 / 0.909, any tier 0.972 / 0.973 / 0.975.

Run: python benchmarks/safety_acute_regression.py [--c 16] [--cache /tmp/readings.pkl]
"""

from __future__ import annotations

import argparse
import os
import pickle
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from safety_whole_words import rates  # noqa: E402  (run from benchmarks/: python benchmarks/...)

from faqbot.safety import train as T  # noqa: E402
from faqbot.safety.commands import training_encoder  # noqa: E402
from faqbot.safety.dataset import load_rows, split  # noqa: E402
from faqbot.safety.head import with_acute  # noqa: E402
from faqbot.safety.normalise import forms  # noqa: E402
from faqbot.safety.rules import load_rules  # noqa: E402

LEVELS = ("none", "mention", "acute")


def report(name, rows, r, probs, rule_levels) -> None:
    model = T.cross_validated(rows, r, probs)[1]
    both = [max(a, b, key=LEVELS.index) for a, b in zip(model, rule_levels, strict=True)]
    for tag, levels in (("model alone", model), ("rules and model", both)):
        print(f"{name}, {tag}: {rates(rows, levels)}", flush=True)


def cached_readings(rows, cache: Path | None, **kwargs) -> T.Readings:
    """The readings of `rows` (T.readings, `kwargs` passed on), from `cache` when it exists
    (it must be of as many rows), saved there when given."""
    if cache and cache.exists():
        r = pickle.loads(cache.read_bytes())
        assert len(set(r.owner)) == len(rows), "the cache is of other rows: delete it"
        return r
    r = T.readings(rows, training_encoder()[0], **kwargs)
    if cache:
        cache.write_bytes(pickle.dumps(r))
    return r


def training_readings(cache: Path | None):
    """The training rows, their readings (from `cache` when it exists; saved there when given)
    and each row's level by the phrase rules alone."""
    rows = split(load_rows(Path("tests/data")), "train")
    r = cached_readings(rows, cache)
    rules = load_rules()
    return rows, r, [(h.level if (h := rules.match(forms(x.text))) else "none") for x in rows]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--c", type=float, default=16.0)
    parser.add_argument("--neighbour-weight", type=float, default=1.0)
    parser.add_argument("--acute-c", type=float, help="the acute regression's C (default: --c)")
    parser.add_argument("--cache", type=Path, help="pickle of the readings (made if missing)")
    args = parser.parse_args()
    rows, r, rule_levels = training_readings(args.cache)
    near = T.Neighbours.of(rows, r)
    c, nw = args.c, args.neighbour_weight
    whole = T._out_of_fold_probs(rows, r, c, 1.0, near, nw, True)
    part = T._out_of_fold_probs(rows, r, c, 1.0, near, nw, True, True)
    three = np.where(r.whole[:, None], whole, part)
    report("three-level", rows, r, three, rule_levels)
    ca = args.acute_c or c
    acute = np.where(
        r.whole,
        T._out_of_fold_probs(rows, r, ca, 1.0, near, nw, True, acute_only=True)[:, 1],
        T._out_of_fold_probs(rows, r, ca, 1.0, near, nw, True, True, acute_only=True)[:, 1],
    )
    report("acute regression", rows, r, with_acute(three, acute), rule_levels)
    any_tier = np.maximum(three[:, 1] + three[:, 2], acute)
    raised = np.column_stack([1 - any_tier, any_tier - acute, acute])
    report("acute regression, any = max", rows, r, raised, rule_levels)


if __name__ == "__main__":
    main()

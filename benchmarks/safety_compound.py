"""Should the whole-message head be fitted to acute messages of several sentences? Leave-one-
author-out over the training authors, as `faqbot safety-train` does it (the whole head and the
sentence head, the four bars chosen on the out-of-fold scores), model alone and with the phrase
rules. Held-out and blind sets are not read.

A compound acute message ("i dont wanna b alive anymor. how long is the waitlist") is labelled
acute as a whole, so the whole head learns that a practical sentence is a risk signal: plain
questions such as "hi how long is the waitlist rn" read P(acute) 0.975 (twelfth session). The
sentence head reads each sentence of such a message, so the whole head may not need them.

- `today`: the training rule of `faqbot safety-train`.
- `whole_single`: the whole head is fitted without acute messages of two or more sentences (the
  sentence head as today).
- `both_single`: neither head is fitted to them (the sentence head still reads their sentences
  of "none" messages).

Run: python benchmarks/safety_compound.py [--c 16] [--neighbour-weight 1] [--cache F.pkl]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from safety_acute_regression import report, training_readings  # noqa: E402  (benchmarks/)

from faqbot.safety import train as T  # noqa: E402

VARIANTS = ("today", "whole_single", "both_single")


def compound_acute(rows, r) -> np.ndarray:
    """Per reading: its message is acute and read in more than one piece."""
    pieces = np.bincount(r.owner, minlength=len(rows))
    return np.array([rows[o].level == "acute" and pieces[o] > 1 for o in r.owner])


def run(rows, r, neighbours, rule_levels, variant: str, c: float, nw: float) -> None:
    drop = compound_acute(rows, r)
    plain, sentence_fit = T._trainable, T._sentence_trainable
    whole_mask = plain(rows, r, True)  # the masks of today's rule, then the variant's
    sentence_mask = sentence_fit(rows, r, True)
    if variant in ("whole_single", "both_single"):
        whole_mask = whole_mask & ~drop
    if variant == "both_single":
        sentence_mask = sentence_mask & ~drop
    T._trainable = lambda *_a, **_k: whole_mask
    T._sentence_trainable = lambda *_a, **_k: sentence_mask
    try:
        whole = T._out_of_fold_probs(rows, r, c, 1.0, neighbours, nw, True)
        part = T._out_of_fold_probs(rows, r, c, 1.0, neighbours, nw, True, True)
    finally:
        T._trainable, T._sentence_trainable = plain, sentence_fit
    print(f"{variant} (C {c}, neighbour weight {nw}):")
    report(f"  {variant}", rows, r, np.where(r.whole[:, None], whole, part), rule_levels)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--c", type=float, default=16.0)
    parser.add_argument("--neighbour-weight", type=float, default=1.0)
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS))
    parser.add_argument("--cache", type=Path, help="pickle of the readings (made if missing)")
    args = parser.parse_args()
    rows, r, rule_levels = training_readings(args.cache)
    neighbours = T.Neighbours.of(rows, r)
    for variant in args.variants:
        run(rows, r, neighbours, rule_levels, variant, args.c, args.neighbour_weight)


if __name__ == "__main__":
    main()

"""Would fitting the sentence head to labelled sentences read long posts better?

The sentence head reads every sentence of a message; it was fitted to whole messages and to the
sentences of "none" messages, never to a sentence of an acute or mention message (whose label
is the message's, not each sentence's). Ordinary narrative sentences ("I also wondered if I
need to sleep normally the night before") then read up to 0.99 acute, and a long "none" post,
scored by its worst sentence, drew safety text 31 % of the time on the blind sets.
tests/data/safety_sentence_labels.jsonl gives each sentence of the training authors' acute and
mention messages its own label, read alone (n, m, r: written by readers who saw no score).

Grouped K-fold over the training authors (each author in one fold, the same folds in every
variant), the shipped design, the four bars chosen on the training authors' out-of-fold scores
as `faqbot safety-train` chooses them; rules and model together. Variants: the sentence head
also fitted to the labelled sentences of the labels named (`base`: none; `n`, `nm`, `nmr`).
The long posts of sets never trained on (--score, e.g. as at: 200 long posts) are scored by the
folds' models and never fitted, nor counted in the bars.

Seventeenth session, 5 folds, C 16, rules and model together (the 200 long posts of `as` and
`at` scored, never fitted):

| variant | acute | any | mention | false alarm | long acute | as/at false alarm | none->acute |
|---|---|---|---|---|---|---|---|
| base | 0.934 | 0.980 | 0.980 | 0.018 | 0.912 | 0.338 | 0.146 |
| n | 0.927 | 0.979 | 0.976 | 0.018 | 0.894 | 0.323 | 0.069 |
| nm | 0.930 | 0.979 | 0.982 | 0.018 | 0.909 | 0.254 | 0.138 |
| nmr (kept) | 0.943 | 0.982 | 0.981 | 0.018 | 0.927 | 0.208 | 0.115 |

Run: PYTHONPATH=benchmarks python benchmarks/safety_sentence_labels.py --score as at \\
       --cache /tmp/sl.pkl [--variants base n nm nmr]
"""

from __future__ import annotations

import argparse
import os
from dataclasses import replace
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from safety_acute_regression import cached_readings  # noqa: E402
from safety_join_blind import probabilities  # noqa: E402  (run from the repo root)
from safety_long_posts import folds_of, report  # noqa: E402

from faqbot.safety import train as T  # noqa: E402
from faqbot.safety.dataset import SPLITS, load_rows, load_sentence_labels, split  # noqa: E402
from faqbot.safety.normalise import forms  # noqa: E402
from faqbot.safety.rules import load_rules  # noqa: E402

TRAINABLE, SENTENCE_TRAINABLE = T._trainable, T._sentence_trainable


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--score", nargs="*", default=[], help="authors scored, never fitted")
    parser.add_argument("--cache", type=Path, help="pickle of the readings (made if missing)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--variants", nargs="+", default=["base", "n", "nm", "nmr"])
    args = parser.parse_args()
    data = Path("tests/data")
    every = load_rows(data)
    trained = set(SPLITS["train"])
    scored = set(args.score)
    assert not scored & trained, "score only authors outside training"
    rows = split(every, "train") + [x for x in every if x.author in scored]
    r = cached_readings(rows, args.cache, sentence_labels=load_sentence_labels(data))
    mine = np.array([x.author in trained for x in rows])
    print(f"labelled sentence readings: {int((r.sentence_label >= 0).sum())} "
          f"(n {int((r.sentence_label == 0).sum())}, m {int((r.sentence_label == 1).sum())}, "
          f"r {int((r.sentence_label == 2).sum())})", flush=True)  # fmt: skip
    T._trainable = lambda rs, rd, whole_only=False: TRAINABLE(rs, rd, whole_only) & mine[rd.owner]
    T._sentence_trainable = lambda rs, rd, w: SENTENCE_TRAINABLE(rs, rd, w) & mine[rd.owner]
    fold = folds_of([x for x in rows if x.author in trained], args.folds)
    folded = [replace(x, author=f"fold{fold[x.author]}" if x.author in trained else "scored")
              for x in rows]  # fmt: skip
    rules = load_rules()
    ruled = [(h.level if (h := rules.match(forms(x.text))) else "none") for x in rows]
    for variant in args.variants:
        T.SENTENCE_LABELS_FITTED = tuple(
            level for letter, level in zip("nmr", T.CLASSES, strict=True) if letter in variant
        ) if variant != "base" else ()  # fmt: skip
        probs = probabilities(folded, r, 16.0, acute_c=16.0)
        scores = T._row_scores(probs, r.owner, len(rows), r.whole)
        bars = T.thresholds([x for x, m in zip(rows, mine, strict=True) if m], scores[mine])
        model = T._levels(scores, bars)
        report(variant, rows, model, ruled, trained, ("scored", scored))
    T._trainable, T._sentence_trainable = TRAINABLE, SENTENCE_TRAINABLE
    T.SENTENCE_LABELS_FITTED = ()


if __name__ == "__main__":
    main()

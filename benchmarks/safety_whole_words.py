"""How should the crisis model read a message? Leave-one-author-out over the training authors
for one reading rule, at the training rule's bars (false alarm 1.5 %, none->acute 0.3 % of the
scored authors' "none" rows): the model alone, cross-validated. Held-out and blind sets are not
read.

- `whole_words`: a message this short is read only whole; a longer one sentence by sentence too
  (0: every message of two or more sentences), the message scored by its worst reading.
- `--whole-only`: fit the model to whole messages only, not to each sentence of a longer one
  (a sentence is not labelled: "How soon does it work?" beside "I have the pills saved").
- `--add AUTHOR...`: these authors' rows train every fold but are never scored, and the bars
  come from the other authors' "none" rows alone, so a candidate's hard negatives do not move
  them (this replaced benchmarks/safety_add_authors.py).
- `--join AUTHOR...`: these authors join as training authors (their own fold, scored, their
  "none" rows among those that set the bars), as when they enter SPLITS["train"].

Run: python benchmarks/safety_whole_words.py 0 --whole-only --c 16      (today's rule)
     python benchmarks/safety_whole_words.py 0 --whole-only --c 16 --variants "" "z" "f z"
     (one encoding shared by the runs: without new authors, with z added, with f and z added)
     python benchmarks/safety_whole_words.py 0 --whole-only --c 16 --char-weight 0.5 1
     (the character n-grams weighted less in the design, as a stronger prior against them)
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from faqbot.safety.commands import training_encoder  # noqa: E402
from faqbot.safety.dataset import load_rows, split  # noqa: E402
from faqbot.safety.head import CLASSES  # noqa: E402
from faqbot.safety.train import (  # noqa: E402
    Neighbours,
    _design,
    _fit,
    _levels,
    _row_scores,
    _trainable,
    readings,
    thresholds,
)
from faqbot.settings import SafetySettings  # noqa: E402


def main(whole_words: int, whole_only: bool, add: tuple[str, ...], join: tuple[str, ...] = (),
         c: float = 4.0, variants: tuple[tuple[str, ...], ...] = (),
         clause_words: int = 0, near_dims: tuple[int, ...] = (),
         char_weights: tuple[float, ...] = (1.0,)) -> None:  # fmt: skip
    """One run per variant (each a tuple of authors `--add`ed beside `add`; none: `add` alone),
    sharing one encoding of every message."""
    every = load_rows(Path("tests/data"))
    pool = set(add) | set(join) | {a for v in variants for a in v}
    rows = split(every, "train") + [x for x in every if x.author in pool]
    r = readings(
        rows,
        training_encoder()[0],
        SafetySettings(whole_words=whole_words, clause_words=clause_words),
    )
    authors = np.array([rows[o].author for o in r.owner])
    for dims in near_dims or (0,):
        neighbours = None  # one 17,000-square matrix at a time
        neighbours = Neighbours.of(rows, r) if not dims else _projected(rows, r, dims)
        for w in char_weights:
            for variant in variants or ((),):
                label = (f"whole_words {whole_words}, clause_words {clause_words}, near_dims "
                         f"{dims}, char_weight {w}")  # fmt: skip
                _score(rows, r, neighbours, authors, label, whole_only, add + variant, join, c, w)


def _projected(rows, r, dims: int) -> Neighbours:
    """Neighbour cosines in the first `dims` principal directions of the readings (unit vectors
    again after the projection): a smaller product per question. The directions are fitted on
    every reading read here (no labels), not per fold."""
    centred = r.vectors - r.vectors.mean(axis=0)
    directions = np.linalg.svd(centred, full_matrices=False)[2][:dims]
    z = r.vectors @ directions.T
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    labels = np.array([CLASSES.index(rows[o].level) for o in r.owner])
    authors = np.array([rows[o].author for o in r.owner])
    return Neighbours(z @ z.T, labels, authors)


def _score(rows, r, neighbours, authors, label, whole_only, add, join, c, w=1.0) -> None:
    used = np.isin(authors, split_authors() + add + join)  # another variant's authors: unread
    added = np.isin(authors, add)
    probs = np.zeros((len(r.owner), 3))
    for author in sorted(set(authors[used & ~added])):
        test = authors == author
        train = ~test & used & _trainable(rows, r, whole_only)
        near = neighbours.features(train)
        model = _fit(r, rows, train, c, w, near)
        probs[test] = model.predict_proba(_design(r, test, w, near))
    kept = set(split_authors() + join)
    scored = [i for i, x in enumerate(rows) if x.author in kept]
    sub = [rows[i] for i in scored]
    scores = _row_scores(probs, r.owner, len(rows), r.whole)[scored]
    levels = _levels(scores, thresholds(sub, scores))
    print(
        f"{label}, whole_only {whole_only}, C {c}, added {list(add)}, joined "
        f"{list(join)}: {int(used.sum())} readings; cross-validated {rates(sub, levels)}",
        flush=True,
    )


def rates(rows, levels) -> str:
    """The acute, any-tier, mention, false-alarm and none->acute rates of `levels` (per row)."""

    def rate(level, ok):
        return np.mean([ok(lv) for x, lv in zip(rows, levels, strict=True) if x.level == level])

    return (
        f"acute {rate('acute', lambda v: v == 'acute'):.3f}, "
        f"any {rate('acute', lambda v: v != 'none'):.3f}, "
        f"mention {rate('mention', lambda v: v != 'none'):.3f}, "
        f"false alarm {rate('none', lambda v: v != 'none'):.3f}, "
        f"none->acute {rate('none', lambda v: v == 'acute'):.3f}"
    )


def split_authors() -> tuple[str, ...]:
    from faqbot.safety.dataset import SPLITS

    return SPLITS["train"]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("whole_words", type=int)
    parser.add_argument("--whole-only", action="store_true")
    parser.add_argument("--add", nargs="*", default=[])
    parser.add_argument("--join", nargs="*", default=[])
    parser.add_argument("--clause-words", type=int, default=0, help="SafetySettings.clause_words")
    parser.add_argument(
        "--near-dims",
        type=int,
        nargs="*",
        default=[],
        help="neighbour cosines in this many principal directions (0: all)",
    )
    parser.add_argument(
        "--char-weight", type=float, nargs="*", default=[1.0],
        help="the character n-grams' weight in the design (today: 1; 0 leaves them out)",
    )  # fmt: skip
    parser.add_argument("--c", type=float, default=4.0, help="the regularisation (today: 16)")
    parser.add_argument(
        "--variants", nargs="*", default=[],
        help='authors added in each run beside --add, one quoted group a run: "" "z" "z f"',
    )  # fmt: skip
    args = parser.parse_args()
    variants = tuple(tuple(v.split()) for v in args.variants)
    main(
        args.whole_words,
        args.whole_only,
        tuple(args.add),
        tuple(args.join),
        args.c,
        variants,
        args.clause_words,
        tuple(args.near_dims),
        tuple(args.char_weight),
    )

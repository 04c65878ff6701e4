"""Would long "none" and mention posts in training make the crisis model read long posts better?

The training authors wrote 266 acute messages of seven or more sentences but no "none" one and
no mention one (three "none" messages of four to six sentences): the sentence bars were chosen
without a single long message whose sentences all had to stay quiet, and the sentence head had
seen few plain narrative sentences ("I went to the store and bought apples and then cooked
dinner" read 0.82 acute). On the six newest blind sets long "none" posts drew safety text 31 %
of the time (8 of 26) and acute long posts got the acute tier 80 % of the time.

Grouped K-fold over the training authors (each author's rows in one fold; the same folds in
every variant), the shipped design (whole and sentence heads, the acute regression, neighbour
features; the four bars chosen on every row's out-of-fold scores, as `faqbot safety-train`
chooses them). Variants:
- `base`: the training authors;
- `add`: with the authors named by --add (training sets of long posts);
- `add_fit`: the same, and a "none" long post's whole reading fitted too (a long post's whole is
  left out of the fit because its risk is one sentence; a "none" post has none);
- `add_same_bars`, `add_fit_same_bars`: the added rows fitted, but the bars chosen on the
  training authors' rows alone (the same false-alarm budget as `base`): the fit's effect alone;
- `..._no_long_whole`: a message of seven or more sentences read by its sentences only (its
  whole, a diluted mean truncated at 256 word pieces, not read).
Reported over the training authors only (the added rows' own figures apart), model alone and
with the phrase rules, and their long posts alone. Held-out C and the blind sets are never read.

Eighteenth session, `--add ay --halves` (400 ordinary "none" messages of short sentences, which
the shipped detector flags 33.5 % of): AY's out-of-fold false alarms 3.0 % (in the budget) and
3.5 % (bars on the training authors), but the training authors' acute 0.933 -> 0.919 / 0.916 and
any tier 0.980 -> 0.972 / 0.975 (rules and model): not kept (docs/SAFETY.md).

Nineteenth session, `--add ay bb --halves` (bb: 420 risky look-alikes in the same clipped
style): AY's false alarms fall to 3.3-5.8 % in every variant, but the training authors' acute
0.931 -> 0.911 (in the budget), 0.923 (bars on the training authors); `--added-weight 0.3`
0.912; `--forget-added` 0.918 / 0.926; BB's own acute out of fold 0.58-0.66: not kept
(docs/SAFETY.md).

Run: python benchmarks/safety_long_posts.py --add as at --cache /tmp/long.pkl [--folds 5]
     [--halves: each added author split in two, each half scored by models fitted on the other]
     [--added-weight W: the added rows' sample weight in every fit]
     [--forget-added: the added rows are fitted but never a neighbour feature's memory]
"""

from __future__ import annotations

import argparse
import os
from dataclasses import replace
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from safety_acute_regression import LEVELS, cached_readings  # noqa: E402  (run from the repo root)
from safety_join_blind import probabilities, subset  # noqa: E402
from safety_whole_words import rates  # noqa: E402

from faqbot.safety import train as T  # noqa: E402
from faqbot.safety.commands import training_encoder  # noqa: E402
from faqbot.safety.dataset import SPLITS, load_rows, split  # noqa: E402
from faqbot.safety.normalise import forms  # noqa: E402
from faqbot.safety.rules import load_rules  # noqa: E402

SHIPPED_TRAINABLE = T._trainable


def none_long_fitted(rows, r, whole_only=False):
    """As train._trainable, but a "none" long post is fitted too (its whole has no risk)."""
    fits = np.array(
        [rows[o].category != "long_post" or rows[o].level == "none" for o in r.owner], dtype=bool
    )
    return fits & r.whole if whole_only else fits


def weigh_added(added: set[str], w: float) -> None:
    """Every fit weighs the readings of the rows whose text is in `added` by `w` (the sentence
    head's own weights, or the whole head's 1, times `w`); texts, as the folds rename authors."""
    fit = T._fit

    def weighted(r, rows, mask, c, char_weight, near=None, weights=None, acute_only=False):
        scale = np.array([w if rows[o].text in added else 1.0 for o in r.owner])
        base = np.ones(len(r.owner)) if weights is None else weights
        return fit(r, rows, mask, c, char_weight, near, base * scale, acute_only)

    T._fit = weighted


def forget_added(added: set[str]) -> None:
    """The neighbour features never remember the rows whose text is in `added`: they are fitted
    but no message's nearest labelled neighbour."""
    of, features = T.Neighbours.of.__func__, T.Neighbours.features
    forgotten: dict[int, np.ndarray] = {}

    def remembering(cls, rows, r):
        near = of(cls, rows, r)
        forgotten[id(near)] = np.array([rows[o].text in added for o in r.owner])
        return near

    T.Neighbours.of = classmethod(remembering)
    T.Neighbours.features = lambda self, memory: features(self, memory & ~forgotten[id(self)])


def folds_of(rows, k: int) -> dict[str, int]:
    """Authors to k folds, largest first onto the fold with the fewest rows so far."""
    sizes: dict[str, int] = {}
    for x in rows:
        sizes[x.author] = sizes.get(x.author, 0) + 1
    load = [0] * k
    out = {}
    for author in sorted(sizes, key=lambda a: (-sizes[a], a)):
        f = int(np.argmin(load))
        out[author] = f
        load[f] += sizes[author]
    return out


def joined(a: T.Readings, b: T.Readings, n: int) -> T.Readings:
    """The readings of `a`'s n rows, then `b`'s (its owners shifted by n)."""
    return T.Readings(a.shown + b.shown, a.normalised + b.normalised,
                      np.concatenate([a.owner, b.owner + n]), np.vstack([a.vectors, b.vectors]),
                      np.concatenate([a.whole, b.whole]))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--add", nargs="*", default=[], help="authors of the added sets")
    parser.add_argument("--cache", type=Path, help="pickle of the readings (made if missing)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--c", type=float, default=4.0)
    parser.add_argument("--acute-c", type=float, default=16.0)
    parser.add_argument("--variants", nargs="+", default=["base", "add", "add_fit"])
    parser.add_argument("--halves", action="store_true",
                        help="each added author's rows as two authors (alternate rows) in two "
                        "folds: each half scored by models fitted on the other")  # fmt: skip
    parser.add_argument("--added-weight", type=float, default=1.0,
                        help="sample weight of the added rows in every fit")  # fmt: skip
    parser.add_argument("--forget-added", action="store_true",
                        help="the added rows are never a neighbour feature's memory")  # fmt: skip
    args = parser.parse_args()
    every = load_rows(Path("tests/data"))
    trained = set(SPLITS["train"])
    added = set(args.add)
    assert not added & trained, "add only authors outside training"
    rows = split(every, "train") + [x for x in every if x.author in added]
    assert {x.author for x in rows} >= added, "an added author has no rows under tests/data"
    if not added:
        args.variants = ["base"]
    base = split(every, "train")
    if args.halves:
        rows = base + [replace(x, author=f"{x.author}{i % 2}")
                       for i, x in enumerate(rows[len(base) :])]  # fmt: skip
        added = {x.author for x in rows[len(base) :]}
    r = cached_readings(base, args.cache)  # the training rows' readings, encoded once
    more = rows[len(base) :]
    if more:
        r = joined(r, T.readings(more, training_encoder()[0]), len(base))
    fold = folds_of([x for x in rows if x.author in trained], args.folds)
    for i, a in enumerate(sorted(added)):
        fold[a] = i % args.folds
    if args.added_weight != 1.0:
        weigh_added({x.text for x in rows if x.author in added}, args.added_weight)
    if args.forget_added:
        forget_added({x.text for x in rows if x.author in added})
    rules = load_rules()
    rule_levels = [(h.level if (h := rules.match(forms(x.text))) else "none") for x in rows]
    for variant in args.variants:
        T._trainable = none_long_fitted if variant.startswith("add_fit") else SHIPPED_TRAINABLE
        keep = np.array([x.author in trained or variant != "base" for x in rows])
        part, pr = subset(rows, r, keep)
        if "no_long_whole" in variant:  # a message of 7+ sentences read by its sentences only
            per_row = np.bincount(pr.owner, minlength=len(part))
            drop = pr.whole & (per_row[pr.owner] > 7)
            pr = T.Readings([t for t, d in zip(pr.shown, drop, strict=True) if not d],
                            [t for t, d in zip(pr.normalised, drop, strict=True) if not d],
                            pr.owner[~drop], pr.vectors[~drop], pr.whole[~drop])  # fmt: skip
        folded = [replace(x, author=f"fold{fold[x.author]}") for x in part]
        probs = probabilities(folded, pr, args.c, acute_c=args.acute_c)
        if variant.endswith("same_bars"):  # the added rows fitted, not in the bars' budget
            scores = T._row_scores(probs, pr.owner, len(part), pr.whole)
            mine = np.array([x.author in trained for x in part])
            bars = T.thresholds([x for x, m in zip(part, mine, strict=True) if m], scores[mine])
            model = T._levels(scores, bars)
        else:
            model = T.cross_validated(part, pr, probs)[1]
        ruled = [lv for lv, k in zip(rule_levels, keep, strict=True) if k]
        for name in sorted({a.rstrip("01") for a in added}):  # each added set apart
            halves = {a for a in added if a.rstrip("01") == name}
            report(variant, part, model, ruled, trained, (f"added {name}", halves))
    T._trainable = SHIPPED_TRAINABLE


def report(variant: str, rows, model: list[str], ruled: list[str], trained: set[str],
           other: tuple[str, set[str]]) -> None:  # fmt: skip
    """Print the rates of the model's levels and of the rules' and model's together, over the
    training authors, their long posts, and the `other` authors (a name and a set)."""
    both = [max(a, b, key=LEVELS.index) for a, b in zip(model, ruled, strict=True)]
    for tag, levels in (("model alone", model), ("rules and model", both)):
        for who, pick in (
            ("training authors", lambda x: x.author in trained),
            ("training authors' long posts",
             lambda x: x.author in trained and x.category == "long_post"),
            (other[0], lambda x: x.author in other[1]),
        ):  # fmt: skip
            at = [i for i, x in enumerate(rows) if pick(x)]
            if at and {rows[i].level for i in at} >= {"none", "mention", "acute"}:
                got = rates([rows[i] for i in at], [levels[i] for i in at])
                print(f"{variant}; {tag}; {who} ({len(at)}): {got}", flush=True)
            elif at:
                acute = [i for i in at if rows[i].level == "acute"]
                none = [i for i in at if rows[i].level == "none"]
                got = f"acute {np.mean([levels[i] == 'acute' for i in acute]):.3f}" if acute else ""
                if none:
                    flagged = np.mean([levels[i] != "none" for i in none])
                    read_acute = np.mean([levels[i] == "acute" for i in none])
                    got += f" false alarm {flagged:.3f}, none->acute {read_acute:.3f}"
                print(f"{variant}; {tag}; {who} ({len(at)}): {got.strip()}", flush=True)


if __name__ == "__main__":
    main()

"""Can the crisis model's false alarms on messages of several ordinary sentences (clipped day logs,
long posts) be cut by how their whole reading is scored, without refitting on new rows?

Grouped 5-fold CV over the training authors (folds as benchmarks/safety_long_posts.py; the
shipped design: whole and sentence heads, the acute regression, neighbour features, C 4 / 16),
and, as a sixth fold, the same design fitted on every training author scoring the outside sets
(held-out C, the blind sets, and `ay`/`bb`, which are in no split). Reported with the phrase
rules. Variants:
- `base`: the shipped design;
- `whole_nochar`: the whole reading of a message of several sentences gets no character n-grams
  (fitted and scored so): the n-grams, with the neighbour features, outvote an embedding that
  reads "Took the cat for her jabs. 5kg. Vet says less treats. ..." as none (logit contributions
  to acute: embedding +3.6, n-grams +6.8, neighbours +4.6, intercept -10.2);
- then, on `base`'s scores (no refit): separate bars for the whole reading of a message of
  several sentences, fixed by hand on a grid or chosen as `faqbot safety-train` chooses its
  bars (most acute rows found within the false-alarm budget), on the training authors alone or
  with `ay` (and `bb`) in the budget.

Twentieth session (docs/SAFETY.md), rules and model:
- base: CV acute 0.932, any 0.981, mention 0.981; AY flagged 38 %, BA 47 %, AU+AV 70 %;
- whole_nochar: CV acute 0.913, any 0.966; BA 57 %, AU+AV 76 %: worse on both counts;
- bars of their own: with no whole reading of such messages at all (bars above 1), CV acute
  0.897 and AY still 23 %, BA 34 %, AU+AV 68 % flagged: the sentence readings flag them too;
  chosen with AY in the budget, AY 11 % but CV acute 0.819. No bar separates them.
Not kept: the harmless and risky messages of several sentences score alike in every reading.

Run: PYTHONPATH=benchmarks python benchmarks/safety_several_sentences.py --variant base
     [--cache /tmp/s/base.pkl] [--outside c ba ay bb au av ...] [--bars-only]
     (~25 min a variant on two cores; --bars-only reads the scores the last base run saved)
"""

from __future__ import annotations

import argparse
import os
import pickle
from dataclasses import replace
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from safety_acute_regression import LEVELS, cached_readings  # noqa: E402  (run from the repo root)
from safety_join_blind import probabilities  # noqa: E402
from safety_long_posts import folds_of, joined  # noqa: E402

from faqbot.safety import train as T  # noqa: E402
from faqbot.safety.commands import training_encoder  # noqa: E402
from faqbot.safety.dataset import SPLITS, load_rows, split  # noqa: E402
from faqbot.safety.head import char_features, neighbour_features  # noqa: E402
from faqbot.safety.normalise import forms  # noqa: E402
from faqbot.safety.rules import load_rules  # noqa: E402

OUTSIDE = "c ba ay bb au av az aw ax aj ak al am an aq ar".split()
GROUPS = (["c"], ["ay"], ["bb"], ["ba"], ["au", "av"], ["aj", "ak", "al", "am", "an", "aq", "ar"],
          ["aw", "ax"], ["az"])  # fmt: skip
SHIPPED_DESIGN, SHIPPED_TRAINABLE = T._design, T._trainable


def of_several(r: T.Readings) -> np.ndarray:
    """Per reading: the whole reading of a message that also has sentence readings."""
    n_sent = np.bincount(r.owner[~r.whole], minlength=r.owner.max() + 1)
    return r.whole & (n_sent[r.owner] > 0)


def design_without_chars(r, mask, char_weight, near=None):
    """T._design with the n-gram block zero on the whole reading of a message of several."""
    from scipy.sparse import csr_matrix, diags, hstack

    parts = [csr_matrix(r.vectors[mask])]
    if char_weight:
        chars = char_features([t for t, m in zip(r.normalised, mask, strict=True) if m])
        parts.append(diags((~of_several(r)[mask]).astype(float)) @ chars * char_weight)
    if near is not None:
        parts.append(csr_matrix(near[mask]))
    return hstack(parts).tocsr()


class ChunkedNeighbours:
    """T.Neighbours.features without the all-pairs matrix (48k readings: 9 GB, and OpenBLAS
    crashed on it): each author's readings against the memory, in chunks."""

    def __init__(self, rows, r):
        self.labels = r.labels(rows)
        self.authors = np.array([rows[o].author for o in r.owner])
        self.vectors = r.vectors

    def features(self, memory: np.ndarray) -> np.ndarray:
        out = np.empty((len(self.labels), 5))
        for author in np.unique(self.authors):
            at = np.flatnonzero(self.authors == author)
            cols = memory & (self.authors != author)
            seen, labels = self.vectors[cols], self.labels[cols]
            for i in range(0, len(at), 4096):
                chunk = at[i : i + 4096]
                out[chunk] = neighbour_features(self.vectors[chunk] @ seen.T, labels)
        return out


def scores(variant: str, outside: list[str], cache: Path | None):
    """Rows, and per row (T._row_scores) the out-of-fold scores of the training authors and the
    all-training fit's scores of the outside rows."""
    every = load_rows(Path("tests/data"))
    trained = set(SPLITS["train"])
    base = split(every, "train")
    r = cached_readings(base, cache)
    more = [x for x in every if x.author in set(outside)]
    r = joined(r, T.readings(more, training_encoder()[0]), len(base))
    rows = base + more
    fold = folds_of(base, 5)
    folded = [replace(x, author=f"fold{fold[x.author]}" if x.author in trained else "outside")
              for x in rows]  # fmt: skip
    T._design = design_without_chars if variant == "whole_nochar" else SHIPPED_DESIGN
    T._trainable = lambda rws, rr, whole_only=False: (
        SHIPPED_TRAINABLE(rws, rr, whole_only)
        & (np.array([rws[o].author != "outside" for o in rr.owner]))
    )  # the outside rows are scored, never fitted nor remembered
    T.Neighbours.of = classmethod(lambda cls, rws, rr: ChunkedNeighbours(rws, rr))
    try:
        probs = probabilities(folded, r, 4.0, acute_c=16.0)
    finally:
        T._design, T._trainable = SHIPPED_DESIGN, SHIPPED_TRAINABLE
    return rows, T._row_scores(probs, r.owner, len(rows), r.whole)


def levels(s: np.ndarray, several: np.ndarray, acute: tuple, any_tier: tuple) -> np.ndarray:
    """Model levels (indices into LEVELS) under bars (single whole, several whole, sentence)."""
    out = np.zeros(len(s), int)
    out[np.where(several, s[:, 1] >= any_tier[1], s[:, 1] >= any_tier[0])
        | (s[:, 3] >= any_tier[2])] = 1  # fmt: skip
    out[np.where(several, s[:, 0] >= acute[1], s[:, 0] >= acute[0]) | (s[:, 2] >= acute[2])] = 2
    return out


def three_bars(single, several, part, none, acute, budget: float) -> tuple[float, float, float]:
    """(single whole, several whole, sentence) bars: at most `budget` of the "none" rows flagged,
    the most acute rows found (T._two_bars with one more bar, searched on a grid)."""
    allowed = int(np.floor(budget * none.sum()))
    tried_part = [*np.sort(part[none & (part > -1)])[-120:] + 1e-12, 2.0]
    tried_several = [*np.quantile(several[none & (several > -1)], np.linspace(0.5, 1, 60)) + 1e-12,
                     2.0]  # fmt: skip
    best = None
    for t_part in tried_part:
        for t_several in tried_several:
            flagged = (part >= t_part) | (several >= t_several)
            left = allowed - int((flagged & none).sum())
            if left < 0:
                continue
            rest = np.sort(single[none & ~flagged])[::-1]
            t_single = float(rest[left]) + 1e-12 if left < len(rest) else 0.0
            found = float((flagged | (single >= t_single))[acute].mean())
            if best is None or found > best[0]:
                best = (found, t_single, float(t_several), float(t_part))
    return best[1:]


def report(tag: str, rows, got: np.ndarray, ruled: np.ndarray, several: np.ndarray) -> None:
    label = np.array([LEVELS.index(x.level) for x in rows])
    author = np.array([x.author for x in rows])
    both = np.maximum(got, ruled)
    trained = np.isin(author, list(SPLITS["train"]))

    def rates(pick):
        a, n = pick & (label == 2), pick & (label == 0)
        f = lambda v, m: f"{v[m].mean():.3f}" if m.any() else "  -  "  # noqa: E731
        return (f"acute {f(both == 2, a)} any {f(both > 0, a)} false alarm {f(both > 0, n)} "
                f"none->acute {f(both == 2, n)}")  # fmt: skip

    print(f"== {tag}")
    print(f"   training authors (CV)       {rates(trained)}")
    print(f"   their messages of several   {rates(trained & several)}")
    for group in GROUPS:
        if np.isin(author, group).any():
            print(f"   {'+'.join(group):28s}{rates(np.isin(author, group))}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--variant", default="base", choices=["base", "whole_nochar"])
    parser.add_argument("--outside", nargs="*", default=OUTSIDE)
    parser.add_argument("--cache", type=Path, help="pickle of the training rows' readings")
    parser.add_argument("--saved", type=Path, default=Path("/tmp/safety_several.pkl"),
                        help="where the scores are saved, and read with --bars-only")  # fmt: skip
    parser.add_argument("--bars-only", action="store_true")
    args = parser.parse_args()
    if args.bars_only:
        rows, s = pickle.loads(args.saved.read_bytes())
    else:
        rows, s = scores(args.variant, args.outside, args.cache)
        args.saved.write_bytes(pickle.dumps((rows, s)))
    rules = load_rules()
    ruled = np.array([LEVELS.index(h.level) if (h := rules.match(forms(x.text))) else 0
                      for x in rows])  # fmt: skip
    several = s[:, 2] > -1
    trained = np.isin([x.author for x in rows], list(SPLITS["train"]))
    label = np.array([LEVELS.index(x.level) for x in rows])
    shipped = T.thresholds([x for x, t in zip(rows, trained, strict=True) if t], s[trained])
    acute, any_tier = (shipped[0], shipped[0], shipped[2]), (shipped[1], shipped[1], shipped[3])
    report(f"{args.variant}, the shipped bars {np.round(shipped, 4)}", rows,
           levels(s, several, acute, any_tier), ruled, several)  # fmt: skip
    if args.variant != "base":
        return
    for a, y in ((0.95, 0.90), (0.97, 0.95), (0.99, 0.97), (2.0, 2.0)):
        report(f"several-sentence whole bars by hand: acute {a}, any tier {y}", rows,
               levels(s, several, (acute[0], a, acute[2]), (any_tier[0], y, any_tier[2])),
               ruled, several)  # fmt: skip
    single = lambda k: np.where(~several, s[:, k], -1.0)  # noqa: E731
    whole_of_several = lambda k: np.where(several, s[:, k], -1.0)  # noqa: E731
    author = np.array([x.author for x in rows])
    for extra in ([], ["ay"], ["ay", "bb"]):
        none = (trained | np.isin(author, extra)) & (label == 0)
        found = trained & (label == 2)
        a = three_bars(single(0), whole_of_several(0), s[:, 2], none, found, T.MAX_NONE_ACUTE)
        y = three_bars(single(1), whole_of_several(1), s[:, 3], none, found, T.MAX_FALSE_ALARM)
        report(f"three bars chosen, budget: training authors {' + '.join(extra)}: acute "
               f"{np.round(a, 4)}, any tier {np.round(y, 4)}", rows,
               levels(s, several, a, y), ruled, several)  # fmt: skip


if __name__ == "__main__":
    main()

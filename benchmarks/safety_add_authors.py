"""Does adding a training author help? Leave-one-author-out over the other training authors, each
fold's model trained without and with the candidate authors' messages; the bars are chosen on
the other authors' "none" messages alone in both runs, so the candidates' hard negatives do not
move them. Prints the tiers at the bars and the ranking quality (AUC).

Run: python benchmarks/safety_add_authors.py C AUTHOR...   (e.g. 16 s t: the candidates' rows
are read from tests/data/safety whatever split they are in; only the other authors are scored)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from sklearn.metrics import roc_auc_score  # noqa: E402

from faqbot.safety.commands import training_encoder  # noqa: E402
from faqbot.safety.dataset import SPLITS, load_rows  # noqa: E402
from faqbot.safety.train import (  # noqa: E402
    FIT_WHOLE_ONLY,
    Neighbours,
    _design,
    _fit,
    _levels,
    _row_scores,
    _trainable,
    readings,
    thresholds,
)


def _rate(rows, levels, level, ok) -> float:
    got = [lv for x, lv in zip(rows, levels, strict=True) if x.level == level]
    return sum(ok(lv) for lv in got) / len(got)


def main(c: float, candidates: list[str]) -> None:
    rows = [x for x in load_rows(Path("tests/data"))
            if x.author in (*SPLITS["train"], *candidates)]  # fmt: skip
    r = readings(rows, training_encoder()[0])
    neighbours = Neighbours.of(rows, r)
    authors = np.array([rows[o].author for o in r.owner])
    new = np.isin(authors, candidates)
    scored = [i for i, x in enumerate(rows) if x.author not in candidates]
    sub = [rows[i] for i in scored]
    acute = np.array([x.level == "acute" for x in sub])
    none = np.array([x.level == "none" for x in sub])
    for with_new in (False, True):
        probs = np.zeros((len(r.owner), 3))
        for author in sorted(set(authors[~new])):
            test = authors == author
            train = ~test & _trainable(rows, r, FIT_WHOLE_ONLY) & (with_new | ~new)
            near = neighbours.features(train)
            model = _fit(r, rows, train, c, 1.0, near)
            probs[test] = model.predict_proba(_design(r, test, 1.0, near))
        scores = _row_scores(probs, r.owner, len(rows), r.whole)[scored]
        bars = thresholds(sub, scores)
        t_acute, t_any = bars[:2]
        levels = _levels(scores, bars)
        worst = np.maximum(scores[:, :2], scores[:, 2:])  # whole or a sentence, for the AUC
        print(
            f"with {candidates}: {with_new}; bars {t_acute:.3f} {t_any:.3f}; acute "
            f"{_rate(sub, levels, 'acute', lambda v: v == 'acute'):.3f}, any tier "
            f"{_rate(sub, levels, 'acute', lambda v: v != 'none'):.3f}, mention "
            f"{_rate(sub, levels, 'mention', lambda v: v != 'none'):.3f}, false alarm "
            f"{_rate(sub, levels, 'none', lambda v: v != 'none'):.3f}, none->acute "
            f"{_rate(sub, levels, 'none', lambda v: v == 'acute'):.3f}; AUC acute/none "
            f"{roc_auc_score(acute[acute | none], worst[acute | none, 0]):.4f}, any/none "
            f"{roc_auc_score(~none, worst[:, 1]):.4f}",
            flush=True,
        )


if __name__ == "__main__":
    main(float(sys.argv[1]), sys.argv[2:])

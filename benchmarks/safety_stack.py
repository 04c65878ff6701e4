"""Would a second-stage learner over the crisis model's three blocks beat one logistic regression
over all of them? Leave-one-author-out over the training authors, model alone, at the training
rule's bars (as benchmarks/safety_whole_words.py; held-out and blind sets are not read).

The one regression adds the blocks' logits: on everyday sentences about relatives the character
n-grams and the nearest-neighbour block outvote an embedding that is sure ("My wife and I just
adopted a rescue cat": embedding +7.4 for none, n-grams +4.5 and neighbours +5.0 for acute). A
stacker sees each block's out-of-fold logits and may learn to trust one block where it is sure.

- `joint`: today's model (embedding, n-grams, neighbour features in one regression).
- `stack_lr`: blocks fitted apart (embedding, n-grams), their out-of-fold logits and the five
  neighbour features into a logistic regression.
- `stack_lr_x`: the same with the pairwise products of the blocks' acute-vs-none logits.
- `stack_gbm`: LightGBM over the same features (small trees: the interactions are learned).
- `joint_corrected` (`_gbm`): today's model's out-of-fold logits, the embedding block's, and
  their products: a correction where the embedding is sure.

The stacker's own features for an author come from block models that never saw that author; the
stacker is then scored leave-one-author-out over those features (the usual stacking estimate:
the block models that made another author's features did see the scored author, a mild bias in
the stackers' favour, so a gain must be clear to count).

Run: python benchmarks/safety_stack.py [--c 16] [--cache /tmp/safety_readings.pkl]
"""

from __future__ import annotations

import argparse
import os
import pickle
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from faqbot.safety.commands import training_encoder  # noqa: E402
from faqbot.safety.dataset import load_rows, split  # noqa: E402
from faqbot.safety.head import CLASSES, char_features  # noqa: E402
from faqbot.safety.train import (  # noqa: E402
    Neighbours,
    _levels,
    _row_scores,
    _trainable,
    readings,
    thresholds,
)
from faqbot.settings import SafetySettings  # noqa: E402


def _readings(rows, cache: Path | None):
    if cache and cache.exists():
        return pickle.loads(cache.read_bytes())
    r = readings(rows, training_encoder()[0], SafetySettings(whole_words=0))
    if cache:
        cache.write_bytes(pickle.dumps(r))
    return r


def _lr(x, y, c):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, class_weight="balanced", max_iter=3000).fit(x, y)


def main(c: float, cache: Path | None) -> None:
    rows = split(load_rows(Path("tests/data")), "train")
    r = _readings(rows, cache)
    authors = np.array([rows[o].author for o in r.owner])
    y = np.array([CLASSES.index(rows[o].level) for o in r.owner])
    fits = _trainable(rows, r, True)
    oof = cache.with_suffix(f".c{c:g}.npz") if cache else None
    if oof and oof.exists():
        z = np.load(oof)
        joint, block_e, block_c, near_oof = z["joint"], z["e"], z["c"], z["near"]
    else:
        joint, block_e, block_c, near_oof = _blocks(rows, r, c, authors, y, fits)
        if oof:
            np.savez(oof, joint=joint, e=block_e, c=block_c, near=near_oof)
    _report(rows, r, "joint", joint)

    def margins(logits):
        return np.column_stack([logits[:, 2] - logits[:, 0], logits[:, 1] - logits[:, 0]])

    base = np.column_stack([margins(block_e), margins(block_c), near_oof])
    e, ch, nb = margins(block_e)[:, 0], margins(block_c)[:, 0], near_oof[:, 3]
    crossed = np.column_stack([base, e * ch, e * nb, ch * nb])
    j = margins(np.log(np.clip(joint, 1e-12, None)))
    corrected = np.column_stack([j, margins(block_e), j * margins(block_e)])
    for name, feats, kind in (("stack_lr", base, "lr"), ("stack_lr_x", crossed, "lr"),
                              ("stack_gbm", base, "gbm"), ("joint_corrected", corrected, "lr"),
                              ("joint_corrected_gbm", corrected, "gbm")):  # fmt: skip
        _report(rows, r, name, _stacked(feats, y, fits, authors, kind))


def _blocks(rows, r, c, authors, y, fits):
    """Per reading, leave-one-author-out: the joint model's probabilities, the embedding and
    n-gram blocks' logits, and the neighbour features (over the other authors' messages)."""
    from scipy.sparse import csr_matrix, hstack

    neighbours = Neighbours.of(rows, r)
    chars = char_features(r.normalised)
    emb = csr_matrix(r.vectors)
    n = len(r.owner)
    joint = np.zeros((n, 3))
    block_e, block_c, near_oof = np.zeros((n, 3)), np.zeros((n, 3)), np.zeros((n, 5))
    for author in sorted(set(authors)):
        test = authors == author
        train = ~test & fits
        near = neighbours.features(train)
        x = hstack([emb, chars, csr_matrix(near)]).tocsr()
        joint[test] = _lr(x[train], y[train], c).predict_proba(x[test])
        block_e[test] = _lr(r.vectors[train], y[train], c).decision_function(r.vectors[test])
        block_c[test] = _lr(chars[train], y[train], c).decision_function(chars[test])
        near_oof[test] = near[test]
        print(f"fold {author} done", flush=True)
    return joint, block_e, block_c, near_oof


def _stacked(feats, y, fits, authors, kind):
    from sklearn.preprocessing import StandardScaler

    out = np.zeros((len(y), 3))
    for author in sorted(set(authors)):
        test = authors == author
        train = ~test & fits
        if kind == "lr":
            scale = StandardScaler().fit(feats[train])
            model = _lr(scale.transform(feats[train]), y[train], 1.0)
            out[test] = model.predict_proba(scale.transform(feats[test]))
        else:
            import lightgbm as lgb

            model = lgb.LGBMClassifier(n_estimators=200, learning_rate=0.05, num_leaves=8,
                                       min_child_samples=20, class_weight="balanced",
                                       verbose=-1)  # fmt: skip
            out[test] = model.fit(feats[train], y[train]).predict_proba(feats[test])
    return out


def _report(rows, r, label, probs) -> None:
    from safety_whole_words import rates  # benchmarks/: run as python benchmarks/...

    scores = _row_scores(probs, r.owner, len(rows), r.whole)
    print(f"{label}: cross-validated {rates(rows, _levels(scores, thresholds(rows, scores)))}",
          flush=True)  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--c", type=float, default=16.0, help="the blocks' regularisation")
    parser.add_argument("--cache", type=Path, help="keep the encoded readings here")
    args = parser.parse_args()
    main(args.c, args.cache)

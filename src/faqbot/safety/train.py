"""Train the crisis classifier, choose its thresholds by leave-one-author-out cross-validation,
and score the detector per split, category and language (`faqbot safety-train`, `safety-eval`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from ..settings import SafetySettings
from .dataset import Row, data_hash, split
from .detector import SafetyDetector, sentences
from .head import CLASSES, N_HASH, Head, char_features
from .normalise import disguised, normalise

# Targets of issue 12, on the held-out part: the thresholds aim inside them on cross-validation.
MAX_FALSE_ALARM = 0.015  # of "none" rows the model may flag (the issue allows 3 %)
MAX_NONE_ACUTE = 0.003  # of "none" rows the model may call acute (the issue: never)
C_GRID = (1.0, 4.0, 16.0)
CHAR_WEIGHT_GRID = (0.0, 1.0)


@dataclass(frozen=True)
class Readings:
    """Every text the detector's model reads for each row (sentences, whole, disguise undone)."""

    shown: list[str]
    normalised: list[str]
    owner: np.ndarray  # row index of each reading
    vectors: np.ndarray


def readings(rows: list[Row], encoder, settings: SafetySettings | None = None) -> Readings:
    settings = settings or SafetySettings()
    shown, normalised, owner = [], [], []
    for i, row in enumerate(rows):
        for sentence in sentences(row.text, settings.max_sentences, settings.whole_words):
            plain = normalise(sentence)
            texts = [sentence] + ([plain] if disguised(sentence) else [])
            shown += texts
            normalised += [plain] * len(texts)
            owner += [i] * len(texts)
    vectors = np.asarray(encoder.encode(shown), dtype=np.float32)
    return Readings(shown, normalised, np.array(owner), vectors)


def _design(r: Readings, mask: np.ndarray, char_weight: float):
    from scipy.sparse import csr_matrix, hstack

    emb = csr_matrix(r.vectors[mask])
    if not char_weight:
        return emb
    chars = char_features([t for t, m in zip(r.normalised, mask, strict=True) if m])
    return hstack([emb, chars * char_weight])


def _fit(r: Readings, rows: list[Row], mask: np.ndarray, c: float, char_weight: float):
    from sklearn.linear_model import LogisticRegression

    # the whole of a long post is not its label (the risk is one sentence): train on short rows
    y = np.array([CLASSES.index(rows[o].level) for o in r.owner[mask]])
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
    return model.fit(_design(r, mask, char_weight), y)


def _trainable(rows: list[Row], r: Readings) -> np.ndarray:
    return np.array([rows[o].category != "long_post" for o in r.owner])


def _row_scores(probs: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    """Per row: the worst reading's P(acute) and P(acute or mention)."""
    out = np.zeros((n, 2))
    for p, o in zip(probs, owner, strict=True):
        out[o] = np.maximum(out[o], (p[2], p[1] + p[2]))
    return out


def out_of_fold(rows: list[Row], r: Readings, c: float, char_weight: float) -> np.ndarray:
    """Leave-one-author-out scores: each author's rows scored by a model trained on the others."""
    authors = np.array([rows[o].author for o in r.owner])
    probs = np.zeros((len(r.owner), 3))
    for author in sorted(set(authors)):
        test = authors == author
        model = _fit(r, rows, ~test & _trainable(rows, r), c, char_weight)
        probs[test] = model.predict_proba(_design(r, test, char_weight))
    return _row_scores(probs, r.owner, len(rows))


def thresholds(rows: list[Row], scores: np.ndarray) -> tuple[float, float]:
    """The lowest thresholds that keep "none" rows inside the false-alarm budget (any tier) and
    never acute: recall first, within what the issue allows for idioms and plain questions."""
    none = np.array([r.level == "none" for r in rows])
    t_any = float(np.quantile(scores[none, 1], 1 - MAX_FALSE_ALARM))
    t_acute = float(np.quantile(scores[none, 0], 1 - MAX_NONE_ACUTE))
    return t_acute, t_any


def recall_table(rows: list[Row], levels: list[str]) -> dict:
    """Per level, category and language: rows, and the share at the expected tier or above."""
    groups: dict[tuple[str, str], list[tuple[Row, str]]] = defaultdict(list)
    for row, got in zip(rows, levels, strict=True):
        for key in (("level", row.level), ("category", f"{row.level}/{row.category}"),
                    ("lang", f"{row.level}/{row.lang}")):  # fmt: skip
            groups[key].append((row, got))
    return {f"{kind}:{name}": _rates(pairs) for (kind, name), pairs in sorted(groups.items())}


def _rates(pairs: list[tuple[Row, str]]) -> dict:
    n = len(pairs)
    level = pairs[0][0].level
    if level == "none":
        return {"n": n, "false_alarm": sum(g != "none" for _, g in pairs) / n,
                "acute": sum(g == "acute" for _, g in pairs) / n}  # fmt: skip
    hit_any = sum(g != "none" for _, g in pairs) / n
    if level == "mention":
        return {"n": n, "mention_or_above": hit_any}
    return {"n": n, "acute": sum(g == "acute" for _, g in pairs) / n, "any": hit_any}


def train(rows: list[Row], encoder, model_id: str, log=print) -> tuple[Head, dict]:
    """Choose C and the n-gram weight by cross-validation, then fit on every training row."""
    rows = split(rows, "train")
    r = readings(rows, encoder)
    best = None
    for c in C_GRID:
        for w in CHAR_WEIGHT_GRID:
            scores = out_of_fold(rows, r, c, w)
            t_acute, t_any = thresholds(rows, scores)
            levels = _levels(scores, t_acute, t_any)
            acute = [lv for row, lv in zip(rows, levels, strict=True) if row.level == "acute"]
            key = (
                np.mean([lv == "acute" for lv in acute]),
                np.mean([lv != "none" for lv in acute]),
            )
            log(
                f"C={c} char_weight={w}: cross-validated acute->acute {key[0]:.3f}, "
                f"any {key[1]:.3f}"
            )
            if best is None or key > best[0]:
                best = (key, c, w, scores, t_acute, t_any)
    _, c, w, scores, t_acute, t_any = best
    model = _fit(r, rows, _trainable(rows, r), c, w)
    dim = r.vectors.shape[1]
    coef = model.coef_
    head = Head(
        coef[:, :dim].astype(np.float32),
        (np.asarray(coef[:, dim:]) * w if w else np.zeros((3, N_HASH))).astype(np.float32),
        model.intercept_.astype(np.float32), t_acute, t_any, model_id, data_hash(rows),
    )  # fmt: skip
    levels = _levels(scores, t_acute, t_any)
    report = {"C": c, "char_weight": w, "acute_threshold": t_acute, "any_threshold": t_any,
              "cross_validated_model_only": recall_table(rows, levels)}  # fmt: skip
    return head, report


def _levels(scores: np.ndarray, t_acute: float, t_any: float) -> list[str]:
    return ["acute" if a >= t_acute else "mention" if m >= t_any else "none" for a, m in scores]


def evaluate(rows: list[Row], detector: SafetyDetector, splits: tuple[str, ...]) -> dict:
    """The whole detector (rules and model) on each split named."""
    out = {}
    for name in splits:
        part = split(rows, name)
        if part:
            out[name] = recall_table(part, [detector.assess(r.text).level for r in part])
    return out

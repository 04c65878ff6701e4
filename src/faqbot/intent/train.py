"""Train the small-talk classifier (`faqbot intent-train`): logistic regression on the question
embedding, C and the confidence threshold chosen by 5-fold cross-validation on the training file,
then scored once on the held-out file and on the held-out question set F (all real questions).

Labelled data: tests/data/intent/train.jsonl and held_out.jsonl ({"text", "intent"}), written by
category; the training set also takes every question of set E and the dev set as "question".
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from .model import INTENTS, IntentModel

C_GRID = (1.0, 4.0, 16.0, 64.0)
THRESHOLDS = (0.4, 0.5, 0.6, 0.7, 0.8)
OTHER = INTENTS.index("question")


def load_rows(path: Path) -> list[tuple[str, str]]:
    """(text, intent) rows of a labelled JSONL file.

    Raises:
        ValueError: a row without text or with an intent not in INTENTS.
    """
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not row.get("text") or row.get("intent") not in INTENTS:
            raise ValueError(f"{path}:{n}: needs text and an intent of {', '.join(INTENTS)}")
        rows.append((row["text"], row["intent"]))
    return rows


def questions(*paths: Path) -> list[tuple[str, str]]:
    """Every question of question-set files (JSONL with "question"), labelled "question"."""
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append((json.loads(line)["question"], "question"))
    return out


def data_hash(rows: list[tuple[str, str]]) -> str:
    return hashlib.sha256(json.dumps(rows).encode("utf-8")).hexdigest()[:16]


def _fit(x: np.ndarray, y: np.ndarray, c: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, class_weight="balanced", max_iter=3000).fit(x, y)


def _decide(p: np.ndarray, threshold: float) -> np.ndarray:
    best = p.argmax(axis=1)
    return np.where((best != OTHER) & (p.max(axis=1) >= threshold), best, OTHER)


def scores(y: np.ndarray, got: np.ndarray) -> dict:
    """Accuracy, and the two errors that matter: a real question taken for small talk (it would
    go unanswered), and small talk missed (it would get "I couldn't find this")."""
    other = y == OTHER
    return {
        "n": int(len(y)),
        "accuracy": float(np.mean(y == got)),
        "question_taken_for_small_talk": float(np.mean(got[other] != OTHER)) if other.any() else 0,
        "small_talk_missed": float(np.mean(got[~other] == OTHER)) if (~other).any() else 0,
    }


def train(
    rows: list[tuple[str, str]], encoder, model_id: str, log=print
) -> tuple[IntentModel, dict]:
    """Choose C and the threshold by 5-fold cross-validation (fewest questions taken for small
    talk first, then accuracy), then fit on every row."""
    from sklearn.model_selection import StratifiedKFold

    x = np.asarray(encoder.encode([t for t, _ in rows]), dtype=np.float32)
    y = np.array([INTENTS.index(i) for _, i in rows])
    best = None
    for c in C_GRID:
        probs = np.zeros((len(y), len(INTENTS)))
        for fit_idx, test_idx in StratifiedKFold(5, shuffle=True, random_state=0).split(x, y):
            probs[test_idx] = _fit(x[fit_idx], y[fit_idx], c).predict_proba(x[test_idx])
        for t in THRESHOLDS:
            s = scores(y, _decide(probs, t))
            log(f"C={c} threshold={t}: cross-validated {s}")
            key = (-s["question_taken_for_small_talk"], s["accuracy"])
            if best is None or key > best[0]:
                best = (key, c, t, s)
    _, c, t, cv = best
    model = _fit(x, y, c)
    found = IntentModel(
        model.coef_.astype(np.float32), model.intercept_.astype(np.float32), t, model_id,
        data_hash(rows),
    )  # fmt: skip
    return found, {"C": c, "threshold": t, "cross_validated": cv}


def evaluate(model: IntentModel, rows: list[tuple[str, str]], encoder) -> dict:
    """The saved model on labelled rows it never saw."""
    x = np.asarray(encoder.encode([t for t, _ in rows]), dtype=np.float32)
    y = np.array([INTENTS.index(i) for _, i in rows])
    got = np.array([INTENTS.index(i) for i in model.intents(x)])
    return scores(y, got)

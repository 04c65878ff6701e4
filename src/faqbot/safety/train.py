"""Train the crisis classifier, choose its thresholds by leave-one-author-out cross-validation,
and score the detector per split, category and language (`faqbot safety-train`, `safety-eval`)."""

from __future__ import annotations

import os
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from itertools import product

import numpy as np

from ..settings import SafetySettings
from .dataset import Row, data_hash, other_head_rows, remembered_rows, sentence_key, split
from .detector import SafetyDetector, sentences
from .head import CLASSES, N_HASH, Head, char_features, neighbour_features, with_acute
from .normalise import disguised, normalise

# Targets of issue 12, on the held-out part: the thresholds aim inside them on cross-validation.
MAX_FALSE_ALARM = 0.015  # of "none" rows the model may flag (the issue allows 3 %)
MAX_NONE_ACUTE = 0.003  # of "none" rows the model may call acute (the issue: never)
# The head for other languages (head.OTHER_HEAD_PATH): its acute bars and its any-tier bars are
# lowered by these after training, the shifts at which it reads as many acute messages acute,
# and at any tier, as the main head on blind sets AJ..BG (chosen mechanically by
# benchmarks/safety_languages_ab.py choose; docs/safety_languages_before.md, candidate D)
OTHER_BAR_SHIFTS = (-0.05, -0.10)
# C=1 and no character n-grams lost on every cross-validation so far (docs/SAFETY.md): the grid
# keeps what can win, and tries the nearest-neighbour features on and off
C_GRID = (4.0, 16.0)
# (n-grams at half weight, a stronger prior against them: leave-one-author-out acute 0.853 ->
# 0.816 at the same bars, ninth session; benchmarks/safety_whole_words.py --char-weight)
CHAR_WEIGHT_GRID = (1.0,)
NEIGHBOUR_WEIGHT_GRID = (0.0, 1.0)
# fit to whole messages only: a sentence of a longer message is scored, not labelled (with
# whole_words 0, leave-one-author-out acute 0.797 / mention 0.950 against 0.789 / 0.940 reading
# <= 40 words whole and fitting every reading; benchmarks/safety_whole_words.py)
FIT_WHOLE_ONLY = True
# A sentence of a longer message is read by its own weights: fitted like the whole head's, and
# also to every sentence of the "none" messages (a message without risk has no risky sentence),
# each at this weight. Leave-one-author-out, rules and model together: acute 0.900 -> 0.911, any
# tier 0.970 -> 0.974, mention 0.975 both, false alarms 2.8 % both (weights 0.5 and 1: acute
# 0.907 and 0.906). One head fitted to those sentences for every reading raised long posts but
# lost more elsewhere (acute 0.896, any 0.963). docs/SAFETY.md, fifth session.
SENTENCE_NONE_WEIGHT = 0.25
# Sentence labels (tests/data/safety_sentence_labels.jsonl: which sentences of an acute or
# mention message carry it, read alone): the labels whose sentences the sentence head is fitted
# to, at SENTENCE_NONE_WEIGHT (empty: none). Seventeenth session, all three (n, m, r): grouped
# 5-fold CV with the rules acute 0.934 -> 0.943, any tier 0.980 -> 0.982 (as/at's long "none"
# posts' false alarms 34 % -> 21 %; benchmarks/safety_sentence_labels.py); the refit raised the
# acute tier (held-out C 0.923 -> 0.936, blind AJ..AR pooled 0.946 -> 0.961) but, over every
# set never trained on, took all safety text from 11 acute messages while giving it to 13
# (blind AJ..AR any tier 0.983 -> 0.981; lost: long posts and "is drowning painful? i need to
# know before i decide"), and read more long "none" posts acute (AU 20 % -> 27 %, AV 18 % ->
# 30 %): the rule written beforehand failed, so the head is not refitted (docs/SAFETY.md).
SENTENCE_LABELS_FITTED: tuple[str, ...] = ()
LETTERS = "nmr"  # sentence label letters, in CLASSES order (none, mention, acute)
# P(acute) from a second regression fitted to tell acute messages from all others (same design),
# P(any tier) from the three-level one (head.with_acute), its C chosen from this grid by the
# same cross-validation (empty: no acute regression). The three-level regression spends its fit
# on mention against none too; the acute bar only asks acute against the rest.
# Leave-one-author-out at the training rule's bars, thirteenth session, at C 16: model alone
# acute 0.873 -> 0.886, any tier 0.962 -> 0.964, mention 0.963 both, false alarms 1.5 % both;
# with the rules acute 0.916 -> 0.925 (P(any) as the larger of the two instead: acute 0.861);
# at C 64: 0.892, any tier 0.962, with the rules 0.929. A refit with the grid (16, 64) chose 64
# and lost on held-out C (acute 0.917 -> 0.914, any tier 0.990 -> 0.987: "Sorted my affairs...
# I'm ready" lost all safety text) for nothing on AJ, AK or AL: recall first, the grid holds 16.
# docs/SAFETY.md.
ACUTE_C_GRID = (16.0,)


@dataclass(frozen=True)
class Readings:
    """Every text the detector's model reads for each row (sentences, whole, disguise undone)."""

    shown: list[str]
    normalised: list[str]
    owner: np.ndarray  # row index of each reading
    vectors: np.ndarray  # as the head keeps its neighbours: float16 precision, in float32
    whole: np.ndarray  # per reading: it is the whole message, not one sentence of several
    # per reading: the class index of its sentence label (load_sentence_labels), -1 for none
    sentence_label: np.ndarray | None = None

    def labels(self, rows: list[Row]) -> np.ndarray:
        """Per reading, the class it is fitted to: its sentence label, else its message's."""
        own = np.array([CLASSES.index(rows[o].level) for o in self.owner], dtype=int)
        if self.sentence_label is None:
            return own
        return np.where(self.sentence_label >= 0, self.sentence_label, own)


def readings(rows: list[Row], encoder, settings: SafetySettings | None = None,
             sentence_labels: dict[str, str] | None = None) -> Readings:  # fmt: skip
    """Every reading of `rows`; a sentence of a message in `sentence_labels` (sentence_key:
    one letter per sentence) carries its own label."""
    settings = settings or SafetySettings()
    sentence_labels = sentence_labels or {}
    shown, normalised, owner, whole, label = [], [], [], [], []
    for i, row in enumerate(rows):
        parts = sentences(
            row.text, settings.max_sentences, settings.whole_words, settings.clause_words
        )
        letters = sentence_labels.get(sentence_key(row.text), "")
        if len(letters) != len(parts) - 1:  # labelled under another split: not used
            letters = ""
        for j, sentence in enumerate(parts):
            plain = normalise(sentence)
            texts = [sentence] + ([plain] if disguised(sentence) else [])
            shown += texts
            normalised += [plain] * len(texts)
            owner += [i] * len(texts)
            whole += [j == len(parts) - 1] * len(texts)  # the whole comes last (sentences())
            mine = LETTERS.index(letters[j]) if j < len(letters) else -1
            label += [mine] * len(texts)
    vectors = np.asarray(encoder.encode(shown), dtype=np.float16).astype(np.float32)
    return Readings(shown, normalised, np.array(owner), vectors, np.array(whole, dtype=bool),
                    np.array(label, dtype=int))  # fmt: skip


@dataclass(frozen=True)
class Neighbours:
    """What the nearest-neighbour features need: every reading's cosine with every other, its
    level and its author."""

    similarities: np.ndarray
    labels: np.ndarray
    authors: np.ndarray

    @classmethod
    def of(cls, rows: list[Row], r: Readings) -> Neighbours:
        labels = r.labels(rows)
        authors = np.array([rows[o].author for o in r.owner])
        return cls(r.vectors @ r.vectors.T, labels, authors)

    def features(self, memory: np.ndarray) -> np.ndarray:
        """NEIGHBOUR_NAMES per reading, over the readings in `memory` by other authors: a
        message never finds itself or its author's other phrasings."""
        out = np.empty((len(self.labels), 5))
        for author in np.unique(self.authors):
            rows = self.authors == author
            cols = memory & (self.authors != author)
            out[rows] = neighbour_features(self.similarities[np.ix_(rows, cols)], self.labels[cols])
        return out


def _design(r: Readings, mask: np.ndarray, char_weight: float, near: np.ndarray | None = None):
    """Columns: the embedding, the n-grams (times their weight), the neighbour features (already
    weighted; None: left out)."""
    from scipy.sparse import csr_matrix, hstack

    parts = [csr_matrix(r.vectors[mask])]
    if char_weight:
        chars = char_features([t for t, m in zip(r.normalised, mask, strict=True) if m])
        parts.append(chars * char_weight)
    if near is not None:
        parts.append(csr_matrix(near[mask]))
    return hstack(parts).tocsr() if len(parts) > 1 else parts[0]


def _fit(r: Readings, rows: list[Row], mask: np.ndarray, c: float, char_weight: float,
         near: np.ndarray | None = None, weights: np.ndarray | None = None,
         acute_only: bool = False):  # fmt: skip
    """Logistic regression on the readings in `mask` (`weights`: per reading, None: all 1): of
    the three levels, or (`acute_only`) of acute against the other two."""
    from sklearn.linear_model import LogisticRegression

    # the whole of a long post is not its label (the risk is one sentence): train on short rows
    y = r.labels(rows)[mask]
    if acute_only:
        y = (y == CLASSES.index("acute")).astype(int)
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
    sample = None if weights is None else weights[mask]
    return model.fit(_design(r, mask, char_weight, near), y, sample_weight=sample)


def _sentence_trainable(rows: list[Row], r: Readings, whole_only: bool) -> np.ndarray:
    """The readings the sentence head is fitted to: the whole head's, every sentence of a
    "none" message, and every labelled sentence whose label is in SENTENCE_LABELS_FITTED
    (weighted SENTENCE_NONE_WEIGHT: _sentence_weights)."""
    own = np.array([rows[o].level == "none" for o in r.owner], dtype=bool)  # a sentence's label
    if r.sentence_label is not None and SENTENCE_LABELS_FITTED:
        fitted = [CLASSES.index(c) for c in SENTENCE_LABELS_FITTED]
        own |= np.isin(r.sentence_label, fitted)
    return _trainable(rows, r, whole_only) | (~r.whole & own)


def _sentence_weights(r: Readings) -> np.ndarray:
    return np.where(r.whole, 1.0, SENTENCE_NONE_WEIGHT)


def _trainable(rows: list[Row], r: Readings, whole_only: bool = False) -> np.ndarray:
    """The readings the model is fitted to: a label is the whole message's, so not the
    sentences of a long post (the risk is one of them), nor, `whole_only`, any one sentence of
    a longer message ("How soon does it work?" beside "I have the pills saved" is not acute);
    every reading is still scored, the message by its worst."""
    fits = np.array([rows[o].category != "long_post" for o in r.owner], dtype=bool)
    return fits & r.whole if whole_only else fits


def _row_scores(probs: np.ndarray, owner: np.ndarray, n: int, whole: np.ndarray) -> np.ndarray:
    """Per row: the worst whole reading's P(acute) and P(acute or mention), then the worst
    sentence reading's (-1 for a message read only whole)."""
    out = np.full((n, 4), -1.0)
    pair = np.stack([probs[:, 2], probs[:, 1] + probs[:, 2]], axis=1)
    for p, o, w in zip(pair, owner, whole, strict=True):
        at = slice(0, 2) if w else slice(2, 4)
        out[o, at] = np.maximum(out[o, at], p)
    return out


def out_of_fold(
    rows: list[Row],
    r: Readings,
    c: float,
    char_weight: float,
    neighbours: Neighbours | None = None,
    weight: float = 0.0,
    whole_only: bool = False,
) -> np.ndarray:
    """Leave-one-author-out scores (as _row_scores): each author's rows scored by a model
    trained on the others; the neighbour features (when `weight`) remember only the other
    authors' messages, too."""
    probs = _out_of_fold_probs(rows, r, c, char_weight, neighbours, weight, whole_only)
    return _row_scores(probs, r.owner, len(rows), r.whole)


def _out_of_fold_probs(rows, r, c, char_weight, neighbours, weight, whole_only,
                       sentence_head=False, acute_only=False) -> np.ndarray:  # fmt: skip
    """Per reading, leave-one-author-out class probabilities (`sentence_head`: of the weights
    fitted as the sentence head's; `acute_only`: P(not acute), P(acute) of the acute
    regression)."""
    authors = np.array([rows[o].author for o in r.owner])
    fits = (_sentence_trainable if sentence_head else _trainable)(rows, r, whole_only)
    weights = _sentence_weights(r) if sentence_head else None
    probs = np.zeros((len(r.owner), 2 if acute_only else 3))

    def fold(author: str) -> None:
        test = authors == author
        train = ~test & fits
        near = neighbours.features(train) * weight if neighbours is not None and weight else None
        model = _fit(r, rows, train, c, char_weight, near, weights, acute_only)
        probs[test] = model.predict_proba(_design(r, test, char_weight, near))

    # one fold per core: the fits spend their time in numpy, scipy and sklearn code that lets go
    # of the GIL, and each fold writes only its own author's rows
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(fold, sorted(set(authors))))
    return probs


def thresholds(rows: list[Row], scores: np.ndarray) -> tuple[float, float, float, float]:
    """The bars (acute, any, sentence acute, sentence any) that find the most acute rows while
    keeping "none" rows inside the false-alarm budget (any tier) and nearly never acute:
    recall first, within what the issue allows for idioms and plain questions. A sentence of a
    longer message gets its own bars: read alone it is weaker evidence than a whole message, and
    one shared bar, raised by every "none" message's extra readings, cost the short messages
    (leave-one-author-out, bars chosen on the other authors: any tier 0.936 -> 0.959, acute
    0.794 -> 0.810 at the same false alarms)."""
    none = np.array([r.level == "none" for r in rows])
    acute = np.array([r.level == "acute" for r in rows])
    t_acute, t_part_acute = _two_bars(scores[:, 0], scores[:, 2], none, acute, MAX_NONE_ACUTE)
    t_any, t_part_any = _two_bars(scores[:, 1], scores[:, 3], none, acute, MAX_FALSE_ALARM)
    return t_acute, t_any, t_part_acute, t_part_any


def _two_bars(whole: np.ndarray, part: np.ndarray, none: np.ndarray, acute: np.ndarray,
              budget: float) -> tuple[float, float]:  # fmt: skip
    """(whole bar, sentence bar) flagging at most `budget` of the "none" rows (a row is flagged
    when either of its scores reaches its bar) and the most "acute" rows; the sentence bar is
    tried just above each of the highest "none" sentence scores, and above every score (2.0)."""
    allowed = int(np.floor(budget * none.sum()))
    tried = np.sort(part[none & (part > -1)])[-300:] + 1e-12
    best = None
    for t_part in [*tried, 2.0]:
        by_part = part >= t_part
        left = allowed - int((by_part & none).sum())
        if left < 0:
            continue
        rest = np.sort(whole[none & ~by_part])[::-1]
        t_whole = float(rest[left]) + 1e-12 if left < len(rest) else 0.0
        found = float((by_part | (whole >= t_whole))[acute].mean())
        if best is None or found > best[0]:
            best = (found, t_whole, float(t_part))
    return best[1], best[2]


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


def train(rows: list[Row], encoder, model_id: str, log=print,
          sentence_labels: dict[str, str] | None = None,
          other_languages: bool = False) -> tuple[Head, dict]:  # fmt: skip
    """Choose C, the n-gram and the neighbour weights by cross-validation, then fit on every
    training row (its neighbour features from the other authors' messages); with
    `sentence_labels` (load_sentence_labels), the sentence head is also fitted to the labelled
    sentences whose label is in SENTENCE_LABELS_FITTED. With `other_languages`: the head for
    other languages (other_head_rows; its bars lowered by OTHER_BAR_SHIFTS)."""
    rows = other_head_rows(rows) if other_languages else split(rows, "train")
    labels = sentence_labels if SENTENCE_LABELS_FITTED else None
    r = readings(rows, encoder, sentence_labels=labels)
    neighbours = Neighbours.of(rows, r)
    best = None
    for c, w, nw in product(C_GRID, CHAR_WEIGHT_GRID, NEIGHBOUR_WEIGHT_GRID):
        probs = _out_of_fold_probs(rows, r, c, w, neighbours, nw, FIT_WHOLE_ONLY)
        key = _rate(rows, cross_validated(rows, r, probs)[1], "acute")
        log(
            f"C={c} char_weight={w} neighbour_weight={nw}: cross-validated acute->acute "
            f"{key[0]:.3f}, any {key[1]:.3f}"
        )
        if best is None or key > best[0]:
            best = (key, c, w, nw, probs)
    _, c, w, nw, probs = best
    # the sentence head, at the chosen settings; the bars are chosen on both heads' readings
    sentence_probs = _out_of_fold_probs(rows, r, c, w, neighbours, nw, FIT_WHOLE_ONLY, True)
    acute_c = None
    if ACUTE_C_GRID:
        best = None
        for ca in ACUTE_C_GRID:
            p_whole, p_part = (
                _out_of_fold_probs(rows, r, ca, w, neighbours, nw, FIT_WHOLE_ONLY, part,
                                   acute_only=True)[:, 1]
                for part in (False, True)
            )  # fmt: skip
            both = (with_acute(probs, p_whole), with_acute(sentence_probs, p_part))
            key = _rate(rows, cross_validated(rows, r, np.where(r.whole[:, None], *both))[1],
                        "acute")  # fmt: skip
            log(f"acute regression C={ca}: cross-validated acute->acute {key[0]:.3f}, "
                f"any {key[1]:.3f}")  # fmt: skip
            if best is None or key > best[0]:
                best = (key, ca, both)
        _, acute_c, (probs, sentence_probs) = best
    bars, levels = cross_validated(rows, r, np.where(r.whole[:, None], probs, sentence_probs))
    acute, any_tier = _rate(rows, levels, "acute")
    log(
        f"with the sentence head{' and the acute regression' * bool(acute_c)}: "
        f"cross-validated acute->acute {acute:.3f}, any {any_tier:.3f}"
    )
    trainable = _trainable(rows, r, FIT_WHOLE_ONLY)
    extra = _sentence_trainable(rows, r, FIT_WHOLE_ONLY) & ~trainable
    weights = _sentence_weights(r)
    sentence = _head(r, rows, neighbours, (trainable, extra), c, w, nw, weights, model_id, acute_c,
                     labels)  # fmt: skip
    head = replace(
        _head(r, rows, neighbours, (trainable,), c, w, nw, None, model_id, acute_c, labels),
        acute_threshold=bars[0], any_threshold=bars[1], sentence_acute_threshold=bars[2],
        sentence_any_threshold=bars[3], sentence_head=sentence,
    )  # fmt: skip
    if other_languages:
        head = lowered(head, *OTHER_BAR_SHIFTS)
        bars = (head.acute_threshold, head.any_threshold, head.sentence_acute_threshold,
                head.sentence_any_threshold)  # fmt: skip
    report = {"C": c, "char_weight": w, "neighbour_weight": nw,
              "acute_regression_C": acute_c, "acute_threshold": bars[0],
              "any_threshold": bars[1], "sentence_acute_threshold": bars[2],
              "sentence_any_threshold": bars[3],
              "cross_validated_model_only": recall_table(rows, levels)}  # fmt: skip
    return head, report


def remember(
    head: Head, rows: list[Row], encoder, memory: tuple[str, ...] | None = None,
    other_languages: bool = False,
) -> Head:  # fmt: skip
    """`head` also remembering the messages of the labelled splits it is not trained on, in
    its languages (dataset.remembered_rows: English for the main head, es/pt/fr/de/it with
    `other_languages`; encoded as written). Candidates M and M3, thirty-second session, each
    kept by its rule on fresh blind sets (docs/safety_languages_before.md)."""
    remembered = remembered_rows(rows, memory, other_languages)
    vectors = np.asarray(encoder.encode([r.text for r in remembered]), dtype=np.float32)
    labels = np.array([CLASSES.index(r.level) for r in remembered], dtype=np.int8)
    return head.remembering(vectors.reshape(len(remembered), -1), labels, data_hash(remembered))


def lowered(head: Head, acute: float, any_tier: float) -> Head:
    """`head` with its acute bars (whole and sentence) moved by `acute` and its any-tier bars by
    `any_tier`."""
    return replace(
        head, acute_threshold=head.acute_threshold + acute,
        any_threshold=head.any_threshold + any_tier,
        sentence_acute_threshold=head.sentence_acute_threshold + acute,
        sentence_any_threshold=head.sentence_any_threshold + any_tier,
    )  # fmt: skip


def cross_validated(rows: list[Row], r: Readings, probs: np.ndarray) -> tuple[tuple, list[str]]:
    """The bars chosen on out-of-fold class probabilities (per reading) and the level each row
    gets under them, its worst reading deciding."""
    scores = _row_scores(probs, r.owner, len(rows), r.whole)
    bars = thresholds(rows, scores)
    return bars, _levels(scores, bars)


def _rate(rows: list[Row], levels: list[str], level: str) -> tuple[float, float]:
    """Of the rows labelled `level`: the share read acute, and the share read at any tier."""
    got = [lv for row, lv in zip(rows, levels, strict=True) if row.level == level]
    return float(np.mean([g == "acute" for g in got])), float(np.mean([g != "none" for g in got]))


def _head(r: Readings, rows: list[Row], neighbours: Neighbours, masks: tuple, c: float,
          w: float, nw: float, weights: np.ndarray | None, model_id: str, acute_c: float | None,
          sentence_labels: dict[str, str] | None = None) -> Head:  # fmt: skip
    """Weights fitted to the readings of `masks` (disjoint), which it also remembers for the
    neighbour features in that order (the sentence head: the whole head's first); with
    `acute_c`, a fourth row: the acute regression at that C."""
    fits = np.logical_or.reduce(masks)
    near = neighbours.features(fits) * nw if nw else None
    models = [_fit(r, rows, fits, c, w, near, weights)]
    if acute_c:
        models.append(_fit(r, rows, fits, acute_c, w, near, weights, acute_only=True))
    dim = r.vectors.shape[1]
    coef = np.vstack([np.asarray(m.coef_.todense() if hasattr(m.coef_, "todense") else m.coef_)
                      for m in models])  # fmt: skip
    intercept = np.concatenate([m.intercept_ for m in models])
    chars_end = dim + (N_HASH if w else 0)
    remembered = {} if not nw else {
        "neighbours": np.concatenate([r.vectors[m] for m in masks]),
        "neighbour_labels": np.concatenate([neighbours.labels[m] for m in masks]),
        "neighbour_coef": (coef[:, chars_end:] * nw).astype(np.float32)}  # fmt: skip
    return Head(
        coef[:, :dim].astype(np.float32),
        (coef[:, dim:chars_end] * w if w else np.zeros((len(coef), N_HASH))).astype(np.float32),
        intercept.astype(np.float32), 1.0, 1.0, model_id, data_hash(rows, sentence_labels),
        **remembered,
    )  # fmt: skip


def _levels(scores: np.ndarray, bars: tuple[float, float, float, float]) -> list[str]:
    t_acute, t_any, t_part_acute, t_part_any = bars
    return ["acute" if wa >= t_acute or pa >= t_part_acute else
            "mention" if wm >= t_any or pm >= t_part_any else "none"
            for wa, wm, pa, pm in scores]  # fmt: skip


def evaluate(rows: list[Row], detector: SafetyDetector, splits: tuple[str, ...]) -> dict:
    """The whole detector (rules and model) on each split named."""
    out = {}
    for name in splits:
        part = split(rows, name)
        if part:
            out[name] = recall_table(part, [detector.assess(r.text).level for r in part])
    return out

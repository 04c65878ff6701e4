"""The learned crisis classifier: logistic regression over the sentence embedding, hashed
character n-grams of the normalised text, and how close the text lies to the labelled training
messages of each level (nearest-neighbour cosines, NEIGHBOUR_NAMES), with thresholds chosen by
cross-validation.

Trained by `faqbot safety-train` (safety/train.py) from tests/data/safety/; saved with the
training set's hash in data/safety/head.npz.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from .normalise import DATA

HEAD_PATH = DATA / "head.npz"
# the head for messages in es/pt/fr/de/it (language.py): trained with the rows written in those
# languages too, its bars matched to HEAD_PATH's recall (docs/safety_languages_before.md)
OTHER_HEAD_PATH = DATA / "head_other.npz"
CLASSES = ("none", "mention", "acute")
N_HASH = 2**18
NGRAMS = (2, 5)
CHAR_DTYPE = np.float64  # what HashingVectorizer gives, so the product needs no converted copy
# per text: the cosine of the closest training message of each level, and how much closer the
# closest "none" one is than the closest acute and mention ones
NEIGHBOUR_NAMES = ("nearest_none", "nearest_mention", "nearest_acute",
                   "none_over_acute", "none_over_mention")  # fmt: skip


# up to this many texts at once (a question and its sentences), each is compared with the
# remembered messages by its own matrix-vector product; more take one matrix product. The
# messages are stored transposed (dim x messages), so a product streams along them: 12,159
# messages in cache, 1 row 0.24-0.5 ms against 1.0 ms for the float16 FAISS indexes used until
# the twenty-second session, 2 rows 0.47 vs 1.2, 4 rows 0.87 vs 2.1; at 8 rows one matrix product
# (1.3 ms) beats eight (2.2). Right after the model has run (beside an answer) the 19 MB matrix
# is out of cache and a row costs ~1 ms, as the FAISS search did: the check beside an answer did
# not get measurably cheaper (benchmarks/safety_cost.py), but a loaded bot holds 20 MiB less.
ROWWISE_MAX_ROWS = 4
# from this many remembered messages, a head searches a float16 FAISS index per level instead
# (Head._closest) and keeps no float32 matrix: the memory is stored in float16 anyway, so the
# cosines are the same to ~1e-7 (the sums' order), and half the bytes are read. With the older
# blind sets remembered (26,691 messages, 41 MB in float32; thirty-second session) one row cost
# 0.83 ms by the float32 product and 0.40 ms by the index, in a loop; the check beside an answer
# (benchmarks/safety_cost.py) rose 1.4 -> 2.0 ms p50 with the product, 1.4-1.5 with the
# indexes; a message in another language (both heads, SharedNeighbours) 4.6 -> 6.4 -> 4.8-5.1
# (docs/SAFETY.md)
FP16_SEARCH = 15_000


def neighbour_features(similarities: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """NEIGHBOUR_NAMES per row of `similarities` (texts x remembered messages, whose levels are
    `labels`, indices into CLASSES); -1 for a level with no message."""
    closest = np.full((len(similarities), len(CLASSES)), -1.0)
    for k in range(len(CLASSES)):
        cols = labels == k
        if cols.any():
            closest[:, k] = similarities[:, cols].max(axis=1)
    return with_margins(closest)


def with_acute(probabilities: np.ndarray, acute: np.ndarray) -> np.ndarray:
    """Three-level probabilities whose P(acute) is the acute regression's (`acute`, per row),
    at most the three-level regression's P(any tier), which is kept: the acute bar reads the
    regression fitted to tell acute from everything else, the any-tier bar the three-level one
    (leave-one-author-out, model alone: acute 0.873 -> 0.886 at the same false alarms,
    thirteenth session; docs/SAFETY.md)."""
    any_tier = probabilities[:, 1] + probabilities[:, 2]
    acute = np.minimum(acute, any_tier)
    return np.column_stack([1.0 - any_tier, any_tier - acute, acute])


def with_margins(closest: np.ndarray) -> np.ndarray:
    """NEIGHBOUR_NAMES from the closest message's cosine of each level (rows: texts)."""
    return np.column_stack([closest, closest[:, 0] - closest[:, 2], closest[:, 0] - closest[:, 1]])


@lru_cache(maxsize=1)
def _vectorizer():
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        analyzer="char_wb",
        ngram_range=NGRAMS,
        n_features=N_HASH,
        alternate_sign=False,
        norm=None,  # L2 below: sklearn's normalize re-validates its input, ~0.3 ms a question
        dtype=CHAR_DTYPE,
    )


def char_features(texts: list[str]):
    """Hashed character n-grams (sparse, L2-normalised rows) of already normalised texts."""
    import sklearn

    # the vectorizer's parameters were checked once, texts are strings: sklearn's per-call
    # checks were a third of its time on a question (benchmarks/latency.py)
    with sklearn.config_context(skip_parameter_validation=True, assume_finite=True):
        counts = _vectorizer().transform(texts)
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    norms = np.sqrt(np.bincount(rows, weights=counts.data**2, minlength=counts.shape[0]))
    counts.data /= norms[rows]  # every row holds an n-gram: "char_wb" pads each word
    return counts


@lru_cache(maxsize=1)
def _analyzer():
    return _vectorizer().build_analyzer()


def hashed_ngrams(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The distinct hashed n-gram columns of one normalised text and their counts: the row of
    char_features before its L2 norm, without a sparse matrix or sklearn's per-call checks
    (~0.2 ms a question). "char_wb" n-grams never cross a word, so each word's columns are
    hashed once and remembered. tests/test_safety_head.py checks it against char_features."""
    words = text.lower().split()  # as the vectorizer: lowercase, then whitespace-split words
    if not words:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.intp)
    return np.unique(np.concatenate([_word_columns(w) for w in words]), return_counts=True)


@lru_cache(maxsize=65_536)
def _word_columns(word: str) -> np.ndarray:
    from sklearn.feature_extraction._hashing_fast import transform

    grams = (((g, 1) for g in _analyzer()(word)),)
    return transform(grams, N_HASH, CHAR_DTYPE, False, 0)[0]


@dataclass(frozen=True)
class Head:
    """Weights of the classifier and the two thresholds it was calibrated with. A fourth row of
    weights, when present, is a separate acute-against-the-rest regression that gives P(acute)
    (with_acute); the first three are the three-level regression that gives P(any tier)."""

    emb_coef: np.ndarray  # (3, dim), or (4, dim) with the acute regression
    char_coef: np.ndarray  # (3 or 4, N_HASH), mostly zeros
    intercept: np.ndarray  # (3 or 4,)
    acute_threshold: float  # P(acute) at or above: acute
    any_threshold: float  # P(acute) + P(mention) at or above: at least mention
    model_id: str
    data_hash: str
    # the training messages the neighbour features compare with (unit vectors, float16 to
    # halve the file), their levels, and the weights of NEIGHBOUR_NAMES (none: no neighbours)
    neighbours: np.ndarray | None = None  # (messages, dim)
    neighbour_labels: np.ndarray | None = None  # (messages,) indices into CLASSES
    neighbour_coef: np.ndarray | None = None  # (3 or 4, len(NEIGHBOUR_NAMES))
    # the bars for one sentence of a longer message, read alone (None: the whole message's)
    sentence_acute_threshold: float | None = None
    sentence_any_threshold: float | None = None
    # the weights that read one sentence of a longer message (None: these weights): fitted also
    # to the sentences of "none" messages, so it remembers those too (train.py)
    sentence_head: Head | None = None
    # the hash (dataset.data_hash) of the labelled messages remembered after fitting, at the end
    # of `neighbours` ("" for none): compared with, never fitted to (Head.remembering)
    remembered_hash: str = ""
    remembered: int = 0  # how many: the last of `neighbours`
    uses_characters: bool = field(init=False, repr=False, compare=False)
    _char_weights: np.ndarray = field(init=False, repr=False, compare=False)
    _neighbours_t: np.ndarray | None = field(init=False, repr=False, compare=False)
    _level_slices: tuple = field(init=False, repr=False, compare=False)
    _levels_fp16: tuple = field(init=False, repr=False, compare=False, default=())

    def __post_init__(self):  # once: a head trained without n-grams skips them; the weights
        # are kept column-major for the sparse product (a strided copy per call cost ~2 ms) and
        # in the n-grams' float64: scipy would otherwise convert all 2**18 rows, 6 MiB, on every
        # call, and each of the server's worker threads kept such a block in its malloc arena
        # (RSS +14-25 MiB per 250 calls in tests/test_load.py until the ~16 arenas were full)
        object.__setattr__(self, "uses_characters", bool(self.char_coef.any()))
        weights = np.ascontiguousarray(self.char_coef.T, dtype=CHAR_DTYPE)
        object.__setattr__(self, "_char_weights", weights)
        if self.neighbours is not None:  # float32 once, not per call, grouped by level so
            # each level's closest is the max of one slice (no boolean-mask copy per call), and
            # transposed (ROWWISE_MAX_ROWS)
            order = np.argsort(self.neighbour_labels, kind="stable")
            grouped = np.ascontiguousarray(self.neighbours[order].T, dtype=np.float32)
            ends = np.searchsorted(self.neighbour_labels[order], np.arange(len(CLASSES) + 1))
            slices = tuple(zip(ends[:-1], ends[1:], strict=True))
            indexes = _fp16_indexes(grouped, slices)
            # with the float16 indexes every search goes through them: the float32 matrix
            # (41 MB for the main head) is not kept
            object.__setattr__(self, "_neighbours_t", None if indexes else grouped)
            object.__setattr__(self, "_level_slices", slices)
            object.__setattr__(self, "_levels_fp16", indexes)

    def probabilities(
        self, vectors: np.ndarray, normalised: list[str], closest: np.ndarray | None = None
    ) -> np.ndarray:
        """Class probabilities (rows: texts; columns: CLASSES). `closest`: the texts' cosines
        to the closest remembered message of each level, when already found (SharedNeighbours)."""
        logits = vectors @ self.emb_coef.T + self.intercept
        if self.uses_characters:
            logits = logits + self._char_logits(normalised)
        if self.neighbour_coef is not None:
            closest = self._closest(vectors) if closest is None else closest
            logits = logits + with_margins(closest) @ self.neighbour_coef.T
        levels = logits[:, : len(CLASSES)]
        levels = levels - levels.max(axis=1, keepdims=True)
        p = np.exp(levels)
        p /= p.sum(axis=1, keepdims=True)
        if logits.shape[1] == len(CLASSES):
            return p
        return with_acute(p, 1.0 / (1.0 + np.exp(-logits[:, len(CLASSES)])))

    def _char_logits(self, normalised: list[str]) -> np.ndarray:
        """char_features(normalised) @ the n-gram weights, one text at a time."""
        out = np.zeros((len(normalised), self._char_weights.shape[1]))
        for i, text in enumerate(normalised):
            cols, counts = hashed_ngrams(text)
            if len(cols):  # an empty text has no n-gram: its row is zero, as in char_features
                counts = counts.astype(CHAR_DTYPE)
                out[i] = (counts / np.sqrt(counts @ counts)) @ self._char_weights[cols]
        return out

    def _closest(self, vectors: np.ndarray) -> np.ndarray:
        """Per row and level, the cosine of the closest remembered message (-1: none of that
        level). A head of FP16_SEARCH messages or more searches each level's float16 index;
        a smaller one takes a matrix-vector product per row up to ROWWISE_MAX_ROWS rows (a
        question and its sentences), one matrix product for more."""
        if self._levels_fp16 and len(vectors):
            query = np.ascontiguousarray(vectors, dtype=np.float32)
            out = np.full((len(query), len(CLASSES)), -1.0)
            for k, index in enumerate(self._levels_fp16):
                if index is not None:
                    out[:, k] = index.search(query, 1)[0][:, 0]
            return out
        return self._closest_of(self.similarities(vectors))

    def similarities(self, vectors: np.ndarray) -> np.ndarray:
        """Cosines of each row of `vectors` to every remembered message, grouped by level (a
        head searched through float16 indexes makes the matrix for the call)."""
        if self._neighbours_t is None:
            return _products(vectors, self.grouped_neighbours().T.astype(np.float32))
        return _products(vectors, self._neighbours_t)

    def _closest_of(self, similarities: np.ndarray) -> np.ndarray:
        out = np.full((len(similarities), len(CLASSES)), -1.0)
        for k, (a, b) in enumerate(self._level_slices):
            if b > a:
                out[:, k] = similarities[:, a:b].max(axis=1)
        return out

    def grouped_neighbours(self) -> np.ndarray:
        """The remembered messages in the order of `similarities`' columns."""
        order = np.argsort(self.neighbour_labels, kind="stable")
        return self.neighbours[order]

    def remembering(self, vectors: np.ndarray, labels: np.ndarray, remembered_hash: str) -> Head:
        """This head (and its sentence head) comparing a message also with these labelled
        messages (unit vectors; `labels` indices into CLASSES), in place of any remembered
        before, after the training messages in the whole head's memory; weights and bars
        unchanged (candidate M, docs/safety_languages_before.md).

        Raises:
            ValueError: a head without a neighbour memory, or vectors of another dimension.
        """
        if self.neighbours is None:
            raise ValueError(
                "this head has no neighbour memory to add to. Run: faqbot safety-train"
            )
        if vectors.ndim != 2 or vectors.shape[1] != self.neighbours.shape[1]:
            raise ValueError(
                f"remembered vectors need {self.neighbours.shape[1]} dimensions, not "
                f"{vectors.shape[1:]}: encode them with the head's model"
            )
        fitted, n = len(self.neighbours) - self.remembered, len(self.neighbours)
        mine = np.concatenate([self.neighbours[:fitted], vectors.astype(self.neighbours.dtype)])
        labels = np.concatenate(
            [self.neighbour_labels[:fitted], labels.astype(self.neighbour_labels.dtype)]
        )
        sentence = self.sentence_head
        if sentence is not None and sentence.neighbours is not None:
            # the sentence head remembers the whole head's messages first, then its own
            sentence = replace(
                sentence,
                neighbours=np.concatenate([mine, sentence.neighbours[n:]]),
                neighbour_labels=np.concatenate([labels, sentence.neighbour_labels[n:]]),
            )
        return replace(self, neighbours=mine, neighbour_labels=labels, sentence_head=sentence,
                       remembered_hash=remembered_hash, remembered=len(vectors))  # fmt: skip

    def reading(self, whole: bool) -> Head:
        """The weights that read a whole message (this head) or one sentence of a longer one."""
        return self if whole or self.sentence_head is None else self.sentence_head

    def levels(self, probabilities: np.ndarray, whole: list[bool] | None = None) -> list[str]:
        """The level each row of probabilities gives under the calibrated thresholds; `whole`:
        per row, whether it read a whole message or one sentence of a longer one (None: all
        whole)."""
        out = []
        for i, p in enumerate(probabilities):
            acute, any_tier = self.acute_threshold, self.any_threshold
            if whole is not None and not whole[i]:
                acute = _or(self.sentence_acute_threshold, acute)
                any_tier = _or(self.sentence_any_threshold, any_tier)
            if p[2] >= acute:
                out.append("acute")
            elif p[1] + p[2] >= any_tier:
                out.append("mention")
            else:
                out.append("none")
        return out

    def margins(self, probabilities: np.ndarray, whole: list[bool]) -> tuple[float, float]:
        """Of the readings (rows of probabilities; `whole` as in levels), the largest P(acute)
        minus its acute bar and the largest P(any tier) minus its any-tier bar (-1, -1: none)."""
        acute, any_tier = -1.0, -1.0
        for p, w in zip(probabilities, whole, strict=True):
            bar_a = self.acute_threshold if w else _or(self.sentence_acute_threshold,
                                                       self.acute_threshold)  # fmt: skip
            bar_m = self.any_threshold if w else _or(self.sentence_any_threshold,
                                                     self.any_threshold)  # fmt: skip
            acute = max(acute, float(p[2] - bar_a))
            any_tier = max(any_tier, float(p[1] + p[2] - bar_m))
        return acute, any_tier

    def save(self, path: Path = HEAD_PATH) -> None:
        np.savez_compressed(path, **self._arrays(), **self._sentence_arrays())

    def _sentence_arrays(self) -> dict:
        """The sentence head's weights under "sentence_" names; of its remembered messages only
        those after the whole head's (it remembers those first, the same rows)."""
        s = self.sentence_head
        if s is None:
            return {}
        n = 0 if self.neighbours is None else len(self.neighbours)
        if s.neighbours is not None and n and not np.array_equal(s.neighbours[:n], self.neighbours):
            raise ValueError("the sentence head must remember the whole head's messages first")
        out = {f"sentence_{k}": v for k, v in s._arrays().items()
               if k not in ("thresholds", "model_id", "data_hash", "remembered_hash",
                            "remembered")}  # fmt: skip
        if "sentence_neighbours" in out:
            out["sentence_neighbours"] = out["sentence_neighbours"][n:]
            out["sentence_neighbour_labels"] = out["sentence_neighbour_labels"][n:]
        return out

    def _arrays(self) -> dict:
        nz = np.flatnonzero(self.char_coef.any(axis=0))
        return dict(
            emb_coef=self.emb_coef.astype(np.float32),
            char_idx=nz.astype(np.int32),
            char_val=self.char_coef[:, nz].astype(np.float32),
            intercept=self.intercept.astype(np.float32),
            thresholds=np.array([self.acute_threshold, self.any_threshold,
                                 _or(self.sentence_acute_threshold, self.acute_threshold),
                                 _or(self.sentence_any_threshold, self.any_threshold)],
                                dtype=np.float64),
            model_id=np.array(self.model_id),
            data_hash=np.array(self.data_hash),
            **({"remembered_hash": np.array(self.remembered_hash),
                "remembered": np.array(self.remembered)} if self.remembered_hash else {}),
            **({} if self.neighbour_coef is None else {
                "neighbours": self.neighbours.astype(np.float16),
                "neighbour_labels": self.neighbour_labels.astype(np.int8),
                "neighbour_coef": self.neighbour_coef.astype(np.float32),
            }),
        )  # fmt: skip


def _or(value: float | None, default: float) -> float:
    return default if value is None else value


def _at(values: list[float], i: int) -> float | None:
    return values[i] if len(values) > i else None  # a head saved before sentence bars: None


def _sentence(z, bars: list[float]) -> Head | None:
    """The sentence head saved beside the whole head (None in a file without one)."""
    if "sentence_emb_coef" not in z.files:
        return None
    char = np.zeros((len(z["sentence_char_val"]), N_HASH), dtype=np.float32)
    char[:, z["sentence_char_idx"]] = z["sentence_char_val"]
    near = {}
    if "sentence_neighbour_coef" in z.files:
        near = {
            "neighbours": np.concatenate([z["neighbours"], z["sentence_neighbours"]]),
            "neighbour_labels": np.concatenate(
                [z["neighbour_labels"], z["sentence_neighbour_labels"]]
            ),
            "neighbour_coef": z["sentence_neighbour_coef"],
        }
    return Head(
        z["sentence_emb_coef"], char, z["sentence_intercept"], bars[0], bars[1],
        str(z["model_id"]), str(z["data_hash"]), **near,
    )  # fmt: skip


def load_head(path: Path | str = HEAD_PATH) -> Head:
    """The saved classifier.

    Raises:
        ValueError: the file is missing or not a head file (re-train: faqbot safety-train).
    """
    return _load(str(path))


def load_other_head(model_id: str) -> Head | None:
    """The head for messages not in English (OTHER_HEAD_PATH), when it is shipped and was
    trained on the same model as the head (`model_id`); None otherwise."""
    if not OTHER_HEAD_PATH.exists():
        return None
    other = load_head(OTHER_HEAD_PATH)
    return other if other.model_id == model_id else None


@lru_cache(maxsize=4)
def _load(path: str) -> Head:
    try:
        with np.load(path) as z:
            char = np.zeros((len(z["char_val"]), N_HASH), dtype=np.float32)
            char[:, z["char_idx"]] = z["char_val"]
            near = ({} if "neighbour_coef" not in z.files else {
                "neighbours": z["neighbours"], "neighbour_labels": z["neighbour_labels"],
                "neighbour_coef": z["neighbour_coef"]})  # fmt: skip
            bars = [float(t) for t in z["thresholds"]]
            return Head(
                z["emb_coef"], char, z["intercept"], bars[0], bars[1], str(z["model_id"]),
                str(z["data_hash"]), **near, sentence_acute_threshold=_at(bars, 2),
                sentence_any_threshold=_at(bars, 3), sentence_head=_sentence(z, bars),
                remembered_hash=str(z["remembered_hash"]) if "remembered_hash" in z.files else "",
                remembered=int(z["remembered"]) if "remembered" in z.files else 0,
            )  # fmt: skip
    except (OSError, KeyError, ValueError) as exc:
        raise ValueError(
            f"The crisis classifier {path} cannot be read ({exc}). Run: faqbot safety-train"
        ) from None


def _fp16_indexes(grouped_t: np.ndarray, slices: tuple) -> tuple:
    """Per level, a FAISS inner-product index of its remembered messages in float16 (None for
    a level without any; () below FP16_SEARCH messages)."""
    if grouped_t.shape[1] < FP16_SEARCH:
        return ()
    import faiss

    out = []
    for a, b in slices:
        index = None
        if b > a:
            index = faiss.IndexScalarQuantizer(
                grouped_t.shape[0], faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT
            )
            index.add(np.ascontiguousarray(grouped_t[:, a:b].T))
        out.append(index)
    return tuple(out)


def _products(vectors: np.ndarray, matrix_t: np.ndarray) -> np.ndarray:
    """vectors @ matrix_t, one matrix-vector product per row up to ROWWISE_MAX_ROWS rows."""
    query = np.asarray(vectors, dtype=np.float32)
    if 0 < len(query) <= ROWWISE_MAX_ROWS:  # none: the matrix product's empty rows
        return np.stack([row @ matrix_t for row in query])
    return query @ matrix_t


@dataclass(frozen=True)
class SharedNeighbours:
    """Two heads' neighbour memories read as one: a message both remember (13,040 of the head
    for other languages' 15,831 are the main head's) is compared with a text once. The second
    head's cosines are the first head's plus those to its own further messages; each level's
    closest the largest over that level's columns. Same numbers as each head alone (to the
    sums' order)."""

    first: Head
    extra_t: np.ndarray  # (dim, messages) float32: the second head's messages the first lacks
    columns: tuple[np.ndarray, ...]  # per level of the second head: its columns of the whole
    second: Head | None = None  # searched alone when the first has float16 indexes

    @classmethod
    def of(cls, first: Head, second: Head) -> SharedNeighbours | None:
        """The shared memory of two heads (None when either has no neighbours)."""
        if first.neighbours is None or second.neighbours is None:
            return None
        mine = first.grouped_neighbours()
        index = {row.tobytes(): i for i, row in enumerate(mine)}
        extra: list[np.ndarray] = []
        where = np.empty(len(second.neighbours), dtype=np.int64)
        for j, row in enumerate(second.neighbours):
            i = index.get(row.tobytes())
            if i is None:
                i = len(mine) + len(extra)
                extra.append(row)
            where[j] = i
        dim = first.neighbours.shape[1]
        rows = np.array(extra).reshape(-1, dim)
        columns = tuple(where[second.neighbour_labels == k] for k in range(len(CLASSES)))
        return cls(first, np.ascontiguousarray(rows.T, dtype=np.float32), columns, second)

    def closest(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each head's cosines to its closest remembered message of each level (Head._closest).
        When the first head has float16 indexes each head searches its own memory (reading
        half the bytes beats reading the shared rows once, and the first keeps no float32
        matrix to share)."""
        second = self.second
        if second is not None and self.first._levels_fp16:
            return self.first._closest(vectors), second._closest(vectors)
        mine = self.first.similarities(vectors)
        both = np.hstack([mine, _products(vectors, self.extra_t)])
        second = np.full((len(both), len(CLASSES)), -1.0)
        for k, cols in enumerate(self.columns):
            if len(cols):
                second[:, k] = both[:, cols].max(axis=1)
        return self.first._closest_of(mine), second

"""The saved crisis classifier matches its training data, and the whole detector (rules and the
classifier, with the bundled model) catches the messages the issue found missed."""

from __future__ import annotations

import tracemalloc
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from faqbot.safety import train as T
from faqbot.safety.dataset import (
    OTHER_LANGUAGES,
    SPLITS,
    VISITORS_SECOND,
    Row,
    data_hash,
    load_rows,
    load_sentence_labels,
    other_head_rows,
    sentence_key,
    split,
)
from faqbot.safety.detector import sentences
from faqbot.safety.head import (
    N_HASH,
    OTHER_HEAD_PATH,
    Head,
    char_features,
    hashed_ngrams,
    load_head,
    neighbour_features,
    with_acute,
)
from faqbot.safety.train import Neighbours, Readings, _trainable, _two_bars, readings
from faqbot.settings import SafetySettings

DATA = Path(__file__).parent / "data"


def test_the_head_for_other_languages_was_trained_on_its_rows_as_they_are_now():
    other = load_head(OTHER_HEAD_PATH)
    labels = load_sentence_labels(DATA) if T.SENTENCE_LABELS_FITTED else None
    assert other.data_hash == data_hash(other_head_rows(load_rows(DATA)), labels), (
        "tests/data/safety changed since the head for other languages was trained. "
        "Run: faqbot safety-train --other-languages"
    )
    assert other.model_id == load_head().model_id


@pytest.mark.parametrize(
    "text",
    ["J'ai le fusil de chasse de mon père à côté de moi. Il est chargé.",
     "Sitze auf dem Dach vom Parkhaus und lass die Beine runterbaumeln. Wollt nur noch jemandem "
     "Bescheid sagen."],
)  # fmt: skip
def test_the_other_head_finds_what_the_main_head_misses(real_bot, text):
    # blind CF and CG (twenty-seventh session): at risk now, read by neither rule nor main head;
    # the other head alone gives the resources line (G′), the decision over both the banner (H)
    from faqbot.safety import SafetyDetector

    safety = real_bot.safety
    main_only = SafetyDetector(real_bot.encoder, safety.head)
    assert main_only.assess(text).level == "none"
    g_prime = SafetyDetector(real_bot.encoder, safety.head, other_head=safety.other_head)
    got = g_prime.assess(text)
    assert (got.level, got.rule) == ("mention", "model:other_languages")
    got = safety.assess(text)
    assert (got.level, got.rule) == ("acute", "model:two_heads")
    assert real_bot.ask(text).crisis_level == "acute"


def test_the_decisions_over_both_heads_read_other_languages_and_leave_english_and_rules(real_bot):
    # candidate I (twenty-eighth session): for a message not in English of three or more words
    # the learned decisions give the level; the rules' acute stands, English is the main head's
    from faqbot.safety import SafetyDetector

    safety = real_bot.safety
    assert safety.two_heads is not None and safety.two_heads.decides_any
    main_only = SafetyDetector(real_bot.encoder, safety.head)
    rows = load_rows(DATA)
    other = [r for r in rows if r.author in OTHER_LANGUAGES][::6]
    english = [r for r in rows if r.lang == "en" and r.author == "c"][::8]
    moved = {"up": 0, "down": 0}
    order = ("none", "mention", "acute")
    for r in other:
        before, got = main_only.assess(r.text), safety.assess(r.text)
        if before.level == "acute" and before.rule not in ("model", None):
            assert got.level == "acute", r.text  # the rules' acute is never lowered
        if got.rule == "model:two_heads":
            assert got.level != "none" and got.score is not None, r.text
        step = order.index(got.level) - order.index(before.level)
        moved["up" if step > 0 else "down"] += step != 0
    assert moved["up"] and moved["down"]  # it reads risk the main head misses, and less noise
    # English is the main head's (lowered only by the veto, thirty-fifth session)
    main_vetoed = SafetyDetector(real_bot.encoder, safety.head, veto=safety.veto)
    for r in english:  # what the language check takes for English ("su1c1dal af" is not)
        if len(safety.heads_for(r.text)) == 1:
            assert safety.assess(r.text) == main_vetoed.assess(r.text), r.text


def test_the_saved_classifier_was_trained_on_the_training_split_as_it_is_now():
    head = load_head()
    labels = load_sentence_labels(DATA) if T.SENTENCE_LABELS_FITTED else None
    assert head.data_hash == data_hash(split(load_rows(DATA), "train"), labels), (
        "tests/data/safety changed since the classifier was trained. Run: faqbot safety-train"
    )
    assert head.model_id.startswith("bundled:all-MiniLM-L6-v2")
    assert 0 < head.any_threshold < 1 and 0 < head.acute_threshold < 1


def test_reading_a_message_allocates_for_its_n_grams_not_a_copy_of_the_weights():
    # The n-gram weights are 2**18 rows x 3 classes: 6 MiB as float64. Read in another dtype
    # than the n-grams', scipy converts all of them on every call, and each server thread kept
    # such a block in its own malloc arena (the flat-memory load test grew 14-25 MiB a round).
    head = load_head()
    assert head.uses_characters
    texts = ["can i drive home after a session"]
    vectors = np.ones((1, head.emb_coef.shape[1]), dtype=np.float32)
    vectors /= np.linalg.norm(vectors)  # a unit vector, as the encoder gives
    head.probabilities(vectors, texts)  # imports and first-call set-up outside the count
    tracemalloc.start()
    try:
        probabilities = head.probabilities(vectors, texts)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < N_HASH * 3 * 4 / 8, f"{peak / 2**20:.2f} MiB for one short message"  # < 0.4 MiB
    # and the same figures as the product in the saved float32 weights
    logits = vectors @ head.emb_coef.T + head.intercept
    logits = logits + char_features(texts) @ head.char_coef.T
    assert head.neighbour_coef is not None  # the training messages it compares with
    similarities = vectors @ head.neighbours.astype(np.float32).T
    logits = (
        logits + neighbour_features(similarities, head.neighbour_labels) @ head.neighbour_coef.T
    )
    three = logits[:, :3]
    expected = np.exp(three - three.max()) / np.exp(three - three.max()).sum()
    if logits.shape[1] == 4:  # the acute regression gives P(acute), under P(any tier)
        expected = with_acute(expected, 1 / (1 + np.exp(-logits[:, 3])))
    np.testing.assert_allclose(probabilities, expected, rtol=1e-6)


def test_the_acute_regression_gives_p_acute_under_the_three_level_p_any():
    three = np.array([[0.5, 0.3, 0.2], [0.9, 0.05, 0.05], [0.1, 0.1, 0.8]])
    got = with_acute(three, np.array([0.4, 0.6, 0.1]))
    np.testing.assert_allclose(got.sum(axis=1), 1.0)
    np.testing.assert_allclose(got[:, 1] + got[:, 2], three[:, 1] + three[:, 2])  # P(any) kept
    np.testing.assert_allclose(got[:, 2], [0.4, 0.1, 0.1])  # the regression's, at most P(any)


def test_a_head_with_the_acute_regression_reads_it_and_saves_it(tmp_path):
    dim = 4
    emb = np.zeros((4, dim), np.float32)
    emb[3, 0] = 50.0  # the acute regression: sure of acute along the first axis
    intercept = np.array([0, 0, 0, -25], np.float32)
    head = Head(emb, np.zeros((4, N_HASH), np.float32), intercept, 0.5, 0.5, "fake@1", "x")
    v = np.eye(dim, dtype=np.float32)[:2]
    p = head.probabilities(v, ["a", "b"])
    # the three-level rows are flat (P(any) 2/3); P(acute) is the regression's, capped by it
    np.testing.assert_allclose(p[:, 1] + p[:, 2], [2 / 3, 2 / 3], rtol=1e-6)
    assert p[0, 2] == pytest.approx(2 / 3) and p[1, 2] < 1e-6
    head.save(tmp_path / "head.npz")
    again = load_head(tmp_path / "head.npz")
    assert again.emb_coef.shape == (4, dim) and again.char_coef.shape == (4, N_HASH)
    np.testing.assert_allclose(again.probabilities(v, ["a", "b"]), p, rtol=1e-6)


def test_the_ask_path_n_gram_hashing_gives_the_rows_training_used():
    # the head hashes each word once and skips sklearn's sparse matrix on the ask path; training
    # uses HashingVectorizer: the same counts, whatever the spacing, case or script
    texts = ["can i drive home after a session", "", "   ", "a", "I  want\tTO\n\ndie",
             "İstanbul ß STRASSE émoji 😀", "kill kill kill myself", "n0 p0int 1n l1v1ng"]  # fmt: skip
    expected = char_features(texts).toarray()
    for text, row in zip(texts, expected, strict=True):
        cols, counts = hashed_ngrams(text)
        got = np.zeros(N_HASH)
        got[cols] = counts / np.sqrt(counts @ counts) if len(cols) else 0.0
        np.testing.assert_allclose(got, row, rtol=1e-12, atol=0)
    assert hashed_ngrams("kill")[1].sum() == 5 + 4 + 3 + 2  # " kill ": its 2- to 5-grams
    assert not len(hashed_ngrams(" \t")[0])


def test_a_sentence_of_a_longer_message_is_read_but_not_labelled(fake_encoder):
    rows = [Row("I have the pills saved. How soon does it work?", "acute", "plan_means", "en", "a"),
            Row("How soon does it work?", "none", "clinical_logistics", "en", "b"),
            Row("One. Two. " * 40, "acute", "long_post", "en", "c")]  # fmt: skip
    r = readings(rows, fake_encoder, SafetySettings(whole_words=0))
    assert r.shown[:3] == ["I have the pills saved.", "How soon does it work?", rows[0].text]
    assert r.whole[:4].tolist() == [False, False, True, True]  # row b is one sentence: whole
    fitted = _trainable(rows, r, whole_only=True)
    assert fitted[:4].tolist() == [False, False, True, True]
    assert not fitted[r.owner == 2].any()  # a long post's label is never its sentences'
    assert _trainable(rows, r)[:4].tolist() == [True, True, True, True]


def test_a_labelled_sentence_is_fitted_to_its_own_label(fake_encoder, monkeypatch):
    text = "How soon does it work? I have the pills saved. Thanks."
    rows = [Row(text, "acute", "plan_means", "en", "a"),
            Row("Dosing? Weight. Kidneys.", "mention", "x", "en", "b")]  # fmt: skip
    labels = {sentence_key(text): "nrn", sentence_key(rows[1].text): "nn"}  # b's: wrong length
    r = readings(rows, fake_encoder, SafetySettings(whole_words=0), labels)
    assert r.sentence_label.tolist()[:4] == [0, 2, 0, -1]  # the whole message has no own label
    assert (r.sentence_label[r.owner == 1] == -1).all()  # labelled under another split: unused
    assert r.labels(rows)[:4].tolist() == [0, 2, 0, 2]
    monkeypatch.setattr(T, "SENTENCE_LABELS_FITTED", ("none",))
    fitted = T._sentence_trainable(rows, r, whole_only=True)
    assert fitted[:4].tolist() == [True, False, True, True]  # the "r" sentence is not fitted
    monkeypatch.setattr(T, "SENTENCE_LABELS_FITTED", ())
    assert T._sentence_trainable(rows, r, whole_only=True)[:4].tolist() == [False] * 3 + [True]
    # the head's data hash covers the labels it used, and only those
    assert data_hash(rows, {}) == data_hash(rows) == data_hash(rows, {"elsewhere": "n"})
    assert data_hash(rows, labels) != data_hash(rows, {**labels, sentence_key(text): "nnn"})


def test_sentence_labels_name_training_messages_as_the_detector_splits_them(tmp_path):
    labels = load_sentence_labels(DATA)
    train = {sentence_key(r.text): r for r in split(load_rows(DATA), "train")}
    assert len(labels) > 4000 and set(labels) <= set(train)
    for key, letters in labels.items():
        assert len(letters) == len(sentences(train[key].text, 120)) - 1, train[key].text
        if train[key].level == "mention":
            assert "r" not in letters, train[key].text
    (tmp_path / "safety_sentence_labels.jsonl").write_text(
        '{"id": "x", "labels": "nx", "sentences": ["a", "b"]}\n'
    )
    with pytest.raises(ValueError, match="safety_sentence_labels.jsonl:1: labels need"):
        load_sentence_labels(tmp_path)


def test_sentence_bars_are_chosen_apart_from_the_whole_message_bars():
    # scores per row: (whole, sentence; -1 = read only whole). 100 "none" rows, budget 1 %:
    # one may be flagged. The acute rows a and b are found only by a sentence at 0.7 and
    # 0.75, above every "none" sentence (0.6); c by its whole message at 0.95, above every
    # "none" whole message (0.9). One shared bar could not find a or b.
    none_whole = np.linspace(0.0, 0.9, 100)  # the highest "none" whole message: 0.9
    none_part = np.r_[np.full(50, -1.0), np.linspace(0.1, 0.6, 50)]
    whole = np.r_[none_whole, 0.2, 0.3, 0.95]
    part = np.r_[none_part, 0.7, 0.75, -1.0]
    none = np.r_[np.ones(100, bool), np.zeros(3, bool)]
    t_whole, t_part = _two_bars(whole, part, none, ~none, budget=0.01)
    flagged = (whole >= t_whole) | (part >= t_part)
    assert flagged[~none].all() and flagged[none].sum() <= 1
    assert t_part <= 0.7 < t_whole  # the sentence bar lies under the whole-message bar


def test_a_head_keeps_its_sentence_bars_and_reads_an_older_file(tmp_path):
    head = replace(load_head(), sentence_acute_threshold=0.97, sentence_any_threshold=0.96)
    head.save(tmp_path / "head.npz")
    again = load_head(tmp_path / "head.npz")
    assert (again.sentence_acute_threshold, again.sentence_any_threshold) == (0.97, 0.96)
    p = np.array([[0.02, 0.02, 0.96]])
    assert again.levels(p) == ["acute" if 0.96 >= again.acute_threshold else "mention"]
    assert again.levels(p, [False]) == ["mention"]  # a sentence needs 0.97 for acute
    with np.load(tmp_path / "head.npz") as z:  # a file saved before sentence bars
        older = {k: z[k] for k in z.files} | {"thresholds": z["thresholds"][:2]}
    np.savez(tmp_path / "old.npz", **older)
    old = load_head(tmp_path / "old.npz")
    assert old.sentence_acute_threshold is None and old.levels(p, [False]) == old.levels(p)


def test_neighbour_features_are_the_closest_message_of_each_level():
    similarities = np.array([[0.2, 0.9, 0.5, 0.4], [0.1, 0.3, 0.8, 0.7]])
    labels = np.array([0, 2, 1, 0])  # none, acute, mention, none
    assert neighbour_features(similarities, labels) == pytest.approx(
        np.array([[0.4, 0.5, 0.9, -0.5, -0.1], [0.7, 0.8, 0.3, 0.4, -0.1]])
    )
    assert neighbour_features(similarities[:, [0, 3]], labels[[0, 3]])[0, 1:3] == pytest.approx(
        [-1.0, -1.0]  # no mention or acute message remembered
    )


def test_training_neighbours_never_include_the_messages_own_author():
    rows = [Row("a1", "acute", "x", "en", "a"), Row("a2", "none", "x", "en", "a"),
            Row("b1", "acute", "x", "en", "b"), Row("c1", "none", "x", "en", "c")]  # fmt: skip
    vectors = np.eye(4, dtype=np.float32)
    vectors[1] = vectors[0]  # a's two messages are the same text for the model
    r = Readings(
        [x.text for x in rows], [x.text for x in rows], np.arange(4), vectors, np.ones(4, bool)
    )
    near = Neighbours.of(rows, r).features(np.ones(4, bool))
    # a1 would find a2 at cosine 1 as "none": its own author, so only b1 and c1 count
    assert near[0][:3] == pytest.approx([0.0, -1.0, 0.0])
    held_back = Neighbours.of(rows, r).features(np.array([True, True, True, False]))
    assert held_back[0][0] == -1.0  # c1 left out of the memory (its author is tested)


def test_held_out_and_blind_authors_never_train():
    rows = load_rows(DATA)
    train = split(rows, "train")
    kept_out = set(
        "c s t ac ad ag aj ak al am an aq ar au av aw ax az ba bc bd be bf bg bh bi bj bk bl bm bn bo bp bv bw bx by bz ca cb cc cd ce cf cg ch ci cj ck cl cm cs ct cu cv cw cx cy cz dc dd de df dh di dj dk dl dm dn do dp dq dr ds dt du dv dw dx dy dz ea eb ec ed ee ef eg eh ei ej ek el em en eo ep eq er es et eu ev ew ex ey ez fa fb fc fd fe ff fg fh fi fj fk fl fm fn fo fp fq fr fs ft fu fv fw fx fy fz ga gb gc gd ge gf gg gh gi gj gk gl gm gn go ao ap".split()
    ) | set(VISITORS_SECOND)
    assert {r.author for r in train}.isdisjoint(kept_out)
    # the rows in other languages train only the head for other languages
    assert {r.author for r in train}.isdisjoint(OTHER_LANGUAGES)
    assert {r.author for r in rows} >= set(OTHER_LANGUAGES)
    assert {a for name, authors in SPLITS.items() if name != "train" for a in authors} == kept_out
    for part in SPLITS.keys() - {"train"}:
        texts = {r.text for r in split(rows, part)}
        assert texts and texts.isdisjoint({r.text for r in train}), part


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("message", "level"),
    [("I just feel like ending it", "acute"), ("I don't see the point in living", "acute"),
     ("iwanttodie", "acute"), ("i want 2 die", "acute"), ("Je veux mourir", "acute"),
     ("Ich will nicht mehr leben", "acute"), ("Voglio morire", "acute"),
     ("my son says he wants to die", "mention"), ("This is goodbye", "mention"),
     ("I've been giving my stuff away", "mention"), ("catch the bus tonight", "mention")],
)  # fmt: skip
def test_messages_the_old_detector_missed_get_crisis_text(real_bot, message, level):
    # the examples: each gets at least the tier named (acute is also fine for mention)
    got = real_bot.ask(message).crisis_level
    assert got == "acute" or (level == "mention" and got == "mention"), (message, got)


@pytest.mark.e2e
@pytest.mark.parametrize(
    "message",
    ["How much does an infusion cost?", "Can I drive after a session?", "I'm dead tired today",
     "This traffic is killing me", "what dose is used for anaesthesia?"],
)  # fmt: skip
def test_plain_questions_and_idioms_stay_quiet(real_bot, message):
    assert real_bot.ask(message).crisis_level == "none"


@pytest.mark.e2e
def test_pasted_junk_never_gets_the_crisis_banner(real_bot):
    # A known false alarm, measured and kept (twenty-fifth session, docs/SAFETY.md): the refit
    # with the visitor questions' first half reads this path, whole, as a mention (P(mention)
    # 0.43), so it gets the one-line resources reminder; it must never get the acute banner.
    assert real_bot.ask("../../../../etc/passwd").crisis_level != "acute"
    assert real_bot.ask("<script>alert(1)</script>").crisis_level == "none"


@pytest.mark.e2e
def test_a_loaded_bot_keeps_numpys_blas_on_one_thread(real_bot):
    # the crisis head's product with ~4,900 remembered messages is small: a BLAS thread pool
    # woken for each one cost more than it saved (benchmarks/safety_cost.py, docs/SAFETY.md)
    from threadpoolctl import ThreadpoolController

    pools = ThreadpoolController().select(internal_api="openblas").info()
    numpys = [p for p in pools if "numpy" in p["filepath"]]
    assert numpys and all(p["num_threads"] == 1 for p in numpys)


def test_the_heads_grouped_neighbours_give_the_same_features_as_the_plain_computation():
    from faqbot.safety.head import ROWWISE_MAX_ROWS, load_head, neighbour_features, with_margins

    head = load_head()
    rng = np.random.default_rng(0)
    plain = np.asarray(head.neighbours, dtype=np.float32)
    # a few rows take a product each, more one matrix product: both as the plain computation
    for rows in (0, 1, ROWWISE_MAX_ROWS, ROWWISE_MAX_ROWS + 1, 40):
        vectors = rng.normal(size=(rows, head.emb_coef.shape[1])).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        expected = neighbour_features(vectors @ plain.T, head.neighbour_labels)
        got = with_margins(head._closest(vectors))
        assert np.allclose(got, expected, atol=1e-6), rows


def test_the_character_features_are_l2_normalised_rows_as_sklearn_makes_them():
    from sklearn.feature_extraction.text import HashingVectorizer

    from faqbot.safety.head import N_HASH, NGRAMS, char_features

    texts = ["i want to die", "a", "how much does it cost per session?"]
    ours = char_features(texts).toarray()
    theirs = (
        HashingVectorizer(
            analyzer="char_wb",
            ngram_range=NGRAMS,
            n_features=N_HASH,
            alternate_sign=False,
            norm="l2",
        )
        .transform(texts)
        .toarray()
    )
    assert np.allclose(ours, theirs)


def test_the_sentences_of_none_messages_train_the_sentence_head_at_a_lower_weight(fake_encoder):
    from faqbot.safety.train import (
        SENTENCE_NONE_WEIGHT,
        _sentence_trainable,
        _sentence_weights,
    )

    rows = [Row("I have the pills saved. How soon does it work?", "acute", "plan_means", "en", "a"),
            Row("I have a plan. Can I fly on Friday?", "none", "clinical_logistics", "en", "b"),
            Row("How soon does it work?", "none", "clinical_logistics", "en", "c")]  # fmt: skip
    r = readings(rows, fake_encoder, SafetySettings(whole_words=0))
    whole_head = _trainable(rows, r, whole_only=True)
    sentence_head = _sentence_trainable(rows, r, whole_only=True)
    assert (whole_head <= sentence_head).all()  # everything the whole head reads, and more
    extra = [r.shown[i] for i in np.flatnonzero(sentence_head & ~whole_head)]
    assert extra == ["I have a plan.", "Can I fly on Friday?"]  # an acute message's: never
    weights = _sentence_weights(r)
    assert weights[r.whole].tolist() == [1.0] * int(r.whole.sum())
    assert set(weights[~r.whole].tolist()) == {SENTENCE_NONE_WEIGHT} and SENTENCE_NONE_WEIGHT < 1


def _constant_head(dim: int, intercept: list[float], neighbours: int, **kw):
    from faqbot.safety.head import CLASSES, NEIGHBOUR_NAMES

    memory = np.eye(neighbours, dim, dtype=np.float32)
    return Head(np.zeros((3, dim), np.float32), np.zeros((3, N_HASH), np.float32),
                np.array(intercept, np.float32), 0.5, 0.5, "fake-encoder@1", "x",
                neighbours=memory, neighbour_labels=np.arange(neighbours) % len(CLASSES),
                neighbour_coef=np.zeros((3, len(NEIGHBOUR_NAMES)), np.float32), **kw)  # fmt: skip


def test_a_sentence_of_a_longer_message_is_read_by_the_sentence_head(tmp_path, fake_encoder):
    from faqbot.safety.detector import SafetyDetector

    # the whole head reads everything as "none", its sentence head everything as acute: only
    # a message of several sentences can be read acute, and by the sentence head
    sentence = _constant_head(fake_encoder.dimension, [0, 0, 5], 3)
    head = _constant_head(fake_encoder.dimension, [5, 0, 0], 2, sentence_head=sentence)
    head.save(tmp_path / "head.npz")
    again = load_head(tmp_path / "head.npz")
    assert again.sentence_head is not None and len(again.sentence_head.neighbours) == 3
    assert np.array_equal(again.sentence_head.neighbours[:2], again.neighbours)
    for h in (head, again):
        detector = SafetyDetector(fake_encoder, h)
        assert detector.assess("How fast does it work?").level == "none"
        two = detector.assess("How fast does it work? Can I drive after?")
        assert (two.level, two.rule) == ("acute", "model")
        assert two.matched in ("How fast does it work?", "Can I drive after?")
    # a sentence head that does not remember the whole head's messages first is refused
    other = _constant_head(fake_encoder.dimension, [0, 0, 5], 3)
    swapped = replace(other, neighbours=other.neighbours[::-1].copy())
    with pytest.raises(ValueError, match="whole head's messages first"):
        replace(head, sentence_head=swapped).save(tmp_path / "bad.npz")


def test_training_fits_the_acute_regression_beside_the_three_levels(fake_encoder):
    # a tiny labelled set by four training authors: out-of-fold P(acute) from the acute
    # regression, and a head with a fourth row of weights whose P(acute) never tops P(any tier)
    # (without the n-gram block, which only makes the fits slower)
    from faqbot.safety.train import _head, _out_of_fold_probs

    texts = {
        "acute": ["i want to die tonight", "i have the pills saved to end it", "i will kill myself"],
        "mention": ["my uncle died by suicide", "does ketamine help suicidal thoughts"],
        "none": ["how much does a session cost", "can i drive home after", "where do i park",
                 "this traffic is killing me"],
    }  # fmt: skip
    rows = [Row(f"{t} ({author})", level, "x", "en", author)
            for author in ("a", "b", "d", "e") for level, ts in texts.items() for t in ts]  # fmt: skip
    r = readings(rows, fake_encoder)
    near = Neighbours.of(rows, r)
    acute = np.array([x.level == "acute" for x in rows])
    oof = _out_of_fold_probs(rows, r, 1.0, 0.0, near, 1.0, True, acute_only=True)
    assert oof.shape == (len(rows), 2) and np.allclose(oof.sum(axis=1), 1.0)
    assert oof[acute, 1].mean() > oof[~acute, 1].mean()  # learned from the other authors
    fits = _trainable(rows, r, True)
    head = _head(r, rows, near, (fits,), 1.0, 0.0, 1.0, None, "fake@1", acute_c=4.0)
    assert head.emb_coef.shape[0] == head.char_coef.shape[0] == 4
    assert head.intercept.shape == (4,) and head.neighbour_coef.shape[0] == 4
    p = head.probabilities(r.vectors, r.normalised)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert (p >= -1e-9).all() and p[acute, 2].mean() > p[~acute, 2].mean()


def test_the_head_for_other_languages_trains_on_the_training_split_and_the_rows_in_them():
    rows = [Row("i want to die (a)", "acute", "x", "en", "a"),
            Row("quiero morir (bq)", "acute", "x", "es", "bq"),
            Row("blind row (c)", "acute", "x", "en", "c")]  # fmt: skip
    assert [r.author for r in split(rows, "train")] == ["a"]
    assert [r.author for r in other_head_rows(rows)] == ["a", "bq"]
    # a held-out or blind row repeating either head's training text is not scored
    rows.append(Row("quiero morir (bq)", "acute", "x", "es", "c"))
    assert [r.text for r in split(rows, "held_out")] == ["blind row (c)"]


def test_lowering_a_heads_bars_moves_its_acute_and_any_tier_bars_whole_and_sentence():
    head = replace(_constant_head(4, [0, 0, 0], 3), acute_threshold=0.9, any_threshold=0.8,
                   sentence_acute_threshold=0.95, sentence_any_threshold=0.85)  # fmt: skip
    low = T.lowered(head, -0.05, -0.10)
    bars = (low.acute_threshold, low.any_threshold, low.sentence_acute_threshold,
            low.sentence_any_threshold)  # fmt: skip
    assert bars == pytest.approx((0.85, 0.70, 0.90, 0.75))
    assert T.OTHER_BAR_SHIFTS == (-0.05, -0.10)


def test_the_decision_over_both_heads_was_fitted_on_its_blind_rows_as_they_are_now():
    from faqbot.safety.two_heads import TWO_HEADS_PATH, blind_rows, load_two_heads, rows_hash

    two = load_two_heads(TWO_HEADS_PATH)
    assert two is not None and two.sets and 0 < two.bar < 1
    assert two.data_hash == rows_hash(blind_rows(load_rows(DATA), two.sets)), (
        "the blind sets changed since the decision over both heads was fitted. "
        "Run: faqbot safety-train --two-heads"
    )


@pytest.mark.parametrize("rows", [1, 3, 9])  # row by row, and one matrix product
def test_both_heads_neighbour_memories_read_as_one_give_the_same_cosines(rows):
    from faqbot.safety.head import SharedNeighbours

    main = load_head()
    other = load_head(OTHER_HEAD_PATH)
    vectors = np.random.default_rng(rows).standard_normal((rows, main.neighbours.shape[1]))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    for whole in (True, False):
        first, second = main.reading(whole), other.reading(whole)
        shared = SharedNeighbours.of(first, second)
        # most of the second head's memory is the first's: compared once
        assert 0 < shared.extra_t.shape[1] < len(second.neighbours) // 2
        near_first, near_second = shared.closest(vectors)
        # the same cosines to the sums' order (BLAS blocks a longer product differently, and a
        # head of FP16_SEARCH messages or more searches its float16 indexes for a few rows)
        np.testing.assert_allclose(near_first, first._closest(vectors), rtol=0, atol=1e-5)
        np.testing.assert_allclose(near_second, second._closest(vectors), rtol=0, atol=1e-6)


def test_the_float16_search_gives_the_products_cosines_for_a_large_memory():
    from faqbot.safety.head import FP16_SEARCH, ROWWISE_MAX_ROWS

    head = load_head()
    assert len(head.neighbours) >= FP16_SEARCH and len(head._levels_fp16) == 3
    small = _constant_head(8, [0, 0, 0], 3)
    assert small._levels_fp16 == ()  # below FP16_SEARCH messages: the product
    rng = np.random.default_rng(0)
    for rows in [*range(1, ROWWISE_MAX_ROWS + 1), 12]:
        vectors = rng.standard_normal((rows, head.neighbours.shape[1]))
        vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
        vectors[0] = head.neighbours[-1]  # a remembered message finds itself
        got = head._closest(vectors)
        want = head._closest_of(head.similarities(vectors))
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-5)
        level = int(head.neighbour_labels[-1])
        assert got[0, level] == pytest.approx(
            float(head.neighbours[-1].astype(np.float32) @ vectors[0]), abs=1e-5
        )


def test_the_farewell_rows_are_none_by_category_and_train_nothing_yet():
    from faqbot.safety.dataset import FAREWELL_ROWS

    rows = [r for r in load_rows(DATA) if r.author in FAREWELL_ROWS]
    assert len(rows) == 300 and {r.level for r in rows} == {"none"}
    assert {r.lang for r in rows if r.author == "da"} == {"en"}
    assert {r.lang for r in rows if r.author == "db"} == {"es", "pt", "fr", "de", "it"}
    assert len({r.category for r in rows}) >= 10
    assert_trains_nothing(FAREWELL_ROWS)


def assert_trains_nothing(authors: tuple[str, ...]) -> None:
    """The authors' rows are in no split and not among the second head's rows."""
    in_splits = {a for names in SPLITS.values() for a in names}
    assert in_splits.isdisjoint(authors) and set(OTHER_LANGUAGES).isdisjoint(authors)


def test_the_places_and_means_rows_are_by_category_and_train_nothing_yet():
    from faqbot.safety.dataset import PLACES_MEANS_ROWS

    rows = [r for r in load_rows(DATA) if r.author in PLACES_MEANS_ROWS]
    assert len(rows) == 200 and {r.lang for r in rows} == {"en"}
    levels = {lv: [r for r in rows if r.level == lv] for lv in ("acute", "mention", "none")}
    assert [len(levels[lv]) for lv in ("acute", "mention", "none")] == [100, 20, 80]
    assert len({r.category for r in levels["acute"]}) == 5
    assert len({r.category for r in levels["none"]}) == 4
    assert_trains_nothing(PLACES_MEANS_ROWS)


def test_a_head_remembering_more_messages_compares_with_them_and_keeps_its_weights(
    tmp_path, fake_encoder
):
    from faqbot.safety.head import CLASSES

    dim = fake_encoder.dimension
    sentence = _constant_head(dim, [0, 0, 0], 3)
    head = _constant_head(dim, [0, 0, 0], 2, sentence_head=sentence)
    # the sentence head remembers the whole head's two messages first, then one of its own
    sentence = replace(sentence, neighbours=np.vstack([head.neighbours, sentence.neighbours[2:]]))
    head = replace(head, sentence_head=sentence)
    text = "Is the clinic right after the bridge?"
    vector = fake_encoder.encode([text])
    before = head._closest(vector)[0]
    more = head.remembering(vector, np.array([CLASSES.index("none")]), "h1")
    after = more._closest(vector)[0]
    assert after[CLASSES.index("none")] == pytest.approx(1.0, abs=1e-3)  # it finds itself
    assert after[CLASSES.index("acute")] == before[CLASSES.index("acute")]
    assert len(more.neighbours) == 3 and (more.remembered_hash, more.remembered) == ("h1", 1)
    assert np.array_equal(more.emb_coef, head.emb_coef) and more.acute_threshold == 0.5
    # the sentence head: the whole head's memory (now three) first, then its own one
    assert len(more.sentence_head.neighbours) == 4
    assert np.array_equal(more.sentence_head.neighbours[:3], more.neighbours)
    more.save(tmp_path / "head.npz")
    again = load_head(tmp_path / "head.npz")
    assert again.remembered_hash == "h1" and len(again.sentence_head.neighbours) == 4
    # remembering again replaces what was remembered before (the command may run twice)
    twice = again.remembering(np.vstack([vector, vector]), np.array([2, 2]), "h2")
    assert (len(twice.neighbours), twice.remembered, twice.remembered_hash) == (4, 2, "h2")
    assert np.array_equal(twice.neighbours[:2], head.neighbours)
    assert twice.neighbour_labels.tolist()[2:] == [2, 2]
    assert len(twice.sentence_head.neighbours) == 5
    assert np.array_equal(twice.sentence_head.neighbours[4:], sentence.neighbours[2:])
    assert load_head(OTHER_HEAD_PATH).remembered_hash  # candidate M3: the other head too
    with pytest.raises(ValueError, match="dimensions"):
        head.remembering(np.ones((1, dim + 1), np.float32), np.array([0]), "h2")


def test_the_saved_classifier_remembers_the_labelled_english_rows_it_is_not_fitted_to():
    # candidate M (thirty-second session): every English row of the splits not trained on,
    # except held-out C and the blind sets that judged M (DN, DO)
    from faqbot.safety.dataset import JUDGING, remembered_rows, remembered_splits

    rows = load_rows(DATA)
    remembered = remembered_rows(rows)
    head = load_head()
    assert head.remembered_hash == data_hash(remembered), (
        "the labelled sets changed since the classifier remembered them (a new blind set joins "
        "dataset.JUDGING until it has judged something). Run: faqbot safety-remember"
    )
    # EJ, EK judged candidate M7 and EL, EM candidate R34 (thirty-fourth session); EN and EO
    # were never opened
    assert {"held_out", "blind_ej", "blind_ek", "blind_el", "blind_em"} <= set(JUDGING)
    assert {"blind_en", "blind_eo"} <= set(JUDGING)
    assert not set(remembered_splits()) & {"train", *JUDGING}
    assert {r.lang for r in remembered} == {"en"} and len(remembered) > 10_000
    assert not {r.author for r in remembered} & {"c", "ej", "ek", "el", "em"}
    # the sets that judged earlier memory candidates are remembered now (M6, M7)
    assert {r.author for r in remembered} >= {"dn", "dw", "dx", "dy", "eb", "ee", "dz", "ei"}
    assert not {r.text for r in remembered} & {r.text for r in split(rows, "train")}
    # remembered at their labels after the training messages, which the sentence head
    # remembers first too
    from faqbot.safety.head import CLASSES

    assert head.remembered == len(remembered)
    tail = head.neighbour_labels[-len(remembered) :].tolist()
    assert tail == [CLASSES.index(r.level) for r in remembered]
    n = len(head.neighbours)
    assert np.array_equal(head.sentence_head.neighbours[:n], head.neighbours)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # blind DN and DO (thirty-second session): read acute by the head before it remembered
        # the older blind sets' English messages, "none" (a look-alike) or acute as labelled after
        ("Is the clinic the building right after the bridge on Main St? GPS keeps sending me in "
         "circles", "none"),
        ("I've picked a date! Can I do my first session on March 3rd?", "none"),
        ("OD'd on my xanax a bit ago, feel really sleepy. sorry", "acute"),
    ],
)  # fmt: skip
def test_remembering_the_older_blind_sets_reads_new_writers_messages_better(real_bot, text, level):
    from faqbot.safety import SafetyDetector

    safety = real_bot.safety
    head = safety.head
    n, m = len(head.neighbours) - head.remembered, len(head.neighbours)
    own = head.sentence_head  # remembers the whole head's messages, then its own sentences
    forgetting = replace(
        head,
        neighbours=head.neighbours[:n],
        neighbour_labels=head.neighbour_labels[:n],
        sentence_head=replace(
            own,
            neighbours=np.vstack([own.neighbours[:n], own.neighbours[m:]]),
            neighbour_labels=np.concatenate([own.neighbour_labels[:n], own.neighbour_labels[m:]]),
        ),
    )
    before = SafetyDetector(real_bot.encoder, forgetting, other_head=safety.other_head,
                            two_heads=safety.two_heads).assess(text)  # fmt: skip
    assert before.level != level
    assert safety.assess(text).level == level
    assert real_bot.ask(text).crisis_level == level


def test_rows_written_for_the_memory_are_remembered_after_the_splits_and_train_nothing():
    from faqbot.safety.dataset import MEMORY_ROWS, remembered_rows

    rows = load_rows(DATA)
    base = remembered_rows(rows)
    # any authors can be named (here DG's rows, which train nothing); their English rows come
    # after the splits', each text once, none a training text
    more = remembered_rows(rows, ("dg",))
    dg = [r for r in rows if r.author == "dg" and r.lang == "en"]
    assert more[: len(base)] == base
    assert {r.author for r in more[len(base) :]} == {"dg"}
    trained = {r.text for r in split(rows, "train")}
    assert len(more) - len(base) == len({r.text for r in dg} - {r.text for r in base} - trained)
    assert {r.author for r in split(rows, "train")}.isdisjoint(MEMORY_ROWS)
    assert not any(set(authors) & set(MEMORY_ROWS) for authors in SPLITS.values())
    # candidate M2's rows (not kept): 600 English rows by category, in no split, not remembered
    from faqbot.safety.dataset import MEMORY_WRITTEN

    written = [r for r in rows if r.author in MEMORY_WRITTEN]
    assert len(written) == 600 and {r.lang for r in written} == {"en"}
    levels = [sum(r.level == lv for r in written) for lv in ("none", "mention", "acute")]
    assert levels == [360, 60, 180]
    assert not set(MEMORY_WRITTEN) & set(MEMORY_ROWS)
    assert not any(set(authors) & set(MEMORY_WRITTEN) for authors in SPLITS.values())
    assert not {r.author for r in base} & set(MEMORY_WRITTEN)  # remembered by nothing


def test_the_english_decision_refuses_sets_the_main_head_remembers(monkeypatch, fake_encoder):
    from faqbot.safety import commands

    monkeypatch.setattr(commands, "training_encoder", lambda: (fake_encoder, "fake@1"))
    with pytest.raises(SystemExit, match="remembers the English messages of blind_"):
        commands.main(["safety-train", "--english"])
    with pytest.raises(SystemExit, match="remembers the English messages of blind_aj and 0"):
        commands.main(["safety-train", "--english", "--sets", "blind_aj"])
    # and decision I, fitted on the messages in other languages, which the other head remembers
    with pytest.raises(
        SystemExit, match="--two-heads: a head remembers the es/pt/fr/de/it messages"
    ):
        commands.main(["safety-train", "--two-heads", "--sets", "blind_bp"])


def test_the_head_for_other_languages_remembers_the_older_sets_messages_in_them():
    # candidate M3 (thirty-second session): every es/pt/fr/de/it row of the splits the main head
    # remembers from, at its label, after the other head's training messages
    from faqbot.safety.dataset import remembered_rows
    from faqbot.safety.head import CLASSES

    rows = load_rows(DATA)
    remembered = remembered_rows(rows, other_languages=True)
    other = load_head(OTHER_HEAD_PATH)
    assert other.remembered_hash == data_hash(remembered), (
        "the labelled sets changed since the head for other languages remembered them. "
        "Run: faqbot safety-remember --other-languages"
    )
    assert other.remembered == len(remembered) > 5_000
    assert "en" not in {r.lang for r in remembered}
    assert not {r.author for r in remembered} & {"c", "ej", "ek", "el", "em"}
    tail = other.neighbour_labels[-len(remembered) :].tolist()
    assert tail == [CLASSES.index(r.level) for r in remembered]
    n = len(other.neighbours)
    assert np.array_equal(other.sentence_head.neighbours[:n], other.neighbours)
    # the English rows are the main head's; none is in both memories
    assert not {r.text for r in remembered} & {r.text for r in remembered_rows(rows)}


def test_the_shipped_reader_for_other_languages_is_the_one_fitted_to_these_rows():
    # candidate V4 (thirty-eighth session): the same recipe on the rows in es/pt/fr/de/it
    # outside the splits it left out (the rows written for it, md and me, among them)
    import hashlib

    from faqbot.safety.dataset import MEMORY_WRITTEN_OTHER, UNOPENED
    from faqbot.safety.veto import VETO_OTHER_PATH, read_config, training_rows
    from faqbot.safety.veto import data_hash as veto_hash

    config = read_config(VETO_OTHER_PATH)
    rows = load_rows(DATA)
    fitted, held = training_rows(rows, config.judging, config.authors, other_languages=True)
    assert veto_hash(fitted + held) == config.data_hash, (
        "The rows in es/pt/fr/de/it outside JUDGING changed since the reader for them was "
        "fitted: refit it (python benchmarks/safety_veto.py --other-languages)"
    )
    assert {r.lang for r in fitted + held} == {"es", "pt", "fr", "de", "it"}
    assert set(MEMORY_WRITTEN_OTHER) <= {r.author for r in fitted + held}
    assert sorted({r.author for r in held}) == list(config.calibration_authors)
    assert {r.author for r in fitted}.isdisjoint(config.calibration_authors)
    model = VETO_OTHER_PATH.with_suffix(".onnx").read_bytes()
    assert hashlib.sha256(model).hexdigest() == config.model_sha256
    assert 0.5 < config.mention_bar < config.none_bar < 1 and config.rule_bar is None
    left_out = {r.text for n in config.judging for r in split(rows, n)}
    assert left_out and left_out.isdisjoint(r.text for r in fitted + held)
    # the sets still unopened were written after it was fitted: none of their authors is its
    unopened = {author for n in UNOPENED for author in SPLITS[n]}
    assert unopened and unopened.isdisjoint(config.authors)
    assert unopened.isdisjoint(r.author for r in fitted + held)


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("message", "level"),
    [
        # written for this test (in no labelled set): an ordinary call-back request the heads'
        # decision reads acute ("ce soir"); the reader gives it the resources line only
        ("vous pouvez me rappeler ce soir avant 20h ?", "mention"),
        # risk the decision reads acute and the reader leaves acute
        ("ya no aguanto más, esta noche se acaba todo para mí", "acute"),
        ("ich halte das nicht mehr aus, heute Nacht mache ich Schluss", "acute"),
        ("não aguento mais, hoje à noite eu acabo com tudo", "acute"),
        ("je n'en peux plus, ce soir j'en finis pour de bon", "acute"),
    ],
)
def test_the_shipped_reader_for_other_languages_lowers_a_look_alike_and_leaves_risk(
    real_bot, message, level
):
    safety = real_bot.safety
    assert safety.veto_other is not None
    assert real_bot.ask(message).crisis_level == level, message
    assert safety.assess(message).rule.startswith("model:two_heads")
    safety.veto_other, veto = None, safety.veto_other
    try:  # without it the decision reads every one of them acute
        assert safety.assess(message).level == "acute", message
    finally:
        safety.veto_other = veto


def test_the_shipped_veto_is_the_one_fitted_to_these_rows():
    # the fine-tuned second reader (safety/veto.py): its recorded rows are today's English rows
    # outside the splits it left out, by the authors it recorded (blind sets written later are
    # not its rows), its held-back authors the seeded tenth, its model the file shipped
    import hashlib

    from faqbot.safety.veto import VETO_MODEL, VETO_PATH, read_config, training_rows
    from faqbot.safety.veto import data_hash as veto_hash

    config = read_config()
    fitted, held = training_rows(load_rows(DATA), config.judging, config.authors)
    assert veto_hash(fitted + held) == config.data_hash, (
        "The English rows outside JUDGING changed since the veto was fitted: refit it "
        "(python benchmarks/safety_veto.py) or keep the new rows in JUDGING"
    )
    assert sorted({r.author for r in held}) == list(config.calibration_authors)
    assert {r.author for r in fitted}.isdisjoint(config.calibration_authors)
    model = (VETO_PATH.parent / VETO_MODEL).read_bytes()
    assert hashlib.sha256(model).hexdigest() == config.model_sha256
    assert 0.5 < config.mention_bar < config.none_bar < 1 and config.max_tokens == 256
    assert config.mention_bar < config.rule_bar < config.none_bar  # softens less than it drops
    assert config.judging and config.authors
    rows = load_rows(DATA)
    left_out = {r.text for n in config.judging for r in split(rows, n)}
    assert left_out and left_out.isdisjoint(r.text for r in fitted + held)


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("message", "level"),
    [
        # look-alikes the main head reads acute, written for this test (in no labelled set):
        # the veto drops the first's safety text and gives the second the resources line only
        ("Finished my final Spravato session today, feeling great. Goodbye everyone and thank "
         "you!", "none"),
        ("I won't be around after June, we're moving to Spain for my husband's job. How do I "
         "get my records?", "mention"),
        # risk the veto must leave to the head and the rules
        ("I'm done. Tonight I'm taking every pill I have.", "acute"),
        ("nobody would even notice if I was gone, I've decided it's this weekend", "acute"),
    ],
)  # fmt: skip
def test_the_shipped_veto_lowers_ordinary_goodbyes_and_leaves_risk(real_bot, message, level):
    assert real_bot.safety.veto is not None
    assert real_bot.ask(message).crisis_level == level, message
    real_bot.safety.veto, veto = None, real_bot.safety.veto
    try:  # without it the head reads every one of them acute
        assert real_bot.safety.assess(message).level == "acute", message
    finally:
        real_bot.safety.veto = veto


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("message", "level"),
    [
        # a dangerous place now, said calmly (written for this test, in no labelled set): the
        # heads lean toward risk under their bars, the reader reads risk: the resources line
        ("I'm out on the ledge of my balcony, 9th floor, reading about spravato", "mention"),
        ("i'm at the quarry again, sitting in the car", "mention"),
        # ordinary look-alikes and questions: the reader is not asked, or reads them as none
        ("the cliff walk by the coast is beautiful, can I go the day after an infusion?", "none"),
        ("Thank you so much for everything, this is my last session, goodbye!", "none"),
        ("What is the max dose of ketamine per kilo?", "none"),
    ],
)  # fmt: skip
def test_the_second_reader_raises_a_calm_message_at_a_dangerous_place(real_bot, message, level):
    got = real_bot.ask(message)
    assert got.crisis_level == level, message
    assert bool(got.safety_text) == (level != "none")
    if level == "none":
        return
    assert real_bot.safety.assess(message).rule == "model:second_reader"
    settings, real_bot.safety.settings = real_bot.safety.settings, SafetySettings(raise_bar=0.0)
    try:  # without the raise nothing gives it safety text
        assert real_bot.safety.assess(message).level == "none", message
    finally:
        real_bot.safety.settings = settings


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("message", "level"),
    [
        # a rule reads it acute; the reader reads an ordinary goodbye: the resources line only
        ("This is my last message here, thank you all for the answers over the past months!",
         "mention"),
        # a rule reads it acute and the reader reads risk: the banner stays
        ("I wrote my goodbye letters and put them in the drawer.", "acute"),
        ("I took all my pills an hour ago", "acute"),
    ],
)  # fmt: skip
def test_the_second_reader_softens_a_rules_banner_on_an_ordinary_goodbye(real_bot, message, level):
    from dataclasses import replace as replaced

    assert real_bot.safety.veto.config.rule_bar is not None
    got = real_bot.safety.assess(message)
    assert got.level == level, message
    assert got.rule.startswith("acute.")  # a phrase rule spoke in every case
    assert got.rule.endswith(":veto") == (level == "mention")
    assert real_bot.ask(message).crisis_level == level
    veto = real_bot.safety.veto
    config = veto.config
    veto.config = replaced(config, rule_bar=None)
    try:  # without the rule bar the rule's banner stands
        assert real_bot.safety.assess(message).level == "acute", message
    finally:
        veto.config = config


def test_unopened_blind_sets_are_held_in_judging_and_not_scored_by_safety_eval():
    # safety-eval reads every split but these: running it must not open a set kept for a decision
    from faqbot.safety.dataset import JUDGING, UNOPENED, scored_splits

    assert UNOPENED and set(UNOPENED) <= set(JUDGING)
    assert set(scored_splits()).isdisjoint(UNOPENED)
    assert set(scored_splits()) | set(UNOPENED) == set(SPLITS)

"""The layered detector with a fake encoder and a hand-set head: every sentence is scored, the
more severe of rules and model wins, the thresholds decide the tier."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from faqbot.safety import SafetyDetector, SafetySettings
from faqbot.safety.detector import clauses, sentences
from faqbot.safety.head import N_HASH, Head


class KeywordEncoder:
    """2-d vectors: [mentions "gloom", mentions "doom"]; records what it was asked to encode."""

    def __init__(self):
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen += list(texts)
        return np.array(
            [[("gloom" in t.lower()) * 1.0, ("doom" in t.lower()) * 1.0] for t in texts]
        )


def _head(acute_threshold=0.5, any_threshold=0.5) -> Head:
    # logits: none 0; mention = 4*gloom - 2; acute = 4*doom - 2. So "doom" alone gives
    # P(acute) = e^2 / (1 + e^-2 + e^2) = 0.867; "gloom" alone P(mention) = 0.867; neither: ~0.06
    emb = np.array([[0, 0], [4, 0], [0, 4]], dtype=np.float32)
    return Head(emb, np.zeros((3, N_HASH), np.float32), np.array([0, -2, -2], np.float32),
                acute_threshold, any_threshold, "fake", "0")  # fmt: skip


def test_the_model_raises_a_message_no_rule_knows():
    detector = SafetyDetector(KeywordEncoder(), _head())
    got = detector.assess("Everything is doom.")
    assert (got.level, got.rule, got.score) == ("acute", "model", 0.8668)
    assert detector.assess("Some gloom today").level == "mention"
    assert detector.assess("Can I drive after a session?").level == "none"


def test_the_thresholds_decide_the_tier():
    # P(acute) of "doom" is 0.867: under a 0.9 threshold it is not acute, but P(any) still is
    detector = SafetyDetector(KeywordEncoder(), _head(acute_threshold=0.9))
    assert detector.assess("Everything is doom.").level == "mention"


def test_a_sentence_of_a_longer_message_is_held_to_its_own_bars():
    # P(acute) of "doom" is 0.867: a whole message needs 0.9 here, one sentence of several 0.5
    head = replace(_head(acute_threshold=0.9), sentence_acute_threshold=0.5)
    detector = SafetyDetector(KeywordEncoder(), head)
    assert detector.assess("Everything is doom.").level == "mention"  # read only whole
    got = detector.assess("Everything is doom. Can I drive after a session?")
    assert (got.level, got.matched) == ("acute", "Everything is doom.")
    stricter = replace(_head(acute_threshold=0.5), sentence_acute_threshold=0.95)
    got = SafetyDetector(KeywordEncoder(), stricter).assess("Everything is doom. Can I drive?")
    assert got.level == "acute" and got.matched == "Everything is doom. Can I drive?"  # whole


def test_one_risky_sentence_in_a_long_post_is_found():
    post = "I have questions about cost. " * 30 + "Lately it is all doom. " + "Thanks! " * 30
    got = SafetyDetector(KeywordEncoder(), _head()).assess(post)
    assert (got.level, got.matched) == ("acute", "Lately it is all doom.")


def test_rules_decide_acute_without_asking_the_model():
    encoder = KeywordEncoder()
    got = SafetyDetector(encoder, _head()).assess("I want to kill myself")
    assert (got.level, got.rule) == ("acute", "acute.self_act") and encoder.seen == []


def test_a_reading_with_no_word_is_not_given_to_the_model():
    # pasted junk read alone once looked acute to the sentence head ("a" * 1500 twice, then a
    # question, gave the crisis banner); a message of one reading is read whole as before
    encoder = KeywordEncoder()
    detector = SafetyDetector(encoder, _head())
    junk = "xxxxxxxxxxxxxxxxxxxxxxxx.\nqwrtzp zxcvb."
    got = detector.assess(f"{junk}\nHow much does it cost?")
    assert got.level == "none"
    assert encoder.seen == ["How much does it cost?", f"{junk}\nHow much does it cost?"]
    encoder.seen.clear()
    assert detector.assess(f"{junk}\n{junk}").level == "none" and encoder.seen == []
    encoder.seen.clear()
    assert detector.assess("doom doom doom.\nqwrtzp zxcvb.").level == "acute"
    assert encoder.seen == ["doom doom doom.", "doom doom doom.\nqwrtzp zxcvb."]


def test_a_disguised_sentence_is_also_read_undisguised():
    encoder = KeywordEncoder()
    SafetyDetector(encoder, _head()).assess("d o o m")
    assert encoder.seen == ["d o o m", "doom"]


def test_sentences_keeps_first_and_last_halves_of_a_very_long_message():
    text = " ".join(f"Sentence {i}." for i in range(10))
    assert sentences(text, 4) == ["Sentence 0.", "Sentence 1.", "Sentence 8.", "Sentence 9.", text]
    assert sentences("One line only", 4) == ["One line only"]


def test_a_long_sentence_is_also_read_clause_by_clause_when_asked():
    text = "I wrote the letters, I gave the dog to my sister, anyway how much is a session?"
    assert sentences(text, 120) == [text]  # clause_words 0: a single sentence is read whole
    assert sentences(text, 120, clause_words=8) == [
        "I wrote the letters", "I gave the dog to my sister", "anyway how much is a session?", text
    ]  # fmt: skip
    # pieces under three words join a neighbour: one clause left is no split
    assert clauses("No, I have never thought of it, honestly", 4) == []
    assert clauses("Short one, really", 8) == []  # not longer than 8 words
    two = "Honestly, I am fine. But some nights, when it is quiet, I plan how I would do it."
    assert sentences(two, 120, clause_words=6) == [
        "Honestly, I am fine.",
        "But some nights, when it is quiet, I plan how I would do it.",
        "But some nights", "when it is quiet", "I plan how I would do it.",
        two,
    ]  # fmt: skip


def test_settings_are_validated():
    with pytest.raises(ValueError, match="max_sentences"):
        SafetySettings(max_sentences=1)


def test_a_risk_told_over_two_messages_is_read_together():
    detector = SafetyDetector(KeywordEncoder(), _head())
    # the fake model sees "doom" in the joined text: acute, though the new message is plain
    got = detector.assess_in_conversation("what time do you open?", ["all is doom", "hi"])
    assert got.level == "acute" and got.rule == "conversation:model"
    assert detector.assess_in_conversation("what time do you open?").level == "none"


def test_an_acute_message_carries_to_the_next_two_only():
    rules_only = SafetyDetector()
    said = ["I want to kill myself"]
    assert rules_only.assess_in_conversation("ok", said).level == "acute"
    assert rules_only.assess_in_conversation("ok", [*said, "hi"]).level == "acute"
    assert rules_only.assess_in_conversation("ok", [*said, "hi", "thanks"]).level == "none"
    alone = SafetyDetector(settings=SafetySettings(conversation_turns=0))
    assert alone.assess_in_conversation("ok", said).level == "none"
    # the message's own level is never lowered by a calm history
    assert rules_only.assess_in_conversation("I want to die", ["hello"]).level == "acute"
    assert not rules_only.assess_in_conversation("I want to die", ["hello"]).rule.startswith("conv")


def test_a_message_in_another_language_is_also_read_by_the_other_head_up_to_mention():
    # the main head reads nothing (bars above every probability); the other head is _head()
    deaf = _head(acute_threshold=2.0, any_threshold=2.0)
    detector = SafetyDetector(KeywordEncoder(), deaf, other_head=_head())
    assert len(detector.heads_for("Todo es doom, no puedo más con esta vida")) == 2
    assert len(detector.heads_for("Everything is doom and I cannot go on with this life")) == 1
    # Spanish: the other head's acute reading gives the resources line, never the banner
    got = detector.assess("Todo es doom, no puedo más con esta vida")
    assert (got.level, got.rule) == ("mention", "model:other_languages")
    # English: only the main head reads it
    assert detector.assess("Everything is doom and I cannot go on with this life").level == "none"
    # without the other head the Spanish message gets nothing
    alone = SafetyDetector(KeywordEncoder(), deaf)
    assert alone.assess("Todo es doom, no puedo más con esta vida").level == "none"


def test_the_other_head_never_lowers_what_the_main_head_found():
    detector = SafetyDetector(KeywordEncoder(), _head(), other_head=_head(2.0, 2.0))
    assert detector.assess("Todo es doom, no puedo más con esta vida").level == "acute"
    assert detector.assess("Un poco de gloom hoy, nada más que eso").level == "mention"


def test_the_decision_over_both_heads_makes_a_message_in_another_language_acute():
    from faqbot.safety.two_heads import TwoHeads

    # the main head reads nothing; the other head alone would give mention at most (G′); the
    # decision weighs the other head's acute margin: P(acute) of "doom" 0.867 over its bar 0.5
    deaf = _head(acute_threshold=2.0, any_threshold=2.0)
    two = TwoHeads((0.0, 0.0, 10.0, 0.0, 0.0), 0.0, 0.5, "x")
    detector = SafetyDetector(KeywordEncoder(), deaf, other_head=_head(), two_heads=two)
    spanish = "Todo es doom, no puedo más con esta vida"
    reading = detector.two_heads_reading(spanish)
    assert reading.other[0] == pytest.approx(0.8668 - 0.5, abs=1e-3) and reading.rules == "none"
    got = detector.assess(spanish)
    assert (got.level, got.rule) == ("acute", "model:two_heads")
    # English never reaches it
    assert detector.assess("Everything is doom and I cannot go on with this life").level == "none"
    # a decision that never fires leaves G′: the other head gives mention at most
    never = TwoHeads((0.0,) * 5, -50.0, 0.5, "x")
    capped = SafetyDetector(KeywordEncoder(), deaf, other_head=_head(), two_heads=never)
    assert capped.assess(spanish).level == "mention"


def test_the_decisions_over_both_heads_give_every_level_and_the_heads_bars_do_not_count():
    from faqbot.safety.two_heads import Reading, TwoHeads

    # the main head reads "doom" acute by its own bars; for Spanish only the decisions count
    spanish = "Todo es doom, no puedo más con esta vida"
    for acute_intercept, any_intercept, level in ((-50.0, -50.0, "none"), (-50.0, 0.0, "mention"),
                                                  (50.0, -50.0, "acute")):  # fmt: skip
        two = TwoHeads((0.0,) * 5, acute_intercept, 0.9, "x", any_coef=(0.0,) * 5,
                       any_intercept=any_intercept, any_bar=0.4)  # fmt: skip
        assert two.decides_any
        detector = SafetyDetector(KeywordEncoder(), _head(), other_head=_head(), two_heads=two)
        got = detector.assess(spanish)
        assert got.level == level, (acute_intercept, any_intercept)
        assert got.rule == ("model:two_heads" if level != "none" else None)
        # the rules' mention is never lost to the decisions
        assert two.level(Reading("mention", (-1.0, -1.0), (-1.0, -1.0)))[0] != "none"
    # English and the rules are not the decisions': the main head and the rules read them
    assert detector.assess("Everything is doom and I cannot go on with this life").level == "acute"
    assert detector.assess("Quiero morir, ya no aguanto más esta vida").level == "acute"


def test_the_decision_over_both_heads_is_saved_and_loaded(tmp_path):
    from faqbot.safety.two_heads import TwoHeads, load_two_heads

    two = TwoHeads((1.0, 2.0, 3.0, 4.0, 5.0), -1.5, 0.7, "abc", ("blind_x",))
    two.save(tmp_path / "two.json")
    assert load_two_heads(tmp_path / "two.json") == two and not two.decides_any
    both = TwoHeads((1.0, 2.0, 3.0, 4.0, 5.0), -1.5, 0.7, "abc", ("blind_x",),
                    (0.5, 0.4, 0.3, 0.2, 0.1), 0.25, 0.4)  # fmt: skip
    both.save(tmp_path / "both.json")
    assert load_two_heads(tmp_path / "both.json") == both and both.decides_any
    assert load_two_heads(tmp_path / "missing.json") is None
    (tmp_path / "bad.json").write_text('{"coef": [1]}')
    with pytest.raises(ValueError, match="faqbot safety-train --two-heads"):
        load_two_heads(tmp_path / "bad.json")


def test_the_bars_are_the_highest_that_keep_the_recall_asked():
    from faqbot.safety.two_heads import recall_bar

    p = np.array([0.9, 0.8, 0.7, 0.6, 0.95, 0.2])
    wanted = np.array([True, True, True, True, False, True])
    already = np.array([False, False, False, False, False, True])  # the rules found one
    # 5 wanted; 0.6 recall needs 3: the rules' one and the two most probable others
    bar = recall_bar(p, wanted, already, 0.6)
    assert bar == pytest.approx(0.8) and ((p >= bar) | already)[wanted].sum() == 3
    assert recall_bar(p, wanted, already, 1.0) == pytest.approx(0.6)
    assert recall_bar(p, wanted, wanted, 0.9) > 1.0  # the rules find enough: nothing more


def test_a_decision_reading_the_language_and_vector_reads_the_whole_message_as_written():
    from faqbot.safety.two_heads import TwoHeads

    deaf = _head(acute_threshold=2.0, any_threshold=2.0)
    # five margins weigh nothing; Spanish weighs nothing, Italian -10; the "doom" dimension +10
    coef = (0.0,) * 5 + (0.0, 0.0, 0.0, 0.0, -10.0) + (0.0, 10.0)
    two = TwoHeads(coef, -3.0, 0.5, "x", any_coef=coef, any_intercept=-3.0, any_bar=0.5,
                   languages=("es", "pt", "fr", "de", "it"), vector_dims=2)  # fmt: skip
    assert two.reads_vector
    detector = SafetyDetector(KeywordEncoder(), deaf, other_head=_head(), two_heads=two)
    spanish = "Todo es doom. No puedo más con esta vida, de verdad."
    reading = detector.two_heads_reading(spanish)
    assert reading.language == "es" and list(reading.vector) == [0.0, 1.0]  # the whole message
    assert list(reading.row(two.languages, 2)) == [*reading.features(), 1, 0, 0, 0, 0, 0, 1]
    assert detector.assess(spanish).level == "acute"  # sigmoid(7)
    assert detector.assess("Tutto è doom, non ce la faccio più con questa vita").level == "none"
    assert detector.assess("Todo es gloom, no puedo más con esta vida").level == "none"
    with pytest.raises(ValueError, match="refit it with this encoder"):
        reading.row(two.languages, 3)


def test_a_decision_over_languages_and_vectors_is_saved_loaded_and_checked(tmp_path):
    from faqbot.safety.two_heads import TwoHeads, load_two_heads

    coef = tuple(float(i) for i in range(5 + 2 + 3))
    two = TwoHeads(coef, 0.5, 0.6, "abc", ("blind_x",), coef, -0.5, 0.3, ("es", "it"), 3)
    two.save(tmp_path / "k.json")
    assert load_two_heads(tmp_path / "k.json") == two
    data = (tmp_path / "k.json").read_text().replace('"vector_dims": 3', '"vector_dims": 4')
    (tmp_path / "bad.json").write_text(data)
    with pytest.raises(ValueError, match="10 coefficients for 11 features.*--two-heads"):
        load_two_heads(tmp_path / "bad.json")


def test_bars_chosen_with_each_group_left_out_are_lower_than_on_the_rows_fitted():
    from faqbot.safety.two_heads import Reading, fit

    # noisy rows: a regression over many features is surer of the rows it was fitted to, so
    # bars chosen on its own rows are higher than on rows predicted with their group left out
    rng = np.random.default_rng(0)
    labels = list(rng.choice(["none", "mention", "acute"], 300))
    readings = [
        Reading("none", (-0.5, -0.5), ((lab == "acute") * 0.3 + rng.normal(0, 0.5), -0.5),
                "es", rng.normal(0, 1, 40))
        for lab in labels
    ]  # fmt: skip
    groups = [f"set{i % 10}" for i in range(300)]
    own = fit(readings, labels, "x", vector_dims=40)
    left_out = fit(readings, labels, "x", vector_dims=40, groups=groups)
    assert own.coef == left_out.coef  # the same regressions, fitted on every row
    assert left_out.bar < own.bar and left_out.any_bar < own.any_bar


def test_the_english_decision_gives_an_english_message_its_level_and_the_rules_still_stand():
    from faqbot.safety.two_heads import TwoHeads

    # the main head reads "doom" acute by its own bars; the English decision reads only the
    # whole message's vector: +10 for "gloom", nothing for "doom"
    coef = (0.0,) * 5 + (10.0, 0.0)
    english = TwoHeads(coef, -5.0, 0.5, "x", any_coef=coef, any_intercept=-5.0, any_bar=0.5,
                       vector_dims=2)  # fmt: skip
    detector = SafetyDetector(KeywordEncoder(), _head(), other_head=_head(), english=english)
    doom = "Everything is doom and I cannot go on with this life"
    got = detector.assess("Everything is gloom and I cannot go on with this life")
    assert (got.level, got.rule) == ("acute", "model:english_decision")
    assert detector.assess(doom).level == "none"  # the head's own bars no longer count
    # a message under three words, and one in another language, are read as before
    assert detector.assess("doom doom").level == "acute"
    assert (
        detector.assess("Todo es doom, no puedo más con esta vida").rule != "model:english_decision"
    )
    # the rules' acute and mention stand whatever the decision says
    assert detector.assess("I want to kill myself tonight, honestly").level == "acute"
    assert (
        detector.assess("My uncle died by suicide years ago, I often think of him").level != "none"
    )
    # without the other head there is no English decision: the main head decides
    alone = SafetyDetector(KeywordEncoder(), _head(), english=english)
    assert alone.english is None and alone.assess(doom).level == "acute"


def test_the_english_decision_keeps_the_detectors_own_recall_on_the_rows_it_is_fitted_to():
    from faqbot.safety.dataset import Row
    from faqbot.safety.two_heads import fit_english, own_level

    # twelve authors (blind sets) of English messages: acute ones say doom, mention ones gloom,
    # "none" ones neither, but a third of the "none" ones say doom too (the head's false alarms)
    rows = []
    for a in range(12):
        rows += [Row(f"Everything is doom for me today, number {a} {i}", "acute", "x", "en",
                     f"a{a}") for i in range(3)]  # fmt: skip
        rows += [Row(f"I read about gloom and history today, number {a}", "mention", "x", "en",
                     f"a{a}")]  # fmt: skip
        rows += [Row(f"What does a session cost, number {a} {i}", "none", "x", "en", f"a{a}")
                 for i in range(2)]  # fmt: skip
        rows += [Row(f"That film was doom metal all the way, number {a}", "none", "x", "en",
                     f"a{a}")]  # fmt: skip
    detector = SafetyDetector(KeywordEncoder(), _head(), other_head=_head())
    readings = [detector.two_heads_reading(r.text) for r in rows]
    assert [own_level(r) for r in readings[:6]] == ["acute"] * 3 + ["mention"] + ["none"] * 2
    from faqbot.safety import dataset

    names = tuple(f"blind_a{a}" for a in range(12))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(
            dataset, "SPLITS", {"train": (), **{f"blind_a{a}": (f"a{a}",) for a in range(12)}}
        )
        english = fit_english(rows, detector, names)
    assert english.vector_dims == 2 and english.sets == names and english.decides_any
    decided = SafetyDetector(KeywordEncoder(), _head(), other_head=_head(), english=english)
    levels = [decided.assess(r.text).level for r in rows]
    acute = [lv for lv, r in zip(levels, rows, strict=True) if r.level == "acute"]
    risk = [lv for lv, r in zip(levels, rows, strict=True) if r.level != "none"]
    assert acute.count("acute") == len(acute) and "none" not in risk  # the recall kept


class WordVeto:
    """A stand-in for the fine-tuned reader: P(none) by words, None past 12 words (too long)."""

    def __init__(self):
        from faqbot.safety.veto import VetoConfig

        self.config = VetoConfig(0.99, 0.9, 12, "", (), "")
        self.asked: list[str] = []

    def p_none(self, texts):
        self.asked += list(texts)
        out = []
        for t in texts:
            words = t.lower().replace(".", " ").split()
            p = 0.995 if "holiday" in words else 0.95 if "party" in words else 0.05
            out.append(None if len(words) > 12 else p)
        return out


def test_lowered_drops_at_the_none_bar_and_softens_acute_at_the_mention_bar():
    from faqbot.safety.veto import VetoConfig, lowered

    config = VetoConfig(0.99, 0.9, 256, "", (), "")
    assert lowered("acute", 0.995, config) == "none"
    assert lowered("mention", 0.995, config) == "none"
    assert lowered("acute", 0.95, config) == "mention"
    assert lowered("mention", 0.95, config) == "mention"  # mention stays below the none bar
    assert lowered("acute", 0.5, config) == "acute"
    assert lowered("acute", None, config) == "acute"  # too long to read: the head's verdict


def test_the_veto_lowers_only_the_main_heads_verdict_on_english():
    veto = WordVeto()
    detector = SafetyDetector(KeywordEncoder(), _head(), veto=veto)
    assert detector.assess("Everything is doom before the holiday.").level == "none"
    got = detector.assess("Everything is doom at the party.")
    assert (got.level, got.rule) == ("mention", "model:veto")
    assert detector.assess("Everything is doom.").level == "acute"
    # a rule's verdict stands, and without a rule_bar the reader is not asked about it
    asked = len(veto.asked)
    assert detector.assess("I want to kill myself before the holiday").level == "acute"
    assert len(veto.asked) == asked
    # a message it cannot read whole keeps the head's verdict
    long = "Everything is doom and I am in the doom before the holiday with all of it."
    assert detector.assess(long).level == "acute"
    # off in the settings: the head's verdicts stand
    off = SafetyDetector(KeywordEncoder(), _head(), settings=SafetySettings(veto=False), veto=veto)
    assert off.assess("Everything is doom before the holiday.").level == "acute"


def test_the_second_reader_raises_what_the_head_leaned_toward_to_the_resources_line():
    # bars of 0.95: "doom" (P(not none) ~0.93) is none by the head, but above the raise gate
    veto = WordVeto()
    head = _head(acute_threshold=0.95, any_threshold=0.95)
    detector = SafetyDetector(KeywordEncoder(), head, veto=veto)
    got = detector.assess("Everything is doom.")
    assert (got.level, got.rule, got.score) == ("mention", "model:second_reader", 0.95)
    assert got.matched == "Everything is doom."
    # the reader reads it as ordinary: nothing
    assert detector.assess("Everything is doom before the holiday.").level == "none"
    # a message the head did not lean toward risk (P(not none) ~0.21) is not read by it at all
    asked = len(veto.asked)
    assert detector.assess("Can I drive after a session?").level == "none"
    assert len(veto.asked) == asked
    # too long for it to read: nothing is raised
    long = "Everything is doom and I am in the doom tonight with all of it here and now."
    assert detector.assess(long).level == "none"
    # raise_bar 0 turns the raise off; the veto's own off switch turns both off
    for settings in (SafetySettings(raise_bar=0.0), SafetySettings(veto=False)):
        off = SafetyDetector(KeywordEncoder(), head, settings=settings, veto=veto)
        assert off.assess("Everything is doom.").level == "none"
    # a higher gate than the head's reading: not read
    gated = SafetyDetector(KeywordEncoder(), head, settings=SafetySettings(raise_gate=0.95),
                           veto=veto)  # fmt: skip
    assert gated.assess("Everything is doom.").level == "none"


def test_the_second_reader_raises_only_english_messages():
    veto = WordVeto()
    head = _head(acute_threshold=0.95, any_threshold=0.95)
    detector = SafetyDetector(KeywordEncoder(), head, other_head=head, veto=veto)
    spanish = "Todo es doom y no sé qué hacer con mi vida esta semana."
    assert detector._language(spanish) != "en"
    asked = len(veto.asked)
    assert detector.assess(spanish).level == "none"
    assert len(veto.asked) == asked


class SpanishWordVeto(WordVeto):
    """The stand-in reader for other languages: "vacaciones" none, "fiesta" nearly none."""

    def p_none(self, texts):
        self.asked += list(texts)
        words = [t.lower().replace(".", " ").split() for t in texts]
        return [0.995 if "vacaciones" in w else 0.95 if "fiesta" in w else 0.05 for w in words]


def test_the_other_languages_reader_lowers_the_heads_verdict_in_those_languages_only():
    # candidate V4 (thirty-eighth session): a second reader for es/pt/fr/de/it messages
    veto, english_veto = SpanishWordVeto(), WordVeto()
    detector = SafetyDetector(KeywordEncoder(), _head(), other_head=_head(), veto=english_veto,
                              veto_other=veto)  # fmt: skip
    holiday = "Todo es doom antes de las vacaciones y no sé qué hacer."
    party = "Todo es doom en la fiesta y no sé qué hacer."
    assert detector._language(holiday) != "en" and detector._language(party) != "en"
    assert detector.assess(holiday).level == "none"
    got = detector.assess(party)
    assert (got.level, got.rule) == ("mention", "model:veto")
    assert detector.assess("Todo es doom y no sé qué hacer con esto.").level == "acute"
    assert not english_veto.asked  # the English reader reads no message in another language
    # a rule's verdict stands, and the reader is not asked about it
    asked = len(veto.asked)
    assert detector.assess("quiero morir antes de las vacaciones").level == "acute"
    assert len(veto.asked) == asked
    # English is the English reader's: this reader is not asked
    assert detector.assess("Everything is doom before the holiday.").level == "none"
    assert len(veto.asked) == asked
    # off in the settings, or none given: the heads' verdicts stand
    off = SafetyDetector(KeywordEncoder(), _head(), other_head=_head(),
                         settings=SafetySettings(veto_other=False), veto_other=veto)  # fmt: skip
    assert off.assess(holiday).level == "acute"
    alone = SafetyDetector(KeywordEncoder(), _head(), other_head=_head())
    assert alone.veto_other is None and alone.assess(holiday).level == "acute"


@pytest.mark.parametrize("name", ["raise_gate", "raise_bar"])
@pytest.mark.parametrize("value", [-0.1, 1.5])
def test_the_raise_settings_name_their_range(name, value):
    with pytest.raises(ValueError, match=f"{name} must be between 0 and 1"):
        SafetySettings(**{name: value})


def test_the_second_reader_softens_a_rules_acute_to_the_resources_line_never_to_none():
    from faqbot.safety.veto import VetoConfig

    veto = WordVeto()
    veto.config = VetoConfig(0.99, 0.9, 12, "", (), "", rule_bar=0.98)
    detector = SafetyDetector(KeywordEncoder(), _head(), veto=veto)
    # the reader reads it as ordinary (0.995, above the none bar too): the resources line only
    got = detector.assess("I want to kill myself before the holiday")
    assert got.level == "mention" and got.rule.endswith(":veto") and got.rule != "model:veto"
    assert got.matched  # what the rule matched is still shown to staff
    # the reader reads risk (0.1) or sits under rule_bar (0.95): the rule's acute stands
    assert detector.assess("I want to kill myself").level == "acute"
    assert detector.assess("I want to kill myself after the party").level == "acute"
    # too long for the reader: the rule's acute stands
    long = "I want to kill myself before the holiday and nobody here will ever know it at all"
    assert detector.assess(long).level == "acute"
    # without rule_bar (an older veto.json) or with the veto off, nothing is softened
    veto.config = VetoConfig(0.99, 0.9, 12, "", (), "")
    assert detector.assess("I want to kill myself before the holiday").level == "acute"

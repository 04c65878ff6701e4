"""Small talk: greetings, thanks and "can I talk to a person?" get the clinic's own words; real
questions (even with a "hi" in front) are answered; crisis language always wins."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from faqbot.intent import load_clinic_text, load_intent_model, other_language, small_talk_reply
from faqbot.intent.commands import training_rows
from faqbot.intent.train import data_hash, load_rows
from faqbot.render import NOT_FOUND, reply_dict, reply_markdown, reply_text
from faqbot.safety import load_crisis_text
from faqbot.types import Abstention

DATA = Path(__file__).parent / "data"


def test_the_saved_classifier_was_trained_on_the_training_rows_as_they_are_now():
    model = load_intent_model()
    assert model.data_hash == data_hash(training_rows(DATA)), (
        "tests/data/intent or the question sets changed since training. Run: faqbot intent-train"
    )
    assert model.model_id.startswith("bundled:all-MiniLM-L6-v2")
    assert 0.5 <= model.threshold < 1


def test_held_out_rows_never_train():
    from faqbot.intent.commands import HELD_OUT, held_out

    train = {t.lower() for t, _ in training_rows(DATA)}
    for name in HELD_OUT:
        scored = {t.lower() for t, _ in held_out(DATA, name)}
        assert len(scored) > 40 and scored.isdisjoint(train), name
    # a blind writer's "hi" or "thx!" that a training row also has is not scored
    written = {t.lower() for t, _ in load_rows(DATA / "intent" / "held_out_ib.jsonl")}
    assert written & train and len(held_out(DATA, "held_out_ib.jsonl")) < len(written)


def test_a_clinic_file_without_a_message_is_refused_with_the_fix(tmp_path):
    bad = tmp_path / "clinic.toml"
    bad.write_text('[greeting]\nmessage = "Hello"\n[thanks]\nmessage = "You are welcome"\n')
    with pytest.raises(
        ValueError, match=r"needs a non-empty text: \[contact\] message = .*copy the"
    ):
        load_clinic_text(bad)
    with pytest.raises(ValueError, match="does not exist"):
        load_clinic_text(tmp_path / "missing.toml")


def test_the_packaged_contact_details_are_the_ones_the_articles_give():
    corpus = "\n".join(p.read_text() for p in (Path(__file__).parents[1] / "corpus").glob("*.md"))
    contact = load_clinic_text().contact
    phones = re.findall(r"\b\d{3}-\d{3}-\d{4}\b", contact)
    assert phones and all(p in corpus for p in phones)


def test_small_talk_is_the_bots_own_message_never_a_quote():
    reply = small_talk_reply("hi", "greeting", load_clinic_text())
    assert reply.quotes == () and not reply.abstained and reply.intent == "greeting"
    shown = reply_markdown(reply)
    assert shown.startswith(reply.message) and ">" not in shown.split("\n")[0]
    assert "I couldn't find" not in shown and "[1]" not in shown
    assert reply_dict(reply)["intent"] == "greeting" and reply_dict(reply)["passages"] == []
    contact = small_talk_reply("can I talk to a person?", "contact", load_clinic_text())
    assert "(tel:" not in reply_text(contact) and "949-945-0927" in reply_text(contact)


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("message", "intent"),
    [("hi", "greeting"), ("hello there", "greeting"), ("thanks!", "thanks"),
     ("thank you so much", "thanks"), ("can I talk to a person?", "contact"),
     ("is there a human I can speak to", "contact"), ("how do I contact the clinic", "contact")],
)  # fmt: skip
def test_the_issues_small_talk_gets_the_clinics_words(real_bot, message, intent):
    reply = real_bot.ask(message)
    assert (reply.intent, reply.abstained) == (intent, False)
    assert reply.message == load_clinic_text().message(intent)
    assert "I couldn't find" not in reply_markdown(reply)
    if intent != "contact":  # a greeting or thanks looks nothing up
        assert reply.quotes == () and reply.followups == ()


@pytest.mark.e2e
def test_a_contact_question_keeps_what_the_articles_say(real_bot):
    # the contact details come first; an answer from the articles still follows them
    reply = real_bot.ask("how do I book an appointment")
    assert reply.intent == "contact" and reply.message == load_clinic_text().contact
    assert any("949-945-0927" in q.text for q in reply.quotes)
    shown = reply_markdown(reply)
    assert shown.index(reply.message) < shown.index("> ")


@pytest.mark.e2e
@pytest.mark.parametrize(
    "question", ["hi, how much does it cost?", "hello, can I drive after a session?",
                 "thanks, and how many sessions will I need?", "Can I talk to my therapist?"],
)  # fmt: skip
def test_a_question_with_a_greeting_in_it_is_still_answered(real_bot, question):
    reply = real_bot.ask(question)
    assert reply.intent == "question" and reply.message == ""


@pytest.mark.e2e
@pytest.mark.parametrize(
    "message",
    [
        "hi I want to die",
        "hello, I want to kill myself",
        "thanks, goodbye forever, I'm ending it tonight",
        "I want to kill myself",  # read as "contact" once: the clinic's booking text followed
    ],
)
def test_safety_runs_first_crisis_language_is_never_small_talk(real_bot, message):
    reply = real_bot.ask(message)
    assert reply.crisis_level == "acute" and "988" in reply.safety_text
    # no greeting or thanks: at most the crisis file's line that questions can wait
    assert reply.intent == "question" and reply.message in ("", load_crisis_text().later)
    assert reply_markdown(reply).startswith(reply.safety_text)


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("earlier", "message"),
    [(["I feel hopeless"], "can i talk to a real person"),
     ([], "I feel hopeless, can I talk to a real person at the clinic?")],
)  # fmt: skip
def test_asking_for_a_person_beside_crisis_language_gets_the_contact_details(
    real_bot, earlier, message
):
    # the outside audit: after "I feel hopeless" the request for a person got the resources line
    # and unrelated quotes, while asked alone it got the clinic's details
    reply = real_bot.ask(message, earlier)
    assert reply.crisis_level != "none" and "988" in reply.safety_text
    assert reply.intent == "contact" and reply.message == load_clinic_text().contact


@pytest.mark.e2e
def test_held_out_accuracy(real_bot):
    # written apart from the training rows, never used to choose C or the threshold (44 scored:
    # one is now a training row too); 0.977 before and after train_ia.jsonl: "do I need a
    # referral?" went to the clinic's contact details before, one greeting is missed after
    from faqbot.intent.commands import held_out
    from faqbot.intent.train import evaluate

    found = evaluate(real_bot.intents, held_out(DATA, "held_out.jsonl"), real_bot.encoder)
    assert found["accuracy"] >= 0.95 and found["small_talk_missed"] <= 0.04, found
    # IB (thirty-sixth session, 124 scored), written blind apart from the training rows: 0.782
    # before train_ia.jsonl (27 of 76 small talk missed, most of them long thanks), 0.879 after
    # (15 missed); no question taken for small talk either time
    found = evaluate(real_bot.intents, held_out(DATA, "held_out_ib.jsonl"), real_bot.encoder)
    assert found["accuracy"] >= 0.85 and found["question_taken_for_small_talk"] == 0, found


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("message", "intent", "level"),
    [
        # long thanks and goodbyes after treatment (written for this test, in no labelled set):
        # the clinic's words, no quotes and no "the articles don't say anything about Goodbye"
        ("Finished my final Spravato session today, feeling great. Goodbye everyone and thank "
         "you!", "thanks", "none"),
        ("Today was my last infusion. Thank you all so much, the nurses were wonderful.",
         "thanks", "none"),
        # thanks with a question in it is a question
        ("Thanks! One more thing: how long does a session last?", "question", "none"),
        # a goodbye with crisis language is never small talk
        ("Thank you for everything. I wont be here tomorrow, goodbye forever.", "question",
         "acute"),
    ],
)  # fmt: skip
def test_long_thanks_get_the_clinics_words_and_a_farewell_in_crisis_does_not(
    real_bot, message, intent, level
):
    reply = real_bot.ask(message)
    assert (reply.intent, reply.crisis_level) == (intent, level), message
    if intent == "thanks":
        assert reply.quotes == () and reply.uncovered == ()
        assert reply.message == load_clinic_text().message("thanks")
    if level == "acute":
        assert reply.safety_text


@pytest.mark.e2e
def test_every_surface_gets_small_talk(real_bot, tmp_path):
    from faqbot.serve.feedback import FeedbackLog
    from faqbot.serve.handlers import Handlers

    h = Handlers(real_bot, FeedbackLog(None, False))
    assert h.api_ask("hello")["intent"] == "greeting"
    history, _, _ = h.chat("thank you so much", [], {})
    assert load_clinic_text().thanks in history[-1]["content"]
    assert "couldn't find" not in history[-1]["content"]


# questions in other languages than the articles' English: the clinic's English-only note
FOREIGN = {
    "es": "¿Cuánto cuesta la terapia con ketamina?",
    "fr": "Combien coûte la thérapie à la kétamine? Est-elle remboursée?",
    "de": "Wie viel kostet eine Ketamin-Therapie?",
    "zh": "氯胺酮治疗需要多少钱？会有副作用吗？我很担心。",
    # one short run with no spaces (the outside audit: it got "couldn't find"): each two
    # characters of a script written without spaces count as a word
    "ja": "ケタミン治療の費用はいくらですか",
}
SHORT_ZH = "氯胺酮治疗要多少钱"


def test_a_question_in_another_language_is_told_so_and_an_english_one_is_not():
    for code, text in FOREIGN.items():
        assert other_language(text, 0.99, 3) == code, text
    for text in ("Can I drive after a session?", "how much is it per session w/o insurance",
                 "can i drvie home aftr my infusoin", "Is Spravato covered?",
                 "ｉ ｗａｎｔ ｔｏ ｄｉｅ"):  # fmt: skip
        assert other_language(text, 0.99, 3) is None, text
    assert other_language(SHORT_ZH, 0.99, 3) == "zh"
    # too short to tell: answered as usual
    assert other_language("quero morrer", 0.99, 3) is None
    assert other_language("好", 0.99, 3) is None


def test_the_bot_answers_another_language_with_the_note_and_still_reads_it_for_crisis(real_bot):
    reply = real_bot.ask(FOREIGN["es"])
    assert (reply.intent, reply.quotes, reply.crisis_level) == ("other_language", (), "none")
    assert reply.abstention is Abstention.OTHER_LANGUAGE and "(es)" in reply.abstain_reason
    assert NOT_FOUND not in reply_markdown(reply)  # the note says why, not "couldn't find"
    assert reply.message == load_clinic_text().other_language and "inglés" in reply.message
    assert reply_dict(reply)["message"] == reply.message
    crisis = real_bot.ask("Quiero morir, ya no aguanto más esta vida")
    assert crisis.intent == "other_language" and crisis.crisis_level == "acute"
    assert reply_markdown(crisis).index("988") < reply_markdown(crisis).index("inglés")
    # the crisis text in Spanish first, the English resources line under it, and instead of
    # "please ask in English" the Spanish line that questions can wait (in English)
    spanish = load_crisis_text().translation("es")
    assert crisis.safety_text.startswith(spanish.acute_message)
    assert crisis.safety_text.endswith(load_crisis_text().resources_line)
    assert crisis.message == spanish.later
    assert "Please ask your question in English" not in reply_markdown(crisis)


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("message", "language", "first"),
    [("Je n'en peux plus, je veux en finir ce soir", "fr", "(tel:3114)"),
     ("Estou pensando em me matar hoje à noite", "pt", "(tel:188)"),
     ("quero morrer", "pt", "(tel:188)"),  # two words: the Portuguese rule tells the language
     ("Ich habe gerade alle meine Tabletten genommen", "de", "(tel:112)"),  # emergency first
     ("Voglio farla finita stanotte, ho già deciso", "it", "(tel:112)")],
)  # fmt: skip
def test_a_crisis_in_another_language_gets_the_crisis_text_in_it_on_every_surface(
    real_bot, message, language, first
):
    own = load_crisis_text().translation(language)
    reply = real_bot.ask(message)
    assert reply.crisis_level == "acute"
    text = reply.safety_text
    assert text.index(first) < text.index(own.acute_message) + len(own.acute_message)
    # under it, in English, the resources line (the emergency line, for an emergency)
    english = text.split(own.acute_message)[-1]
    assert english.strip() in (load_crisis_text().resources_line, load_crisis_text().emergency_line)
    assert reply_dict(reply)["safety_text"] == text
    assert real_bot.search(message).safety_text == text  # the look-up carries the same text

"""The UI's server functions, called directly: limits, escaping, feedback file, API structure."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import gradio as gr
import pytest

from faqbot.render import NOT_FOUND, citation
from faqbot.render.chat import chat_markdown, user_markdown
from faqbot.render.html import article_html
from faqbot.render.text import reply_text
from faqbot.safety import SafetyAssessment, safety_text
from faqbot.safety_policy import apply_search_policy
from faqbot.serve.feedback import FeedbackLog
from faqbot.serve.gradio_app import _api, build_ui
from faqbot.serve.handlers import Handlers, UserError
from faqbot.settings import ServeSettings
from faqbot.types import Chunk, MarkdownText, Passage, Quote, Reply, Span
from tests.conftest import tiny_faqbot

SERVE = ServeSettings()
MAX_EXCHANGES, WHY_K, QUEUE_SIZE = SERVE.max_exchanges, SERVE.why_k, SERVE.queue_size

DRIVE = "Can I drive after a ketamine session?"
ACUTE = "I want to end my life tonight"
OFF_TOPIC = "what time is the next train to Boston?"
XSS = "<img src=x onerror=alert(1)>"
HOTLINE = "what's the suicide hotline number"  # a quote with the retired Lifeline number
# a citation mark linked to its Sources entry, and the entry (render/markdown.py cite)
CITE = re.compile(r'<a class="cite" href="#([\w-]+)" title="[^"<>]*">(\[\d+\])</a>')
ENTRY = re.compile(r'<span class="source-entry" id="([\w-]+)" tabindex="-1">(.*?)</span>')


class _Doc:
    def __init__(self, doc_id, title, text):
        self.doc_id, self.title, self.text = doc_id, title, text


# A document whose text is hostile: the quote [10, 48) holds a script tag and Markdown.
EVIL_TEXT = "## Intro\n\n<script>alert(1)</script> **hi** [x](javascript:y)\n\nEnd.\n"
EVIL_DOC = _Doc("evil", "Evil <b>Title</b>", EVIL_TEXT)


def _evil_reply(level: str = "none", safety_text: str = "") -> Reply:
    start, end = 10, EVIL_TEXT.index("\n\nEnd")
    text, spans = EVIL_TEXT[start:end], (Span(start, end),)
    chunk = Chunk("c1", "evil", EVIL_DOC.title, "Pub", "Intro", start, end, text, spans)
    quote = Quote(Passage(chunk, 1.0, 1), 1, start, end, text, spans, False, False)
    return Reply("q", (quote,), crisis_level=level, safety_text=safety_text)


@pytest.fixture(scope="module")
def handlers(real_bot, tmp_path_factory):
    return Handlers(real_bot, FeedbackLog(tmp_path_factory.mktemp("fb") / "feedback.jsonl"))


def test_corpus_html_and_markdown_in_a_quote_render_as_text():
    md = chat_markdown(_evil_reply(), {"evil": EVIL_DOC})
    assert "<script" not in md and "<b>Title" not in md
    assert "&lt;script&gt;" in md  # in the blockquote and in the sources panel
    assert md.count("&lt;script&gt;") == 2
    quote_part = md.split("<details")[0]  # the sources panel below is a raw HTML block
    assert "[x](javascript" not in quote_part and r"\[x\](javascript" in quote_part


def test_article_view_escapes_the_document_and_marks_the_passage():
    page = article_html(EVIL_DOC.title, EVIL_TEXT, 10, 35)
    assert "<script" not in page and "Evil &lt;b&gt;Title&lt;/b&gt;" in page
    assert '<mark id="passage">&lt;script&gt;alert(1)&lt;/script&gt;</mark>' in page
    assert "<h4>Intro</h4>" in page and "\n" not in page


def test_acute_safety_text_comes_first_in_a_banner():
    md = chat_markdown(_evil_reply("acute", "Call or text **988**."), {"evil": EVIL_DOC})
    assert md.startswith('<div class="crisis-banner" role="alert">\n\nCall or text **988**.')
    assert md.index("988") < md.index("> ")


def test_under_a_banner_for_the_visitors_own_message_the_quotes_wait_behind_one_click():
    now = replace(_evil_reply("acute", "Call or text **988**."), crisis_rule="acute.self_act")
    md = chat_markdown(now, {"evil": EVIL_DOC})
    banner_end = md.index("</div>")
    opened = md.index('<details class="after-crisis"><summary>')
    assert banner_end < opened < md.index("> ") < md.index("</details>\n\n_General")
    # acute only with the earlier messages: the visitor is asking again, quotes stay open
    later = replace(now, crisis_rule="conversation:acute.self_act")
    assert "after-crisis" not in chat_markdown(later, {"evil": EVIL_DOC})
    # a message with crisis language below acute: the resources line before the quotes
    mention = replace(_evil_reply("mention", "Call or text 988."), crisis_rule="model")
    md = chat_markdown(mention, {"evil": EVIL_DOC})
    assert md.startswith("Call or text 988.") and md.index("988") < md.index("> ")
    # the line a quote about suicide brings, with no crisis language: after the quotes
    calm = chat_markdown(_evil_reply("none", "Call or text 988."), {"evil": EVIL_DOC})
    assert calm.index("> ") < calm.index("Call or text 988.")


def test_the_bots_own_markdown_note_shows_as_markdown_and_other_notes_stay_escaped():
    current = MarkdownText("Replaced by **988**: call or text [988](tel:988).")
    reply = replace(
        _evil_reply(), notes=(current, "The articles don't say anything about “**x**”.")
    )
    md = chat_markdown(reply, {"evil": EVIL_DOC})
    assert "_Replaced by **988**: call or text [988](tel:988)._" in md
    assert r"about “\*\*x\*\*”." in md  # a note that may hold the visitor's words: inert
    assert "Replaced by 988: call or text 988." in reply_text(reply)  # a terminal: plain text


def test_the_retired_lifeline_note_in_the_chat_is_markdown_not_its_marks(handlers):
    _, _, reply = handlers.chat(HOTLINE, [], {})
    note = next(n for n in reply.notes if "1-800-273-8255" in n)
    assert "**988**" in note  # the crisis file writes it in bold
    md = chat_markdown(reply, handlers.documents)
    assert f"_{note}_" in md and r"\*\*988" not in md


# data/crisis.toml's [retired] note links 988 to the dialer: "... call or text [988](tel:988)"
def test_the_retired_lifeline_note_links_988_to_the_dialer():
    passage = _evil_reply().quotes[0].passage
    retired = "Call the National Suicide Prevention Lifeline at 1-800-273-8255."
    chunk = replace(passage.chunk, text=retired)
    found = apply_search_policy([replace(passage, chunk=chunk)], SafetyAssessment("none"))
    assert "](tel:988)" in found.notes[0]


def test_visitors_own_message_is_escaped():
    # one line of HTML: a raw HTML block, which Markdown leaves alone (no link, bold or heading)
    assert (
        user_markdown(XSS) == '<div class="visitor-text">&lt;img src=x onerror=alert(1)&gt;</div>'
    )
    shown = user_markdown("**bold** [x](http://evil.example)\n\nTitle\n===")
    assert shown == (
        '<div class="visitor-text">**bold** [x](http://evil.example)&#10;&#10;Title&#10;===</div>'
    )


def test_chat_appends_question_and_cited_answer(handlers):
    history, turns, reply = handlers.chat(DRIVE, [], {})
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert not reply.abstained
    answer = history[1]["content"]
    assert "> " in answer and "[1]" in answer and reply.quotes[0].passage.title in answer
    assert '<details class="sources">' in answer
    assert [o["value"] for o in history[1]["options"]] == list(reply.followups)
    # the message stays in the session for the next messages' safety check; logged only on opt-in
    passages = [q.passage.chunk_id for q in reply.quotes]
    assert turns == {1: {"passages": passages, "question": "", "said": DRIVE, "reply": 1}}


def test_citation_marks_link_to_their_own_replys_sources_and_the_quotes_stay_as_they_were(
    handlers,
):
    history, turns, _ = handlers.chat("How fast does ketamine work for depression?", [], {})
    history, turns, reply = handlers.chat(DRIVE, history, turns)
    ids = [i for m in history[1::2] for i in re.findall(r'id="([^"]+)"', m["content"])]
    assert len(ids) == len(set(ids)) > 2  # two replies, each with its own Sources entries
    for message in history[1::2]:
        targets = [target for target, _ in CITE.findall(message["content"])]
        entries = [entry for entry, _ in ENTRY.findall(message["content"])]
        assert targets and targets == entries  # [1] to this reply's entry 1, [2] to its 2, ...
    assert 'href="#reply2-1"' in history[3]["content"]
    # the links are all that changed: without them the reply is the plain one, character for
    # character, its quotes included
    plain = ENTRY.sub(r"\2", CITE.sub(r"\2", history[3]["content"]))
    plain = re.sub(r' id="reply2-in-article-\d+"', "", plain)
    assert plain == chat_markdown(reply, handlers.documents)


def test_chat_abstains_off_topic_without_buttons_and_a_near_miss_with_questions(handlers):
    history, _, reply = handlers.chat(OFF_TOPIC, [], {})
    assert reply.abstained and reply.suggestions == () and history[1]["options"] == []
    assert NOT_FOUND in history[1]["content"]
    history, _, reply = handlers.chat(
        "where do I park when I come to the Newport Beach office?", [], {}
    )
    assert reply.abstained and reply.suggestions
    assert [o["value"] for o in history[1]["options"]] == list(reply.suggestions)


def test_chat_puts_crisis_text_before_anything_else(handlers):
    history, _, reply = handlers.chat(ACUTE, [], {})
    assert reply.crisis_level == "acute"
    assert history[1]["content"].startswith('<div class="crisis-banner"')
    assert "988" in history[1]["content"].split("</div>")[0]


def test_after_an_acute_message_the_next_replies_keep_the_crisis_text_and_no_doses(handlers):
    history, turns, first = handlers.chat(ACUTE, [], {})
    assert first.crisis_level == "acute"
    dose = "How many infusions and what dose of ketamine do people get?"
    assert handlers.chat(dose, [], {})[2].crisis_level == "none"  # alone: a plain question
    history, turns, reply = handlers.chat(dose, history, turns)
    assert reply.crisis_level == "acute" and "988" in reply.safety_text
    assert history[-1]["content"].startswith('<div class="crisis-banner"')
    assert not any("dose" in q.text.lower() or "infusion" in q.text.lower() for q in reply.quotes)
    for question in ("What conditions does it treat?", "Is it covered by insurance?"):
        history, turns, reply = handlers.chat(question, history, turns)
    assert reply.crisis_level == "none"  # two more messages on, the chat reads as before


def test_a_follow_up_in_the_chat_is_read_with_the_last_question_and_says_so(handlers):
    history, turns, _ = handlers.chat("Can I drive after a ketamine session?", [], {})
    history, turns, reply = handlers.chat("why is that?", history, turns)
    note = "I read this together with your last question: “Can I drive after a ketamine session?”"
    assert reply.notes[0] == note
    assert note in history[-1]["content"]  # shown to the visitor
    assert "reaction time" in reply.quotes[0].text
    fresh = handlers.chat("why is that?", [], {})[2]  # a first message has nothing to lean on
    assert not any(n.startswith("I read this together") for n in fresh.notes)


def test_the_json_api_reads_a_follow_up_with_the_earlier_message_it_is_sent(handlers):
    earlier = ["Can I drive after a ketamine session?"]
    body = handlers.api_ask("why is that?", earlier)
    assert body["notes"][0].startswith("I read this together with your last question")
    assert "reaction time" in body["passages"][0]["text"]


def test_chat_ignores_an_empty_question(handlers):
    assert handlers.chat("   ", [], {}) == ([], {}, None)


def test_over_long_question_gets_a_friendly_note_and_keeps_safety(handlers):
    limit = handlers.limit
    history, _, reply = handlers.chat("a" * (limit + 1), [], {})
    assert reply.abstain_reason == "question too long"
    assert f"the limit is {limit:,}" in history[1]["content"]
    assert NOT_FOUND not in history[1]["content"]
    data = handlers.api_ask(ACUTE + " " + "a" * limit)
    assert data["abstained"] and data["crisis_level"] == "acute" and "988" in data["safety_text"]
    assert any(f"the limit is {limit:,}" in n for n in data["notes"])


def test_search_api_enforces_the_limit_with_a_message_not_a_trace(handlers):
    limit = handlers.limit
    with pytest.raises(UserError, match=f"the limit is {limit:,}"):
        handlers.api_search("a" * (limit + 1))
    with pytest.raises(gr.Error, match="k must be a whole number from 1 to 100, got 0"):
        _api(handlers.api_search)("drive", 0)
    with pytest.raises(gr.Error, match="The question is empty"):
        _api(handlers.api_ask)("  ")
    with pytest.raises(gr.Error, match="No article 'nope'"):
        _api(handlers.api_search)("drive", 3, "hybrid", "nope")


def test_ask_api_returns_structured_verbatim_passages(handlers, real_bot):
    data = handlers.api_ask(DRIVE)
    json.dumps(data)  # plain JSON all the way down
    assert data["abstained"] is False and data["crisis"] is False
    assert [c["number"] for c in data["citations"]] == list(range(1, len(data["passages"]) + 1))
    for passage in data["passages"]:
        text = real_bot.corpus.by_id(passage["doc_id"]).text
        assert text[passage["start"] : passage["end"]] == passage["text"]
    assert data["markdown"] and data["disclaimer"] and data["notes"] == []


def test_search_api_ranks_and_filters_by_article(handlers):
    hits = handlers.api_search("drive home after treatment", 4)["passages"]
    assert [h["rank"] for h in hits] == [1, 2, 3, 4]
    assert {"chunk_id", "dense_rank", "lexical_score", "section"} <= set(hits[0])
    doc = "mindbloom-5-benefits"
    only = handlers.api_search("drive home after treatment", 3, "hybrid", doc)["passages"]
    assert len(only) == 3 and {h["doc_id"] for h in only} == {doc}
    assert [h["rank"] for h in only] == sorted(h["rank"] for h in only)


def test_feedback_records_rating_and_passage_ids_but_not_the_question(real_bot, tmp_path):
    path = tmp_path / "fb.jsonl"
    h = Handlers(real_bot, FeedbackLog(path))
    history, turns, reply = h.chat(DRIVE, [], {})
    assert h.rate(turns, 1, True) is not None
    assert h.rate(turns, 1, False) is not None
    assert h.rate(turns, 0, True) is None  # the visitor's own message
    assert h.rate(turns, 1, "Other") is None
    raw = path.read_text()
    assert "drive" not in raw.lower()
    lines = [json.loads(line) for line in raw.splitlines()]
    ids = [q.passage.chunk_id for q in reply.quotes]
    assert [(e["rating"], e["passages"]) for e in lines] == [("up", ids), ("down", ids)]
    assert set(lines[0]) == {"time", "rating", "passages"}


def test_the_chat_keeps_its_last_exchanges_so_its_requests_stay_under_the_body_limit(tmp_path):
    # the page sends the whole chat with each question; every request is capped (http_guard)
    h = Handlers(tiny_faqbot(tmp_path), FeedbackLog(tmp_path / "fb.jsonl"))
    history, turns = [], {}
    for n in range(MAX_EXCHANGES + 2):
        history, turns, _ = h.chat(f"Can I drive after session {n}?", history, turns)
    assert len(history) == 2 * MAX_EXCHANGES == 24
    assert "session 2?" in history[0]["content"]  # exchanges 0 and 1 left the top
    # bot messages are at 1, 3, ...; their feedback still finds their passages
    assert sorted(turns) == list(range(1, 2 * MAX_EXCHANGES, 2))
    assert h.rate(turns, 23, True)["passages"] == turns[23]["passages"] != []
    # each reply's ids stay unique in the page after older ones left (indexes are reused then)
    ids = re.findall(r'id="([^"]+)"', "".join(m["content"] for m in history))
    assert ids and len(ids) == len(set(ids))
    assert turns[23]["reply"] == MAX_EXCHANGES + 2 and 'id="reply14-1"' in history[23]["content"]


def test_feedback_keeps_the_question_only_on_opt_in(real_bot, tmp_path):
    h = Handlers(real_bot, FeedbackLog(tmp_path / "fb.jsonl", log_questions=True))
    _, turns, _ = h.chat(DRIVE, [], {})
    h.rate(turns, 1, False)
    assert json.loads((tmp_path / "fb.jsonl").read_text())["question"] == DRIVE
    assert FeedbackLog(None).record(True, ["x"]) is None


def test_lookup_of_a_crisis_query_shows_the_crisis_text_above_the_passages(handlers):
    warning, rows, hits = handlers.lookup("I want to kill myself tonight", 5, "")
    assert "988" in warning and len(rows) == len(hits) <= 5
    # the ranks left out are named, so the table's gaps read: every rank 1..5 is shown or named
    left_out = re.search(r"left out \(ranks? ([\d, and]+)\)", warning)
    named = {int(n) for n in re.findall(r"\d+", left_out.group(1))} if left_out else set()
    assert sorted(named | {r[0] for r in rows}) == list(range(1, 6))


def test_lookup_opens_the_article_at_the_passage(handlers):
    warning, rows, hits = handlers.lookup("how soon does ketamine work", 3, "")
    assert [r[0] for r in rows] == [1, 2, 3] and len(hits) == 3
    # no crisis in the query; a passage about suicide brings only the resources line
    assert warning in ("", safety_text("mention"))
    page, cited = handlers.show(hits, 1)
    assert '<mark id="passage">' in page
    assert hits[1].doc_id in cited and hits[1].section in cited
    assert cited == citation.plain(hits[1].chunk)
    assert handlers.show(hits, 7) == ("", "")


def test_why_explains_ranks_abstention_and_safety_rule(handlers):
    md, rows = handlers.why(OFF_TOPIC)
    assert md.startswith("**Abstained**: best passage relevance")
    assert len(rows) == WHY_K and [r[0] for r in rows] == list(range(1, WHY_K + 1))
    md, rows = handlers.why(ACUTE)
    assert "level `acute`, rule matched: acute" in md
    md, rows = handlers.why(DRIVE)
    assert md.startswith("**Answered**") and "yes" in [r[6] for r in rows]


def test_app_exposes_only_the_ask_and_search_endpoints(real_bot):
    demo = build_ui(real_bot)
    assert set(demo.get_api_info()["named_endpoints"]) == {"/ask", "/search"}
    assert demo._queue.max_size == QUEUE_SIZE
    assert demo.analytics_enabled is False


def test_an_idle_queue_looks_for_work_every_queue_poll_s_not_every_millisecond(real_bot):
    # Gradio's own 1 ms kept an idle server at ~7.6 % of a core (docs/RELIABILITY.md)
    import copy

    demo = build_ui(real_bot)
    assert demo._queue.sleep_when_free == 0.01
    assert demo._queue.progress_update_sleep_when_free == 0.01
    slower = copy.copy(real_bot)  # the same bot with one setting changed (FAQBOT_SETTINGS)
    slower.settings = real_bot.settings.replace(queue_poll_s=0.05)
    assert build_ui(slower)._queue.sleep_when_free == 0.05

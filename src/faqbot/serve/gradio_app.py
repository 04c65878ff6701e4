"""The Gradio app: an "Ask" chat for visitors, a "Look up" desk for staff, and Gradio's API."""

from __future__ import annotations

import inspect
from pathlib import Path

import gradio as gr

from ..render.staff import HITS_HEADERS, WHY_HEADERS
from ..types import DISCLAIMER
from .assets import FIX_EXAMPLES_ROLE, SCROLL_TO_PASSAGE, SHOW_NEWEST_ANSWER
from .feedback import FeedbackLog
from .handlers import Handlers, UserError

EXAMPLES = (
    "Can I drive after a ketamine session?",
    "How fast does ketamine work for depression?",
    "Does ketamine help with anxiety?",
    "How many sessions will I need?",
)
PRIVATE = {"api_visibility": "private"}  # page events, not API endpoints


def build_ui(bot, *, feedback_path: str | Path | None = None, log_questions: bool = False):
    """The app's Blocks; feedback goes to `feedback_path` (JSONL) or, if None, nowhere."""
    h = Handlers(bot, FeedbackLog(feedback_path, log_questions))
    docs = sorted(h.documents.values(), key=lambda d: d.title)
    with gr.Blocks(title="Ketamine therapy FAQ", analytics_enabled=False) as demo:
        with gr.Tab("Ask", id="ask"):
            _ask_tab(h, feedback_path is not None)
        with gr.Tab("Look up (staff)", id="lookup"):
            _lookup_tab(h, docs)
            _why_panel(h)
        description = "Ask; returns faqbot.render.reply_dict(reply)."
        gr.api(_api(h.api_ask), api_name="ask", api_description=description)
        gr.api(_api(h.api_search), api_name="search", api_description="Ranked passages.")
    # api_open=False: Gradio's /gradio_api/run/<name> would otherwise skip the queue and its bound
    serve = bot.settings.serve
    demo.queue(
        max_size=serve.queue_size,
        default_concurrency_limit=serve.gradio_concurrency,
        api_open=False,
    )
    return demo


def _api(fn):
    """Turn UserError into gr.Error so callers get the message, not a stack trace."""

    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except UserError as why:
            raise gr.Error(str(why), print_exception=False) from None

    call.__name__, call.__doc__, call.__annotations__ = fn.__name__, fn.__doc__, fn.__annotations__
    call.__signature__ = inspect.signature(fn)
    return call


def _chat(feedback: bool) -> gr.Chatbot:
    return gr.Chatbot(
        elem_id="chat",
        label="Chat",
        show_label=False,
        height="min(60vh, 560px)",
        min_height=320,
        examples=[{"text": q} for q in EXAMPLES],
        placeholder="Ask a question, or pick one of these:",
        latex_delimiters=[],
        buttons=["copy"],
        feedback_options=("Like", "Dislike") if feedback else [],  # None breaks the page in 6.31
        layout="bubble",
        autoscroll=False,  # SHOW_NEWEST_ANSWER scrolls to the answer's start instead of the end
    )


def _ask_tab(h: Handlers, feedback: bool) -> None:
    gr.HTML(  # the page's one <h1>; its script repairs the example buttons' list role
        '<h1 class="ask-title">Questions about ketamine therapy</h1><p class="ask-intro">'
        "Answers are quoted word for word from the clinic's articles, with their sources. "
        "If the articles do not cover a question, the bot says so.</p>",
        js_on_load=FIX_EXAMPLES_ROLE,
        apply_default_css=False,
        elem_id="ask-heading",
    )
    chat = _chat(feedback)
    turns = gr.State({})
    with gr.Row(equal_height=True):
        box = gr.Textbox(
            elem_id="question",
            label="Your question",  # the text box's accessible name; not shown
            show_label=False,
            placeholder="Type your question…",
            lines=1,
            scale=5,
            min_width=180,
            submit_btn=False,
        )
        send = gr.Button("Ask", variant="primary", scale=1, min_width=70, elem_id="ask-button")
    gr.Markdown(
        f"{DISCLAIMER} In an emergency call 911; in a crisis call or text 988.",
        elem_classes="disclaimer",
    )

    def respond(question, history, turns):
        history, turns, _ = h.chat(question, history or [], turns or {})
        return "", history, turns

    def pick(history, turns, evt: gr.SelectData):
        value = evt.value.get("text", "") if isinstance(evt.value, dict) else str(evt.value)
        return respond(value, history, turns)

    def rate(turns, evt: gr.LikeData):
        h.rate(turns or {}, evt.index, evt.liked)

    io = {"inputs": [chat, turns], "outputs": [box, chat, turns], **PRIVATE}
    typed = {"inputs": [box, chat, turns], "outputs": io["outputs"], **PRIVATE}
    for event in (
        box.submit(respond, **typed),
        send.click(respond, **typed),
        chat.example_select(pick, **io),
        chat.option_select(pick, **io),
    ):
        event.then(None, js=SHOW_NEWEST_ANSWER)
    chat.like(rate, inputs=[turns], outputs=None, **PRIVATE)


def _lookup_tab(h: Handlers, docs) -> None:
    gr.Markdown("### Search the articles\nEvery passage the bot can quote, ranked for a question.")
    with gr.Row():
        query = gr.Textbox(
            label="Question or words", scale=4, min_width=200, elem_id="lookup-query"
        )
        k = gr.Number(5, minimum=1, maximum=50, precision=0, label="Results (k)", min_width=90)
        article = gr.Dropdown(
            [("All articles", "")] + [(d.title, d.doc_id) for d in docs],
            value="",
            label="Article",
            scale=2,
            min_width=160,
        )
    go = gr.Button("Search", variant="primary", elem_id="search-button")
    # a query in crisis gets the crisis text here too, above the passages
    warning = gr.Markdown(elem_id="lookup-safety", elem_classes="crisis-banner-lookup")
    table = gr.Dataframe(
        headers=list(HITS_HEADERS),
        datatype=["number", "number", "str", "str", "str"],
        interactive=False,
        wrap=True,
        column_widths=[56, 76, 200, 220, 520],  # a phone scrolls the table sideways
        elem_id="results",
        label="Results: select a row to open the article",
    )
    hits = gr.State([])
    citation = gr.Textbox(
        label="Citation (copy)", buttons=["copy"], interactive=False, lines=2, elem_id="citation"
    )
    view = gr.HTML(elem_id="article-view", label="Article")

    def select(hits, evt: gr.SelectData):
        row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        return h.show(hits, int(row))

    for trigger in (go.click, query.submit):
        lookup = _api(h.lookup)
        trigger(lookup, inputs=[query, k, article], outputs=[warning, table, hits], **PRIVATE)
    table.select(select, inputs=[hits], outputs=[view, citation], **PRIVATE).then(
        None, js=SCROLL_TO_PASSAGE
    )


def _why_panel(h: Handlers) -> None:
    with gr.Accordion("Why this answer? (ranks, scores, abstention, safety rule)", open=False):
        question = gr.Textbox(label="Question the bot was asked", elem_id="why-question")
        go = gr.Button("Explain", elem_id="why-button")
        verdict = gr.Markdown(elem_id="why-verdict")
        table = gr.Dataframe(
            headers=list(WHY_HEADERS), interactive=False, wrap=True, elem_id="why-table"
        )
    for trigger in (go.click, question.submit):
        trigger(_api(h.why), inputs=[question], outputs=[verdict, table], **PRIVATE)

"""The Gradio app: an "Ask" chat for visitors and Gradio's API (the staff desk: staff_app.py)."""

from __future__ import annotations

import inspect
from pathlib import Path

import gradio as gr

from ..types import DISCLAIMER
from .assets import (
    COPY_AS_SHOWN,
    FIX_EXAMPLES_ROLE,
    FOLLOW_CITATIONS,
    PHONE_LINKS_IN_PAGE,
    SHOW_NEWEST_ANSWER,
)
from .feedback import FeedbackLog
from .handlers import Handlers, UserError

EXAMPLES = (
    "Can I drive after a ketamine session?",
    "How fast does ketamine work for depression?",
    "Does ketamine help with anxiety?",
    "How many sessions will I need?",
)
PRIVATE = {"api_visibility": "private"}  # page events, not API endpoints
CHAT_MIN_HEIGHT = 320  # px, Gradio's setting as before: a window too short for it scrolls


def build_ui(bot, *, feedback_path: str | Path | None = None, log_questions: bool = False):
    """The app's Blocks; feedback goes to `feedback_path` (JSONL) or, if None, nowhere."""
    h = Handlers(bot, FeedbackLog(feedback_path, log_questions))
    with gr.Blocks(title="Ketamine therapy FAQ", analytics_enabled=False, fill_height=True) as demo:
        with gr.Column(elem_id="ask"):  # one page, the chat (staff have their desk at /staff)
            _ask_tab(h, feedback_path is not None)
        description = "Ask; returns faqbot.render.reply_dict(reply)."
        gr.api(_api(_one_question(h.api_ask)), api_name="ask", api_description=description)
        gr.api(_api(h.api_search), api_name="search", api_description="Ranked passages.")
    # api_open=False: Gradio's /gradio_api/run/<name> would otherwise skip the queue and its bound
    serve = bot.settings.serve
    demo.queue(
        max_size=serve.queue_size,
        default_concurrency_limit=serve.gradio_concurrency,
        api_open=False,
    )
    # how often Gradio's queue looks for work and for progress to send when it has none (1 ms
    # and 10 ms; Gradio offers no option for either)
    demo._queue.sleep_when_free = serve.queue_poll_s
    demo._queue.progress_update_sleep_when_free = serve.queue_poll_s
    return demo


def _one_question(api_ask):
    """Gradio's ask endpoint takes the question alone (the JSON API also takes `earlier`)."""

    def ask(question: str) -> dict:
        return api_ask(question)

    ask.__doc__ = api_ask.__doc__
    return ask


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
        # the page fills the window (fill_height) and the chat takes the height the heading,
        # question box and disclaimer leave (scale 1), from 320 px up: a fixed min(60vh, 560px)
        # left 94 px empty under a phone's page (390x844) and ran 33 px past a 1280x600 one
        height=CHAT_MIN_HEIGHT,
        min_height=CHAT_MIN_HEIGHT,
        scale=1,
        examples=[{"text": q} for q in EXAMPLES],
        placeholder="Ask a question, or pick one of these:",
        latex_delimiters=[],
        buttons=["copy"],
        feedback_options=("Like", "Dislike") if feedback else [],  # None breaks the page in 6.31
        layout="bubble",
        autoscroll=False,  # SHOW_NEWEST_ANSWER scrolls to the answer's start instead of the end
    )


def _ask_tab(h: Handlers, feedback: bool) -> None:
    gr.HTML(  # the page's one <h1>; its script repairs the example buttons' list role,
        # follows citation links, copies a reply as shown and keeps phone links in the page
        '<h1 class="ask-title">Questions about ketamine therapy</h1><p class="ask-intro">'
        "Answers are quoted word for word from the clinic's articles, with their sources. "
        "If the articles do not cover a question, the bot says so.</p>",
        js_on_load="\n".join(
            (FIX_EXAMPLES_ROLE, FOLLOW_CITATIONS, COPY_AS_SHOWN, PHONE_LINKS_IN_PAGE)
        ),
        apply_default_css=False,
        elem_id="ask-heading",
    )
    chat = _chat(feedback)
    turns = gr.State({})
    with gr.Row(equal_height=True, elem_id="ask-row"):
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

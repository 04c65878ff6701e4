"""The Gradio app: an "Ask" chat for visitors, a "Look up" desk for staff, and a JSON API."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from .ui_http import http_app, http_server
from .ui_server import FeedbackLog, Handlers, UserError

EXAMPLES = (
    "Can I drive after a ketamine session?",
    "How fast does ketamine work for depression?",
    "Does ketamine help with anxiety?",
    "How many sessions will I need?",
)
QUEUE_SIZE = 64  # waiting requests beyond this get an immediate "busy" error instead of a hang
# One answer at a time through Gradio's queue: its per-call overhead (session state, event
# stream), not the bot, limits the answers per second there. The JSON API (http_api.py) is the
# fast path for programs and runs two at once.
CONCURRENCY = 1
CSS = """
.crisis-banner { border: 3px solid #b91c1c; background: #fef2f2; color: #7f1d1d;
  border-radius: 8px; padding: 0.4em 0.9em; margin-bottom: 0.6em; font-size: 1.05em; }
/* the banner sets its own colours in every theme: the theme's prose colour (near-white in dark
   mode) must never land on the banner's background */
.crisis-banner * { color: inherit !important; background: transparent !important; }
.crisis-banner a { font-weight: 700; text-decoration: underline; }
.dark .crisis-banner { background: #450a0a; color: #fef2f2; border-color: #f87171; }
details.sources { border-top: 1px solid var(--border-color-primary); margin-top: 0.6em;
  padding-top: 0.4em; }
details.sources summary { cursor: pointer; font-weight: 600; }
mark { background: #fde68a; color: inherit; padding: 0 1px; }
.article-view { max-height: 60vh; overflow-y: auto; line-height: 1.5; }
.disclaimer { font-size: 0.9em; opacity: 0.85; }
@media (max-width: 480px) { .gradio-container { padding: 4px !important; } }
"""
# After Gradio's own autoscroll to the bottom: an acute crisis banner must be in view first.
SHOW_CRISIS_BANNER = """() => { const show = () => {
  const rows = document.querySelectorAll('#chat .bot-row');
  const banner = rows.length && rows[rows.length - 1].querySelector('.crisis-banner');
  if (banner) banner.scrollIntoView({block: 'start'}); };
  for (const ms of [300, 900]) setTimeout(show, ms); }"""
SCROLL_TO_PASSAGE = """() => { setTimeout(() => {
  const m = document.querySelector('#article-view mark#passage');
  if (m) m.scrollIntoView({block: 'center'}); }, 150); }"""


def build_ui(bot, *, feedback_path: str | Path | None = None, log_questions: bool = False):
    """The app's Blocks; feedback goes to `feedback_path` (JSONL) or, if None, nowhere."""
    h = Handlers(bot, FeedbackLog(feedback_path, log_questions))
    docs = sorted(h.documents.values(), key=lambda d: d.title)
    disclaimer = bot_disclaimer()
    with gr.Blocks(title="Ketamine therapy FAQ", analytics_enabled=False) as demo:
        with gr.Tab("Ask", id="ask"):
            _ask_tab(h, disclaimer, feedback_path is not None)
        with gr.Tab("Look up (staff)", id="lookup"):
            _lookup_tab(h, docs)
        gr.api(_api(h.api_ask), api_name="ask", api_description="Ask; returns Reply.to_dict().")
        gr.api(_api(h.api_search), api_name="search", api_description="Ranked passages.")
    # api_open=False: Gradio's /gradio_api/run/<name> would otherwise skip the queue and its bound
    demo.queue(max_size=QUEUE_SIZE, default_concurrency_limit=CONCURRENCY, api_open=False)
    return demo


def launch(demo, host: str = "127.0.0.1", port: int = 7860, allowed_origins=(), api=None) -> None:
    """Serve on host:port until stopped (Ctrl-C); see ui_http for what is switched off.

    Args:
        allowed_origins: other sites whose pages may call the API, e.g. "https://clinic.example".
        api: a `JsonApi` to serve at /api/ask and /api/search beside Gradio's API.
    """
    app = http_app(demo, css=CSS, allowed_origins=allowed_origins, api=api)
    print(f"Serving the FAQ bot on http://{host}:{port} (Ctrl-C stops it)", flush=True)
    try:
        http_server(app, host, port).run()
    except KeyboardInterrupt:  # uvicorn re-raises Ctrl-C once it has shut down cleanly
        print("Stopped.", flush=True)


def bot_disclaimer() -> str:
    from .types import DISCLAIMER

    return DISCLAIMER


def _api(fn):
    """Turn UserError into gr.Error so API callers get the message, not a stack trace."""

    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except UserError as why:
            raise gr.Error(str(why), print_exception=False) from None

    call.__name__, call.__doc__, call.__annotations__ = fn.__name__, fn.__doc__, fn.__annotations__
    call.__signature__ = __import__("inspect").signature(fn)
    return call


def _ask_tab(h: Handlers, disclaimer: str, feedback: bool) -> None:
    gr.Markdown(
        "### Questions about ketamine therapy\n"
        "Answers are quoted word for word from the clinic's articles, with their sources. "
        "If the articles do not cover a question, the bot says so."
    )
    chat = gr.Chatbot(
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
    )
    turns = gr.State({})
    with gr.Row(equal_height=True):
        box = gr.Textbox(
            elem_id="question",
            show_label=False,
            placeholder="Type your question…",
            lines=1,
            scale=5,
            min_width=180,
            submit_btn=False,
        )
        send = gr.Button("Ask", variant="primary", scale=1, min_width=70, elem_id="ask-button")
    gr.Markdown(
        f"{disclaimer} In an emergency call 911; in a crisis call or text 988.",
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

    io = {"inputs": [chat, turns], "outputs": [box, chat, turns], "api_visibility": "private"}
    typed = {"inputs": [box, chat, turns], "outputs": io["outputs"], "api_visibility": "private"}
    for event in (
        box.submit(respond, **typed),
        send.click(respond, **typed),
        chat.example_select(pick, **io),
        chat.option_select(pick, **io),
    ):
        event.then(None, js=SHOW_CRISIS_BANNER)
    chat.like(rate, inputs=[turns], outputs=None, api_visibility="private")


def _lookup_tab(h: Handlers, docs) -> None:
    gr.Markdown("### Search the articles\nEvery passage the bot can quote, ranked for a question.")
    with gr.Row():
        query = gr.Textbox(
            label="Question or words",
            scale=4,
            min_width=200,
            elem_id="lookup-query",
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
        headers=["rank", "score", "article", "section", "passage"],
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
    with gr.Accordion("Why this answer? (ranks, scores, abstention, safety rule)", open=False):
        why_q = gr.Textbox(label="Question the bot was asked", elem_id="why-question")
        why_go = gr.Button("Explain", elem_id="why-button")
        why_md = gr.Markdown(elem_id="why-verdict")
        why_df = gr.Dataframe(
            headers=[
                "hybrid rank",
                "hybrid score",
                "dense rank",
                "dense score",
                "lexical rank",
                "lexical score",
                "quoted",
                "article",
                "section",
                "passage",
            ],
            interactive=False,
            wrap=True,
            elem_id="why-table",
        )

    def run(q, k, art):
        try:
            return h.lookup(q, k, art)
        except UserError as why:
            raise gr.Error(str(why), print_exception=False) from None

    def select(hits, evt: gr.SelectData):
        row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        return h.show(hits, int(row))

    def explain(q):
        try:
            return h.why(q)
        except UserError as why:
            raise gr.Error(str(why), print_exception=False) from None

    private = {"api_visibility": "private"}
    for trigger in (go.click, query.submit):
        trigger(run, inputs=[query, k, article], outputs=[warning, table, hits], **private)
    table.select(select, inputs=[hits], outputs=[view, citation], **private).then(
        None, js=SCROLL_TO_PASSAGE
    )
    for trigger in (why_go.click, why_q.submit):
        trigger(explain, inputs=[why_q], outputs=[why_md, why_df], **private)

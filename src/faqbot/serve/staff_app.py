"""The staff desk's Gradio app, served at /staff behind the operator's token (staff_gate.py):
look up passages, see why the bot answered, teach it, and the review queue."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from ..render.staff import HITS_HEADERS, HITS_TYPES, WHY_HEADERS
from .assets import PHONE_LINKS_IN_PAGE, SCROLL_TO_PASSAGE
from .desk import REVIEW_HEADERS, TAUGHT_HEADERS, Desk
from .feedback import FeedbackLog
from .gradio_app import PRIVATE, _api
from .handlers import Handlers
from .review import ReviewQueue
from .staff_gate import LOGOUT_PATH

REVIEW_LIMIT = 200  # kept questions listed on the desk, newest first
# a shared front-desk computer: the session ends when staff leave (staff_gate.py), by a POST,
# never a link (which a page elsewhere could follow for them)
SIGN_OUT = (
    f'<form method="post" action="{LOGOUT_PATH}">'
    '<button type="submit" id="sign-out-button">Sign out</button></form>'
)
# the desk's own look: tables in the page's font (Gradio sets them in monospace), marked words
# dark on yellow in both colour schemes, and its primary buttons in the chat's Ask button's
# orange-700/800 (assets.py): white on the theme's orange was 2.8:1, 3.56:1 in dark mode
STAFF_CSS = """
button#search-button, button#teach { background: #c2410c; border-color: #c2410c; color: #ffffff; }
button#search-button:hover, button#teach:hover { background: #9a3412; border-color: #9a3412; }
#results .cell-wrap, #why-table .cell-wrap, #taught .cell-wrap, #review .cell-wrap {
  font-family: var(--font); line-height: 1.45; }
#results mark, #article-view mark { color: #111827; background: #fde68a; }
#taught-problems, #taught-problems *, #lookup-problem, #lookup-problem * { color: #b91c1c; }
.dark #taught-problems, .dark #taught-problems *, .dark #lookup-problem,
.dark #lookup-problem * { color: #fca5a5; }
#sign-out { display: flex; justify-content: flex-end; align-items: center; }
button#sign-out-button { font: inherit; padding: 0.4em 1em; cursor: pointer; border-radius: 6px;
  color: var(--button-secondary-text-color); background: var(--button-secondary-background-fill);
  border: 1px solid var(--button-secondary-border-color); }
button#sign-out-button:hover { background: var(--button-secondary-background-fill-hover); }
"""


def build_staff_ui(bot, *, feedback_path: str | Path | None = None, log_questions: bool = False):
    """The staff desk's Blocks; the review queue reads the feedback file (opt-in questions)."""
    feedback = FeedbackLog(feedback_path, log_questions)
    desk = Desk(Handlers(bot, feedback), ReviewQueue(feedback, REVIEW_LIMIT))
    docs = sorted(desk.h.documents.values(), key=lambda d: d.title)
    with gr.Blocks(title="Staff desk: ketamine therapy FAQ", analytics_enabled=False) as staff:
        with gr.Row(equal_height=True):
            gr.Markdown("# Staff desk", scale=5)
            gr.HTML(SIGN_OUT, js_on_load=None, scale=0, min_width=100, elem_id="sign-out")
        gr.Markdown(
            "Look up what the bot can quote, see why it answered, and teach it. "
            "Taught answers go to `corpus/curated.yaml` (review them like the articles)."
        )
        question, hits, results = _lookup(desk, docs)
        listed, taught = _teach(desk, question, hits, results)
        _why(desk, question)
        review = _review(desk, question, log_questions and feedback_path is not None)
        staff.load(listed, None, taught, **PRIVATE)  # stale entries show as soon as it opens
        # the look-up's crisis text: its tel: and sms: links stay in the page (assets.py)
        staff.load(None, js=f"() => {{ {PHONE_LINKS_IN_PAGE} }}", **PRIVATE)
        if review is not None:
            staff.load(desk.queue, None, [review], **PRIVATE)
    serve = bot.settings.serve
    staff.queue(max_size=serve.queue_size, default_concurrency_limit=1, api_open=False)
    return staff


def _lookup(desk: Desk, docs):
    max_k = desk.bot.settings.limits.max_k  # the JSON API's bound too
    with gr.Row():
        query = gr.Textbox(label="Question", scale=4, min_width=200, elem_id="lookup-query")
        k = gr.Number(
            5,
            minimum=1,
            maximum=max_k,
            precision=0,
            label=f"Results (k, 1 to {max_k})",
            min_width=90,
            elem_id="lookup-k",
        )
        article = gr.Dropdown(
            [("All articles", "")] + [(d.title, d.doc_id) for d in docs],
            value="",
            label="Article",
            scale=2,
            min_width=160,
        )
    go = gr.Button("Search", variant="primary", elem_id="search-button")
    problem = gr.Markdown(elem_id="lookup-problem")  # e.g. k out of range, in words
    # a query in crisis gets the crisis text here too, above the passages
    warning = gr.Markdown(elem_id="lookup-safety", elem_classes="crisis-banner-lookup")
    table = gr.Dataframe(
        headers=list(HITS_HEADERS),
        datatype=list(HITS_TYPES),
        interactive=False,
        wrap=True,
        column_widths=[56, 72, 72, 72, 150, 170, 620],  # a phone scrolls the table sideways
        elem_id="results",
        label="Results: whole passages, the question's words marked; select one to open it",
    )
    hits = gr.State([])
    citation = gr.Textbox(
        label="Citation (copy)", buttons=["copy"], interactive=False, lines=2, elem_id="citation"
    )
    with gr.Accordion("Article", open=False) as panel:
        view = gr.HTML(elem_id="article-view")
    searched = (go.click, query.submit)
    # preprocess=False: Gradio's own bound check on k would stop the call with an "Error" toast
    # and badges and leave the last query's results and crisis text up; lookup_panel says what
    # is allowed in words and replaces every output
    for trigger in searched:
        trigger(
            desk.lookup_panel,
            [query, k, article],
            [problem, warning, table, hits],
            preprocess=False,
            **PRIVATE,
        )
    return query, hits, (table, view, citation, panel, searched)


def _why(desk: Desk, question) -> None:
    with gr.Accordion("Why this answer? (ranks, scores, abstention, safety rule)", open=False):
        go = gr.Button("Explain the bot's answer to the question", elem_id="why-button")
        verdict = gr.Markdown(elem_id="why-verdict")
        table = gr.Dataframe(
            headers=list(WHY_HEADERS), interactive=False, wrap=True, elem_id="why-table"
        )
    go.click(_api(desk.h.why), [question], [verdict, table], **PRIVATE)


def _teach(desk: Desk, question, hits, results):
    table, view, citation, panel, searched = results
    gr.Markdown(
        "### Teach the bot\nSelect the passage in the results, pick its sentence that answers "
        "the question, and save. Visitors asking the same thing in other words then get that "
        "sentence first. If the articles do not answer it, say so instead."
    )
    row = gr.State(None)
    sentence = gr.Radio([], label="Sentence that answers the question", elem_id="teach-sentence")
    with gr.Row():
        author = gr.Textbox(label="Your name or initials", max_lines=1, elem_id="teach-author")
        save = gr.Button("Save this sentence as the answer", variant="primary", elem_id="teach")
        absent = gr.Button("Not in the articles", elem_id="teach-absent")
    status = gr.Markdown(elem_id="teach-status")
    with gr.Accordion("Taught answers (corpus/curated.yaml)", open=False):
        problems = gr.Markdown(elem_id="taught-problems")
        taught = gr.Dataframe(
            headers=list(TAUGHT_HEADERS),
            interactive=False,
            wrap=True,
            column_widths=[56, 240, 560, 170, 90, 100],
            elem_id="taught",
        )

    def listed():
        rows, why = desk.taught()
        return rows, why

    def select(hits, evt: gr.SelectData):
        n = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        page, cited = desk.h.show(hits, int(n))
        choices = desk.sentences(hits, int(n))
        return page, cited, int(n), gr.Radio(choices=choices, value=None), gr.Accordion(open=True)

    table.select(select, [hits], [view, citation, row, sentence, panel], **PRIVATE).then(
        None, js=SCROLL_TO_PASSAGE
    )
    # a new search forgets the passage picked from the last one; tied to the search itself, not
    # to the table's change event, which a busy browser sends late and which then wiped a choice
    # made in the new results
    for trigger in searched:
        trigger(lambda: (None, gr.Radio(choices=[], value=None)), None, [row, sentence], **PRIVATE)
    inputs = [question, hits, row, sentence, author]
    save.click(_api(desk.teach), inputs, [status], **PRIVATE).then(
        listed, None, [taught, problems], **PRIVATE
    )
    absent.click(_api(desk.not_in_articles), [question, author], [status], **PRIVATE).then(
        listed, None, [taught, problems], **PRIVATE
    )
    return listed, [taught, problems]


def _review(desk: Desk, question, kept: bool):
    with gr.Accordion("Review queue: questions to teach", open=False):
        if not kept:
            gr.Markdown(
                "Empty: questions are kept only when the operator opts in "
                "(`FAQBOT_LOG_QUESTIONS=1` with a feedback file)."
            )
            return None
        refresh = gr.Button("Refresh", elem_id="review-refresh")
        table = gr.Dataframe(
            headers=list(REVIEW_HEADERS),
            interactive=False,
            wrap=True,
            column_widths=[190, 130, 800],
            elem_id="review",
            label="Select a question to look it up and teach it",
        )

    def pick(rows, evt: gr.SelectData):
        n = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        return rows.iloc[int(n), 2] if hasattr(rows, "iloc") else rows[int(n)][2]

    refresh.click(desk.queue, None, [table], **PRIVATE)
    table.select(pick, [table], [question], **PRIVATE)
    return table

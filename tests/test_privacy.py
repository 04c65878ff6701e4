"""No question text on disk or in logs by default: crisis messages are sensitive.

Questions go through the UI's server functions, the feedback function and the HTTP API; then every
file under the feedback folder, the index and Gradio's upload folder, and everything logged or
printed, is searched for them. With FAQBOT_LOG_QUESTIONS' opt-in the feedback file holds them.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import gradio
import httpx
import pytest

from faqbot.serve.feedback import FeedbackLog
from faqbot.serve.gradio_app import build_ui
from faqbot.serve.handlers import Handlers
from tests.conftest import tiny_faqbot
from tests.servers import serving

# each carries a token that appears nowhere else, so a hit anywhere is a leak
QUESTIONS = {
    "crisis": "I want to kill myself tonight qzxcrisis",
    "ordinary": "Can I drive after a session qzxdrive?",
    "too long": "qzxlong " + "how much does it cost " * 60,
    "abstained": "what is the train timetable qzxtrain",
}
TOKENS = [q.split("qzx")[1].split()[0].rstrip("?") for q in QUESTIONS.values()]


@pytest.fixture
def bot(tmp_path):
    return tiny_faqbot(tmp_path)


def _use_everything(handlers: Handlers, address) -> None:
    for question in QUESTIONS.values():
        history, turns, _ = handlers.chat(question, [], {})
        assert handlers.rate(turns, 1, True) is not None
        assert handlers.rate(turns, [1], False) is not None
        handlers.api_ask(question)
        if len(question) <= 1000:
            handlers.why(question)
            handlers.lookup(question, 3, "")
        api = f"http://{address[0]}:{address[1]}/gradio_api/call"
        for name, data in (("ask", [question]), ("search", [question]), ("nope", [question])):
            posted = httpx.post(f"{api}/{name}", json={"data": data}, timeout=10)
            if posted.status_code == 200:
                httpx.get(f"{api}/{name}/{posted.json()['event_id']}", timeout=10)


def _hostile_calls(address, question: str) -> None:
    """Calls that made Gradio print the values it got, the question, on stderr: too few values,
    values its components cannot read, an unknown argument name, and a 10 MB body."""
    base = f"http://{address[0]}:{address[1]}/gradio_api"
    bodies = [
        ("queue/join", 0, [question]),  # respond takes 3 values
        ("queue/join", 0, [question, question, question]),
        ("queue/join", 0, [question, [{"role": question}], {}]),
        ("queue/join", 9, [question, 5, 6]),  # look-up: question, k, article
        ("queue/join", 0, [question + " x" * 5_000_000]),  # 10 MB
        ("call/v2/ask", None, {question: question}),
        ("call/v2/search", None, {"question": question, "k": question}),
    ]
    for n, (route, fn_index, data) in enumerate(bodies):
        session = f"privacy-{n}"
        body = data if fn_index is None else {"data": data, "fn_index": fn_index}
        body |= {"session_hash": session} if fn_index is not None else {}
        posted = httpx.post(f"{base}/{route}", json=body, timeout=30)
        assert posted.status_code in (200, 413, 422), (route, posted.text[:300])
        if posted.status_code != 200:
            continue
        url = f"{base}/{route}/{posted.json()['event_id']}"  # until the event has run
        if fn_index is not None:
            url = f"{base}/queue/data?session_hash={session}"
        with httpx.stream("GET", url, timeout=30) as events:
            for line in events.iter_lines():
                if "process_completed" in line or line.startswith(("event: error", "event: c")):
                    break


def _files_holding_questions(*folders: Path) -> list[str]:
    found = []
    for folder in folders:
        for path in (p for p in folder.rglob("*") if p.is_file()):
            data = path.read_bytes()
            found += [f"{path}: {t}" for t in TOKENS if f"qzx{t}".encode() in data]
    return found


def test_questions_are_not_written_anywhere_by_default(bot, tmp_path, caplog, capfd):
    caplog.set_level(logging.DEBUG)  # every logger, every level
    feedback = tmp_path / "feedback" / "feedback.jsonl"
    handlers = Handlers(bot, FeedbackLog(feedback))
    with serving(build_ui(bot, feedback_path=feedback)) as address:
        _use_everything(handlers, address)
        for question in QUESTIONS.values():
            _hostile_calls(address, question)
    entries = [json.loads(line) for line in feedback.read_text().splitlines()]
    assert len(entries) == 2 * len(QUESTIONS)
    assert {tuple(e) for e in entries} == {("time", "rating", "passages")}
    uploads = Path(gradio.utils.get_upload_folder())
    assert _files_holding_questions(tmp_path, *[uploads] * uploads.is_dir()) == []
    out, err = capfd.readouterr()
    logged = "\n".join(r.getMessage() for r in caplog.records) + out + err
    assert caplog.records  # the capture works: bm25s and httpx log at DEBUG
    assert [t for t in TOKENS if f"qzx{t}" in logged] == []
    assert "Traceback" not in out + err


def test_with_the_opt_in_the_feedback_file_keeps_the_question(bot, tmp_path):
    feedback = tmp_path / "feedback.jsonl"
    handlers = Handlers(bot, FeedbackLog(feedback, log_questions=True))
    _, turns, _ = handlers.chat(QUESTIONS["crisis"], [], {})
    handlers.rate(turns, 1, False)
    entry = json.loads(feedback.read_text())
    assert entry["question"] == QUESTIONS["crisis"] and entry["rating"] == "down"

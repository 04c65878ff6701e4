"""The JSON API (POST /api/ask, /api/search) on a real uvicorn: answers, messages for bad input,
503 when the waiting line is full, the cross-origin policy and nothing of the question in logs."""

from __future__ import annotations

import contextlib
import json
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from faqbot import FAQBot
from faqbot.serve.gradio_app import build_ui
from faqbot.serve.json_api import JsonApi
from tests.conftest import BlockingEncoder, tiny_faqbot
from tests.servers import ROOT, ask_http, serving

ALLOWED = "https://clinic.example"
EVIL = "https://evil.example"
EXAMPLE = '{"question": "Can I drive after a session?"}'
JSON = {"Content-Type": "application/json"}


def _bot(folder) -> FAQBot:
    return tiny_faqbot(folder)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return _bot(tmp_path_factory.mktemp("api"))


@pytest.fixture(scope="module")
def base(tiny):
    with serving(build_ui(tiny), allowed_origins=[ALLOWED], api=JsonApi(tiny)) as (host, port):
        yield f"http://{host}:{port}"


def _post(base: str, path: str, body, **headers) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode("ascii")
    return httpx.post(base + path, content=content, headers=JSON | headers, timeout=30)


# -- answers --------------------------------------------------------------------------------------
def test_ask_returns_the_reply_as_json_the_same_as_gradios_ask(base):
    question = "Can I drive home after a session?"
    response = _post(base, "/api/ask", {"question": question})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    assert "set-cookie" not in response.headers
    reply = response.json()
    assert (reply["question"], reply["abstained"], reply["crisis_level"]) == (
        question,
        False,
        "none",
    )
    first = reply["passages"][0]
    assert (first["doc_id"], first["section"], first["citation"]) == ("alpha", "Driving", 1)
    assert first["text"].startswith("You should not drive after a session.")
    assert reply["citations"][0]["label"] == 'Alpha Guide — Alpha Clinic, section "Driving"'
    assert "[1]" in reply["markdown"] and reply["disclaimer"]
    with httpx.Client(timeout=30) as http:
        assert ask_http(http, base, question) == (200, "complete", [reply])


@pytest.fixture(scope="module")
def real_base(real_bot):
    """The JSON API over the bundled corpus and model."""
    with serving(build_ui(real_bot), api=JsonApi(real_bot)) as (host, port):
        yield f"http://{host}:{port}"


def test_the_markdown_field_is_markdown_as_text_not_html_entities(real_base):
    # the source was "Allied Psychiatry &amp; Mental Health": a page showing the Markdown
    # escaped it again, "&amp;amp;"; and an "I couldn't find" after the English-only note
    allied = _post(real_base, "/api/ask", {"question": "Who wrote the Allied article?"}).json()
    assert "Allied Psychiatry & Mental Health, article details" in allied["markdown"]
    assert "&amp;" not in allied["markdown"]
    spanish = {"question": "¿Cuánto cuesta la terapia con ketamina?"}
    other = _post(real_base, "/api/ask", spanish).json()
    assert other["intent"] == "other_language" and "inglés" in other["markdown"]
    assert "couldn't find" not in other["markdown"]


def test_search_returns_ranked_passages(base):
    response = _post(base, "/api/search", {"question": "drive home by car", "k": 2})
    assert response.status_code == 200
    found = response.json()
    assert (found["crisis_level"], found["safety_text"]) == ("none", "")
    hits = found["passages"]
    assert [h["rank"] for h in hits] == [1, 2]
    assert (hits[0]["doc_id"], hits[0]["section"]) == ("alpha", "Driving")
    assert set(hits[0]) >= {"chunk_id", "text", "score", "dense_rank", "lexical_score", "start"}
    only_beta = _post(base, "/api/search", {"question": "drive", "k": 3, "article": "beta"})
    assert {h["doc_id"] for h in only_beta.json()["passages"]} == {"beta"}
    lexical = _post(base, "/api/search", {"question": "sleep", "k": 1, "retriever": "lexical"})
    assert lexical.json()["passages"][0]["section"] == "Rest"


def test_the_docs_say_what_search_returns(base):
    # docs/UI.md had "a list of passages": it is an object, the passages one of its fields
    found = _post(base, "/api/search", {"question": "drive home by car", "k": 1}).json()
    rows = (ROOT / "docs" / "UI.md").read_text(encoding="utf-8").splitlines()
    returns = next(r for r in rows if r.startswith("| `search` |")).split(" | ")[2]
    assert returns.startswith("an object"), returns
    assert [key for key in [*found, *found["passages"][0]] if f"`{key}`" not in returns] == []


def test_a_crisis_question_gets_the_crisis_text(base):
    reply = _post(base, "/api/ask", {"question": "I want to kill myself"}).json()
    assert reply["crisis_level"] == "acute" and "988" in reply["safety_text"]


def test_earlier_messages_of_the_chat_are_read_with_the_question(base):
    said = ["I want to kill myself"]
    reply = _post(base, "/api/ask", {"question": "when do you open?", "earlier": said}).json()
    assert reply["crisis_level"] == "acute" and "988" in reply["safety_text"]
    alone = _post(base, "/api/ask", {"question": "when do you open?", "earlier": None}).json()
    assert alone["crisis_level"] == "none"


def test_a_crisis_search_gets_the_crisis_text_at_the_top_level(base):
    found = _post(base, "/api/search", {"question": "I want to kill myself tonight", "k": 3}).json()
    assert found["crisis_level"] == "acute" and "988" in found["safety_text"]


@pytest.mark.parametrize(
    "question, cleaned",
    [
        ("can I drive \ud800 home?", "can I drive \ufffd home?"),  # a lone surrogate
        ("drive\u0000home", "drive\u0000home"),
        ("\u202edrive\u202c after? 😊 e\u0301", "\u202edrive\u202c after? 😊 e\u0301"),
    ],
)
def test_odd_unicode_is_answered(base, question, cleaned):
    response = _post(base, "/api/ask", {"question": question})  # sent as \u escapes
    assert response.status_code == 200
    assert response.json()["question"] == cleaned


def test_a_question_over_the_limit_gets_a_reply_with_a_note_and_the_crisis_text(base):
    reply = _post(base, "/api/ask", {"question": "I want to die. " + "x" * 1_000}).json()
    assert (reply["abstained"], reply["abstain_reason"]) == (True, "question too long")
    assert reply["notes"] == ["The question is 1,015 characters long; the limit is 1,000. "
                              "Please shorten it."]  # fmt: skip
    assert reply["crisis_level"] == "acute"


# -- bad input ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path, body, status, detail",
    [
        ("/api/ask", {"question": ""}, 422,
         "The question is empty. Type a question, e.g. 'Can I drive after a session?'"),
        ("/api/ask", {"question": " \n\t"}, 422,
         "The question is empty. Type a question, e.g. 'Can I drive after a session?'"),
        ("/api/ask", {}, 422, f'The field "question" is missing; send e.g. {EXAMPLE}.'),
        ("/api/ask", {"question": None}, 422, '"question" must be a string, got null.'),
        ("/api/ask", {"question": ["x"]}, 422, '"question" must be a string, got a list.'),
        ("/api/ask", {"question": 7}, 422, '"question" must be a string, got 7.'),
        ("/api/ask", {"q": "drive"}, 422,
         'Unknown field "q": /api/ask takes "question", "earlier".'),
        ("/api/ask", {"question": "drive", "earlier": "hi"}, 422,
         '"earlier" must be a list of strings (oldest first), got a string.'),
        ("/api/ask", {"question": "drive", "earlier": ["hi", 3]}, 422,
         "earlier must be a list of the visitor's earlier messages (strings), oldest first."),
        ("/api/ask", ["drive"], 400, f"The body must be a JSON object, e.g. {EXAMPLE}; got a list."),
        ("/api/ask", b'{"question": "drive"', 400, "The body is not valid JSON (Expecting ',' "
         f"delimiter at character 20). Send e.g. {EXAMPLE}."),
        ("/api/ask", b"", 400,
         f"The body is not valid JSON (Expecting value at character 0). Send e.g. {EXAMPLE}."),
        ("/api/ask", b'{"question": "\xff"}', 400,
         f"The body is not valid JSON (not UTF-8: byte 14). Send e.g. {EXAMPLE}."),
        ("/api/ask", json.dumps({"question": "drive"}).encode("utf-16"), 400,
         f"The body is not valid JSON (not UTF-8: byte 0). Send e.g. {EXAMPLE}."),
        ("/api/ask", b'{"question": ' + b"9" * 5_000 + b"}", 400,
         f"The body is not valid JSON (a number has over 4,300 digits). Send e.g. {EXAMPLE}."),
        ("/api/ask", b'{"question": ' + b"[" * 20_000 + b"]" * 20_000 + b"}", 400,
         f"The body is not valid JSON (nested too deeply). Send e.g. {EXAMPLE}."),
        ("/api/ask", {"question": "x" * 140_000}, 413,
         "The body is over the 131,072-byte limit; a question may be at most 1,000 characters."),
        ("/api/search", {"question": "x" * 140_000}, 413,
         "The body is over the 131,072-byte limit; a question may be at most 1,000 characters."),
        ("/api/search", {"question": "drive", "k": 0}, 422,
         "k must be a whole number from 1 to 100, got 0"),
        ("/api/search", {"question": "drive", "k": 101}, 422,
         "k must be a whole number from 1 to 100, got 101"),
        ("/api/search", {"question": "drive", "k": 2.5}, 422,
         '"k" must be a whole number, got 2.5.'),
        ("/api/search", {"question": "drive", "k": "5"}, 422,
         '"k" must be a whole number, got a string.'),
        ("/api/search", {"question": "drive", "k": True}, 422,
         '"k" must be a whole number, got true.'),
        ("/api/search", {"question": "drive", "retriever": "bm25"}, 422,
         "retriever must be one of hybrid, dense, lexical, got 'bm25'"),
        ("/api/search", {"question": "drive", "article": "gamma"}, 422,
         "No article 'gamma'. Choose one of: alpha, beta"),
        ("/api/search", {"question": "x" * 1_001}, 422,
         "The question is 1,001 characters long; the limit is 1,000. Please shorten it."),
        ("/api/search", {"question": "drive", "top": 3}, 422,
         'Unknown field "top": /api/search takes "question", "k", "retriever", "article".'),
    ],
)  # fmt: skip
def test_bad_input_gets_a_4xx_naming_the_fix(base, capfd, path, body, status, detail):
    response = _post(base, path, body)
    assert (response.status_code, response.json()) == (status, {"detail": detail})
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err


def test_a_whole_number_written_as_a_float_is_accepted(base):
    assert len(_post(base, "/api/search", {"question": "drive", "k": 2.0}).json()["passages"]) == 2


def test_a_body_not_sent_as_json_is_refused(base):
    response = httpx.post(base + "/api/ask", content=b'{"question": "drive"}', timeout=10)
    assert response.status_code == 415
    assert response.json() == {
        "detail": f"Send JSON with Content-Type: application/json, e.g. {EXAMPLE}."
    }


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT"])
def test_another_method_gets_405_naming_post(base, method):
    # OPTIONS (not a CORS preflight), TRACE and CONNECT got 404 before
    response = httpx.request(method, base + "/api/search", timeout=10)
    assert (response.status_code, response.headers["allow"]) == (405, "POST")
    assert response.json() == {"detail": f"Use POST /api/search with a JSON body, e.g. {EXAMPLE}."}


def test_wrong_method_and_unknown_endpoint_get_messages(base):
    response = httpx.get(base + "/api/ask", params={"q": "drive"}, timeout=10)
    assert (response.status_code, response.headers["allow"]) == (405, "POST")
    assert response.json() == {"detail": f"Use POST /api/ask with a JSON body, e.g. {EXAMPLE}."}
    response = _post(base, "/api/answer", {"question": "drive"})
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "No endpoint /api/answer; the endpoints are POST /api/ask, /api/search."},
    )


def test_a_failure_inside_the_bot_is_a_500_without_the_question_in_the_log(tiny, capfd, caplog):
    api = JsonApi(tiny)

    def broken(question: str) -> dict:
        raise RuntimeError(f"failed on {question}")

    api.handlers.api_ask = broken
    with serving(build_ui(tiny), api=api) as (host, port):
        response = _post(f"http://{host}:{port}", "/api/ask", {"question": "secret-word-1234"})
    assert (response.status_code, response.json()) == (
        500,
        {"detail": "The bot failed on this request; the error is logged."},
    )
    out, err = capfd.readouterr()
    assert "RuntimeError at " in caplog.text and "test_http_api.py" in caplog.text
    assert "secret-word-1234" not in out + err + caplog.text


# -- bounded concurrency --------------------------------------------------------------------------
def _until(condition, limit: float = 10.0) -> None:
    deadline = time.monotonic() + limit
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


@contextlib.contextmanager
def _held_server(folder, concurrency: int, queue_size: int, workers: int):
    """(base URL, api, encoder that holds every question until released, a thread pool)."""
    bot = _bot(folder)
    encoder = bot.retriever._encoder = BlockingEncoder()
    api = JsonApi(bot, concurrency=concurrency, queue_size=queue_size)
    with serving(build_ui(bot), api=api) as (host, port), ThreadPoolExecutor(workers) as pool:
        yield f"http://{host}:{port}", api, encoder, pool


def test_a_full_waiting_line_answers_503_with_retry_after_at_once(tmp_path):
    with _held_server(tmp_path, concurrency=1, queue_size=2, workers=3) as held:
        base, api, encoder, pool = held
        admitted = [
            pool.submit(_post, base, "/api/ask", {"question": f"Can I drive after session {i}?"})
            for i in range(3)
        ]
        # the first may reach the encoder after the third is admitted, on a busy machine
        _until(lambda: (api.in_flight, encoder.held) == (3, 1))
        assert (api.in_flight, encoder.held) == (3, 1)  # one running, two waiting
        busy = [_post(base, path, {"question": "drive"}) for path in ("/api/ask", "/api/search")]
        assert not any(f.done() for f in admitted)  # refused at once: before any answer
        encoder.release.set()
        answered = [f.result(timeout=30) for f in admitted]
    for response in busy:
        assert (response.status_code, response.headers["retry-after"]) == (503, "1")
        assert response.json() == {
            "detail": "The bot is busy: 2 questions are waiting. Try again in 1 s."
        }
    assert [r.status_code for r in answered] == [200, 200, 200]
    assert api.in_flight == 0


def test_answers_run_in_several_threads_at_once(tmp_path):
    with _held_server(tmp_path, concurrency=2, queue_size=0, workers=2) as held:
        base, api, encoder, pool = held
        both = [pool.submit(_post, base, "/api/ask", {"question": f"drive {i}"}) for i in (1, 2)]
        _until(lambda: encoder.held == 2)
        assert encoder.held == 2  # both inside the encoder at once, in two threads
        third = _post(base, "/api/ask", {"question": "drive 3"})  # no waiting room at all
        encoder.release.set()
        assert [f.result(timeout=30).status_code for f in both] == [200, 200]
    assert third.status_code == 503


# -- cross-origin policy --------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/api/ask", "/api/search"])
def test_only_allowed_origins_get_a_cors_grant(base, path):
    body = {"question": "drive"}
    allowed = _post(base, path, body, Origin=ALLOWED)
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ALLOWED
    assert "access-control-allow-credentials" not in allowed.headers
    evil = _post(base, path, body, Origin=EVIL)
    assert "access-control-allow-origin" not in evil.headers
    for origin, status in ((ALLOWED, 200), (EVIL, 400)):
        preflight = httpx.options(
            base + path,
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
            timeout=10,
        )
        assert preflight.status_code == status
        assert preflight.headers.get("access-control-allow-origin") == (
            ALLOWED if origin == ALLOWED else None
        )

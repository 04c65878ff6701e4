"""Every route, tried as an outsider would: one body limit everywhere, a 4xx naming the fix for
every bad request Gradio answered with a 500 and a traceback, other methods 405, and a failure
anywhere logged without its text."""

from __future__ import annotations

import json
import logging
import re

import anyio
import httpx
import pytest

from faqbot.serve.gradio_app import build_ui
from faqbot.serve.gradio_calls import Endpoints
from faqbot.serve.guard import RequestGuard, parse_json
from faqbot.serve.json_api import JsonApi
from tests.conftest import tiny_faqbot
from tests.servers import serving

LIMIT = "The body is over the 131,072-byte limit; a question may be at most 1,000 characters."
SAY_JSON = 'Send a JSON object, e.g. {"data": ["Can I drive after a session?"]}.'
ENDPOINTS = "the endpoints are /ask, /search."
DEEP = b"[" * 20_000 + b"]" * 20_000


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return tiny_faqbot(tmp_path_factory.mktemp("guard"))


@pytest.fixture(scope="module")
def base(tiny):
    with serving(build_ui(tiny), api=JsonApi(tiny)) as (host, port):
        yield f"http://{host}:{port}"


def _post(base: str, path: str, content: bytes, **headers) -> httpx.Response:
    headers = {"Content-Type": "application/json"} | headers
    return httpx.post(base + path, content=content, headers=headers, timeout=30)


def _join(fn_index, data, session_hash="s1") -> bytes:
    return json.dumps({"data": data, "fn_index": fn_index, "session_hash": session_hash}).encode()


# -- one body limit for every route ---------------------------------------------------------------
POST_ROUTES = [
    "/api/ask",
    "/api/search",
    "/gradio_api/call/ask",
    "/gradio_api/call/v2/ask",
    "/gradio_api/queue/join",
    "/gradio_api/cancel",
    "/gradio_api/reset",
]


@pytest.mark.parametrize("path", POST_ROUTES)
def test_every_route_refuses_a_body_over_the_limit(base, path):
    # a 5 MB question to /gradio_api/queue/join held the only Gradio worker ~14 s
    big = json.dumps({"data": ["x" * 140_000], "question": "x"}).encode()
    response = _post(base, path, big)
    assert (response.status_code, response.json()) == (413, {"detail": LIMIT})


@pytest.mark.parametrize("path", ["/gradio_api/queue/join", "/api/ask"])
def test_a_streamed_body_without_a_length_is_cut_at_the_limit(base, path):
    def chunks():  # sent chunked: no Content-Length to refuse it by
        for _ in range(64):
            yield b"x" * 4096

    response = _post(base, path, chunks())
    assert (response.status_code, response.json()) == (413, {"detail": LIMIT})


def test_a_body_just_under_the_limit_still_goes_through(base):
    history = [{"role": "user", "content": [{"type": "text", "text": "y" * 125_000}]}]
    response = _post(base, "/gradio_api/queue/join", _join(0, ["drive?", history, {}]))
    assert response.status_code == 200 and "event_id" in response.json()


# -- bad requests: a 4xx naming the fix, never a 500 ----------------------------------------------
BAD = {
    "call/v2 private name": (
        "/gradio_api/call/v2/respond",
        b'{"question": "x"}',
        404,
        f"No API endpoint /respond; {ENDPOINTS}",
    ),
    "call/v2 unknown name": (
        "/gradio_api/call/v2/nope",
        b"{}",
        404,
        f"No API endpoint /nope; {ENDPOINTS}",
    ),
    "call/v2 unknown argument": (
        "/gradio_api/call/v2/ask",
        b'{"data": ["x"]}',
        422,
        '/ask takes 1 value(s) in this order: question, by name; unknown "data".',
    ),
    "call/v2 missing argument": (
        "/gradio_api/call/v2/search",
        b'{"k": 3}',
        422,
        "/search takes 4 value(s) in this order: question, k, retriever, article, by name; "
        '"question" is missing.',
    ),
    "call without data": (
        "/gradio_api/call/ask",
        b'{"question": "x"}',
        422,
        '/ask takes 1 value(s) in this order: question, as {"data": [...]}.',
    ),
    "queue/join too few values": (
        "/gradio_api/queue/join",
        _join(0, ["my secret"]),
        422,
        "Event 0 takes 3 value(s) in data; the request has 1.",
    ),
    "queue/join unknown event": (
        "/gradio_api/queue/join",
        _join(99, ["x", [], {}]),
        422,
        "No event with fn_index 99; reload the page.",
    ),
    "queue/join event with no Python function": (
        "/gradio_api/queue/join",
        _join(4, []),
        422,
        "No event with fn_index 4; reload the page.",
    ),
    "queue/join without a session": (
        "/gradio_api/queue/join",
        _join(0, ["drive", [], {}], None),
        422,
        "The request has no session_hash; reload the page.",
    ),
    "nested 20,000 deep, call": (
        "/gradio_api/call/ask",
        b'{"data": ' + DEEP + b"}",
        400,
        f"The body is not valid JSON (nested too deeply). {SAY_JSON}",
    ),
    "nested 20,000 deep, call/v2": (
        "/gradio_api/call/v2/ask",
        b'{"question": ' + DEEP + b"}",
        400,
        f"The body is not valid JSON (nested too deeply). {SAY_JSON}",
    ),
    "nested 20,000 deep, queue/join": (
        "/gradio_api/queue/join",
        b'{"fn_index": 0, "data": ' + DEEP + b"}",
        400,
        f"The body is not valid JSON (nested too deeply). {SAY_JSON}",
    ),
    "UTF-16": (
        "/gradio_api/call/ask",
        json.dumps({"data": ["drive"]}).encode("utf-16"),
        400,
        f"The body is not valid JSON (not UTF-8: byte 0). {SAY_JSON}",
    ),
    "5,000 digits": (
        "/gradio_api/call/ask",
        b'{"data": [' + b"9" * 5_000 + b"]}",
        400,
        f"The body is not valid JSON (a number has over 4,300 digits). {SAY_JSON}",
    ),
    "not an object": (
        "/gradio_api/queue/join",
        b'["x"]',
        400,
        f"The body must be a JSON object. {SAY_JSON}",
    ),
    "an empty session": (
        "/gradio_api/queue/join",
        _join(0, ["drive", [], {}], ""),  # a KeyError in Gradio's session store: a 500
        422,
        '"session_hash" must be 1 to 100 letters, digits, "-" or "_".',
    ),
    "a click without its event data": (
        "/gradio_api/queue/join",
        _join(8, [{}]),  # thumbs up/down: Gradio's LikeData raised a TypeError
        422,
        "Event 8 needs event_data with an index and a value; reload the page.",
    ),
    "a chat history its component cannot read": (
        "/gradio_api/queue/join",
        _join(0, ["drive", [{"role": "my secret"}], {}]),
        422,
        "Event 0: value 2 is not what its component takes; reload the page.",
    ),
    "a field of the wrong type": (
        "/gradio_api/call/ask",
        b'{"data": ["x"], "session_hash": [false, null]}',
        422,
        '"session_hash" must be a string or null, got a list.',
    ),
    "queue/join trigger_id not a number": (
        "/gradio_api/queue/join",
        b'{"data": ["drive", [], {}], "fn_index": 0, "session_hash": "s", "trigger_id": true}',
        422,
        '"trigger_id" must be a whole number or null, got True.',
    ),
    "not sent as JSON": (
        "/gradio_api/call/ask",
        b'{"data": ["x"]}',
        415,
        f"Send JSON with Content-Type: application/json. {SAY_JSON}",
    ),
    "an unused Gradio route": (
        "/gradio_api/vibe-edit",
        b'{"prompt": "x"}',
        404,
        "No POST route /gradio_api/vibe-edit; ask with POST /api/ask or /gradio_api/call/ask.",
    ),
}


@pytest.mark.parametrize("path, body, status, detail", BAD.values(), ids=BAD.keys())
def test_bad_requests_get_a_4xx_naming_the_fix_and_no_traceback(
    base, capfd, path, body, status, detail
):
    kind = "text/plain" if status == 415 else "application/json"
    response = _post(base, path, body, **{"Content-Type": kind})
    assert (response.status_code, response.json()) == (status, {"detail": detail})
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err and "my secret" not in out + err


def test_good_calls_still_go_through(base):
    posted = _post(base, "/gradio_api/call/v2/search", b'{"question": "drive", "k": 2}')
    stream = httpx.get(f"{base}/gradio_api/call/v2/search/{posted.json()['event_id']}").text
    assert stream.startswith("event: complete"), stream[:200]
    assert _post(base, "/gradio_api/queue/join", _join(0, ["drive", [], {}])).status_code == 200


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/ask", b'{"\\ud800": 1}'),
        ("/gradio_api/call/v2/ask", b'{"\\ud800": 1}'),
    ],
)
def test_a_message_quoting_a_lone_surrogate_is_sent_escaped(base, path, body):
    # was a 500: the message quoted the field name, which UTF-8 cannot hold
    response = _post(base, path, body)
    assert response.status_code in (404, 422) and "\\ud800" in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/gradio_api/call/ask/no-such-event",
        "/gradio_api/call/v2/ask",  # Gradio read it as /call/<"v2">/<event "ask">
        "/gradio_api/queue/data?session_hash=no-such-session",
    ],
)
def test_reading_events_that_do_not_exist_is_a_404_not_a_cut_stream(base, capfd, path):
    # Gradio started the event stream, then raised inside it: the answer was cut off mid-way
    response = httpx.get(base + path, timeout=30)
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "No call to read here: POST the call first, then read its events once."},
    )
    out, err = capfd.readouterr()
    assert "Error" not in out + err


def test_an_events_stream_can_be_read_once(base):
    posted = _post(base, "/gradio_api/call/ask", b'{"data": ["Can I drive?"]}')
    url = f"{base}/gradio_api/call/ask/{posted.json()['event_id']}"
    assert httpx.get(url, timeout=30).text.startswith("event: complete")
    assert httpx.get(url, timeout=30).status_code == 404


@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "CONNECT", "OPTIONS"])
def test_other_methods_get_405(base, method):
    for path in ("/", "/gradio_api/call/ask", "/gradio_api/queue/join"):
        response = httpx.request(method, base + path, timeout=10)
        assert (response.status_code, response.headers["allow"]) == (405, "GET, HEAD, POST")
        assert response.json() == {
            "detail": f"{method} is not allowed here; this app answers GET, HEAD, POST."
        }


# -- failures are logged without their text -------------------------------------------------------
def test_an_exception_anywhere_is_a_500_logged_by_type_and_place_only(tiny, caplog):
    async def failing(scope, receive, send):
        raise RuntimeError("failed on my secret")

    guard = RequestGuard(failing, Endpoints.of(build_ui(tiny)), tiny.settings.serve.max_body_bytes)
    transport = httpx.ASGITransport(app=guard)

    async def call():
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.get("/config")

    with caplog.at_level(logging.ERROR):
        response = anyio.run(call)
    assert (response.status_code, response.json()) == (
        500,
        {"detail": "The server failed on this request; the error is logged."},
    )
    assert "RuntimeError at " in caplog.text and "test_http_guard.py" in caplog.text
    assert "my secret" not in caplog.text


def test_an_exception_after_the_answer_started_ends_it_cleanly_and_is_logged(tiny, caplog):
    async def half(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"event: x\n\n", "more_body": True})
        raise ValueError("my secret")

    guard = RequestGuard(half, Endpoints.of(build_ui(tiny)), tiny.settings.serve.max_body_bytes)

    async def call():
        transport = httpx.ASGITransport(app=guard)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.get("/")

    response = anyio.run(call)
    assert (response.status_code, response.text) == (200, "event: x\n\n")
    assert "ValueError at " in caplog.text and "my secret" not in caplog.text


@pytest.mark.parametrize(
    "body, message",
    [
        (b'{"a": 1}', None),
        (b"\xef\xbb\xbf{}", "Unexpected UTF-8 BOM (decode using utf-8-sig) at character 0"),
        (b"\xff", "not UTF-8: byte 0"),
        (b"[" * 100_000, "nested too deeply"),
        (b"1" * 4_301, "a number has over 4,300 digits"),
    ],
)
def test_parse_json_names_what_is_wrong(body, message):
    if message is None:
        assert parse_json(body) == {"a": 1}
    else:
        with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
            parse_json(body)

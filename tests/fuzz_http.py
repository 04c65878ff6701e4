"""Hypothesis over raw HTTP requests to the question routes: JSON of any shape, nested, with huge
numbers and odd text, raw bytes, cut JSON, other content types and methods. Used by
tests/test_fuzz_http.py (a short run) and benchmarks/fuzz_http.py (2,000 cases and more)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

import httpx
from hypothesis import strategies as st

ROUTES = (
    "/api/ask",
    "/api/search",
    "/gradio_api/call/ask",
    "/gradio_api/call/search",
    "/gradio_api/call/v2/ask",
    "/gradio_api/call/v2/search",
    "/gradio_api/queue/join",
)
FIELDS = ("question", "k", "retriever", "article", "data", "fn_index", "session_hash")
text = st.text(st.characters(codec="utf-8"), max_size=60) | st.sampled_from(
    ["", " ", "Can I drive after a session?", "I want to kill myself", "\ud800", "x" * 1_500]
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | text
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)


@st.composite
def shaped(draw, path: str) -> dict:
    """A body of the route's own shape, with values of any type: reaches the handlers."""
    question = draw(text | values)
    if path.startswith("/api/"):
        fields = {"question": question, "k": draw(values), "retriever": draw(values)}
        return {k: v for k, v in fields.items() if k == "question" or draw(st.booleans())}
    if "/v2/" in path:
        return {"question": question} | draw(st.dictionaries(st.sampled_from(FIELDS), values))
    data = [question, *draw(st.lists(values, max_size=4))]
    if path.endswith("queue/join"):
        event = draw(st.integers(min_value=0, max_value=16))
        session = draw(st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True) | text)
        return {"data": data, "fn_index": event, "session_hash": session, "event_data": None}
    return {"data": data}


@st.composite
def bodies(draw, path: str) -> bytes:
    """A request body: mostly JSON of the route's shape or any object, sometimes not JSON."""
    kind = draw(st.sampled_from(["shaped"] * 4 + ["object", "json", "cut", "bytes", "deep"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "deep":
        depth = draw(st.integers(min_value=1, max_value=30_000))
        opener = draw(st.sampled_from(["[", '{"a":']))
        return f'{{"question": {opener * depth}'.encode()
    if kind == "json":
        return json.dumps(draw(values)).encode()
    if kind == "shaped":
        document = draw(shaped(path))
    else:
        document = draw(st.dictionaries(st.sampled_from(FIELDS) | text, values, max_size=5))
    ascii_only = draw(st.booleans())  # else lone surrogates become bytes UTF-8 forbids
    raw = json.dumps(document, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    if kind == "cut":
        return raw[: draw(st.integers(min_value=0, max_value=len(raw)))]
    return raw


@st.composite
def requests(draw) -> tuple[str, str, dict, bytes]:
    """(method, path, headers, body)."""
    method = draw(st.sampled_from(["POST"] * 17 + ["GET", "PUT", "OPTIONS"]))
    kind = draw(st.sampled_from(["application/json"] * 17 + ["text/plain", "", "application/x"]))
    headers = {"Content-Type": kind} if kind else {}
    path = draw(st.sampled_from(ROUTES))
    return method, path, headers, draw(bodies(path))


@dataclass
class Tally:
    """Statuses seen, and the requests that got a server error or an unreadable answer."""

    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    silent: list[str] = field(default_factory=list)  # calls that failed with no message


def send(http: httpx.Client, base: str, request: tuple, tally: Tally) -> int:
    """Send one request; for a queued Gradio call, read its events to the end (as a client
    would, and so the queue does not fill with calls nobody reads). Returns the status."""
    method, path, headers, body = request
    response = http.request(method, base + path, content=body, headers=headers)
    status = response.status_code
    tally.statuses[status] += 1
    if status >= 500 or (status >= 400 and not _detail(response)):
        tally.failures.append(f"{status} {method} {path} {body[:120]!r} -> {response.text[:200]}")
    if status == 200 and path.startswith("/gradio_api/") and method == "POST":
        _drain(http, base, path, body, response.json()["event_id"], tally)
    return status


def _detail(response: httpx.Response) -> bool:
    try:
        return isinstance(response.json().get("detail"), str)
    except (ValueError, AttributeError):
        return False


def _drain(http: httpx.Client, base: str, path: str, body: bytes, event: str, tally) -> None:
    params = {}
    if path.endswith("queue/join"):
        params = {"session_hash": json.loads(body)["session_hash"]}
        url = f"{base}/gradio_api/queue/data"
    else:
        url = f"{base}{path}/{event}"
    with http.stream("GET", url, params=params) as events:
        last = ""
        for line in events.iter_lines():
            if line.startswith("data:") and last == "event: error":  # /call/<name>/<event>
                silent = line[5:].strip() in ("null", '{"error": null}', '{"error":null}')
                return _failed_call(tally, path, body, silent)
            if line.startswith("event: complete"):
                return
            if "process_completed" in line:  # /queue/data
                if '"success":false' in line:
                    _failed_call(tally, path, body, '"error":null' in line)
                return
            last = line or last


def _failed_call(tally: Tally, path: str, body: bytes, silent: bool) -> None:
    """A call Gradio ran and that failed: with a message for the caller, or without one."""
    tally.statuses["call refused with a message" if not silent else "call failed silently"] += 1
    if silent:
        tally.silent.append(f"{path} {body[:160]!r}")

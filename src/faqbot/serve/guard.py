"""Every request checked before Gradio or the JSON API sees it: method, route, body size, JSON,
and Gradio's calls (gradio_calls.py); a failure is logged by its type and place, never its text."""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from urllib.parse import parse_qs

from starlette.responses import JSONResponse

from .gradio_calls import Endpoints

METHODS = ("GET", "HEAD", "POST")
# the standard ones: the JSON API (/api/...) answers these itself, with a 405 naming POST
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT")
# Gradio's routes that take a POST from this app's page or API clients; any other is a 404
# (login, vibe-edit, run history, profiling, process_recording...: nothing here uses them).
_POSTS = re.compile(
    r"/gradio_api/(?:(?P<join>queue/join)|cancel|reset|call/(?P<v2>v2/)?(?P<name>[^/]+))/?"
)
# Gradio's event streams: for an unknown event or session Gradio raised inside the stream it had
# started, cutting the answer off mid-way (and, before, printing a traceback)
_STREAMS = re.compile(r"/gradio_api/(?:queue/data|call/(?:v2/)?[^/]+/(?P<event>[^/]+))/?")
_SAY_JSON = 'Send a JSON object, e.g. {"data": ["Can I drive after a session?"]}'
log = logging.getLogger(__name__)


class BadBody(ValueError):
    """A body that is not a JSON document; the message says what is wrong with it."""


def parse_json(body: bytes) -> object:
    """The JSON document in `body`, which must be UTF-8 (json.loads alone also takes UTF-16).

    Raises:
        BadBody: not UTF-8, not JSON, nested too deeply, or a number too long to read.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as why:
        raise BadBody(f"not UTF-8: byte {why.start}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as why:
        raise BadBody(f"{why.msg} at character {why.pos}") from None
    except RecursionError:
        raise BadBody("nested too deeply") from None
    except ValueError:  # an integer of more than 4,300 digits (sys.int_info)
        raise BadBody(f"a number has over {sys.get_int_max_str_digits():,} digits") from None


class RequestGuard:
    """ASGI middleware: 405 for other methods, 404 for Gradio's POST routes the app does not use,
    413 over `max_body` bytes (ServeSettings.max_body_bytes), 400 for a body that is not JSON,
    404/422 for calls Gradio would answer with a 500 and a traceback (or an error that prints
    the visitor's values), and any exception logged as its type and place only, with a 500 that
    says so."""

    def __init__(self, app, endpoints: Endpoints, max_body: int, mounts: dict | None = None):
        self.app, self.endpoints, self.max_body = app, endpoints, max_body
        self.mounts: dict[str, Endpoints] = mounts or {}  # other Gradio apps, by path prefix

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = ended = False

        async def sending(message):
            nonlocal started, ended
            started = True
            ended = message["type"] == "http.response.body" and not message.get("more_body")
            await send(message)

        try:
            await self._checked(scope, receive, sending)
        except Exception as why:  # uvicorn would print a traceback, with the question in it
            frame = traceback.extract_tb(why.__traceback__)[-1]
            log.error("%s at %s:%s", type(why).__name__, frame.filename, frame.lineno)
            if not started:
                detail = "The server failed on this request; the error is logged."
                await error_response(500, detail)(scope, receive, send)
            elif not ended:  # end the answer cleanly rather than cut the connection
                await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _checked(self, scope, receive, send):
        path, method = scope["path"], scope["method"]
        endpoints = self.endpoints
        for prefix, mounted in self.mounts.items():
            if path.startswith(prefix + "/"):
                path, endpoints = path[len(prefix) :], mounted
        api = path.startswith("/api/") and endpoints is self.endpoints
        if method not in (HTTP_METHODS if api else METHODS):
            allow = ", ".join(METHODS)
            detail = f"{method} is not allowed here; this app answers {allow}."
            await error_response(405, detail, {"Allow": allow})(scope, receive, send)
            return
        if method != "POST":
            stream = _STREAMS.fullmatch(path) if method == "GET" else None
            if stream and not _waiting(endpoints, stream["event"], scope):
                detail = "No call to read here: POST the call first, then read its events once."
                await error_response(404, detail)(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        route = None if api else _POSTS.fullmatch(path)
        if not api and route is None:
            detail = f"No POST route {path[:80]}; ask with POST /api/ask or /gradio_api/call/ask."
            await error_response(404, detail)(scope, receive, send)
            return
        body = await read_body(scope, receive, self.max_body)
        problem = self._problem(body, route, scope, endpoints)
        if problem:
            await error_response(*problem)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    def _problem(self, body: bytes | None, route, scope, endpoints) -> tuple[int, str] | None:
        if body is None:
            limit = f"The body is over the {self.max_body:,}-byte limit"
            return 413, f"{limit}; a question may be at most 1,000 characters."
        if route is None:  # the JSON API checks its own bodies, with its own examples
            return None
        if not _sent_as_json(scope):  # FastAPI would answer 422 with the body echoed back
            return 415, f"Send JSON with Content-Type: application/json. {_SAY_JSON}."
        try:
            data = parse_json(body)
        except BadBody as why:
            return 400, f"The body is not valid JSON ({why}). {_SAY_JSON}."
        if not isinstance(data, dict):
            return 400, f"The body must be a JSON object. {_SAY_JSON}."
        if route["name"]:
            return endpoints.call_problem(route["name"], data, v2=bool(route["v2"]))
        return endpoints.event_problem(data) if route["join"] else None


def _waiting(endpoints: Endpoints, event: str | None, scope) -> bool:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    session = query.get("session_hash", [None])[0] if event is None else None
    return endpoints.waiting(event, session)


def _sent_as_json(scope) -> bool:
    """Content-Type application/json (or +json): what FastAPI reads as JSON."""
    kind = dict(scope["headers"]).get(b"content-type", b"").split(b";")[0].strip().lower()
    return kind == b"application/json" or kind.endswith(b"+json")


async def read_body(scope, receive, limit: int) -> bytes | None:
    """The whole body, or None once it is over `limit` bytes (read no further)."""
    headers = dict(scope["headers"])
    declared = headers.get(b"content-length", b"")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > limit:
            return None
        if not message.get("more_body"):
            return b"".join(chunks)


def _replay(body: bytes, receive):
    sent = False

    async def replayed():
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


class AsciiJSON(JSONResponse):
    """JSON with every non-ASCII character escaped. A message may quote the request ('Unknown
    field "..."'), and a lone surrogate from it ("\\ud800") cannot be encoded as UTF-8: that
    was a 500 (found by benchmarks/fuzz_http.py)."""

    def render(self, content) -> bytes:
        return json.dumps(content, separators=(",", ":")).encode("ascii")


def error_response(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """{"detail": ...} with the status; no-store, as every answer here may repeat a question."""
    headers = {"Cache-Control": "no-store"} | (headers or {})
    return AsciiJSON({"detail": detail}, status_code=status, headers=headers)

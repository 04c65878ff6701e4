"""Every request checked before Gradio or the JSON API sees it: method, route, body size, JSON and
the values of Gradio's calls; a failure reaches the log as its type and place, never its text."""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from dataclasses import dataclass

from starlette.responses import JSONResponse

METHODS = ("GET", "HEAD", "POST")
# the standard ones: the JSON API (/api/...) answers these itself, with a 405 naming POST
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT")
# Gradio's routes that take a POST from this app's page or API clients; any other is a 404
# (login, vibe-edit, run history, profiling, process_recording...: nothing here uses them).
_POSTS = re.compile(
    r"/gradio_api/(?:(?P<join>queue/join)|cancel|reset|call/(?P<v2>v2/)?(?P<name>[^/]+))/?"
)
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


@dataclass(frozen=True)
class Endpoints:
    """What Gradio's routes may be called with: API names -> (parameter, has default) in order,
    and queue events (fn_index) that run Python -> how many values they take."""

    api: dict[str, list[tuple[str, bool]]]
    events: dict[int, int]

    @classmethod
    def of(cls, demo) -> Endpoints:
        named = demo.get_api_info()["named_endpoints"]
        api = {
            name.lstrip("/"): [(p["parameter_name"], p["parameter_has_default"]) for p in info]
            for name, info in ((n, i["parameters"]) for n, i in named.items())
        }
        events = {i: len(fn.inputs) for i, fn in demo.fns.items() if fn.fn is not None}
        return cls(api, events)


class RequestGuard:
    """ASGI middleware: 405 for other methods, 404 for Gradio's POST routes the app does not use,
    413 over `max_body` bytes (ServeSettings.max_body_bytes), 400 for a body that is not JSON,
    404/422 for calls Gradio would answer with a 500 and a traceback (or an error that prints
    the visitor's values), and any exception logged as its type and place only, with a 500 that
    says so."""

    def __init__(self, app, endpoints: Endpoints, max_body: int):
        self.app, self.endpoints, self.max_body = app, endpoints, max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message):
            nonlocal started
            started = True
            await send(message)

        try:
            await self._checked(scope, receive, sending)
        except Exception as why:  # uvicorn would print a traceback, with the question in it
            frame = traceback.extract_tb(why.__traceback__)[-1]
            log.error("%s at %s:%s", type(why).__name__, frame.filename, frame.lineno)
            if not started:
                detail = "The server failed on this request; the error is logged."
                await error_response(500, detail)(scope, receive, send)

    async def _checked(self, scope, receive, send):
        path, method = scope["path"], scope["method"]
        api = path.startswith("/api/")
        if method not in (HTTP_METHODS if api else METHODS):
            allow = ", ".join(METHODS)
            detail = f"{method} is not allowed here; this app answers {allow}."
            await error_response(405, detail, {"Allow": allow})(scope, receive, send)
            return
        if method != "POST":
            await self.app(scope, receive, send)
            return
        route = None if api else _POSTS.fullmatch(path)
        if not api and route is None:
            detail = f"No POST route {path[:80]}; ask with POST /api/ask or /gradio_api/call/ask."
            await error_response(404, detail)(scope, receive, send)
            return
        body = await _read_body(scope, receive, self.max_body)
        problem = self._problem(body, route)
        if problem:
            await error_response(*problem)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    def _problem(self, body: bytes | None, route) -> tuple[int, str] | None:
        if body is None:
            limit = f"The body is over the {self.max_body:,}-byte limit"
            return 413, f"{limit}; a question may be at most 1,000 characters."
        if route is None:  # the JSON API checks its own bodies, with its own examples
            return None
        try:
            data = parse_json(body)
        except BadBody as why:
            return 400, f"The body is not valid JSON ({why}). {_SAY_JSON}."
        if not isinstance(data, dict):
            return 400, f"The body must be a JSON object. {_SAY_JSON}."
        if route["name"]:
            return self._call_problem(route["name"], data, v2=bool(route["v2"]))
        return self._event_problem(data) if route["join"] else None

    def _call_problem(self, name: str, data: dict, v2: bool) -> tuple[int, str] | None:
        """/gradio_api/call/<name> takes {"data": [values]}; /call/v2/<name> {parameter: value}."""
        params = self.endpoints.api.get(name)
        if params is None:  # private or unknown: Gradio answers 500 with a traceback
            names = ", ".join(f"/{n}" for n in self.endpoints.api)
            return 404, f"No API endpoint /{name[:40]}; the endpoints are {names}."
        names = [p for p, _ in params]
        order = f"/{name} takes {len(params)} value(s) in this order: {', '.join(names)}"
        if not v2:
            values = data.get("data")
            if not isinstance(values, list):
                return 422, f'{order}, as {{"data": [...]}}.'
            if len(values) < len(params):  # Gradio would print the values, the question
                return 422, f"{order}; the request has {len(values)}."
            return None
        unknown = [k for k in data if k not in names]
        missing = [p for p, has_default in params if not has_default and p not in data]
        if unknown or missing:
            what = f'unknown "{unknown[0][:40]}"' if unknown else f'"{missing[0]}" is missing'
            return 422, f"{order}, by name; {what}."
        return None

    def _event_problem(self, data: dict) -> tuple[int, str] | None:
        """/gradio_api/queue/join (the page's calls): an event that runs Python, and its values."""
        index, values = data.get("fn_index"), data.get("data")
        wanted = self.endpoints.events.get(index) if type(index) is int else None
        if wanted is None:
            return 422, f"No event with fn_index {json.dumps(index)[:40]}; reload the page."
        if not isinstance(values, list) or len(values) < wanted:
            got = len(values) if isinstance(values, list) else "none"
            return 422, f"Event {index} takes {wanted} value(s) in data; the request has {got}."
        if not isinstance(data.get("session_hash"), str):
            return 422, "The request has no session_hash; reload the page."
        return None


async def _read_body(scope, receive, limit: int) -> bytes | None:
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


def error_response(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """{"detail": ...} with the status; no-store, as every answer here may repeat a question."""
    headers = {"Cache-Control": "no-store"} | (headers or {})
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


class _QuietTraceback:
    """Stands in for the traceback module inside Gradio's queue and routes, which print every
    error of a call with its message, and messages hold the call's values (a visitor's question:
    "Received inputs: [...]", pydantic's input_value=...). Logs the type and place instead."""

    def print_exc(self, *args, **kwargs) -> None:
        kind, error, tb = sys.exc_info()
        where = traceback.extract_tb(tb)[-1] if tb else None
        place = f"{where.filename}:{where.lineno}" if where else "?"
        log.error("%s in a Gradio call at %s", kind.__name__ if kind else "Error", place)

    def __getattr__(self, name: str):
        return getattr(traceback, name)


def quiet_gradio_tracebacks() -> None:
    """Make Gradio log errors without their messages (see _QuietTraceback); idempotent."""
    from gradio import queueing, route_utils, routes, utils

    for module in (queueing, routes, route_utils, utils):
        module.traceback = _QuietTraceback()

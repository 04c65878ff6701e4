"""The JSON API beside the Gradio app: POST /api/ask and /api/search, one request per answer."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .feedback import FeedbackLog
from .guard import HTTP_METHODS, BadBody, error_response, parse_json
from .handlers import Handlers, UserError

EXAMPLE = '{"question": "Can I drive after a session?"}'
REQUIRED = object()
ASK_FIELDS = {"question": (str, REQUIRED), "earlier": (list, None)}
SEARCH_FIELDS = {
    "question": (str, REQUIRED),
    "k": (int, 5),
    "retriever": (str, "hybrid"),
    "article": (str, ""),
}
_KINDS = {str: "a string", int: "a whole number", list: "a list of strings (oldest first)"}
_NO_STORE = {"Cache-Control": "no-store"}  # answers repeat the question: no proxy may keep them
log = logging.getLogger(__name__)


class Problem(Exception):
    """A request the API refuses: HTTP status and a message naming the fix."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status, self.detail, self.headers = status, detail, headers or {}


class JsonApi:
    """POST /api/ask and /api/search over one FAQBot, with bounded concurrency and waiting.

    Up to `concurrency` answers run at once in worker threads (FAQBot is safe to call from
    several); up to `queue_size` more requests wait for a turn; beyond that a request gets 503
    with Retry-After at once. Each is the bot's ServeSettings value unless given.
    """

    def __init__(self, bot, *, concurrency: int | None = None, queue_size: int | None = None):
        settings = bot.settings.serve
        self.handlers = Handlers(bot, FeedbackLog(None))
        self.concurrency = concurrency or settings.api_concurrency
        self.queue_size = settings.queue_size if queue_size is None else queue_size
        self.max_body = settings.max_body_bytes
        self.retry_after = settings.retry_after_s
        self._pending = 0  # running + waiting; only touched on the event loop's thread
        self._limiter: anyio.CapacityLimiter | None = None

    @property
    def in_flight(self) -> int:
        """Requests being answered or waiting for a turn."""
        return self._pending

    @property
    def routes(self) -> list[Route]:
        """Starlette routes to put before the Gradio app's mount at /."""
        every = HTTP_METHODS  # so that a wrong one, OPTIONS and TRACE too, gets a message
        return [
            Route("/api/ask", self.ask, methods=every),
            Route("/api/search", self.search, methods=every),
            Route("/api/{name:path}", self.unknown, methods=every),
        ]

    async def ask(self, request: Request) -> JSONResponse:
        return await self._answer(request, "/api/ask", ASK_FIELDS, self.handlers.api_ask)

    async def search(self, request: Request) -> JSONResponse:
        return await self._answer(request, "/api/search", SEARCH_FIELDS, self._search)

    async def unknown(self, request: Request) -> JSONResponse:
        detail = f"No endpoint {request.url.path}; the endpoints are POST /api/ask, /api/search."
        return error_response(404, detail)

    def _search(self, question: str, k: int, retriever: str, article: str) -> dict:
        return self.handlers.api_search(question, k, retriever, article)

    async def _answer(self, request: Request, path: str, fields: dict, fn: Callable):
        try:
            if request.method != "POST":
                raise Problem(405, f"Use POST {path} with a JSON body, e.g. {EXAMPLE}.")
            values = _fields(await self._body(request), fields, path)
            return JSONResponse(await self._run(fn, values), headers=_NO_STORE)
        except Problem as why:
            allow = {"Allow": "POST"} if why.status == 405 else {}
            return error_response(why.status, why.detail, why.headers | allow)

    async def _body(self, request: Request) -> dict:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            raise Problem(415, f"Send JSON with Content-Type: application/json, e.g. {EXAMPLE}.")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.max_body:
                limit = f"The body is over the {self.max_body:,}-byte limit"
                raise Problem(413, f"{limit}; a question may be at most 1,000 characters.")
            chunks.append(chunk)
        try:
            data = parse_json(b"".join(chunks))
        except BadBody as why:
            problem = f"The body is not valid JSON ({why})"
            raise Problem(400, f"{problem}. Send e.g. {EXAMPLE}.") from None
        if not isinstance(data, dict):
            got = _json(data)
            raise Problem(400, f"The body must be a JSON object, e.g. {EXAMPLE}; got {got}.")
        return data

    async def _run(self, fn: Callable, values: dict):
        """fn(**values) in a worker thread, after waiting for a turn; 503 if too many wait."""
        if self._pending >= self.concurrency + self.queue_size:
            raise Problem(
                503,
                f"The bot is busy: {self.queue_size} questions are waiting. Try again in "
                f"{self.retry_after} s.",
                {"Retry-After": str(self.retry_after)},
            )
        if self._limiter is None:  # made here: it belongs to the server's event loop
            self._limiter = anyio.CapacityLimiter(self.concurrency)
        self._pending += 1
        try:
            return await anyio.to_thread.run_sync(_call, fn, values, limiter=self._limiter)
        finally:
            self._pending -= 1


def _call(fn: Callable, values: dict):
    try:
        return fn(**values)
    except UserError as why:
        raise Problem(422, str(why)) from None
    except Exception as why:  # the message or a traceback's locals could hold the question
        frame = traceback.extract_tb(why.__traceback__)[-1]
        log.error("%s at %s:%s", type(why).__name__, frame.filename, frame.lineno)
        raise Problem(500, "The bot failed on this request; the error is logged.") from None


def _fields(data: dict, fields: dict, path: str) -> dict:
    """The values for `fields` (name -> (type, default)): defaults filled, types checked."""
    names = ", ".join(f'"{n}"' for n in fields)
    unknown = [n for n in data if n not in fields]
    if unknown:
        raise Problem(422, f'Unknown field "{unknown[0][:40]}": {path} takes {names}.')
    values = {}
    for name, (kind, default) in fields.items():
        value = data.get(name, default)
        if value is REQUIRED:
            raise Problem(422, f'The field "{name}" is missing; send e.g. {EXAMPLE}.')
        if value is None and default is None:  # optional and absent: fn's own default
            continue
        if kind is int and isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise Problem(422, f'"{name}" must be {_KINDS[kind]}, got {_json(value)}.')
        values[name] = value
    return values


def _json(value) -> str:
    """How a JSON value is named in a message: its type, or the value itself for a number."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | float):
        return repr(value)
    return {str: "a string", list: "a list", dict: "an object"}.get(type(value), "another type")

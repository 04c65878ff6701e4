"""What Gradio's call and queue routes may be sent, checked before Gradio sees it, and Gradio's
own errors logged without the values they quote.

Gradio answered these with a 500 and a traceback, or ran them and printed the visitor's values
on stderr: an unknown or private API name, too few values, values its components cannot read,
a click event without its event data, an empty session id (all found from outside, issue 15).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

Problem = tuple[int, str]  # HTTP status and a message naming the fix
# The optional fields of Gradio's call and queue bodies, with their JSON types: a wrong type got
# FastAPI's 422, a list that echoes the input back, instead of a message
_OPTIONAL = {
    "session_hash": str,
    "oauth_token": str,
    "event_id": str,
    "trigger_id": int,
    "simple_format": bool,
    "batched": bool,
}
_KINDS = {str: "a string", int: "a whole number", bool: "true or false"}
_SESSION = re.compile(r"[A-Za-z0-9_-]{1,100}")  # the page's ids; "" was a KeyError, a 500
_JSON_TYPES = {"string": str, "number": (int, float), "integer": int, "boolean": bool}
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """A queue event that runs Python: a check of each input's value as its component reads it
    (None: any value, e.g. state kept on the server) and whether it takes event data (a click's
    index and value)."""

    checks: tuple[Callable[[object], bool] | None, ...]
    event_data: bool


@dataclass(frozen=True)
class Endpoints:
    """What Gradio's routes may be called with: API names -> (parameter, has default) in order,
    and the queue events (fn_index) that run Python."""

    api: dict[str, list[tuple[str, bool]]]
    events: dict[int, Event]
    queue: object = None  # Gradio's queue, to tell whether an event stream has anything to read

    @classmethod
    def of(cls, demo) -> Endpoints:
        named = demo.get_api_info()["named_endpoints"]
        api = {
            name.lstrip("/"): [(p["parameter_name"], p["parameter_has_default"]) for p in info]
            for name, info in ((n, i["parameters"]) for n, i in named.items())
        }
        events = {i: _event(fn) for i, fn in demo.fns.items() if fn.fn is not None}
        return cls(api, events, demo._queue)

    def waiting(self, event: str | None, session: str | None) -> bool:
        """Whether Gradio holds the event (or the session's events) a stream would read."""
        queue = self.queue
        if queue is None:
            return True
        if event is None:
            return session in queue.pending_messages_per_session
        pending = queue.pending_event_ids_session.values()
        return event in queue.event_ids_to_events or any(event in ids for ids in pending)

    def call_problem(self, name: str, data: dict, v2: bool) -> Problem | None:
        """/gradio_api/call/<name> takes {"data": [values]}; /call/v2/<name> {parameter: value}."""
        params = self.api.get(name)
        if params is None:  # private or unknown: Gradio answers 500 with a traceback
            names = ", ".join(f"/{n}" for n in self.api)
            return 404, f"No API endpoint /{name[:40]}; the endpoints are {names}."
        names = [p for p, _ in params]
        order = f"/{name} takes {len(params)} value(s) in this order: {', '.join(names)}"
        if v2:
            unknown = [k for k in data if k not in names]
            missing = [p for p, has_default in params if not has_default and p not in data]
            if unknown or missing:
                what = f'unknown "{unknown[0][:40]}"' if unknown else f'"{missing[0]}" is missing'
                return 422, f"{order}, by name; {what}."
            return None
        values = data.get("data")
        if not isinstance(values, list):
            return 422, f'{order}, as {{"data": [...]}}.'
        if len(values) < len(params):  # Gradio would print the values, the question
            return 422, f"{order}; the request has {len(values)}."
        return typed(data)

    def event_problem(self, data: dict) -> Problem | None:
        """/gradio_api/queue/join (the page's calls): an event that runs Python, its values."""
        index, values = data.get("fn_index"), data.get("data")
        event = self.events.get(index) if type(index) is int else None
        if event is None:
            return 422, f"No event with fn_index {json.dumps(index)[:40]}; reload the page."
        if not isinstance(values, list) or len(values) < len(event.checks):
            got = len(values) if isinstance(values, list) else "none"
            wanted = len(event.checks)
            return 422, f"Event {index} takes {wanted} value(s) in data; the request has {got}."
        if not isinstance(data.get("session_hash"), str):
            return 422, "The request has no session_hash; reload the page."
        click = data.get("event_data")
        if event.event_data and not (isinstance(click, dict) and {"index", "value"} <= set(click)):
            return (
                422,
                f"Event {index} needs event_data with an index and a value; reload the page.",
            )
        for n, (check, value) in enumerate(zip(event.checks, values, strict=False), start=1):
            if check is not None and value is not None and not check(value):
                return (
                    422,
                    f"Event {index}: value {n} is not what its component takes; reload the page.",
                )
        return typed(data)


def typed(data: dict) -> Problem | None:
    """The optional fields of a call or queue body, if given, have Gradio's types."""
    for name, kind in _OPTIONAL.items():
        value = data.get(name)
        if name == "session_hash" and isinstance(value, str) and not _SESSION.fullmatch(value):
            return 422, '"session_hash" must be 1 to 100 letters, digits, "-" or "_".'
        if value is not None and type(value) is not kind:
            got = {list: "a list", dict: "an object", str: "a string"}.get(type(value), repr(value))
            return 422, f'"{name}" must be {_KINDS[kind]} or null, got {got[:40]}.'
    return None


def _event(fn) -> Event:
    from gradio.events import EventData

    try:
        hints = typing.get_type_hints(fn.fn).values()
    except Exception:  # a hint that cannot be resolved: Gradio then passes no event data either
        hints = ()
    takes = any(isinstance(h, type) and issubclass(h, EventData) for h in hints)
    return Event(tuple(_check(block) for block in fn.inputs), takes)


def _check(block) -> Callable[[object], bool] | None:
    """How to tell a value the component can read: its data model (as Gradio checks it in
    blocks.preprocess_data) or, for plain components, the JSON type of its API description."""
    if getattr(block, "stateful", False):
        return None  # Gradio uses the server's copy, not the value sent
    model = getattr(block, "data_model", None)
    if model is not None:
        return partial(_valid, model)
    try:
        kind = _JSON_TYPES.get(block.api_info().get("type"))
    except Exception:  # a component with no API description: Gradio's preprocess decides
        return None
    return None if kind is None else partial(_of_type, kind)


def _valid(model, value) -> bool:
    try:
        model.model_validate(value, context={"validate_meta": True})
    except Exception:  # pydantic's ValidationError, or a TypeError on odd input
        return False
    return True


def _of_type(kind, value) -> bool:
    return isinstance(value, kind) and (kind is bool or not isinstance(value, bool))


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

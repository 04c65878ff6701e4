"""The HTTP server: the Gradio app and the JSON API behind one origin policy, no file routes,
every request checked (guard.py), run by uvicorn."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

import gradio as gr
import uvicorn
from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse

from ..settings import ServeSettings
from .assets import CSS
from .gradio_calls import Endpoints, quiet_gradio_tracebacks
from .guard import RequestGuard
from .json_api import JsonApi
from .staff_app import STAFF_CSS
from .staff_gate import STAFF_PATH, StaffGate

# What launch() fixes for every deployment: never shared, no analytics, monitoring, run history,
# server-side rendering, MCP or uploads, and errors without stack traces.
GRADIO_SETTINGS = dict(
    footer_links=["api"],
    run_history=False,  # would keep visitors' questions in the browser's storage
    enable_monitoring=False,
    ssr_mode=False,
    pwa=False,
    mcp_server=False,
    show_error=False,
    max_file_size="1kb",
)
# Gradio's routes that write or serve files or fetch URLs. The app has no file inputs or outputs,
# and Gradio's file= route would serve anything in its shared upload folder (/tmp/gradio), even
# files other apps or earlier runs left there; process_recording took and echoed uploads.
REFUSED_SEGMENTS = frozenset({"upload", "upload_progress", "file", "stream", "process_recording"})
REFUSED_PREFIXES = ("file=", "proxy=")


def parse_origins(text: str | Iterable[str]) -> tuple[str, ...]:
    """Origins from a comma-separated setting, e.g. "https://clinic.example,https://a.example".

    Raises:
        ValueError: an entry is not scheme://host[:port] (a path, a slash at the end, or "*").
    """
    items = text.split(",") if isinstance(text, str) else list(text)
    origins = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        parts = urlsplit(item)
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or item.lower() != _origin(parts)
        ):
            raise ValueError(
                f"FAQBOT_ALLOWED_ORIGINS entry {item!r} is not an origin. Write "
                "scheme://host[:port] with nothing after it, e.g. https://clinic.example"
            )
        origins.append(_origin(parts))  # browsers send the host in lower case
    return tuple(origins)


def _origin(parts) -> str:
    return f"{parts.scheme}://{parts.netloc}".lower()


def refused(path: str) -> bool:
    """True for a (percent-decoded) path into Gradio's file, upload or proxy routes."""
    segments = path.split("/")
    return bool(REFUSED_SEGMENTS.intersection(segments)) or any(
        s.startswith(REFUSED_PREFIXES) for s in segments
    )


class NoFileRoutes:
    """ASGI middleware: 403 for Gradio's file, upload and proxy routes, however spelled."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and refused(scope["path"]):
            response = PlainTextResponse("This app serves and accepts no files.", status_code=403)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def http_app(
    demo: gr.Blocks,
    settings: ServeSettings,
    *,
    allowed_origins: Iterable[str] = (),
    api: JsonApi | None = None,
    staff: gr.Blocks | None = None,
    staff_token: str | None = None,
) -> FastAPI:
    """The demo mounted at / in a FastAPI app with the origin policy and no file routes, and the
    JSON API's routes (/api/...) beside it when `api` is given. The staff desk `staff` is
    mounted at /staff behind `staff_token` (staff_gate.py); without both, /staff is a 404.

    Cross-origin policy: browsers may read answers only on the app's own pages and on the
    `allowed_origins` (exact scheme://host[:port]); no cookies are shared with them. Gradio's own
    policy would echo any Origin back when the app is reached by a public host name.
    """
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    quiet_gradio_tracebacks()
    desk = staff if staff is not None and staff_token else None
    mounts = {STAFF_PATH: Endpoints.of(desk)} if desk else {}
    # outermost last: CORS, no file routes, the staff desk's token, every other request checked
    app.add_middleware(
        RequestGuard,
        endpoints=Endpoints.of(demo),
        max_body=settings.max_body_bytes,
        mounts=mounts,
    )
    app.add_middleware(StaffGate, token=staff_token if desk else None)
    app.add_middleware(NoFileRoutes)
    # Its presence also tells Gradio to leave CORS to us (gradio.route_utils.CustomCORSMiddleware).
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(parse_origins(allowed_origins)),
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type"],
        allow_credentials=False,
    )
    if api is not None:
        app.router.routes.extend(api.routes)  # before the mount at /, which would take every path
    demo.state_session_capacity = settings.session_capacity  # read by mount_gradio_app
    if desk:  # before the mount at /, which would take every path
        desk.state_session_capacity = settings.session_capacity
        gr.mount_gradio_app(app, desk, STAFF_PATH, css=CSS + STAFF_CSS, **GRADIO_SETTINGS)
    return gr.mount_gradio_app(app, demo, "/", css=CSS, **GRADIO_SETTINGS)


def http_server(app: FastAPI, host: str, port: int) -> uvicorn.Server:
    """A uvicorn server for `app`; no access log (it would record visitors' addresses)."""
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
    return uvicorn.Server(config)


def launch(app: FastAPI, host: str, port: int) -> None:
    """Serve `app` on host:port until stopped (Ctrl-C)."""
    print(f"Serving the FAQ bot on http://{host}:{port} (Ctrl-C stops it)", flush=True)
    try:
        http_server(app, host, port).run()
    except KeyboardInterrupt:  # uvicorn re-raises Ctrl-C once it has shut down cleanly
        print("Stopped.", flush=True)

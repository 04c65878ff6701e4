"""Test helpers: the web app on a free loopback port in a thread, and raw HTTP requests to it."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from contextlib import contextmanager

from faqbot.ui import CSS
from faqbot.ui_http import http_app, http_server

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextmanager
def serving(demo, allowed_origins=()):
    """Yield (host, port) of `demo` served as launch() serves it; stop it afterwards."""
    port = free_port()
    server = http_server(http_app(demo, css=CSS, allowed_origins=allowed_origins), HOST, port)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the app did not start on {HOST}:{port}")
        time.sleep(0.02)
    try:
        yield HOST, port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def raw_get(address, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """GET `path` exactly as written: no normalising of ../ or %2e%2e (unlike httpx/requests)."""
    conn = http.client.HTTPConnection(*address, timeout=10)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()

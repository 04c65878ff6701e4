"""Test helpers: the web app on a free loopback port (in a thread, or `python app.py` in its own
process), raw HTTP requests to it, one `ask` through the HTTP API, and a process's memory."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

from faqbot.serve.http import http_app, http_server
from faqbot.settings import ServeSettings

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextmanager
def serving(demo, allowed_origins=(), api=None, staff=None, staff_token=None):
    """Yield (host, port) of `demo` (and the JsonApi `api`, the staff desk `staff` behind
    `staff_token`) served as app.py serves them; stop it afterwards."""
    port = free_port()
    app = http_app(
        demo,
        ServeSettings(),
        allowed_origins=allowed_origins,
        api=api,
        staff=staff,
        staff_token=staff_token,
    )
    server = http_server(app, HOST, port)
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


@contextmanager
def app_process(log: Path, prelude: str = "", **env: str):
    """Yield (base URL, Popen) of `python app.py` on a free port; stopped (SIGINT) afterwards.

    `prelude` is Python run in the app's process first, e.g. to change a module constant.
    """
    port = free_port()
    env = os.environ | {"FAQBOT_HOST": HOST, "FAQBOT_PORT": str(port), "FAQBOT_FEEDBACK": ""} | env
    run_app = f"{prelude}\nimport runpy; runpy.run_path('app.py', run_name='__main__')"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", run_app], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"app.py exited with {proc.returncode}: {log.read_text()[-2000:]}"
                )
            try:
                httpx.get(base + "/gradio_api/info", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no answer in 180 s: {log.read_text()[-2000:]}") from None
                time.sleep(0.3)
        yield base, proc
    finally:
        proc.send_signal(signal.SIGINT)  # as Ctrl-C
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MiB, from /proc/<pid>/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def ask_http(client: httpx.Client, base: str, question: str) -> tuple[int, str, object]:
    """(HTTP status of the POST, final SSE event or "", payload) of one ask through the API."""
    body = json.dumps({"data": [question]}).encode("ascii")  # "\ud800" stays legal as ASCII
    headers = {"Content-Type": "application/json"}
    posted = client.post(f"{base}/gradio_api/call/ask", content=body, headers=headers)
    if posted.status_code != 200:
        return posted.status_code, "", posted.json().get("detail")
    stream = client.get(f"{base}/gradio_api/call/ask/{posted.json()['event_id']}").text
    events = [line[7:] for line in stream.splitlines() if line.startswith("event: ")]
    data = [line[6:] for line in stream.splitlines() if line.startswith("data: ")]
    return 200, events[-1] if events else "", json.loads(data[-1]) if data else None

"""Start the app on a free loopback port and call its `ask` endpoint with plain HTTP (httpx).

The JSON API (`ask_json`): one POST /api/ask {"question": ...}, the reply as JSON.
Gradio 6's two-step API (`ask`): POST /gradio_api/call/ask {"data": [question]} returns an event
id; GET /gradio_api/call/ask/<event_id> streams server-sent events, ending in `event: complete`
(data: the outputs as a JSON list) or `event: error`.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


class AskError(RuntimeError):
    """The API answered, but not with a completed reply."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def app_env(port: int) -> dict[str, str]:
    return os.environ | {
        "FAQBOT_HOST": HOST,
        "FAQBOT_PORT": str(port),
        "FAQBOT_FEEDBACK": "",  # no feedback file written by benchmark runs
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
    }


def start_app(port: int, prelude: str = "", settings: str = "") -> subprocess.Popen:
    """`python app.py` in its own process group, output discarded; `prelude` is Python run in
    the app's process first; `settings` is FAQBOT_SETTINGS, e.g. '{"api_concurrency": 2}'."""
    app = str(ROOT / "app.py")
    run_app = f"{prelude}\nimport runpy; runpy.run_path({app!r}, run_name='__main__')"
    return subprocess.Popen(
        [sys.executable, "-c", run_app] if prelude else [sys.executable, app],
        cwd=ROOT,
        env=app_env(port) | ({"FAQBOT_SETTINGS": settings} if settings else {}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop_app(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def ask(client: httpx.Client, base: str, question: str, timeout: float = 30.0) -> list:
    """One answer through Gradio's API; raises AskError or httpx.HTTPError on failure."""
    posted = client.post(f"{base}/gradio_api/call/ask", json={"data": [question]}, timeout=timeout)
    posted.raise_for_status()
    got = client.get(f"{base}/gradio_api/call/ask/{posted.json()['event_id']}", timeout=timeout)
    got.raise_for_status()
    return _outputs(got.text)


async def ask_async(
    client: httpx.AsyncClient, base: str, question: str, timeout: float = 30.0
) -> list:
    """`ask` on an async client."""
    url = f"{base}/gradio_api/call/ask"
    posted = await client.post(url, json={"data": [question]}, timeout=timeout)
    posted.raise_for_status()
    got = await client.get(f"{url}/{posted.json()['event_id']}", timeout=timeout)
    got.raise_for_status()
    return _outputs(got.text)


def _outputs(stream: str) -> list:
    """The outputs of the `complete` event in a Gradio event stream."""
    event = None
    for line in stream.splitlines():
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and event in ("complete", "error"):
            data = json.loads(line.split(":", 1)[1])
            if event == "error":
                raise AskError(f"error event: {data}")
            return data
    raise AskError(f"no complete event in {stream[:200]!r}")


async def ask_json_async(
    client: httpx.AsyncClient, base: str, question: str, timeout: float = 30.0
) -> dict:
    """One answer through the JSON API (POST /api/ask); raises AskError or httpx.HTTPError."""
    response = await client.post(f"{base}/api/ask", json={"question": question}, timeout=timeout)
    if response.status_code != 200:
        raise AskError(f"{response.status_code}: {response.text[:200]}")
    return response.json()


def wait_for_answer(
    proc: subprocess.Popen, base: str, question: str, limit: float = 120.0
) -> float:
    """Poll until `ask` answers; returns the perf_counter time of the answer.

    Raises:
        RuntimeError: the app exited, or gave no answer within `limit` seconds.
    """
    deadline = time.perf_counter() + limit
    with httpx.Client() as client:
        while time.perf_counter() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"app.py exited with code {proc.returncode} before answering")
            try:
                ask(client, base, question, timeout=limit)
                return time.perf_counter()
            except (httpx.HTTPError, AskError, KeyError, ValueError):
                time.sleep(0.05)
    raise RuntimeError(f"app.py gave no answer within {limit:.0f} s")

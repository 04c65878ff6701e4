"""The HTTP API under bounded concurrent load on loopback: no errors, memory flat, queue bounded.

The long run (50 clients for 30 s and more, with figures) is benchmarks/load_soak.py; this is the
short version CI can afford.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from faqbot.serve.gradio_app import build_ui
from tests.conftest import BlockingEncoder, tiny_faqbot
from tests.servers import app_process, ask_http, rss_mb, serving

pytestmark = pytest.mark.load

CLIENTS = 50
QUESTIONS = [
    "Can I drive after a session?",
    "How fast does ketamine work for depression?",
    "what is the train timetable to Boston",
    "I want to kill myself",
    "<script>alert(1)</script> how much does it cost?",
    "can I drive \ud800 home?",
    "how long does it last " * 60,  # over the limit: a reply with a note
]


def _round(base: str, per_client: int) -> list[str]:
    """CLIENTS clients ask per_client questions each at once; the failures, described."""

    def client(n: int) -> list[str]:
        failures = []
        with httpx.Client(timeout=120) as http:
            for i in range(per_client):
                question = QUESTIONS[(n + i) % len(QUESTIONS)]
                status, event, payload = ask_http(http, base, question)
                if status != 200 or event != "complete":
                    failures.append(f"{status} {event} {str(payload)[:100]}")
                elif "kill myself" in question and "988" not in payload[0]["markdown"]:
                    failures.append("crisis reply without 988")
        return failures

    with ThreadPoolExecutor(CLIENTS) as pool:
        return [f for failures in pool.map(client, range(CLIENTS)) for f in failures]


@pytest.mark.slow
def test_fifty_clients_get_every_answer_and_server_memory_stays_flat(tmp_path, real_index):
    # Gradio keeps per-session state and each API call is a session; a smaller cap than the
    # app's 1,000 (ServeSettings.session_capacity) lets a short run reach the plateau.
    settings = '{"session_capacity": 100}'
    # serves index/, built once for the run (real_index)
    with app_process(tmp_path / "app.log", FAQBOT_SETTINGS=settings) as (base, proc):
        assert _round(base, 3) == []  # 150 calls: warm, and past the session cap
        start = rss_mb(proc.pid)
        assert _round(base, 4) == []
        middle = rss_mb(proc.pid)
        assert _round(base, 4) == []
        end = rss_mb(proc.pid)
    # each round is 200 calls; without the cap each call keeps ~55 KB, 11 MB a round
    assert end - middle < 8, f"RSS MiB {start:.0f} -> {middle:.0f} -> {end:.0f}"
    log = (tmp_path / "app.log").read_text()
    assert "Traceback" not in log and "ERROR" not in log, log[-2000:]


def test_a_full_queue_answers_busy_before_any_queued_answer(tmp_path):
    # Behaviour, not timing: with the running answer held, the calls beyond the queue's room are
    # refused while every admitted one is still waiting; then the admitted ones all complete.
    bot = tiny_faqbot(tmp_path)
    encoder = bot.retriever._encoder = BlockingEncoder()
    demo = build_ui(bot)
    demo.queue(max_size=2, default_concurrency_limit=1, api_open=False)  # as build_ui, tiny
    url = "/gradio_api/call/ask"

    def post(i: int) -> httpx.Response:
        body = {"data": [f"Can I drive after session {i}?"]}
        return httpx.post(base + url, json=body, timeout=60)

    with serving(demo) as (host, port), ThreadPoolExecutor(11) as pool:
        base = f"http://{host}:{port}"
        running = post(0)
        _until(lambda: encoder.held == 1)  # the first answer is running, and held
        posted = list(pool.map(post, range(1, 12)))
        statuses = sorted(r.status_code for r in posted)
        assert encoder.held == 1  # still held: no admitted question has been answered
        encoder.release.set()
        admitted = [running] + [r for r in posted if r.status_code == 200]
        streams = [
            httpx.get(f"{base}{url}/{r.json()['event_id']}", timeout=60).text for r in admitted
        ]
    assert statuses == [200] * 2 + [503] * 9  # two wait in the queue, nine are refused
    busy = {r.json()["detail"] for r in posted if r.status_code == 503}
    assert busy == {"Queue is full. Max size is 2 and size is 2."}
    assert [s.startswith("event: complete") for s in streams] == [True] * 3, streams


def _until(condition, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)

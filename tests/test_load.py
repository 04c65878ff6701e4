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
from tests.conftest import FakeEncoder, tiny_faqbot
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


def test_fifty_clients_get_every_answer_and_server_memory_stays_flat(tmp_path):
    # Gradio keeps per-session state and each API call is a session; a smaller cap than the
    # app's 1,000 (ServeSettings.session_capacity) lets a short run reach the plateau.
    settings = '{"session_capacity": 100}'
    with app_process(tmp_path / "app.log", FAQBOT_SETTINGS=settings) as (base, proc):
        assert _round(base, 3) == []  # 150 calls: warm, and past the session cap
        start = rss_mb(proc.pid)
        assert _round(base, 5) == []
        middle = rss_mb(proc.pid)
        assert _round(base, 5) == []
        end = rss_mb(proc.pid)
    # each round is 250 calls; without the cap each call keeps ~55 KB, 13 MB a round
    assert end - middle < 8, f"RSS MiB {start:.0f} -> {middle:.0f} -> {end:.0f}"
    log = (tmp_path / "app.log").read_text()
    assert "Traceback" not in log and "ERROR" not in log, log[-2000:]


class SlowEncoder(FakeEncoder):
    def encode(self, texts):
        time.sleep(0.25)
        return super().encode(texts)


def test_a_full_queue_answers_busy_at_once_instead_of_hanging(tmp_path):
    bot = tiny_faqbot(tmp_path)
    bot.retriever._encoder = SlowEncoder()  # ~0.25 s per question from here on
    demo = build_ui(bot)
    demo.queue(max_size=2, default_concurrency_limit=1, api_open=False)  # as build_ui, tiny

    def one(i: int) -> tuple[int, str, object, float]:
        with httpx.Client(timeout=60) as http:
            start = time.perf_counter()
            status, event, payload = ask_http(http, base, f"Can I drive after session {i}?")
            return status, event, payload, time.perf_counter() - start

    with serving(demo) as (host, port):
        base = f"http://{host}:{port}"
        with ThreadPoolExecutor(12) as pool:
            results = list(pool.map(one, range(12)))
    answered = [r for r in results if r[:2] == (200, "complete")]
    busy = [r for r in results if r[0] == 503]
    assert len(answered) + len(busy) == 12, results
    assert len(answered) >= 3 and len(busy) >= 5
    assert {r[2] for r in busy} == {"Queue is full. Max size is 2 and size is 2."}
    assert max(r[3] for r in busy) < 2.0  # refused at once, while answers take ~0.25 s each

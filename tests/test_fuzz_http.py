"""A short fuzz run against the question routes (tiny bot, real server): no request gets a 5xx
or a 4xx without a message, and the server prints no traceback. benchmarks/fuzz_http.py runs
2,000 cases and more against `python app.py` with the real model (docs/RELIABILITY.md)."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, given, settings

from faqbot.serve.gradio_app import build_ui
from faqbot.serve.json_api import JsonApi
from tests.conftest import tiny_faqbot
from tests.fuzz_http import Tally, requests, send
from tests.servers import serving

CASES = 150


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    bot = tiny_faqbot(tmp_path_factory.mktemp("fuzz"))
    with serving(build_ui(bot), api=JsonApi(bot)) as (host, port):
        with httpx.Client(timeout=60) as http:
            yield http, f"http://{host}:{port}"


def test_no_request_gets_a_server_error(server, capfd):
    http, base = server
    tally = Tally()

    @settings(
        max_examples=CASES,
        deadline=None,  # a busy machine is not a failure
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )
    @given(requests())
    def one(request):
        send(http, base, request, tally)

    one()
    out, err = capfd.readouterr()
    assert tally.failures == [] and tally.silent == []
    assert sum(n for s, n in tally.statuses.items() if isinstance(s, int)) == CASES
    assert {200, 400, 422} <= set(tally.statuses)  # the run reached answers and refusals
    assert "Traceback" not in out + err, (out + err)[-3000:]

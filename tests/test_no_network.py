"""No outbound network: load, build, ask and app start in a process where only loopback connects.

A sitecustomize.py put first on PYTHONPATH wraps the socket layer before anything is imported:
connecting, sending or resolving a name beyond loopback is refused and written to a log. The test
fails if the log holds anything but the guard's own self-check.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import ROOT
from tests.servers import free_port

pytestmark = pytest.mark.e2e

GUARD = r"""
import errno, os, socket, traceback

_LOG = os.environ["NO_NETWORK_LOG"]
_LOOPBACK_NAMES = {"localhost", "::1", "::ffff:127.0.0.1", "ip6-localhost"}


def _local(host) -> bool:
    host = host.decode() if isinstance(host, bytes) else str(host)
    return host in _LOOPBACK_NAMES or host.startswith("127.")


def _refuse(what, target):
    stack = "".join(traceback.format_stack(limit=12)[:-2])
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(f"REFUSED {what} {target!r}\n{stack}\n")
    raise OSError(errno.ENETUNREACH, f"outbound network refused by the test: {target!r}")


def _inet(sock) -> bool:
    return sock.family in (socket.AF_INET, socket.AF_INET6)


def _wrap_socket_method(name):
    original = getattr(socket.socket, name)

    def guarded(self, *args):
        address = args[-1] if name == "sendto" else args[0]
        if _inet(self) and not _local(address[0]):
            _refuse(name, address)
        return original(self, *args)

    setattr(socket.socket, name, guarded)


for _name in ("connect", "connect_ex", "sendto"):
    _wrap_socket_method(_name)


def _wrap_resolver(name):
    original = getattr(socket, name)

    def guarded(host, *args, **kwargs):
        if host not in (None, "", b"") and not _local(host):
            _refuse(name, host)
        return original(host, *args, **kwargs)

    setattr(socket, name, guarded)


for _name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
    _wrap_resolver(_name)
"""

SCRIPT = r"""
import socket, sys
from pathlib import Path

root, index = Path(sys.argv[1]), Path(sys.argv[2])
sys.path.insert(0, str(root))
for attempt in (  # the guard's self-check: these two refusals are expected in the log
    lambda: socket.create_connection(("example.com", 80), timeout=3),
    lambda: socket.socket().connect(("93.184.215.14", 80)),
):
    try:
        attempt()
        sys.exit("the guard let a connection out")
    except OSError:
        pass

from faqbot import FAQBot  # the Python API, with no offline setting in the environment

bot = FAQBot.load(index_dir=index)  # builds the index with the bundled model, ONNX export too
assert bot.index.manifest["query_encoder"] == "onnx", bot.index.manifest["query_encoder"]
reply = bot.ask("Can I drive after a session?")
assert reply.quotes and not reply.abstained
assert bot.ask("I want to end my life").crisis_level == "acute"
print("API OK", flush=True)

import app  # app start exactly as `python app.py`: sets its environment, loads, serves

app.main([])  # the paths above are this script's arguments, not the app's
"""


def test_load_build_ask_and_app_start_make_no_outbound_connection(tmp_path):
    (tmp_path / "guard").mkdir()
    (tmp_path / "guard" / "sitecustomize.py").write_text(GUARD)
    log = tmp_path / "refused.log"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    env.pop("GRADIO_ANALYTICS_ENABLED", None)
    env |= {
        "PYTHONPATH": str(tmp_path / "guard"),
        "NO_NETWORK_LOG": str(log),
        "FAQBOT_PORT": str(port),
        "FAQBOT_FEEDBACK": "",
    }
    out = tmp_path / "app.out"
    with out.open("w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-c", SCRIPT, str(ROOT), str(tmp_path / "index")],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 150
        while True:
            assert proc.poll() is None, f"exited {proc.returncode}:\n{out.read_text()[-3000:]}"
            try:
                page = httpx.get(url + "/", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, out.read_text()[-3000:]
                time.sleep(0.5)
        assert page.status_code == 200
        posted = httpx.post(url + "/gradio_api/call/ask", json={"data": ["Can I drive?"]})
        event_id = posted.json()["event_id"]
        result = httpx.get(f"{url}/gradio_api/call/ask/{event_id}", timeout=30).text
        assert result.startswith("event: complete"), result[:300]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    output = out.read_text()
    assert "API OK" in output and "Traceback" not in output, output[-3000:]
    refused = log.read_text().split("REFUSED ")[1:]
    assert refused[0].startswith("getaddrinfo 'example.com'")  # the self-check
    assert refused[1].startswith("connect ('93.184.215.14', 80)")
    assert refused[2:] == [], "".join(refused[2:])

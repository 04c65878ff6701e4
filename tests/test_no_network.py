"""No outbound network: build, ask, search and the app, in a network namespace with no network,
under strace, which records every connect(), sendto() and sendmsg() of every process and thread,
native code included (ONNX Runtime's telemetry looked up mobile.events.data.microsoft.com from
C++, which a Python socket guard could not see). Only loopback and local sockets may appear.

The namespace has only a loopback interface, so nothing can leave even if something tries; the
trace shows the try. Nothing offline is set in the environment: the app's own code must do it.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.servers import free_port

# Runs inside the namespace, under strace: the CLI (build, ask), the Python API and the app, each
# asked. (The CLI's search runs the same code as the API's, asked below.)
DRIVER = r"""
import json, os, signal, subprocess, sys, time, urllib.request

root, corpus, index, port = sys.argv[1:5]
faqbot = [sys.executable, "-m", "faqbot", "--corpus", corpus, "--index", index]
subprocess.run([*faqbot, "build"], cwd=root, check=True)
ask = subprocess.run([*faqbot, "ask", "--json", "Does ketamine help with anxiety?"], cwd=root,
                     check=True, capture_output=True)
assert json.loads(ask.stdout)["passages"], ask.stdout[:300]
print("CLI OK", flush=True)

sys.path.insert(0, root)
from faqbot import FAQBot  # the Python API: loads the index just built, ONNX query encoder
bot = FAQBot.load(corpus, index, rebuild=False)
assert bot.ask("I want to end my life").crisis_level == "acute"
assert len(bot.search("cost", k=2)) == 2
print("API OK", flush=True)

env = os.environ | {"FAQBOT_PORT": port, "FAQBOT_FEEDBACK": ""}
started = time.monotonic()
app = subprocess.Popen([sys.executable, "app.py"], cwd=root, env=env)
base = f"http://127.0.0.1:{port}"
def post(path, body):
    request = urllib.request.Request(base + path, json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())
deadline = time.monotonic() + 240
while True:
    try:
        urllib.request.urlopen(base + "/", timeout=2).read()
        break
    except OSError:
        assert app.poll() is None and time.monotonic() < deadline, "the app did not start"
        time.sleep(0.5)
assert post("/api/ask", {"question": "Can I drive after a session?"})["passages"]
assert len(post("/api/search", {"question": "side effects", "k": 2})["passages"]) == 2
event = post("/gradio_api/call/ask", {"data": ["How many sessions?"]})["event_id"]
with urllib.request.urlopen(f"{base}/gradio_api/call/ask/{event}", timeout=60) as response:
    assert response.read().startswith(b"event: complete")
# ONNX Runtime uploads its events some 10 s after it is imported (at the app's start): stay up
# until 20 s after the start, and at least 5 s, asking
end = max(started + 20, time.monotonic() + 5)
while time.monotonic() < end:
    post("/api/ask", {"question": "How many sessions will I need?"})
    time.sleep(1)
app.send_signal(signal.SIGINT)
assert app.wait(timeout=60) == 0
print("APP OK", flush=True)
"""

_CALL = re.compile(r"^\d+\s+(connect|sendto|sendmsg|sendmmsg)\(")
_FAMILY = re.compile(r"sa_family=(AF_INET6?)\b")
_ADDRESS = re.compile(r'inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6?, "([^"]+)"')


def outbound(trace: str) -> list[str]:
    """The traced calls (strace -f lines) that name an internet address beyond loopback; a call
    on an internet socket whose address cannot be read counts as outbound too."""
    found = []
    for line in trace.splitlines():
        if not _CALL.match(line) or not _FAMILY.search(line):
            continue  # other calls, AF_UNIX, AF_NETLINK, or no address (a connected socket)
        addresses = [a or b for a, b in _ADDRESS.findall(line)]
        if not addresses or not all(_loopback(a) for a in addresses):
            found.append(line)
    return found


def _loopback(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    mapped = getattr(ip, "ipv4_mapped", None)
    return ip.is_loopback or bool(mapped and mapped.is_loopback)


def test_outbound_finds_internet_targets_and_ignores_local_ones():
    trace = """\
101 connect(8, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = -1 ENETUNREACH (Network is unreachable)
101 connect(9, {sa_family=AF_INET, sin_port=htons(7860), sin_addr=inet_addr("127.0.0.1")}, 16) = 0
102 connect(3, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2606:4700::1", &sin6_addr), sin6_scope_id=0}, 28 <unfinished ...>
102 connect(4, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0
102 connect(5, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::ffff:127.0.0.1", &sin6_addr), sin6_scope_id=0}, 28) = 0
103 connect(6, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT (No such file or directory)
103 sendto(7, "...", 20, 0, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 20
103 sendto(8, "\\1\\2", 50, MSG_NOSIGNAL, NULL, 0) = 50
104 sendmsg(9, {msg_name={sa_family=AF_INET, sin_port=htons(123), sin_addr=inet_addr("192.0.2.7")}, msg_namelen=16}, 0) = 48
104 sendto(10, "x", 1, 0, {sa_family=AF_INET, sin_port=htons(9)}, 16) = 1
"""
    assert [line.split()[0] + " " + line.split("(")[1][:2] for line in outbound(trace)] == [
        "101 8,",  # DNS to the resolver
        "102 3,",  # IPv6 beyond loopback, even unfinished
        "104 9,",  # sendmsg
        "104 10",  # an address strace could not show
    ]


def _namespace_problem() -> str | None:
    """Why this machine cannot run the test, or None."""
    if shutil.which("strace") is None:
        return "strace is not installed (apt-get install strace; .ci/run installs it)"
    if shutil.which("ip") is None:
        return "ip is not installed (apt-get install iproute2; .ci/run installs it)"
    try:
        tried = subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=30)
    except FileNotFoundError:
        return "unshare is not installed (util-linux)"
    if tried.returncode != 0:
        why = tried.stderr.decode(errors="replace").strip()
        return f"cannot make a network namespace (unshare -n needs root or CAP_SYS_ADMIN): {why}"
    return None


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.usefixtures("real_index")  # app.py serves index/, built once for the whole run
def test_build_ask_search_and_app_make_no_connection_beyond_loopback(tmp_path):
    problem = _namespace_problem()
    if problem:
        pytest.skip(problem)
    trace, home = tmp_path / "connect.trace", tmp_path / "home"
    (tmp_path / "driver.py").write_text(DRIVER)
    home.mkdir()
    forgetful = ("HF_", "TRANSFORMERS_", "GRADIO_", "ORT_")  # a user who sets none of them
    env = {k: v for k, v in os.environ.items() if not k.startswith(forgetful)} | {
        "HOME": str(home),  # ONNX Runtime's event database would be under ~/.cache/Microsoft
        "PYTHONPATH": str(ROOT),
    }
    strace = f"strace -f -qq --seccomp-bpf -e trace=connect,sendto,sendmsg,sendmmsg -o {trace}"
    # the build reads one article (the whole corpus cost ~15 s more here; app.py serves index/)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "corpus" / "mindbloom-5-benefits.md", corpus)
    driver = (
        f"{sys.executable} {tmp_path / 'driver.py'} {ROOT} {corpus} {tmp_path / 'index'} "
        f"{free_port()}"
    )
    done = subprocess.run(
        ["unshare", "-n", "sh", "-c", f"ip link set lo up && exec {strace} {driver}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=900,
    )
    output = (done.stdout + done.stderr).decode(errors="replace")
    assert done.returncode == 0, output[-4000:]
    assert "CLI OK" in output and "API OK" in output and "APP OK" in output
    assert "Traceback" not in output, output[-4000:]
    lines = trace.read_text()
    assert re.search(r'connect\(.*inet_addr\("127\.0\.0\.1"\)', lines)  # the trace sees calls
    assert outbound(lines) == []
    assert not (home / ".cache" / "Microsoft").exists()

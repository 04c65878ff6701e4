"""app.py's command line: --help before any heavy import, where it listens, a port in use."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

import app as app_py  # noqa: E402  (ROOT is on sys.path: pytest runs from the checkout)
from tests.conftest import ROOT
from tests.servers import free_port


def run_app(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "app.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,  # a bound on a hung process, not a speed requirement
    )


def test_help_lists_the_environment_without_loading_gradio_or_the_bot():
    # runs app.py's --help in one process, then reports which heavy modules got imported
    probe = (
        "import runpy, sys\n"
        "sys.argv = ['app.py', '--help']\n"
        "try:\n    runpy.run_path('app.py', run_name='__main__')\n"
        "except SystemExit as e:\n    code = e.code\n"
        "heavy = sorted(m for m in ('gradio', 'faqbot', 'torch', 'onnxruntime') if m in sys.modules)\n"
        "print('EXIT', code, 'HEAVY', heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert "EXIT 0 HEAVY []" in done.stdout, done.stdout + done.stderr
    for name in (
        "--host", "--port", "FAQBOT_HOST", "FAQBOT_PORT", "GRADIO_SERVER_NAME",
        "GRADIO_SERVER_PORT", "FAQBOT_FEEDBACK", "FAQBOT_LOG_QUESTIONS",
        "FAQBOT_ALLOWED_ORIGINS", "FAQBOT_SETTINGS",
    ):  # fmt: skip
        assert name in done.stdout, f"--help does not mention {name}"


@pytest.mark.parametrize(
    "argv, env, expected",
    [
        ([], {}, ("127.0.0.1", 7860)),
        ([], {"GRADIO_SERVER_NAME": "0.0.0.0", "GRADIO_SERVER_PORT": "8123"}, ("0.0.0.0", 8123)),
        # the app's own variables win over Gradio's, and the flags over both
        (
            [],
            {"GRADIO_SERVER_PORT": "8123", "FAQBOT_PORT": "8200", "FAQBOT_HOST": "::1"},
            ("::1", 8200),
        ),
        (
            ["--port", "9000", "--host", "localhost"],
            {"GRADIO_SERVER_PORT": "8123", "FAQBOT_PORT": "8200", "GRADIO_SERVER_NAME": "x"},
            ("localhost", 9000),
        ),
    ],
)
def test_where_the_app_listens(argv, env, expected):
    args = app_py.parse_args(argv, env)
    assert (args.host, args.port) == expected


def test_a_bad_gradio_port_is_named(capsys):
    with pytest.raises(SystemExit):
        app_py.parse_args([], {"GRADIO_SERVER_PORT": "http"})
    assert "the port must be a number from 1 to 65535, got 'http'" in capsys.readouterr().err


@pytest.mark.parametrize("variable", ["FAQBOT_PORT", "GRADIO_SERVER_PORT"])
def test_a_port_in_use_is_named_with_the_fix_and_no_traceback(variable):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {k: v for k, v in __import__("os").environ.items() if not k.endswith("_PORT")}
        done = run_app(env=env | {"FAQBOT_HOST": "127.0.0.1", variable: str(port)})
    assert done.returncode != 0
    assert f"port {port} on 127.0.0.1 is already in use" in done.stderr
    assert f"python app.py --port {port + 1}" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "Serving" not in done.stdout


def test_a_free_port_passes_the_check():
    app_py.check_port("127.0.0.1", free_port())  # returns: nothing listens there

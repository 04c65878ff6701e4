"""The `faqbot` command in a terminal: a reader that stops early (`| head`) ends it quietly."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

QUESTION = "How many sessions will I need?"


@pytest.mark.parametrize("argv", [["ask", QUESTION], ["ask", QUESTION, "--json"]])
def test_a_closed_stdout_ends_quietly_with_the_sigpipe_code(argv):
    # the reader has gone before the answer is written, as `faqbot ask ... | head -0` would
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "faqbot", *argv],
            cwd=ROOT,
            stdout=write,
            stderr=subprocess.PIPE,
            env=os.environ | {"HF_HUB_OFFLINE": "1"},
            timeout=120,  # a bound on a hung process, not a speed requirement
        )
    finally:
        os.close(write)
    assert done.stderr == b"" and done.returncode == 141  # 128 + SIGPIPE, as `cat` would exit

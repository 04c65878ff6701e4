"""The `faqbot` command in a terminal: plain text answers, every command in --help, and a reader
that stops early (`| head`) ends it quietly."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from faqbot.bot import FAQBot
from faqbot.cli import main as cli_main
from faqbot.render import reply_dict
from tests.conftest import ROOT

QUESTION = "How many sessions will I need?"
# every command the README documents, and metadata-train
COMMANDS = (
    "build", "search", "ask", "eval", "answer-train", "metadata-train", "safety-train",
    "safety-eval", "intent-train",
)  # fmt: skip


def test_a_closed_stdout_ends_quietly_with_the_sigpipe_code():
    # the reader has gone before the answer is written, as `faqbot ask ... | head -0` would
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "faqbot", "ask", QUESTION],  # --json: the same flush in main()
            cwd=ROOT,
            stdout=write,
            stderr=subprocess.PIPE,
            env=os.environ | {"HF_HUB_OFFLINE": "1"},
            timeout=120,  # a bound on a hung process, not a speed requirement
        )
    finally:
        os.close(write)
    assert done.stderr == b"" and done.returncode == 141  # 128 + SIGPIPE, as `cat` would exit


def test_help_lists_every_command_with_a_line_about_it(capsys):
    with pytest.raises(SystemExit) as done:
        cli_main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        # its line about it beside it, or on the next line when the name is long
        line = rf"^ {{4}}{re.escape(name)}(?: +|\n {{6,}})\S"
        assert re.search(line, out, re.M), f"{name} is not listed with a line about it"


@pytest.mark.parametrize("name", COMMANDS)
def test_each_command_answers_help_without_doing_its_work(name, monkeypatch, capsys):
    def refuse(*args, **kwargs):
        raise AssertionError("--help loaded the bot")

    monkeypatch.setattr(FAQBot, "load", classmethod(refuse))
    with pytest.raises(SystemExit) as done:
        cli_main([name, "--help"])
    usage = capsys.readouterr().out.replace("safety-train|safety-eval", name)  # one parser, two
    assert done.value.code == 0 and f"usage: faqbot {name}" in usage


@pytest.fixture
def loaded(real_bot, monkeypatch):
    monkeypatch.setattr(FAQBot, "load", classmethod(lambda cls, *a, **k: real_bot))
    return real_bot


def test_ask_prints_plain_text_without_markdown_marks(loaded, capsys):
    assert cli_main(["ask", QUESTION]) == 0
    out = capsys.readouterr().out
    assert "**" not in out and not re.search(r"^>", out, re.M) and "_General" not in out
    assert "Most treatment plans start with six sessions over two to three weeks." in out
    assert "\nSources:\n1. 8 Key Benefits of Ketamine Therapy" in out


def test_the_crisis_text_in_a_terminal_has_no_link_or_bold_marks(loaded, capsys):
    assert cli_main(["ask", "I want to end my life tonight"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("You don't have to go through this alone.")
    assert "Call or text 988: the 988 Suicide & Crisis Lifeline" in out
    assert "**" not in out and "](" not in out


def test_a_question_in_another_language_gets_the_note_alone_in_a_terminal(loaded, capsys):
    # "I couldn't find this in the clinic's articles" after "ask in English" contradicted it
    assert cli_main(["ask", "¿Cuánto cuesta la terapia con ketamina?"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("I can only answer questions in English") and "inglés" in out
    assert "couldn't find" not in out


def test_ask_json_is_the_reply_dict_as_before(loaded, capsys):
    assert cli_main(["ask", QUESTION, "--json"]) == 0
    expected = json.dumps(reply_dict(loaded.ask(QUESTION)), ensure_ascii=False, indent=2)
    assert capsys.readouterr().out == expected + "\n"


def test_two_heads_sets_are_checked_before_anything_loads(monkeypatch):
    from faqbot.safety import commands

    # a wrong name stops before the encoder or the rows are touched
    monkeypatch.setattr(commands, "training_encoder", lambda: pytest.fail("loaded the model"))
    with pytest.raises(SystemExit, match="blind_zz is not a blind split. Use names"):
        commands.main(["safety-train", "--two-heads", "--sets", "blind_s", "blind_zz"])
    with pytest.raises(SystemExit, match="use it with safety-train --two-heads"):
        commands.main(["safety-train", "--sets", "blind_s"])
    with pytest.raises(SystemExit, match="use it with safety-train --two-heads"):
        commands.main(["safety-train", "--vector"])
    assert commands.two_heads_sets(["blind_t", "blind_s", "blind_t"]) == (
        "blind_t",
        "blind_s",
    )
    assert commands.two_heads_sets(None) is None

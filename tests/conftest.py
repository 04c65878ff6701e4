"""Shared fixtures: a tiny corpus with a fake encoder for unit tests, the real bot for e2e tests."""

from __future__ import annotations

import fcntl
import os
import re
import threading
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"


try:  # browser checks wait up to 20 s for the page (Playwright's default, 5 s, flaked when the
    # suite's three processes and their servers shared two cores): a bound, not a speed test
    from playwright.sync_api import expect as _expect

    _expect.set_options(timeout=20_000)
except ImportError:  # no Playwright: the browser tests skip themselves
    pass


# The files that take longest, longest first: pytest-xdist's `--dist loadfile` hands each process
# whole files, most tests first, so files of few but long tests (the load test, no-network) started
# last and the run waited on one process alone at the end. Wall time per file, busy 2-core machine,
# 2026-12-03 (s): browser_visitor 311, staff_browser 155, browser 149, bad_input 138, load 83,
# index 71, evaluate 62, no_network 58, e2e 50, safety 39, http_api 32, http_guard 27,
# safety_normalise 22; every other file under 16. A file not named here runs after these, in
# xdist's order. Only the order changes, and only under xdist: every test still runs.
LONGEST_FIRST = (
    "test_browser_visitor.py",
    "test_staff_browser.py",
    "test_browser.py",
    "test_bad_input.py",
    "test_load.py",
    "test_index.py",
    "test_evaluate.py",
    "test_no_network.py",
    "test_e2e.py",
    "test_safety.py",
    "test_http_api.py",
    "test_http_guard.py",
    "test_safety_normalise.py",
)


def pytest_configure(config):
    if hasattr(config.option, "loadscopereorder"):  # pytest-xdist: keep the collection's order
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(config, items):
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return  # one process: the usual order
    files = Counter(item.nodeid.split("::")[0] for item in items)
    first = {name: n for n, name in enumerate(LONGEST_FIRST)}

    def order(item):
        path = item.nodeid.split("::")[0]
        return first.get(path.rsplit("/", 1)[-1], len(first)), -files[path], path

    items.sort(key=order)  # stable: a file's own tests keep their order


class FakeEncoder:
    """Bag of concept words -> unit vector; an extra constant axis keeps every norm above zero."""

    model_id = "fake-encoder@1"
    CONCEPTS = ("drive", "car", "price", "cost", "sleep", "dose", "fast", "hours")

    def __init__(self):
        self.dimension = len(self.CONCEPTS) + 1
        self.calls = 0

    def encode(self, texts):
        self.calls += 1
        rows = []
        for text in texts:
            words = re.findall(r"[a-z]+", text.lower())
            row = [sum(w.startswith(c) for w in words) for c in self.CONCEPTS] + [0.1]
            rows.append(row)
        vectors = np.asarray(rows, dtype=np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


class BlockingEncoder(FakeEncoder):
    """Holds every question until released, so requests pile up deterministically."""

    def __init__(self):
        super().__init__()
        self.release = threading.Event()
        self.held = 0  # questions inside encode() now
        self._lock = threading.Lock()

    def encode(self, texts):
        with self._lock:
            self.held += 1
        assert self.release.wait(30), "never released"
        with self._lock:
            self.held -= 1
        return super().encode(texts)


TINY_DOCS = {
    "alpha.md": """---
title: Alpha Guide
publisher: Alpha Clinic
---

## Driving

You should not drive after a session. Ask a friend to take you home by car.

## Costs

The price is 50 dollars per session. Insurance may cover the cost:

- Plan A covers it
- Plan B does not
""",
    "beta.md": """---
title: Beta Notes
publisher: Beta Health
---

## Speed

Relief can come within hours. Many feel it fast.

## Rest

Sleep well the night before. A good sleep helps.
""",
}


def write_corpus(folder: Path, docs: dict[str, str] = TINY_DOCS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def tiny_corpus(tmp_path) -> Path:
    return write_corpus(tmp_path / "corpus")


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


def tiny_faqbot(folder: Path):
    """The tiny corpus (written into `folder`) with the fake encoder: a bot for unit tests."""
    from faqbot import FAQBot, Settings

    return FAQBot.load(
        write_corpus(folder / "corpus"),
        folder / "index",
        Settings().replace(chunk_words=20),
        FakeEncoder(),
        log=lambda m: None,
    )


@pytest.fixture
def tiny_bot(tiny_corpus, tmp_path, fake_encoder):
    from faqbot import FAQBot, Settings

    return FAQBot.load(
        tiny_corpus,
        tmp_path / "index",
        Settings().replace(chunk_words=20),
        fake_encoder,
        log=lambda m: None,
    )


@pytest.fixture(scope="session")
def real_bot():
    """The bundled model and corpus, loaded once per test process. The first process to get here
    builds index/; others (pytest-xdist workers) wait for it and load the same build."""
    from faqbot import FAQBot

    (ROOT / "index").mkdir(exist_ok=True)
    with open(ROOT / "index" / ".tests.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        return FAQBot.load()


@pytest.fixture(scope="session")
def real_index(real_bot) -> Path:
    """index/ built from the bundled corpus and model, for app.py and the CLI in subprocesses."""
    return real_bot.index.path

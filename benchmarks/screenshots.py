"""Screenshots of the visitors' chat page (desktop and phone, light and dark), for docs/screenshots/
(the staff desk's: benchmarks/screenshots_staff.py).

Run: .venv/bin/python benchmarks/screenshots.py [--url http://127.0.0.1:7860/]
Without --url it starts app.py on a free loopback port and stops it afterwards.
Needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
SCHEMES = ("light", "dark")


def start_app(feedback: str = "") -> tuple[subprocess.Popen, str]:
    """app.py on a free loopback port; returns the process and its URL once it answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = os.environ | {
        "FAQBOT_HOST": "127.0.0.1",
        "FAQBOT_PORT": str(port),
        "FAQBOT_FEEDBACK": feedback,
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
    }
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app.py exited with code {proc.returncode} before serving")
        try:
            with urllib.request.urlopen(url + "gradio_api/info", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise RuntimeError(f"app.py did not answer on {url} within 120 s")


def ask(page, question: str) -> None:
    before = page.locator("#chat .bot-row").count()
    page.fill("#question textarea", question)
    page.click("#ask-button")
    page.locator("#chat .bot-row").nth(before).wait_for()
    page.wait_for_timeout(1200)  # the page scrolls to the start of the newest answer


def shoot(url: str, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    made = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, (width, height) in WIDTHS.items():
            for scheme in SCHEMES:
                page = browser.new_page(
                    viewport={"width": width, "height": height}, color_scheme=scheme
                )
                made += shoot_ask(page, url, out, name + ("-dark" if scheme == "dark" else ""))
                page.close()
        browser.close()
    return made


def shoot_ask(page, url: str, out: Path, suffix: str) -> list[Path]:
    """The chat page as a visitor sees it (the window, not the whole page): empty, an answer (the
    page scrolls to its start), a follow-up read with the last question, the clinic's contact
    details, a message with crisis language below acute (the resources line first), a crisis
    reply (its quotes collapsed), and one in Spanish (the crisis text in Spanish first)."""
    page.goto(url)
    page.wait_for_selector("#question textarea")
    shots = []
    for shot, question in (
        ("empty", None),
        ("answer", "Can I drive after a ketamine session?"),
        ("followup", "why is that?"),  # read with the last question, and says so
        ("contact", "can I talk to a person?"),
        ("mention", "I've been feeling really hopeless lately and nothing helps"),
        ("crisis", "I want to end my life tonight"),
        ("crisis-es", "Quiero morir, ya no aguanto más esta vida"),
    ):
        if question:
            ask(page, question)
        shots.append(out / f"ask-{shot}-{suffix}.png")
        page.screenshot(path=shots[-1])
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running app; default: start app.py")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    proc = None
    url = args.url
    if not url:
        # thumbs shown as visitors see them; the ratings go to a throwaway file
        proc, url = start_app(str(Path(tempfile.mkdtemp()) / "feedback.jsonl"))
    try:
        for path in shoot(url, Path(args.out)):
            print(path)
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()

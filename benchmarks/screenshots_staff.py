"""Screenshots of the staff desk (/staff) at desktop width, light and dark, for docs/screenshots/.

Run: .venv/bin/python benchmarks/screenshots_staff.py
It starts app.py with a throwaway staff token, feedback file and taught-answers file (one
entry whose sentence is no longer in the articles, to show how the desk reports it), teaches one
answer through the desk, and stops the app afterwards. Needs Debian's Chromium.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright
from screenshots import CHROMIUM, CHROMIUM_ARGS, ROOT

TOKEN = "screenshot-token-0123456789"
STALE = """- question: Is ketamine addictive?
  document: allied-mental-health-benefits
  sentence: Ketamine is never habit-forming.
  author: lee
  date: '2026-11-30'
"""


def start_app(folder: Path, port: int) -> subprocess.Popen:
    (folder / "curated.yaml").write_text(STALE, encoding="utf-8")
    prelude = f"import faqbot.bot; faqbot.bot.CURATED_FILE = {str(folder / 'curated.yaml')!r}"
    env = os.environ | {
        "FAQBOT_HOST": "127.0.0.1",
        "FAQBOT_PORT": str(port),
        "FAQBOT_FEEDBACK": str(folder / "feedback.jsonl"),
        "FAQBOT_LOG_QUESTIONS": "1",
        "FAQBOT_STAFF_TOKEN": TOKEN,
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
    }
    run = f"{prelude}\nimport runpy; runpy.run_path('app.py', run_name='__main__')"
    proc = subprocess.Popen([sys.executable, "-c", run], cwd=ROOT, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/gradio_api/info", timeout=2):
                return proc
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise RuntimeError("app.py did not answer within 120 s")


def desk(browser, base: str, scheme: str, out: Path, teach: bool) -> list[Path]:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    made = []
    page.goto(base + "/staff/")
    if scheme == "light":
        made.append(out / "staff-sign-in.png")
        page.screenshot(path=made[-1])
    page.fill("#token", TOKEN)
    page.click("button[type=submit]")
    page.wait_for_selector("#lookup-query textarea")
    page.fill("#lookup-query textarea", "Does ketamine help with PTSD?")
    page.click("#search-button")
    row = page.locator("#results .virtual-row", has_text="According to a 2024 study")
    row.wait_for()
    row.locator(".body-cell").last.click()
    page.locator("#teach-sentence label", has_text="According to a 2024 study").click()
    page.fill("#teach-author textarea, #teach-author input", "dana")
    if teach:
        page.click("#teach")
        page.locator("#teach-status", has_text="Saved").wait_for()
    page.get_by_text("Taught answers (corpus/curated.yaml)").click()
    page.wait_for_timeout(600)
    page.evaluate("window.scrollTo(0, 0)")
    suffix = "" if scheme == "light" else "-dark"
    made.append(out / f"staff-desk-desktop{suffix}.png")
    page.screenshot(path=made[-1], full_page=True)
    page.close()
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--port", type=int, default=7871)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    proc = start_app(Path(tempfile.mkdtemp()), args.port)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            base = f"http://127.0.0.1:{args.port}"
            for path in desk(browser, base, "light", out, teach=True):
                print(path)
            for path in desk(browser, base, "dark", out, teach=False):
                print(path)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()

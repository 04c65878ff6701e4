"""End-to-end: app.py on a free loopback port, driven through Debian's Chromium with Playwright."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

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
if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app(tmp_path_factory, real_index):
    """(url, feedback file) of app.py running in a subprocess, stopped after the module."""
    feedback = tmp_path_factory.mktemp("app") / "feedback.jsonl"
    port = _free_port()
    env = os.environ | {
        "FAQBOT_HOST": "127.0.0.1",
        "FAQBOT_PORT": str(port),
        "FAQBOT_FEEDBACK": str(feedback),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
    }
    log = tmp_path_factory.mktemp("log") / "app.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while True:
        if proc.poll() is not None:
            pytest.fail(f"app.py exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "gradio_api/info", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"app.py did not answer on {url} in 120 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
    yield url, feedback
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(app, browser):
    """A fresh page on the app; afterwards: no dialog fired, nothing requested off loopback."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    dialogs, outside = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on(
        "request",
        lambda r: urlparse(r.url).hostname not in ("127.0.0.1", None) and outside.append(r.url),
    )
    page.goto(app[0])
    page.wait_for_selector("#question textarea")
    yield page
    page.close()
    assert dialogs == [], "a script from a message ran"
    assert outside == [], "the page called out beyond loopback"


def ask(page, question: str):
    """Type a question, press Ask, return the new bot message."""
    bots = page.locator("#chat .bot-row")
    before = bots.count()
    page.fill("#question textarea", question)
    page.click("#ask-button")
    expect(bots).to_have_count(before + 1, timeout=30_000)
    return bots.nth(before)


def test_question_gets_a_quote_and_its_citation(page):
    answer = ask(page, "Can I drive after a ketamine session?")
    expect(answer.locator("blockquote", has_text="drive").first).to_be_visible()
    expect(answer).to_contain_text("[1]")
    expect(answer.locator("ol li").first).to_contain_text("section")
    answer.locator("details.sources summary").click()  # sources one click away
    expect(answer.locator("details.sources mark").first).to_be_visible()


def test_acute_crisis_shows_988_before_any_quote(page):
    answer = ask(page, "I want to end my life tonight")
    banner = answer.locator(".crisis-banner")
    expect(banner).to_contain_text("988")
    # the banner's top (where 988 is) scrolls into view even though the chat autoscrolls down
    page.wait_for_function(
        """() => { const rows = document.querySelectorAll('#chat .bot-row');
          const b = rows[rows.length - 1].querySelector('.crisis-banner').getBoundingClientRect();
          const chat = document.querySelector('#chat').getBoundingClientRect();
          return b.top >= chat.top - 1 && b.top < chat.bottom - 40; }""",
        timeout=30_000,  # a bound on waiting on a busy machine, not a speed requirement
    )
    # the quotes come after the banner (folded under it, so hidden: compare the page's text,
    # not what is drawn)
    text = answer.text_content()
    quotes = answer.locator("blockquote")
    if quotes.count():
        first = quotes.first.text_content().strip()[:40]
        assert first and text.index("988") < text.index(first)


def test_near_miss_question_abstains_with_clickable_questions(page):
    # off-topic questions get no buttons (tests/test_browser_visitor.py); a near miss does
    answer = ask(page, "where do I park when I come to the Newport Beach office?")
    expect(answer).to_contain_text("I couldn't find this in the clinic's articles.")
    topic = page.locator("#chat button.option").first
    expect(topic).to_be_visible()
    before = page.locator("#chat .bot-row").count()
    topic.click()
    expect(page.locator("#chat .bot-row")).to_have_count(before + 1, timeout=30_000)


def test_html_in_a_question_shows_as_text(page):
    question = "<img src=x onerror=alert(1)>"
    ask(page, question)
    expect(page.locator("#chat .user-row").last).to_contain_text(question)
    assert page.locator("#chat img[src='x']").count() == 0
    page.wait_for_timeout(500)  # give a would-be onerror handler time to fire


def test_the_visitors_own_messages_show_as_typed_on_every_turn(page):
    typed = [
        "Is **bold** ok? [link](http://evil.example) or http://evil.example, www.evil.example",
        "Title\n===\n- one\n\n    indented & <b>x</b>",
    ]
    for question in typed:
        ask(page, question)
    users = page.locator("#chat .user-row")
    expect(users).to_have_count(2)
    for row, question in zip(users.all(), typed, strict=True):
        assert row.inner_text() == question  # the first one too, after the second turn
        assert row.locator("a, strong, em, h1, h2, li, pre, code, b").count() == 0
    # copying would give the HTML around the text: the visitor's messages have no copy button
    copy = page.locator("#chat .message-buttons-right button[aria-label='Copy message']")
    assert copy.count() == 2 and not any(button.is_visible() for button in copy.all())
    assert page.locator(
        "#chat .message-buttons-left button[aria-label='Copy message']"
    ).first.is_visible()


def test_example_question_and_thumbs_up_feedback(page, app):
    page.locator("#chat button.example", has_text="Can I drive after a ketamine session?").click()
    expect(page.locator("#chat .bot-row")).to_have_count(1, timeout=30_000)
    page.locator("#chat button[aria-label='Like']").last.click()
    feedback = app[1]

    def written() -> bool:  # the file appears before its line is written: wait for the line
        return feedback.exists() and feedback.read_text().endswith("\n")

    deadline = time.monotonic() + 60
    while not written() and time.monotonic() < deadline:
        time.sleep(0.2)
    entry = json.loads(feedback.read_text().splitlines()[-1])
    assert entry["rating"] == "up" and entry["passages"]
    assert "drive" not in feedback.read_text().lower()


def test_chat_fits_a_phone_screen(page):
    page.set_viewport_size({"width": 390, "height": 844})
    ask(page, "How fast does ketamine work for depression?")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator("#ask-button")).to_be_in_viewport()


# The worst contrast of any text in `root` as shown: each text colour over the opaque background
# under it, and both faded by the opacity of the element and its ancestors over what lies
# beneath that layer (Gradio shows the chat's messages at 0.8 opacity)
CONTRAST_JS = """(root) => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = c => { c /= 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const opaque = e => { const c = rgb(getComputedStyle(e).backgroundColor);
    return c.length === 3 || (c.length === 4 && c[3] > 0.5) ? c.slice(0, 3) : null; };
  const bg = (el, stop) => { for (let e = el; e && e !== stop; e = e.parentElement) {
      const c = opaque(e); if (c) return c; }
    return null; };
  const fade = (c, under, alpha) => c.map((v, i) => alpha * v + (1 - alpha) * under[i]);
  let worst = 99;
  for (const el of [root, ...root.querySelectorAll('*')]) {
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    let alpha = 1, top = null;
    for (let e = el; e; e = e.parentElement) {
      const o = Number(getComputedStyle(e).opacity);
      if (o < 1) { alpha *= o; top = e; } }
    const under = (top && bg(top.parentElement, null)) || [255, 255, 255];
    const back = (top ? bg(el, top.parentElement) : bg(el, null)) || under;
    const text = fade(rgb(getComputedStyle(el).color).slice(0, 3), under, alpha);
    const a = lum(text), b = lum(fade(back, under, alpha));
    worst = Math.min(worst, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05));
  }
  return worst; }"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_crisis_banner_is_readable_and_its_numbers_are_links(app, browser, scheme):
    page = browser.new_page(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    try:
        page.goto(app[0])
        page.wait_for_selector("#question textarea")
        answer = ask(page, "I just feel like ending it")
        banner = answer.locator(".crisis-banner")
        expect(banner).to_contain_text("988")
        contrast = banner.evaluate(CONTRAST_JS)
        assert contrast >= 4.5, f"crisis banner text contrast {contrast:.2f}:1 in {scheme} mode"
        hrefs = banner.locator("a").evaluate_all("links => links.map(a => a.href)")
        assert {"tel:988", "tel:911"} <= set(hrefs) and any(
            h.startswith("sms:741741") for h in hrefs
        )
        # a number goes to the dialer from this page: a new tab left an empty one on a phone;
        # the web links keep opening in a new tab, the chat stays
        phone = banner.locator("a[href^='tel:'], a[href^='sms:']")
        expect(phone).to_have_count(3)
        expect(banner.locator("a[target][href^='tel:'], a[target][href^='sms:']")).to_have_count(0)
        expect(banner.locator("a[href^='https:'][target='_blank']")).to_have_count(2)
        # nothing else competes with the banner: no topic buttons, no thumbs, no clutter notes
        assert answer.locator("button.option").count() == 0
        assert (
            answer.locator("button[aria-label='Like'], button[aria-label='Dislike']").count() == 0
        )
        assert "left out" not in answer.inner_text()
    finally:
        page.close()


def test_a_crisis_reply_in_spanish_marks_each_language_for_screen_readers(app, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    try:
        page.goto(app[0])
        page.wait_for_selector("#question textarea")
        answer = ask(page, "ya no quiero vivir, esta noche me tomo todas las pastillas")
        banner = answer.locator(".crisis-banner")
        spanish, english = banner.locator("[lang='es']"), banner.locator("[lang='en']")
        expect(spanish).to_have_count(1)  # the sanitiser kept the attribute
        expect(spanish).to_contain_text("No tienes que pasar por esto")
        expect(spanish.locator("a[href='tel:988']").first).to_be_visible()
        expect(english).to_have_count(1)  # the English line after it, marked English
        # under the banner, the line that questions can wait: Spanish, marked Spanish
        expect(answer.locator("[lang='es']", has_text="Cuando quieras")).to_have_count(1)
        expect(english).to_contain_text("988")
        gap = english.evaluate(
            "e => e.getBoundingClientRect().top - e.previousElementSibling.getBoundingClientRect().bottom"
        )
        assert gap >= 8, (
            f"the English line sits {gap:.1f}px under the Spanish text, not a paragraph away"
        )
        contrast = banner.evaluate(CONTRAST_JS)
        assert contrast >= 4.5, f"Spanish crisis banner text contrast {contrast:.2f}:1 in dark mode"
    finally:
        page.close()


def test_a_long_pasted_message_is_read_whole_for_crisis_language(page):
    pasted = "I have many questions about driving after treatment and insurance. " * 300
    answer = ask(page, pasted + "I want to kill myself")
    expect(answer.locator(".crisis-banner")).to_contain_text("988")
    expect(answer).to_contain_text("characters long")


# The places in `row`'s text, in the chat's visible part, where something else is on top:
# points every 6 px along the middle of each line of text, each checked with elementFromPoint
COVERED_TEXT_JS = """(row) => {
  let box = row.parentElement;
  while (box && !(box.scrollHeight > box.clientHeight + 1
                  && /auto|scroll/.test(getComputedStyle(box).overflowY))) box = box.parentElement;
  const view = (box || row).getBoundingClientRect();
  const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
  const covered = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      const y = (r.top + r.bottom) / 2;
      if (y <= view.top + 1 || y >= view.bottom - 1 || y >= innerHeight) continue;
      for (let x = Math.max(r.left, view.left) + 2; x < Math.min(r.right, view.right) - 1; x += 6) {
        const top = document.elementFromPoint(x, y);
        const over = top && (top.closest('button')?.getAttribute('aria-label') || top.tagName);
        if (top && !row.contains(top)) covered.push(`${node.textContent.trim().slice(0, 30)}: ${over}`);
      } } }
  return [...new Set(covered)]; }"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_nothing_floats_over_the_reply_text_on_a_phone(app, browser, scheme):
    # Gradio's "Scroll down" arrow sat on the crisis banner's text at 390 px
    page = browser.new_page(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    try:
        page.goto(app[0])
        page.wait_for_selector("#question textarea")
        for question in (
            "I just feel like ending it",
            "How fast does ketamine work for depression?",
        ):
            answer = ask(page, question)
            expect(answer).to_be_visible()
            page.wait_for_timeout(1500)  # the page's own scrolling to the answer has run
            assert answer.evaluate(COVERED_TEXT_JS) == [], question
    finally:
        page.close()


def test_the_retired_lifeline_note_shows_988_in_bold_not_markdown_marks(page):
    # a quote gives the retired 1-800-273-8255: the note above it names the current line
    answer = ask(page, "what's the suicide hotline number")
    note = answer.locator("em", has_text="1-800-273-8255")
    expect(note.locator("strong")).to_have_text("988")
    assert "**" not in answer.inner_text()

"""The visitor's chat in Chromium at desktop (1280) and phone (390) width, light and dark: the
newest answer's start in view, follow-ups that ask questions, small talk, the sources panel's
layout, and an axe scan with no serious or critical violation. Reuses test_browser's app."""

from __future__ import annotations

import pytest

from tests.test_browser import app, ask, browser, expect  # noqa: F401  (fixtures: app.py and Chromium)

pytestmark = pytest.mark.browser
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")

SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
LOOKS = [(size, scheme) for size in SIZES for scheme in ("light", "dark")]

# True when the top of the newest bot message lies inside the chat's visible (scrolled) area
NEWEST_TOP_IN_VIEW = """() => {
  const rows = document.querySelectorAll('#chat .bot-row');
  const row = rows[rows.length - 1];
  let box = row.parentElement;
  while (box && !(box.scrollHeight > box.clientHeight + 1
                  && /auto|scroll/.test(getComputedStyle(box).overflowY))) box = box.parentElement;
  const view = (box || document.querySelector('#chat')).getBoundingClientRect();
  const top = row.getBoundingClientRect().top;
  return top >= view.top - 1 && top < view.bottom - 60; }"""


@pytest.fixture(params=LOOKS, ids=[f"{s}-{c}" for s, c in LOOKS])
def page(request, app, browser):  # noqa: F811
    size, scheme = request.param
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
    page.goto(app[0])
    page.wait_for_selector("#question textarea")
    yield page
    page.close()


def settled(page, answer):
    """The answer in the page, after the page's own scrolling has run (it does so within 1 s)."""
    expect(answer).to_be_visible()
    page.wait_for_timeout(1500)
    return answer


def shown(answer):
    """The answer, visible (where the page scrolled does not matter to the test)."""
    expect(answer).to_be_visible()
    return answer


# behaviour that does not depend on the width or the colour scheme: one look is enough
ONE_LOOK = pytest.mark.parametrize("page", [LOOKS[0]], ids=["desktop-light"], indirect=True)
# behaviour that depends on the width and not on the colour scheme: each width once, the two
# schemes between them (the contrast checks, axe below, run in all four looks)
TWO_LOOKS = pytest.mark.parametrize(
    "page", [LOOKS[0], LOOKS[3]], ids=["desktop-light", "phone-dark"], indirect=True
)


@TWO_LOOKS
def test_the_start_of_the_newest_answer_is_in_view(page):
    # two long answers: without the page's scrolling the chat would sit at the bottom of the
    # second, showing its sources and follow-ups
    settled(page, ask(page, "How fast does ketamine work for depression?"))
    assert page.evaluate(NEWEST_TOP_IN_VIEW)
    settled(page, ask(page, "Does ketamine help with anxiety?"))
    assert page.evaluate(NEWEST_TOP_IN_VIEW)
    # a crisis reply: the banner starts the answer, so it is what shows
    answer = settled(page, ask(page, "I want to end my life tonight"))
    assert page.evaluate(NEWEST_TOP_IN_VIEW)
    expect(answer.locator(".crisis-banner")).to_be_in_viewport()


@ONE_LOOK
def test_follow_ups_are_questions_and_clicking_one_asks_it(page):
    shown(ask(page, "Can I drive after a ketamine session?"))
    options = page.locator("#chat button.option")
    expect(options.first).to_be_visible()
    labels = options.all_inner_texts()
    assert labels and all(label.strip().endswith("?") for label in labels), labels
    before = page.locator("#chat .bot-row").count()
    options.first.click()
    expect(page.locator("#chat .bot-row")).to_have_count(before + 1, timeout=30_000)
    expect(page.locator("#chat .user-row").last).to_have_text(labels[0].strip())


@ONE_LOOK
def test_an_off_topic_question_gets_no_buttons(page):
    answer = shown(ask(page, "what's the weather like today?"))
    expect(answer).to_contain_text("I couldn't find this in the clinic's articles.")
    assert page.locator("#chat button.option").count() == 0


@TWO_LOOKS
def test_greeting_thanks_and_a_person_get_the_clinics_words(page):
    answer = shown(ask(page, "hello there"))
    expect(answer).to_contain_text("Hello!")
    assert "couldn't find" not in answer.inner_text()
    answer = shown(ask(page, "can I talk to a person?"))
    expect(answer.locator("a[href^='tel:']").first).to_be_visible()
    expect(answer).to_contain_text("949-945-0927")
    assert answer.locator("blockquote a[href^='tel:']").count() == 0  # the bot's words, not a quote
    answer = shown(ask(page, "hi I want to die"))
    expect(answer.locator(".crisis-banner")).to_contain_text("988")


@TWO_LOOKS
def test_the_sources_panel_shows_headings_as_their_own_lines(page):
    answer = shown(ask(page, "Can I drive after a ketamine session?"))
    answer.locator("details.sources summary").click()
    text = answer.locator("details.sources").inner_text()
    assert "Frequently Asked Questions (FAQs)\n" in text, text
    assert "(FAQs)Can" not in text


# The contrast of an element's text with the background under it, its opacity and its
# ancestors' applied (Gradio shows the chat's text at 0.8 opacity)
SHOWN_CONTRAST = """(el) => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = c => { const [r, g, b] = c.map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  let back = [255, 255, 255], alpha = 1;
  for (let e = el; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) { back = c.slice(0, 3); break; } }
  for (let e = el; e; e = e.parentElement) alpha *= Number(getComputedStyle(e).opacity);
  const text = rgb(getComputedStyle(el).color).slice(0, 3).map((v, i) => alpha * v + (1 - alpha) * back[i]);
  const [a, b] = [lum(text), lum(back)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); }"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_citation_number_leads_to_its_own_replys_source_by_keyboard(app, browser, scheme):  # noqa: F811
    # a query in the address: with Gradio's <base href="./"> a plain "#id" link would load
    # the page anew there and lose the chat
    page = browser.new_page(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    try:
        page.goto(f"{app[0]}?__theme={scheme}")
        page.wait_for_selector("#question textarea")
        first = shown(ask(page, "How fast does ketamine work for depression?"))
        shown(ask(page, "Can I drive after a ketamine session?"))
        ids = page.evaluate("[...document.querySelectorAll('#chat [id]')].map(e => e.id)")
        assert len(ids) == len(set(ids)) > 2, ids
        link = first.locator("blockquote a.cite").first
        expect(link).to_have_text("[1]")
        contrast = link.evaluate(SHOWN_CONTRAST)
        assert contrast >= 4.5, f"citation link contrast {contrast:.2f}:1 in {scheme} mode"
        target = link.get_attribute("href")[1:]
        link.focus()  # a link: in the tab order, and Enter follows it
        page.keyboard.press("Enter")
        entry = first.locator(f"[id='{target}']")
        expect(entry).to_be_focused()  # the first reply's own entry, not the second's
        expect(entry).to_contain_text("section")
        expect(entry).to_be_in_viewport()
        assert page.url == f"{app[0]}?__theme={scheme}"  # the page stayed
        expect(page.locator("#chat .bot-row")).to_have_count(2)
    finally:
        page.close()


@TWO_LOOKS
def test_a_phone_gives_the_chat_and_the_question_box_the_width(page):
    answer = shown(ask(page, "Can I drive after a ketamine session?"))
    width = page.viewport_size["width"]
    chat = page.locator("#chat").bounding_box()
    question = page.locator("#question textarea").bounding_box()
    button = page.locator("#ask-button").bounding_box()
    if width > 480:  # the desktop as it was: 32 px each side, the button a sixth of the row
        assert (chat["x"], chat["width"]) == (32, width - 64)
        assert question["width"] > 4 * button["width"]
        return
    assert chat["width"] >= width - 2 * 10  # Gradio's margins left 326 of the 390 px
    assert answer.bounding_box()["width"] >= chat["width"] - 2 * 8  # Gradio's: 60 px less
    assert question["width"] >= 0.7 * width  # it was 206 px of 390
    assert button["width"] <= 0.25 * width
    assert (
        page.locator("#question textarea").evaluate("e => getComputedStyle(e).fontSize") == "16px"
    )


# Under the disclaimer: px to the footer's first visible item (else the window's bottom), the
# footer's visible text, the page's height and the chat's
PAGE_END = """() => {
  const end = document.querySelector('.disclaimer').getBoundingClientRect().bottom;
  const items = [...document.querySelectorAll('footer > *')]
    .filter(e => e.getClientRects().length && e.innerText.trim());
  const next = items.length ? Math.min(...items.map(e => e.getBoundingClientRect().top)) : innerHeight;
  return {gap: next - end, footer: document.querySelector('footer').innerText.trim(),
          height: document.documentElement.scrollHeight,
          chat: document.querySelector('#chat').getBoundingClientRect().height}; }"""
WINDOWS = [(390, 844, "light"), (390, 844, "dark"), (1280, 800, "light"), (1280, 600, "dark")]


@pytest.mark.parametrize(
    "width, height, scheme", WINDOWS, ids=[f"{w}x{h}-{c}" for w, h, c in WINDOWS]
)
def test_the_chat_takes_the_windows_height_and_nothing_strays_below(
    app,  # noqa: F811
    browser,  # noqa: F811
    width,
    height,
    scheme,
):
    # the chat was min(60vh, 560px): 94 px empty under a 390x844 phone's page and a lone "·"
    # (Gradio's footer separator, its link hidden up to 640 px), 63 px at 1280x800 with
    # "Use via API ·", and 33 px past the bottom of a 1280x600 window
    page = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
    try:
        page.goto(app[0])
        page.wait_for_selector("#question textarea")
        expect(page.locator(".disclaimer").first).to_be_visible()
        empty = page.evaluate(PAGE_END)
        assert empty["gap"] <= 24, empty  # Gradio's 16 px under the page, or above the footer
        assert empty["footer"] == ("" if width <= 640 else "Use via API"), empty
        assert empty["height"] <= height, empty  # nothing to scroll
        settled(page, ask(page, "How fast does ketamine work for depression?"))
        answered = page.evaluate(PAGE_END)
        assert answered == empty, "a long answer scrolls in the chat: the page stays as it was"
        expect(page.locator("#ask-button")).to_be_in_viewport()
    finally:
        page.close()


@ONE_LOOK
def test_bold_answer_sentences_are_set_in_the_pages_font(page):
    # Gradio's semibold file lacks Latin letters: bold fell back to a wider, larger font
    answer = shown(ask(page, "Can I drive after a ketamine session?"))
    ratio = answer.locator("blockquote strong").first.evaluate(
        """async bold => { await document.fonts.ready;
          const plain = document.createElement('span');
          plain.textContent = bold.textContent;
          plain.style.fontWeight = '400';
          bold.after(plain);
          const ratio = bold.getBoundingClientRect().width / plain.getBoundingClientRect().width;
          plain.remove();
          return ratio; }"""
    )
    assert ratio < 1.15, f"bold is {ratio:.2f} times as wide as regular text"


def _serious(page) -> list[str]:
    found = axe_sync.Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def test_axe_finds_no_serious_or_critical_violation(page):
    assert _serious(page) == [], "empty chat"
    settled(page, ask(page, "Can I drive after a ketamine session?"))
    assert _serious(page) == [], "after an answer"
    settled(page, ask(page, "I want to end my life tonight"))
    assert _serious(page) == [], "after a crisis reply"


COPY_BUTTON = "#chat .message-buttons-left button[aria-label='Copy message']"


@pytest.mark.parametrize("clipboard_api", [True, False], ids=["clipboard-api", "fallback"])
def test_a_replys_copy_button_copies_the_reply_as_shown_not_its_html(app, browser, clipboard_api):  # noqa: F811
    # Gradio's own button copied the message's source: Markdown, the citation links' HTML and
    # every cited article behind "Show each quote in its article". Without the Clipboard API
    # (a page served over plain http from another host) Gradio copies through a textarea.
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    if not clipboard_api:
        page.add_init_script("delete Navigator.prototype.clipboard")
    try:
        page.goto(app[0])
        page.wait_for_selector("#question textarea")
        copied = []
        questions = ["Can I drive after a ketamine session?", "I want to kill myself tonight"]
        for i, question in enumerate(questions if clipboard_api else questions[:1]):
            shown(ask(page, question))
            page.locator(COPY_BUTTON).nth(i).click()
            reader = context.new_page()  # a page whose Clipboard API is intact
            reader.goto(app[0] + "gradio_api/info")  # the same origin: a secure context
            copied.append(reader.evaluate("navigator.clipboard.readText()"))
            reader.close()
        quote = copied[0]
        assert "<" not in quote and "**" not in quote, quote
        assert "You should not drive or operate machinery" in quote
        assert "[1]" in quote
        assert "\n1. 8 Key Benefits of Ketamine Therapy for Mental Health — Innerwell" in quote
        assert "not medical advice" in quote
        assert "Show each quote in its article" not in quote  # the articles are not copied
        if not clipboard_api:
            return
        # a crisis reply copies its banner first, numbers included, then the folded quotes
        crisis = copied[1]
        assert crisis.startswith("You don't have to go through this alone"), crisis
        assert "Call or text 988" in crisis and "741741" in crisis and "911" in crisis
        assert "What the clinic's articles say about your question" in crisis
        assert "<" not in crisis
    finally:
        context.close()

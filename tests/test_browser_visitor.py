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


# behaviour that does not depend on the width or the colour scheme: one look is enough
ONE_LOOK = pytest.mark.parametrize("page", [LOOKS[0]], ids=["desktop-light"], indirect=True)


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


def test_the_sources_panel_shows_headings_as_their_own_lines(page):
    answer = shown(ask(page, "Can I drive after a ketamine session?"))
    answer.locator("details.sources summary").click()
    text = answer.locator("details.sources").inner_text()
    assert "Frequently Asked Questions (FAQs)\n" in text, text
    assert "(FAQs)Can" not in text


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

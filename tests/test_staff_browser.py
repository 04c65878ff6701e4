"""The staff desk in Chromium: sign in with the token, look a question up, teach the answering
sentence, and the next visitor asking in other words on the public page gets it first."""

from __future__ import annotations

import re

import pytest

from tests.servers import app_process
from tests.test_browser import CHROMIUM_ARGS, CONTRAST_JS, browser, expect  # noqa: F401 (a fixture)
from tests.test_teach import OTHER_WORDS, SENTENCE, TAUGHT

pytestmark = pytest.mark.browser
TOKEN = "staff-token-for-the-browser-test"


@pytest.fixture(scope="module")
def app(tmp_path_factory, real_index):
    """Base URL of app.py with the desk on; its taught answers in a temporary file."""
    folder = tmp_path_factory.mktemp("desk")
    curated = folder / "curated.yaml"
    prelude = f"import faqbot.bot; faqbot.bot.CURATED_FILE = {str(curated)!r}"
    env = {
        "FAQBOT_STAFF_TOKEN": TOKEN,
        "FAQBOT_FEEDBACK": str(folder / "feedback.jsonl"),
        "FAQBOT_LOG_QUESTIONS": "1",
    }
    with app_process(folder / "app.log", prelude, **env) as (base, _):
        yield base


def sign_in(browser, base, scheme="light", width=1280):  # noqa: F811
    page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page.goto(base + "/staff/")
    page.fill("#token", TOKEN)
    page.click("button[type=submit]")
    page.wait_for_selector("#lookup-query textarea")
    return page


def test_a_wrong_token_is_refused_on_the_sign_in_page(app, browser):  # noqa: F811
    page = browser.new_page()
    try:
        page.goto(app + "/staff/")
        page.fill("#token", "not-the-token")
        page.click("button[type=submit]")
        expect(page.locator(".error")).to_contain_text("That is not the staff token.")
        assert page.locator("#lookup-query").count() == 0
    finally:
        page.close()


def test_staff_teach_a_sentence_and_the_next_visitor_gets_it_first(app, browser):  # noqa: F811
    page = sign_in(browser, app)
    try:
        page.fill("#lookup-query textarea", TAUGHT)
        page.click("#search-button")
        row = page.locator("#results .virtual-row", has_text="According to a 2024 study")
        expect(row).to_have_count(1, timeout=30_000)
        expect(row.locator("mark", has_text="PTSD").first).to_be_visible()
        row.locator(".body-cell").last.click()
        expect(page.locator("#article-view mark#passage")).to_be_visible()
        # the page holds the choice and the name before they are sent (a busy machine lags: the
        # sentence choices can re-render after the article opens and drop a click made earlier)
        label = page.locator("#teach-sentence label", has_text="According to a 2024 study")
        checked = page.locator("#teach-sentence input:checked")
        for _ in range(5):  # a bound on retries, not a speed requirement
            label.click(timeout=30_000)
            try:
                expect(checked).to_have_count(1, timeout=10_000)
                break
            except AssertionError:
                continue
        expect(checked).to_have_count(1)
        name = page.locator("#teach-author textarea, #teach-author input")
        name.fill("dana")
        expect(name).to_have_value("dana")
        page.click("#teach")
        try:
            expect(page.locator("#teach-status")).to_contain_text(
                "its first quote is now this sentence", timeout=30_000
            )
        except AssertionError as failed:  # a refused save says why in a toast
            toasts = page.locator(".toast-body").all_inner_texts()
            raise AssertionError(f"{failed}\ntoasts: {toasts}") from None
        visitor = browser.new_page()
        visitor.goto(app + "/")
        visitor.wait_for_selector("#question textarea")
        assert visitor.get_by_role("tab", name=re.compile("Look up")).count() == 0
        visitor.fill("#question textarea", OTHER_WORDS)
        visitor.click("#ask-button")
        answer = visitor.locator("#chat .bot-row").first
        expect(answer.locator("blockquote").first.locator("strong").first).to_contain_text(
            SENTENCE[:60], timeout=30_000
        )
        visitor.close()
    finally:
        page.close()


def test_the_review_queue_lists_an_unanswered_question(app, browser):  # noqa: F811
    visitor = browser.new_page()
    visitor.goto(app + "/")
    visitor.fill("#question textarea", "what time is the next train to Boston?")
    visitor.click("#ask-button")
    expect(visitor.locator("#chat .bot-row")).to_have_count(1, timeout=30_000)
    visitor.close()
    page = sign_in(browser, app)
    try:
        page.get_by_text("Review queue").click()
        expect(page.locator("#review")).to_contain_text("next train to Boston", timeout=30_000)
    finally:
        page.close()


def test_a_k_out_of_range_is_said_in_words_and_clears_the_last_crisis_text(app, browser):  # noqa: F811
    page = sign_in(browser, app)
    try:
        k = page.locator("#lookup-k input")
        assert (k.get_attribute("min"), k.get_attribute("max")) == ("1", "100")  # the API's
        page.fill("#lookup-query textarea", "I want to kill myself tonight")
        page.click("#search-button")
        expect(page.locator("#lookup-safety")).to_contain_text("988", timeout=30_000)
        # its numbers go to the dialer from this page, the web links to a new tab
        safety = page.locator("#lookup-safety")
        expect(safety.locator("a[href^='tel:'], a[href^='sms:']")).to_have_count(3)
        expect(safety.locator("a[target][href^='tel:'], a[target][href^='sms:']")).to_have_count(0)
        expect(safety.locator("a[href^='https:'][target='_blank']")).to_have_count(2)
        k.fill("150")
        page.fill("#lookup-query textarea", "How soon does ketamine work?")
        page.click("#search-button")
        expect(page.locator("#lookup-problem")).to_have_text(
            "k must be a whole number from 1 to 100, got 150", timeout=30_000
        )
        expect(page.locator("#lookup-safety")).not_to_contain_text("988")
        expect(page.locator("#results .virtual-row")).to_have_count(0)
        assert page.locator(".toast-body").count() == 0  # no red "Error" toast
        k.fill("3")
        page.click("#search-button")
        expect(page.locator("#results .virtual-row")).to_have_count(3, timeout=30_000)
        expect(page.locator("#lookup-problem")).to_have_text("")
    finally:
        page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_desks_orange_buttons_are_readable_in_both_themes(app, browser, scheme):  # noqa: F811
    # white on Gradio's orange was 2.80:1 (light) and 3.56:1 (dark); the chat's Ask button: 5.18:1
    page = sign_in(browser, app, scheme)
    try:
        for button in ("#search-button", "#teach"):
            contrast = page.locator(button).evaluate(CONTRAST_JS)
            assert contrast >= 4.5, f"{button} contrast {contrast:.2f}:1 in {scheme} mode"
            page.hover(button)
            hovered = page.locator(button).evaluate(CONTRAST_JS)
            assert hovered >= 4.5, f"{button} hovered {hovered:.2f}:1 in {scheme} mode"
    finally:
        page.close()


# No output of the look-up faded any more: every ancestor of its crisis text fully opaque
SETTLED = """() => { for (let e = document.querySelector('#lookup-safety a'); e; e = e.parentElement)
  if (Number(getComputedStyle(e).opacity) < 1) return false;
  return true; }"""
# The contrast of each visible link's text with the background under it (CONTRAST_JS on each)
LINK_CONTRASTS = f"""links => links.filter(a => a.getClientRects().length)
  .map(a => [a.textContent.trim(), ({CONTRAST_JS})(a)])"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_links_on_the_staff_pages_are_readable_in_both_themes(app, browser, scheme):  # noqa: F811
    # the sign-in page's "ask a question here" was the browser's blue on the dark page, 1.9:1
    page = browser.new_page(color_scheme=scheme)
    try:
        page.goto(app + "/staff/")
        links = page.locator("a").evaluate_all(LINK_CONTRASTS)
        assert [text for text, _ in links] == ["ask a question here"]
        assert all(c >= 4.5 for _, c in links), f"sign-in page, {scheme} mode: {links}"
    finally:
        page.close()
    page = sign_in(browser, app, scheme)
    try:  # the desk's links: the look-up's crisis text, and the Sign out button beside them
        page.fill("#lookup-query textarea", "I want to kill myself tonight")
        page.click("#search-button")
        expect(page.locator("#lookup-safety a")).to_have_count(5, timeout=30_000)
        expect(page.locator("#results .virtual-row").first).to_be_visible()
        page.wait_for_function(SETTLED, timeout=30_000)  # Gradio fades an output as it loads
        links = page.locator("a").evaluate_all(LINK_CONTRASTS)
        assert len(links) >= 5 and all(c >= 4.5 for _, c in links), f"desk, {scheme}: {links}"
        contrast = page.locator("#sign-out-button").evaluate(CONTRAST_JS)
        assert contrast >= 4.5, f"Sign out {contrast:.2f}:1 in {scheme} mode"
    finally:
        page.close()


def test_sign_out_ends_the_session_and_the_desk_needs_the_token_again(app, browser):  # noqa: F811
    # a shared front-desk computer: the next person must not find the desk open
    page = sign_in(browser, app)
    context = page.context
    try:
        assert [c["name"] for c in context.cookies()] == ["faqbot_staff"]
        page.get_by_role("button", name="Sign out").click()
        expect(page.locator("#token")).to_be_visible()  # back on the sign-in page
        assert page.url == app + "/staff/"
        assert context.cookies() == []
        page.goto(app + "/staff/")
        expect(page.locator("#token")).to_be_visible()
        assert page.locator("#lookup-query").count() == 0
        assert page.request.get(app + "/staff/config").status == 401  # nor its API
    finally:
        page.close()
    again = sign_in(browser, app)  # and the token still opens it
    again.close()

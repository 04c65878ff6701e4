"""The staff desk over HTTP: absent without a token, behind it with one (tiny corpus, fake model)."""

from __future__ import annotations

import httpx
import pytest

from faqbot import FAQBot
from faqbot.serve import http as serve_http
from faqbot.serve.gradio_app import build_ui
from faqbot.serve.staff_app import build_staff_ui
from faqbot.serve.staff_gate import COOKIE, SESSION_S, StaffGate, check_token
from tests.conftest import tiny_faqbot
from tests.servers import free_port, serving

TOKEN = "correct-horse-battery-staple-42"
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    return tiny_faqbot(tmp_path_factory.mktemp("staff"))


@pytest.fixture(scope="module")
def desk(bot):
    """(base URL) of the public app with the staff desk behind TOKEN."""
    with serving(build_ui(bot), staff=build_staff_ui(bot), staff_token=TOKEN) as (host, port):
        yield f"http://{host}:{port}"


def test_without_a_token_there_is_no_desk_and_no_staff_tab(bot):
    with serving(build_ui(bot), staff=build_staff_ui(bot), staff_token=None) as (host, port):
        base = f"http://{host}:{port}"
        for path in ("/staff", "/staff/", "/staff/config", "/staff/gradio_api/info"):
            got = httpx.get(base + path, headers=HTML)
            assert got.status_code == 404, path
        assert "FAQBOT_STAFF_TOKEN" in httpx.get(base + "/staff/").json()["detail"]
        login = httpx.post(base + "/staff/login", data={"token": TOKEN})
        assert login.status_code == 404
        config = httpx.get(base + "/config").text
        assert "Look up" not in config and "Why this answer" not in config
        assert httpx.get(base + "/").status_code == 200  # the public page is still there


def test_the_desk_asks_for_its_token_and_never_shows_itself_without_it(desk):
    page = httpx.get(desk + "/staff/", headers=HTML)
    assert page.status_code == 401
    assert 'type="password"' in page.text and 'action="/staff/login"' in page.text
    assert "Staff desk" in page.text and "gradio" not in page.text.lower()
    api = httpx.get(desk + "/staff/config")
    assert api.status_code == 401 and "sign in at /staff/" in api.json()["detail"]
    # a token in the URL is not how to sign in: it would end up in logs and history
    assert httpx.get(desk + f"/staff/config?token={TOKEN}").status_code == 401


def test_a_wrong_token_gets_401_with_a_message_and_no_cookie(desk):
    wrong = httpx.post(desk + "/staff/login", data={"token": TOKEN + "x"})
    assert wrong.status_code == 401
    assert "That is not the staff token" in wrong.text and "FAQBOT_STAFF_TOKEN" in wrong.text
    assert COOKIE not in wrong.headers.get("set-cookie", "")
    assert TOKEN not in wrong.text
    bearer = httpx.get(desk + "/staff/config", headers={"Authorization": "Bearer nope"})
    assert bearer.status_code == 401


def test_the_right_token_opens_the_desk_with_a_strict_session_cookie(desk):
    with httpx.Client(base_url=desk) as client:
        signed_in = client.post("/staff/login", data={"token": TOKEN})
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/staff/"
        cookie = signed_in.headers["set-cookie"].lower()
        for flag in ("httponly", "samesite=strict", "path=/staff", f"max-age={SESSION_S}"):
            assert flag in cookie
        assert TOKEN.lower() not in cookie  # a signature, not the token
        page = client.get("/staff/", headers=HTML)
        assert page.status_code == 200 and "Staff desk" in page.text
        config = client.get("/staff/config").json()
        labels = {c.get("props", {}).get("label") for c in config["components"]}
        assert "Sentence that answers the question" in labels
        session = client.cookies[COOKIE]
    issued, nonce, signature = session.split(".")
    forged = [
        f"{int(issued) + 1}.{nonce}.{signature}",
        f"{issued}.{nonce}.{signature[::-1]}",
        f"{issued}.{nonce[::-1]}.{signature}",
        f"{issued}.{signature}",
        issued,
        "x",
    ]
    for value in forged:
        got = httpx.get(desk + "/staff/config", headers={"Cookie": f"{COOKIE}={value}"})
        assert got.status_code == 401, value
    bearer = httpx.get(desk + "/staff/config", headers={"Authorization": f"Bearer {TOKEN}"})
    assert bearer.status_code == 200


def test_the_public_app_is_unchanged_beside_the_desk(desk):
    assert httpx.get(desk + "/").status_code == 200
    config = httpx.get(desk + "/config").text
    assert "Look up" not in config and "Sentence that answers" not in config


def test_a_session_ends_after_a_working_day():
    gate = StaffGate(None, TOKEN)
    value = gate.session(now=1_000_000)
    assert gate.valid_session(value, now=1_000_000 + SESSION_S - 1)
    assert not gate.valid_session(value, now=1_000_000 + SESSION_S)
    assert not StaffGate(None, TOKEN + "2").valid_session(value, now=1_000_001)  # token changed


def test_signing_out_ends_the_session_and_clears_its_cookie(desk):
    with httpx.Client(base_url=desk) as client:
        client.post("/staff/login", data={"token": TOKEN})
        session = client.cookies[COOKIE]
        # a GET, as a link or an image on another page would send, signs nobody out
        assert client.get("/staff/logout").status_code == 303
        assert client.get("/staff/config").status_code == 200
        out = client.post("/staff/logout")
        assert out.status_code == 303 and out.headers["location"] == "/staff/"
        cleared = out.headers["set-cookie"].lower()
        assert cleared.startswith(f"{COOKIE}=") and "max-age=0" in cleared
        assert "path=/staff" in cleared
        assert COOKIE not in client.cookies
        assert client.get("/staff/", headers=HTML).status_code == 401  # the sign-in form
    # a copy of the cookie, kept from before, no longer opens the desk either
    replayed = httpx.get(desk + "/staff/config", cookies={COOKIE: session})
    assert replayed.status_code == 401


def test_signing_out_one_session_leaves_another_from_the_same_second():
    gate = StaffGate(None, TOKEN)
    mine, theirs = gate.session(now=1_000_000), gate.session(now=1_000_000)
    assert mine != theirs
    gate.end_session(mine, now=1_000_010)
    assert not gate.valid_session(mine, now=1_000_011)
    assert gate.valid_session(theirs, now=1_000_011)
    gate.end_session("1000000.forged.0000", now=1_000_012)  # not a session: nothing kept
    assert list(gate._ended) == [mine]
    gate.end_session(theirs, now=1_000_000 + SESSION_S)  # mine has run out: forgotten
    assert list(gate._ended) == []


def test_a_short_token_is_refused_with_how_to_make_one():
    with pytest.raises(ValueError, match="is 6 characters; use at least 16.*token_urlsafe"):
        check_token("secret")
    assert check_token(f"  {TOKEN} ") == TOKEN
    assert check_token("") is None and check_token("  ") is None  # unset: no desk


def test_app_py_turns_the_desk_on_only_with_a_good_token(monkeypatch, bot, capsys):
    import app as app_py

    seen = {}
    monkeypatch.setenv("FAQBOT_FEEDBACK", "")
    # app.py imports these when it runs (so --help answers at once): patch them where they live
    monkeypatch.setattr(FAQBot, "load", classmethod(lambda cls, **kw: bot))
    monkeypatch.setattr(serve_http, "http_app", lambda demo, settings, **kw: seen.update(kw))
    monkeypatch.setattr(serve_http, "launch", lambda app, host, port: None)
    port = ["--port", str(free_port())]
    monkeypatch.setenv("FAQBOT_STAFF_TOKEN", TOKEN)
    app_py.main(port)
    assert seen["staff_token"] == TOKEN and seen["staff"].title.startswith("Staff desk")
    monkeypatch.setenv("FAQBOT_STAFF_TOKEN", "short")
    with pytest.raises(SystemExit, match="FAQBOT_STAFF_TOKEN is 5 characters; use at least 16"):
        app_py.main(port)
    monkeypatch.setenv("FAQBOT_STAFF_TOKEN", "")
    app_py.main(port)
    assert (seen["staff"], seen["staff_token"]) == (None, None)


def test_the_desks_calls_are_checked_like_the_public_ones(desk):
    join = b'{"data": [], "fn_index": 999, "session_hash": "s1"}'
    kind = {"Content-Type": "application/json"}
    auth = {"Authorization": f"Bearer {TOKEN}"} | kind
    url = desk + "/staff/gradio_api/queue/join"
    assert httpx.post(url, content=join, headers=kind).status_code == 401  # the door first
    checked = httpx.post(url, content=join, headers=auth)
    assert (checked.status_code, checked.json()["detail"]) == (
        422,
        "No event with fn_index 999; reload the page.",
    )
    other = httpx.post(desk + "/staff/gradio_api/vibe/edit", content=b"{}", headers=auth)
    assert other.status_code == 404

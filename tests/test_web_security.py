"""The web app as an attacker sees it: no file system, no uploads, no queue bypass, and the
cross-origin policy (only FAQBOT_ALLOWED_ORIGINS may read answers from another site)."""

from __future__ import annotations

import re
from pathlib import Path

import gradio
import httpx
import pytest

from faqbot import FAQBot
from faqbot.serve import http as serve_http
from faqbot.serve.gradio_app import build_ui
from faqbot.serve.http import parse_origins, refused
from tests.conftest import ROOT, tiny_faqbot
from tests.servers import free_port, raw_get, serving

ALLOWED = "https://clinic.example"
EVIL = "https://evil.example"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web")
    return tiny_faqbot(folder)


@pytest.fixture(scope="module")
def app(tiny):
    with serving(build_ui(tiny), allowed_origins=[ALLOWED]) as address:
        yield address


# -- the file system ------------------------------------------------------------------------------
def _secrets(bot) -> dict[str, bytes]:
    """Files the app can read, with a piece of each that must never appear in a response."""
    corpus = ROOT / "corpus"
    files = [
        "/etc/passwd",
        "/proc/self/environ",
        str(ROOT / "pyproject.toml"),
        str(sorted(corpus.glob("*.md"))[0]),
        bot.corpus.documents[0].path,
        str(bot.index.path / "manifest.json"),
        str(bot.index.path.parent / "CURRENT"),
    ]
    return {path: Path(path).read_bytes()[:24] for path in files}


def _paths(secret: str) -> list[str]:
    rel = "../" * 12 + secret.lstrip("/")
    enc = rel.replace(".", "%2e").replace("/", "%2f")
    return [
        f"/gradio_api/file={secret}",
        f"/gradio_api/file={secret.replace('/', '%2F')}",
        f"/gradio_api/file={rel}",
        f"/gradio_api/file={enc}",
        f"/gradio_api/file={rel.replace('/', '%2f')}",
        f"/gradio_api/file/{secret.lstrip('/')}",
        f"/gradio_api/file/{rel}",
        f"//gradio_api//file={secret}",
        f"/file={secret}",
        f"/file={rel}",
        f"/static/{enc}",
        f"/assets/{rel.replace('/', '%2f')}",
        f"/{enc}",
        f"/{rel.replace('/', '%5c')}",
        f"/gradio_api/custom_component/1/client/js/{enc}",
        f"/gradio_api/proxy=file://{secret}",
        f"/gradio_api/stream/x/y/z/playlist-file?path={secret}",
    ]


def test_no_url_reads_a_file_outside_what_the_app_serves(app, tiny, monkeypatch):
    monkeypatch.chdir(ROOT)  # relative paths would resolve against the checkout
    leaks, statuses = [], set()
    for secret, content in _secrets(tiny).items():
        for path in [*_paths(secret), "/gradio_api/file=pyproject.toml", "/file=corpus"]:
            status, _, body = raw_get(app, path)
            statuses.add(status)
            if status not in (400, 403, 404, 405) or content in body:
                leaks.append((path, status, body[:60]))
    assert leaks == []
    assert statuses == {403, 404}
    status, _, body = raw_get(app, "/")  # the app itself is served
    assert status == 200 and b"<html" in body.lower()


def test_gradio_file_route_would_serve_its_shared_upload_folder_but_is_refused(app):
    # Gradio serves any file under its upload folder (default /tmp/gradio), whoever wrote it:
    # here one left by another app or an earlier run
    planted = Path(gradio.utils.get_upload_folder()) / "faqbot-test" / "planted.html"
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_text("<script>planted</script>")
    try:
        status, _, body = raw_get(app, f"/gradio_api/file={planted}")
        assert status == 403 and b"planted" not in body
    finally:
        planted.unlink()
        planted.parent.rmdir()


@pytest.mark.parametrize(
    "path",
    [
        "/gradio_api/upload",
        "/gradio_api/upload?upload_id=abc",
        "//gradio_api//upload/",
        "/gradio_api/%75pload",
        "/gradio_api/upload_progress?upload_id=abc",
        "/upload",
        "/gradio_api/process_recording",  # took any upload and echoed it back
    ],
)
def test_uploads_are_refused_and_nothing_is_written(app, path):
    marker = f"faqbot-upload-{abs(hash(path))}".encode()
    url = f"http://{app[0]}:{app[1]}{path}"
    response = httpx.post(url, files={"files": ("x.html", marker, "text/html")}, timeout=10)
    assert response.status_code == 403
    assert response.text == "This app serves and accepts no files."
    folder = Path(gradio.utils.get_upload_folder())
    written = [p for p in folder.rglob("*") if p.is_file() and marker in p.read_bytes()]
    assert written == []


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/gradio_api/file=/etc/passwd", True),
        ("/gradio_api/upload", True),
        ("/gradio_api/proxy=http://169.254.169.254/", True),
        ("/gradio_api/call/ask", False),
        ("/gradio_api/queue/join", False),
        ("/static/fonts/x.woff2", False),
        ("/assets/index.js", False),
        ("/gradio_api/info", False),
    ],
)
def test_refused_paths(path, expected):
    assert refused(path) is expected


def test_the_api_cannot_skip_the_queue(app):
    # Gradio's direct /run/<name> and /api/<name> routes would bypass the queue's size bound
    for route in ("run", "api"):
        url = f"http://{app[0]}:{app[1]}/gradio_api/{route}/ask"
        response = httpx.post(url, json={"data": ["drive"]}, timeout=10)
        assert (response.status_code, response.json()) == (
            404,
            {
                "detail": f"No POST route /gradio_api/{route}/ask; ask with POST /api/ask or "
                "/gradio_api/call/ask."
            },
        )


# -- cross-origin policy --------------------------------------------------------------------------
def _post_ask(app, origin: str | None, host: str | None = None) -> httpx.Response:
    headers = {"Origin": origin} if origin else {}
    if host:
        headers["Host"] = host  # as behind a reverse proxy that keeps the public host name
    url = f"http://{app[0]}:{app[1]}/gradio_api/call/ask"
    return httpx.post(url, json={"data": ["Can I drive?"]}, headers=headers, timeout=10)


def _preflight(app, origin: str, host: str | None = None) -> httpx.Response:
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    } | ({"Host": host} if host else {})
    url = f"http://{app[0]}:{app[1]}/gradio_api/call/ask"
    return httpx.options(url, headers=headers, timeout=10)


@pytest.mark.parametrize("host", [None, "clinic.example", "localhost:7860"])
def test_another_site_gets_no_cors_grant(app, host):
    # Gradio's own policy echoes any Origin (with credentials) once the Host is not localhost
    response = _post_ask(app, EVIL, host)
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-credentials" not in response.headers
    preflight = _preflight(app, EVIL, host)
    assert preflight.status_code == 400 and preflight.text == "Disallowed CORS origin"
    assert "access-control-allow-origin" not in preflight.headers
    info = httpx.get(f"http://{app[0]}:{app[1]}/gradio_api/info", headers={"Origin": "null"})
    assert "access-control-allow-origin" not in info.headers


@pytest.mark.parametrize("host", [None, "clinic.example"])
def test_an_allowed_origin_may_call_the_api_without_cookies(app, host):
    response = _post_ask(app, ALLOWED, host)
    assert response.status_code == 200 and "event_id" in response.json()
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert "origin" in response.headers["vary"].lower()
    assert "access-control-allow-credentials" not in response.headers
    preflight = _preflight(app, ALLOWED, host)
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ALLOWED


def test_same_origin_page_and_plain_clients_still_work(app):
    assert _post_ask(app, None).status_code == 200  # curl, gradio_client
    own = f"http://{app[0]}:{app[1]}"
    assert _post_ask(app, own).status_code == 200  # the app's own page


def test_by_default_no_other_origin_is_allowed(tiny):
    with serving(build_ui(tiny)) as address:
        response = _post_ask(address, ALLOWED, "clinic.example")
        assert "access-control-allow-origin" not in response.headers


def test_allowed_origins_setting_is_parsed_strictly():
    assert parse_origins("") == ()
    assert parse_origins(" https://Clinic.example , http://localhost:8080,") == (
        "https://clinic.example",
        "http://localhost:8080",
    )
    for bad in ("https://clinic.example/", "clinic.example", "*", "https://clinic.example/x"):
        with pytest.raises(ValueError, match=re.escape(f"entry '{bad}' is not an origin")):
            parse_origins(bad)


def test_app_py_reads_the_allowed_origins_setting(monkeypatch, tiny):
    import app as app_py

    seen = {}
    monkeypatch.setenv("FAQBOT_ALLOWED_ORIGINS", f"{ALLOWED},https://www.clinic.example")
    monkeypatch.setenv("FAQBOT_FEEDBACK", "")
    monkeypatch.delenv("FAQBOT_STAFF_TOKEN", raising=False)
    # app.py imports these when it runs (so --help answers at once): patch them where they live
    monkeypatch.setattr(FAQBot, "load", classmethod(lambda cls, **kw: tiny))
    monkeypatch.setattr(serve_http, "http_app", lambda demo, settings, **kw: seen.update(kw))
    monkeypatch.setattr(serve_http, "launch", lambda app, host, port: None)
    app_py.main(["--port", str(free_port())])
    assert seen.pop("allowed_origins") == (ALLOWED, "https://www.clinic.example")
    assert seen.pop("api").handlers.bot is tiny  # the JSON API, under the same policy
    assert (seen.pop("staff"), seen.pop("staff_token")) == (None, None)  # no FAQBOT_STAFF_TOKEN
    assert seen == {}


def test_app_py_refuses_bad_settings_with_a_message(monkeypatch, capsys):
    import app as app_py

    with pytest.raises(SystemExit) as exit_:
        app_py.main(["--port", "80800"])
    assert exit_.value.code == 2
    assert "the port must be a number from 1 to 65535, got '80800'" in capsys.readouterr().err
    monkeypatch.setenv("FAQBOT_ALLOWED_ORIGINS", "https://clinic.example/")
    with pytest.raises(SystemExit) as exit_:
        app_py.main(["--port", str(free_port())])
    assert "entry 'https://clinic.example/' is not an origin" in str(exit_.value.code)


# -- API calls that Gradio would answer badly -----------------------------------------------------
@pytest.mark.parametrize(
    "name, body, status, detail",
    [
        (
            "search",
            {"data": ["drive"]},
            422,
            "/search takes 4 value(s) in this order: question, k, retriever, article; "
            "the request has 1.",
        ),
        (
            "ask",
            {"data": []},
            422,
            "/ask takes 1 value(s) in this order: question; the request has 0.",
        ),
        (
            "respond",
            {"data": ["x", [], {}]},
            404,
            "No API endpoint /respond; the endpoints are /ask, /search.",
        ),
        ("nope", {"data": []}, 404, "No API endpoint /nope; the endpoints are /ask, /search."),
        (
            "ask",
            {"data": ["x" * 1_000_000]},
            413,
            "The body is over the 131,072-byte limit; a question may be at most 1,000 characters.",
        ),
    ],
)
def test_bad_api_calls_get_a_message_not_a_traceback(app, capfd, name, body, status, detail):
    url = f"http://{app[0]}:{app[1]}/gradio_api/call/{name}"
    response = httpx.post(url, json=body, timeout=10)
    assert (response.status_code, response.json()) == (status, {"detail": detail})
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err


def test_a_complete_call_still_goes_through(app):
    url = f"http://{app[0]}:{app[1]}/gradio_api/call/search"
    posted = httpx.post(url, json={"data": ["drive", 2, "hybrid", ""]}, timeout=10)
    stream = httpx.get(f"{url}/{posted.json()['event_id']}", timeout=10).text
    assert stream.startswith("event: complete")


def test_app_py_takes_settings_leaves_as_json_and_names_a_wrong_one():
    import app as app_py

    settings = app_py.settings_from('{"api_concurrency": 4, "why_k": 5}')
    assert (settings.serve.api_concurrency, settings.serve.why_k) == (4, 5)
    assert settings.encoder.threads == settings.serve.encoder_threads == 1  # serving threads
    with pytest.raises(
        ValueError, match="No setting 'concurrency'. Settings are: .*api_concurrency"
    ):
        app_py.settings_from('{"concurrency": 4}')
    with pytest.raises(ValueError, match="FAQBOT_SETTINGS must be a JSON object"):
        app_py.settings_from("[4]")

"""The staff desk's door: every request under /staff needs the operator's token, sent once to a
sign-in form (then a signed session cookie) or as `Authorization: Bearer <token>`. Without a
token the desk does not exist (404). The token never travels in a URL, so no log can hold it."""

from __future__ import annotations

import hashlib
import hmac
import html
import secrets
import time
from urllib.parse import parse_qs

from starlette.responses import HTMLResponse, RedirectResponse, Response

from .guard import error_response, read_body

STAFF_PATH = "/staff"
LOGOUT_PATH = f"{STAFF_PATH}/logout"  # the desk's "Sign out" button posts here (staff_app.py)
COOKIE = "faqbot_staff"
SESSION_S = 12 * 3600  # a sign-in lasts a working day
MIN_TOKEN_CHARS = 16
FORM_LIMIT = 4096  # bytes of a sign-in form
HINT = "Ask the operator for the value of FAQBOT_STAFF_TOKEN."


def check_token(token: str) -> str | None:
    """The operator's token (None when unset: no desk), refused when too short to resist guessing.

    Raises:
        ValueError: fewer than MIN_TOKEN_CHARS characters, with how to make a good one.
    """
    token = token.strip()
    if not token:
        return None
    if len(token) < MIN_TOKEN_CHARS:
        raise ValueError(
            f"FAQBOT_STAFF_TOKEN is {len(token)} characters; use at least {MIN_TOKEN_CHARS}, e.g. "
            "the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(24))'"
        )
    return token


class StaffGate:
    """ASGI middleware for the paths under STAFF_PATH (all of them 404 when `token` is None)."""

    def __init__(self, app, token: str | None):
        self.app = app
        self.token = token
        # the cookie carries a signature made with a key derived from the token, never the token
        self._key = hashlib.sha256(f"faqbot staff session\0{token}".encode()).digest()
        self._ended: dict[str, int] = {}  # sessions signed out before their end: cookie -> issued

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == STAFF_PATH or path.startswith(STAFF_PATH + "/")):
            await self.app(scope, receive, send)
            return
        if self.token is None:
            detail = "Not found. The staff desk is off: the operator has set no FAQBOT_STAFF_TOKEN."
            await error_response(404, detail)(scope, receive, send)
            return
        if path == f"{STAFF_PATH}/login":
            response = await self._login(scope, receive)
        elif path == LOGOUT_PATH:
            response = self._sign_out(scope)
        elif self._allowed(scope):
            await self.app(scope, receive, send)
            return
        elif scope["method"] == "GET" and b"text/html" in _header(scope, b"accept"):
            response = login_page(401, "")
        else:
            detail = f"The staff desk needs the staff token: sign in at {STAFF_PATH}/. {HINT}"
            response = error_response(401, detail, {"WWW-Authenticate": "Bearer"})
        await response(scope, receive, send)

    def _allowed(self, scope) -> bool:
        bearer = _header(scope, b"authorization").decode("latin-1")
        if bearer[:7].lower() == "bearer ":
            return self.same_token(bearer[7:].strip())
        return self.valid_session(_cookie(scope, COOKIE))

    def same_token(self, given: str) -> bool:
        """Constant-time: how much of a guess was right takes no longer to find out."""
        return hmac.compare_digest(_digest(given), _digest(self.token or ""))

    def session(self, now: float | None = None) -> str:
        """A signed "issued.nonce": the nonce sets apart two sign-ins in the same second, so
        signing one out leaves the other."""
        issued = f"{int(time.time() if now is None else now)}.{secrets.token_hex(8)}"
        return f"{issued}.{self._sign(issued)}"

    def valid_session(self, value: str, now: float | None = None) -> bool:
        issued, _, signature = value.rpartition(".")
        when = issued.partition(".")[0]
        if not when.isdigit() or not hmac.compare_digest(signature, self._sign(issued)):
            return False
        age = (time.time() if now is None else now) - int(when)
        return 0 <= age < SESSION_S and value not in self._ended

    def end_session(self, value: str, now: float | None = None) -> None:
        """Refuse a session from now on, a copy of its cookie too (kept until it would end)."""
        now = time.time() if now is None else now
        if self.valid_session(value, now):
            self._ended[value] = int(value.partition(".")[0])
        self._ended = {v: t for v, t in self._ended.items() if now - t < SESSION_S}

    def _sign(self, issued: str) -> str:
        return hmac.new(self._key, issued.encode(), hashlib.sha256).hexdigest()

    def _sign_out(self, scope) -> Response:
        """A POST ends the session and clears its cookie (a shared front-desk computer); either
        way, back to the sign-in page. Only a POST: a link elsewhere must not sign staff out."""
        response = RedirectResponse(f"{STAFF_PATH}/", status_code=303)
        if scope["method"] == "POST":
            self.end_session(_cookie(scope, COOKIE))
            response.delete_cookie(
                COOKIE, path=STAFF_PATH, secure=_https(scope), httponly=True, samesite="strict"
            )
        return response

    async def _login(self, scope, receive) -> Response:
        if scope["method"] != "POST":
            return RedirectResponse(f"{STAFF_PATH}/", status_code=303)
        body = await read_body(scope, receive, FORM_LIMIT)
        given = parse_qs(body.decode("utf-8", "replace")).get("token", [""])[0] if body else ""
        if not self.same_token(given.strip()):
            why = "That is not the staff token." if given else "Type the staff token."
            return login_page(401, f"{why} {HINT}")
        response = RedirectResponse(f"{STAFF_PATH}/", status_code=303)
        response.set_cookie(
            COOKIE,
            self.session(),
            max_age=SESSION_S,
            path=STAFF_PATH,
            httponly=True,
            samesite="strict",
            secure=_https(scope),
        )
        return response


def login_page(status: int, message: str) -> HTMLResponse:
    """The sign-in form; posts the token in the body, never the URL. Its link is blue-700 on
    white (6.7:1) or blue-300 on the dark page (9.8:1); the browser's own blue was 1.9:1 there."""
    note = f'<p class="error" role="alert">{html.escape(message)}</p>' if message else ""
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Staff desk: sign in</title><style>
body{{font:16px system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem;
color:#1f2937;background:#fff}} input{{font:inherit;width:100%;padding:.5rem;margin:.3rem 0 1rem;
box-sizing:border-box}} button{{font:inherit;padding:.5rem 1.2rem;background:#1d4ed8;color:#fff;
border:0;border-radius:6px}} .error{{color:#b91c1c;font-weight:600}} a{{color:#1d4ed8}}
@media (prefers-color-scheme: dark){{body{{color:#e5e7eb;background:#111827}}
.error{{color:#fca5a5}} a{{color:#93c5fd}}}}</style></head><body><main>
<h1>Staff desk</h1><p>For the clinic's staff. Visitors: <a href="/">ask a question here</a>.</p>
{note}<form method="post" action="{STAFF_PATH}/login"><label for="token">Staff token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button></form></main></body></html>"""
    headers = {"Cache-Control": "no-store", "X-Frame-Options": "DENY"}
    return HTMLResponse(page, status_code=status, headers=headers)


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def _https(scope) -> bool:
    """Served over HTTPS, here or at a reverse proxy in front: the cookie is then Secure."""
    return scope.get("scheme") == "https" or _header(scope, b"x-forwarded-proto") == b"https"


def _header(scope, name: bytes) -> bytes:
    return dict(scope.get("headers") or []).get(name, b"")


def _cookie(scope, name: str) -> str:
    for part in _header(scope, b"cookie").decode("latin-1").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""

"""Sessions for the pages: a signed cookie naming the user, its expiry and the form token (CSRF).

The cookie is HMAC-SHA256 signed with the node's secret key, HttpOnly, SameSite=Strict, and
Secure outside development. It carries no roles: they are read from the account on every
request, so a role withdrawn or an account closed takes effect at once. Every form and
HTMX request sends the session's CSRF token back, and a change is refused without it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

COOKIE = "armtrace_session"


@dataclass(frozen=True)
class Session:
    username: str
    expires: datetime
    csrf: str


def issue(username: str, now: datetime, hours: int, secret: str) -> tuple[str, Session]:
    session = Session(username, now + timedelta(hours=hours), secrets.token_urlsafe(24))
    payload = json.dumps({"u": username, "e": int(session.expires.timestamp()), "c": session.csrf}).encode()
    body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{body}.{_sign(body, secret)}", session


def read(cookie: str | None, now: datetime, secret: str) -> Session | None:
    """The session a cookie carries, if its signature holds and it has not expired."""
    if not cookie or "." not in cookie:
        return None
    body, signature = cookie.rsplit(".", 1)
    if not hmac.compare_digest(signature.encode(), _sign(body, secret).encode()):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        expires = datetime.fromtimestamp(int(data["e"]), tz=now.tzinfo)
        session = Session(str(data["u"]), expires, str(data["c"]))
    except (ValueError, KeyError, TypeError):
        return None
    return session if now < session.expires else None


def _sign(body: str, secret: str) -> str:
    return hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()

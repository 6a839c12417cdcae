"""CSRF protection for the desk's forms: a synchronizer token.

One random token per session, kept in the (signed, HttpOnly) session cookie. Every form carries
it in a hidden field and ``fetch`` calls in the ``X-CSRF-Token`` header; a POST without the
session's token is refused with 403 before its view runs. Another site can make a browser send
the cookie (SameSite=Lax already stops most of that) but cannot read the token.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, request, session
from markupsafe import Markup, escape

from syndicate.errors import Forbidden

SESSION_KEY = "csrf"
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfRefused(Forbidden):
    title = "CSRF token missing or wrong"


def token() -> str:
    """This session's token, made on first use (which is what sets the session cookie)."""
    value = session.get(SESSION_KEY)
    if not value:
        value = session[SESSION_KEY] = secrets.token_urlsafe(32)
    return value


def rotate() -> None:
    """A new token, when who is signed in changes: a token seen before sign-in is worthless."""
    session[SESSION_KEY] = secrets.token_urlsafe(32)


def field() -> Markup:
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, escape(token()))


def protect() -> None:
    """Refuse an unsafe request that does not carry the session's token."""
    if request.method in SAFE_METHODS:
        return
    expected = session.get(SESSION_KEY, "")
    given = request.headers.get(HEADER) or request.form.get(FIELD, "")
    # Bytes: compare_digest refuses non-ASCII str, and a forged value may be anything.
    if not expected or not hmac.compare_digest(expected.encode(), given.encode()):
        raise CsrfRefused("the form did not carry this session's CSRF token")


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(csrf_token=token, csrf_field=field)

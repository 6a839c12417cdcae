"""What every desk request goes through: the page language, the editor signed in (checked
against the token table on every request), CSRF, security headers and HTML error pages."""

from __future__ import annotations

import hashlib
import hmac
from functools import wraps
from typing import Any

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException

from syndicate.errors import SyndicateError
from syndicate.i18n.babel import translations_for
from syndicate.languages import CODES, LANGUAGES, tag
from syndicate.storage import db
from syndicate.storage import tokens as token_store
from syndicate.storage.models import ApiToken
from syndicate.web.desk import blueprint, csrf

EDITOR_KEY = "desk_editor"
LANGUAGE_KEY = "desk_language"
JOBS_KEY = "desk_jobs"
RECENT_JOBS = 20

# The desk shows forms and CSRF tokens: never cached, never framed, scripts only from us.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' http: https: data:; style-src 'self'; "
        "script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "object-src 'none'"
    ),
}


def _(message: str, **params: Any) -> str:
    """``message`` in the desk's language (for flashes and labels made in Python)."""
    text = translations_for(g.get("language", CODES[0])).gettext(message)
    return text % params if params else text


# Language ------------------------------------------------------------------------------------


def page_language() -> str:
    """The editor's choice (stored in the session), else the browser's Accept-Language."""
    chosen = session.get(LANGUAGE_KEY)
    if chosen in CODES:
        return chosen
    return request.accept_languages.best_match(CODES) or CODES[0]


def choose_language(code: str) -> None:
    if code in CODES:
        session[LANGUAGE_KEY] = code


# Who is signed in ----------------------------------------------------------------------------


def _check(row: ApiToken) -> str:
    """Binds the session to this very token: a row id alone could name another token after a
    database restore. Keyed with the app secret, so the cookie does not carry the hash itself."""
    key = current_app.config["SECRET_KEY"].encode()
    # The generation is in the check: signing out bumps it, voiding every earlier cookie.
    message = f"desk-session:{row.token_hash}:{row.desk_generation or 0}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def sign_in(row: ApiToken) -> None:
    language = session.get(LANGUAGE_KEY)
    session.clear()  # nothing from before sign-in survives (CSRF token, recent jobs)
    if language:
        session[LANGUAGE_KEY] = language
    session[EDITOR_KEY] = {"id": row.id, "check": _check(row)}
    csrf.rotate()


def sign_out() -> None:
    row = editor()
    if row is not None:
        # The cookie is client-side: clearing it here does not void a copy saved before.
        token_store.end_desk_sessions(db.session(), row)
        db.session().commit()
    language = session.get(LANGUAGE_KEY)
    session.clear()
    if language:
        session[LANGUAGE_KEY] = language


def _load_editor() -> ApiToken | None:
    state = session.get(EDITOR_KEY)
    if not isinstance(state, dict) or not isinstance(state.get("id"), int):
        return None
    row = token_store.get(db.session(), state["id"])
    check = state.get("check")
    valid = (
        row is not None
        and row.revoked_at is None
        and isinstance(check, str)
        and hmac.compare_digest(check.encode(), _check(row).encode())
    )
    if not valid:
        session.pop(EDITOR_KEY, None)
        g.session_ended = True
        return None
    return row


def editor() -> ApiToken | None:
    return g.get("editor")


def signed_in(view):
    """The view needs an editor: pages send others to sign in; actions are refused (403)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if editor() is None:
            if request.method in csrf.SAFE_METHODS:
                if g.get("session_ended"):
                    flash(_("Your session has ended: the token was revoked."), "error")
                return redirect(url_for("desk.sign_in", next=_here()))
            return error_page(
                403,
                _("Sign in first"),
                _("Only signed-in editors can do this. Sign in and try again."),
            )
        return view(*args, **kwargs)

    return wrapper


def _here() -> str:
    return request.full_path.rstrip("?")


def safe_next(value: str | None, default: str | None = None) -> str:
    """Where to go after a form: only a path on the desk (no open redirect)."""
    if (
        value
        and value.startswith("/desk/")
        and not value.startswith("//")
        and "\\" not in value
        # CR/LF would split the Location header (and any control character has no place there)
        and value.isprintable()
    ):
        return value
    return default or url_for("desk.articles")


# Recent jobs ---------------------------------------------------------------------------------


def remember_jobs(job_ids: list[int]) -> None:
    """The jobs this editor started, newest first: the desk follows them."""
    known = [i for i in session.get(JOBS_KEY, []) if i not in job_ids]
    session[JOBS_KEY] = (sorted(job_ids, reverse=True) + known)[:RECENT_JOBS]


def recent_jobs() -> list[int]:
    return [i for i in session.get(JOBS_KEY, []) if isinstance(i, int)]


def forget_jobs() -> None:
    session.pop(JOBS_KEY, None)


# Rendering -----------------------------------------------------------------------------------


def render(template: str, status: int = 200, **context: Any):
    return render_template(template, **context), status


def error_page(status: int, title: str, message: str):
    return render("desk/error.html", status, title=title, message=message)


@blueprint.before_request
def _prepare() -> None:
    # Language first, so that even a refusal is in the editor's language; CSRF before any view.
    g.language = page_language()
    g.editor = _load_editor()
    csrf.protect()


@blueprint.after_request
def _headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.vary.add("Cookie")
    return response


@blueprint.context_processor
def _chrome() -> dict[str, Any]:
    language = g.get("language", CODES[0])
    return {
        "lang": language,
        "lang_tag": tag(language),
        "editor": editor(),
        "desk_languages": [LANGUAGES[code] for code in CODES],
        "here": _here(),
    }


@blueprint.errorhandler(csrf.CsrfRefused)
def _csrf_refused(_exc: csrf.CsrfRefused):
    return error_page(
        403,
        _("Request refused"),
        _(
            "This form did not carry the security token of your session, so nothing was "
            "changed. This happens when the page was opened before you signed in again, or "
            "when another site tried to send it. Reload the page and try again."
        ),
    )


@blueprint.errorhandler(SyndicateError)
def _domain_error(exc: SyndicateError):
    titles = {
        403: _("Not allowed"),
        404: _("Not found"),
        409: _("Conflict"),
        422: _("Invalid input"),
    }
    from syndicate.web.desk.messages import localize

    return error_page(
        exc.status, titles.get(exc.status, _("Something went wrong")), localize(exc.detail)
    )


@blueprint.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    return error_page(exc.code or 500, exc.name, exc.description or exc.name)

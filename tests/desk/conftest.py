"""A signed-in desk: a Flask test client that sends the session's CSRF token like a form does,
and helpers to read the pages (lxml)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient

from syndicate.storage import db
from syndicate.storage import tokens as token_store
from tests.conftest import make_app
from tests.support.factories import article_payload, make_sections


def token_for(app: Flask, role: str = "editor", label: str = "Ann Lee") -> str:
    with app.app_context(), db.database(app).session() as session:
        _row, token = token_store.create(session, role=role, label=label)
    return token


def csrf_of(client: FlaskClient) -> str:
    with client.session_transaction() as session:
        return session.get("csrf", "")


def html(response) -> lxml.html.HtmlElement:
    assert response.mimetype == "text/html", response.data[:200]
    return lxml.html.fromstring(response.data)


class Desk:
    """Drives the desk as a browser would: GET pages, POST forms with the CSRF token."""

    def __init__(self, app: Flask, client: FlaskClient):
        self.app = app
        self.client = client

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def page(self, path: str, status: int = 200) -> lxml.html.HtmlElement:
        response = self.client.get(path)
        assert response.status_code == status, (path, response.status_code, response.data[:300])
        return html(response)

    def post(self, path: str, data: dict | None = None, *, csrf: bool = True, **kwargs):
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf_token", csrf_of(self.client))
        return self.client.post(path, data=form, **kwargs)

    def sign_in(self, token: str):
        self.client.get("/desk/sign-in")  # makes the session, and its CSRF token
        response = self.post("/desk/sign-in", {"token": token})
        assert response.status_code == 303, response.data[:300]
        return response

    def api(self, method: str, path: str, token: str, **kwargs):
        headers = {"Authorization": f"Bearer {token}"}
        return getattr(self.client, method)(path, headers=headers, **kwargs)


def _newsroom(app: Flask) -> dict[str, str]:
    client = app.test_client()
    admin = {"Authorization": f"Bearer {token_for(app, 'admin', 'Admin')}"}
    make_sections(client, admin)
    return admin


@pytest.fixture
def desk_app(tmp_path, sqlite_url) -> Iterator[Flask]:
    """SQLite, memory queue, no translation model (jobs fail at once, naming the package)."""
    application = make_app(tmp_path, sqlite_url)
    yield application
    db.database(application).dispose()


@pytest.fixture
def newsroom(desk_app) -> dict[str, str]:
    """The test sections; returns admin API headers."""
    return _newsroom(desk_app)


@pytest.fixture
def editor_token_for_desk(desk_app) -> str:
    return token_for(desk_app)


@pytest.fixture
def desk(desk_app, editor_token_for_desk) -> Desk:
    signed_in = Desk(desk_app, desk_app.test_client())
    signed_in.sign_in(editor_token_for_desk)
    return signed_in


@pytest.fixture
def anonymous(desk_app) -> Desk:
    return Desk(desk_app, desk_app.test_client())


def create_article(app: Flask, admin: dict[str, str], **overrides) -> dict:
    response = app.test_client().post(
        "/api/v1/articles", json=article_payload(**overrides), headers=admin
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def api_article(app: Flask, admin: dict[str, str], public_id: str) -> dict:
    response = app.test_client().get(f"/api/v1/articles/{public_id}", headers=admin)
    assert response.status_code == 200
    return response.get_json()


# Accessibility checks shared by every page test ------------------------------------------------


def unlabelled_controls(document: lxml.html.HtmlElement) -> list[str]:
    """Form controls a screen reader could not name: no <label for>, no aria-label."""
    labelled = {label.get("for") for label in document.iter("label")}
    problems = []
    for control in document.xpath("//input | //select | //textarea"):
        if control.get("type") in {"hidden", "submit", "button"}:
            continue
        if control.get("id") in labelled or control.get("aria-label"):
            continue
        problems.append(lxml.html.tostring(control, encoding="unicode")[:120])
    return problems


def heading_levels_skip(document: lxml.html.HtmlElement) -> list[str]:
    """Headings that go down more than one level (h1 → h3), or a page not starting at h1."""
    levels = [int(h.tag[1]) for h in document.xpath("//h1|//h2|//h3|//h4|//h5|//h6")]
    problems = []
    if levels and levels[0] != 1:
        problems.append(f"first heading is h{levels[0]}")
    for before, after in itertools.pairwise(levels):
        if after > before + 1:
            problems.append(f"h{before} → h{after}")
    return problems


def duplicate_ids(document: lxml.html.HtmlElement) -> list[str]:
    ids = [element.get("id") for element in document.xpath("//*[@id]")]
    return sorted({i for i in ids if ids.count(i) > 1})


# Real (tiny) Argos packages, built and installed once per run by the translation tests' fixtures.
from tests.translation_jobs.conftest import argos_home, packages_dir, tiny_archives  # noqa: E402

__all__ = ["argos_home", "packages_dir", "tiny_archives"]

"""A demo newsroom published to a temporary feeds/ folder, and counters of queries and renders."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from syndicate import publication
from syndicate.editorial import demo
from syndicate.storage import db
from tests.conftest import _token, make_app


def make_queued_app(tmp_path, database_url: str, **settings):
    """The demo newsroom, published; then an app whose queue is on disk (SQLite), as in
    production: nothing is published in the request, publishers (or a test's drain) do it."""
    app = make_app(tmp_path, database_url, **{**settings, "SYNDICATE_QUEUE_URL": "memory:"})
    with app.app_context(), db.database(app).session() as session, publication.deferred(app):
        demo.load(session)
    db.database(app).dispose()
    return make_app(
        tmp_path,
        database_url,
        SYNDICATE_QUEUE_URL=f"sqlite:///{tmp_path / 'queue.db'}",
        SYNDICATE_AUTO_TRANSLATE=False,
        **settings,
    )


@pytest.fixture
def demo_app(tmp_path, sqlite_url):
    app = make_app(tmp_path, sqlite_url)
    with (
        app.app_context(),
        db.database(app).session() as session,
        publication.deferred(app),
    ):
        demo.load(session)
    yield app
    db.database(app).dispose()


@pytest.fixture
def demo_client(demo_app):
    return demo_app.test_client()


@pytest.fixture
def demo_editor(demo_app):
    return {"Authorization": f"Bearer {_token(demo_app, 'editor')}"}


@contextmanager
def count_queries(app):
    """Counts every SQL statement the app's engine executes while the block runs."""
    counter = {"queries": 0}

    def before(*_args, **_kwargs):
        counter["queries"] += 1

    engine = db.database(app).engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


def edit_title(client, headers, public_id: str, title: str) -> None:
    """Change an article's title through the API (with its revision, as editors do)."""
    article = client.get(f"/api/v1/articles/{public_id}", headers=headers).get_json()
    response = client.patch(
        f"/api/v1/articles/{public_id}",
        headers=headers,
        json={"title": title, "revision": article["revision"]},
    )
    assert response.status_code == 200, response.get_json()


def any_published(client, headers, section: str = "business") -> str:
    """The public id of a published English article of ``section``."""
    listing = client.get(
        f"/api/v1/articles?section={section}&status=published&language=en", headers=headers
    ).get_json()
    return listing["items"][0]["id"]

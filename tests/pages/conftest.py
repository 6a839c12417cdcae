"""The demo newsroom (with translations) on SQLite, named, for the public pages' tests."""

from __future__ import annotations

import lxml.html
import pytest

from syndicate.storage import db
from syndicate.storage import tokens as token_store
from tests.feeds.conftest import BASE, make_demo_app, session_of

__all__ = ["BASE", "make_demo_app"]

SITE_NAME = {"en": "Hongqiao News", "zh": "虹桥新闻"}
#: English original, machine-translated into Chinese.
ORIGINAL = "2023-06-01-hongqiao-yrd-forum-links"
#: Chinese original with a canonical URL elsewhere, edited after publication, machine-translated.
EDITED = "2023-07-14-hongqiao-hub-summer-peak"
EDITED_CANONICAL = "https://www.hongqiao.example/zh/news/2023/07/14/hub-summer-peak"
#: Chinese original with an editor's English translation.
EDITOR_TRANSLATED = "2023-06-26-kingdom-coffee-yrd-roastery"


@pytest.fixture
def site(make_demo_app, sqlite_url):
    return make_demo_app(sqlite_url, SYNDICATE_SITE_NAME=SITE_NAME)


def get_page(app, path: str, status: int = 200):
    response = app.test_client().get(path.removeprefix(BASE))
    assert response.status_code == status, response.data[:500]
    return response, lxml.html.fromstring(response.data)


def editor_headers(app) -> dict[str, str]:
    with session_of(app) as session:
        _row, token = token_store.create(session, role="editor", label="pages test")
    return {"Authorization": f"Bearer {token}"}


def dispose(app) -> None:
    db.database(app).dispose()

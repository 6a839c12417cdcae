"""Sitemaps and robots.txt are publication documents (issue 14): rendered by publishers into
``published_documents`` in the same transaction chain as the change, mirrored into the folder,
served by the fast path with no query; an edit re-renders only the child holding its article;
the worker's scheduler moves the news sitemap's 48-hour window with no request."""

from __future__ import annotations

import gzip
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import brotli
import pytest

from syndicate import publication
from syndicate.editorial import demo, schedule
from syndicate.feed import sitemap
from syndicate.publication import mirror, sitemaps, targets
from syndicate.storage import articles as article_store
from syndicate.storage import db, documents
from syndicate.storage.models import OutboxEntry
from tests.conftest import _token, make_app
from tests.feeds.conftest import published_articles
from tests.publication.conftest import count_queries
from tests.support.factories import article_payload

BASE = "https://news.example.com"
SITE = ("sitemap.xml", "sitemap-news.xml", "robots.txt")


def _load_demo(tmp_path, database_url, **settings):
    app = make_app(tmp_path, database_url, SYNDICATE_BASE_URL=BASE, **settings)
    with app.app_context(), db.database(app).session() as session, publication.deferred(app):
        demo.load(session)
    return app


@pytest.fixture
def site_app(tmp_path, database_url):
    """The demo newsroom, published in this process after each commit (``memory:`` queue)."""
    app = _load_demo(tmp_path, database_url, SYNDICATE_AUTO_TRANSLATE=False)
    publication.publish_everything(app)
    yield app
    db.database(app).dispose()


@pytest.fixture
def split_app(tmp_path, database_url):
    """The demo with at most 10 URLs per sitemap file (5 article ids per child), its changes
    left to publishers (a SQLite queue: nothing runs inline) so a test sees what is dirty."""
    small = {"SYNDICATE_SITEMAP_MAX_URLS": 10}
    app = _load_demo(tmp_path, database_url, **small)
    publication.publish_everything(app)
    db.database(app).dispose()
    app = make_app(
        tmp_path,
        database_url,
        SYNDICATE_BASE_URL=BASE,
        SYNDICATE_QUEUE_URL=f"sqlite:///{tmp_path / 'queue.db'}",
        SYNDICATE_AUTO_TRANSLATE=False,
        **small,
    )
    yield app
    db.database(app).dispose()


def _folder(app) -> Path:
    return Path(app.config["SYNDICATE_FEEDS_DIR"])


def _built(app, **options) -> dict[str, bytes]:
    with app.app_context(), db.database(app).session() as session:
        return sitemap.build_sitemaps(session, app.config, **options)


def _stored(app, prefix: str = "") -> dict[str, str]:
    with db.database(app).session() as session:
        return {
            path: etag
            for path, etag, _size in documents.live_index(session)
            if sitemap.is_site_path(path) and path.startswith(prefix)
        }


def _editor(app) -> dict[str, str]:
    return {"Authorization": f"Bearer {_token(app, 'editor')}"}


def _edit(client, headers, public_id: str, **fields) -> None:
    article = client.get(f"/api/v1/articles/{public_id}", headers=headers).get_json()
    response = client.patch(
        f"/api/v1/articles/{public_id}",
        headers=headers,
        json={**fields, "revision": article["revision"]},
    )
    assert response.status_code == 200, response.get_json()


def _waiting(app) -> set[str]:
    with db.database(app).session() as session:
        return {t for (t,) in session.query(OutboxEntry.target).all()}


def _published_ids(app) -> list[tuple[int, str]]:
    with db.database(app).session() as session:
        return [(a.id, a.public_id) for a in published_articles(session)]


def test_the_publisher_renders_them_and_a_request_runs_no_query(site_app):
    root = _folder(site_app)
    built = _built(site_app)
    for path in SITE:
        assert (root / path).exists(), path  # mirrored by publish_everything
    assert (root / "sitemap.xml").read_bytes() == built["sitemap.xml"]
    assert (root / "sitemap-news.xml").read_bytes() == built["sitemap-news.xml"]
    assert (root / "robots.txt").read_bytes() == sitemap.robots_txt(BASE)
    assert set(_stored(site_app)) == set(SITE)
    client = site_app.test_client()
    types = {"robots.txt": "text/plain; charset=utf-8"}
    for path in SITE:
        client.get(f"/{path}")  # the first request of a file version checks its hash once
        with count_queries(site_app) as counter:
            response = client.get(f"/{path}")
            gzipped = client.get(f"/{path}", headers={"Accept-Encoding": "gzip"})
            brotlied = client.get(f"/{path}", headers={"Accept-Encoding": "br"})
            etag = response.headers["ETag"]
            not_modified = client.get(f"/{path}", headers={"If-None-Match": etag})
            since = response.headers["Last-Modified"]
            not_since = client.get(f"/{path}", headers={"If-Modified-Since": since})
        assert counter["queries"] == 0, path  # served from the file: nothing built
        assert response.status_code == 200
        assert response.data == (root / path).read_bytes()
        assert response.headers["Content-Type"] == types.get(path, sitemaps.XML_TYPE)
        assert response.headers["Cache-Control"] == "public, max-age=300"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert gzip.decompress(gzipped.data) == response.data
        assert gzipped.headers["Content-Encoding"] == "gzip"
        assert brotli.decompress(brotlied.data) == response.data
        assert not_modified.status_code == 304 and not_since.status_code == 304
    assert client.get("/sitemaps/articles-1.xml").status_code == 404  # one file is enough
    assert client.get("/sitemaps/..%2fsitemap.xml").status_code == 404
    assert client.get("/feeds/sitemap.xml").status_code == 404


def test_publish_unpublish_and_edit_change_the_file_after_settle(site_app):
    root = _folder(site_app)
    client, headers = site_app.test_client(), _editor(site_app)
    _article_id, public_id = _published_ids(site_app)[-1]
    url = f"/articles/{public_id}</loc>".encode()
    before = (root / "sitemap.xml").read_bytes()
    assert url in before
    response = client.post(f"/api/v1/articles/{public_id}/unpublish", headers=headers)
    assert response.status_code == 200, response.get_json()
    publication.settle(site_app)
    assert url not in (root / "sitemap.xml").read_bytes()
    response = client.post(f"/api/v1/articles/{public_id}/publish", headers=headers)
    assert response.status_code == 200, response.get_json()
    publication.settle(site_app)
    assert url in (root / "sitemap.xml").read_bytes()
    # An edit moves the page's lastmod; the file is the one build_sitemaps makes.
    republished = (root / "sitemap.xml").read_bytes()
    time.sleep(1.1)  # lastmod is to the second
    _edit(client, headers, public_id, title="A new title for the sitemap")
    publication.settle(site_app)
    edited = (root / "sitemap.xml").read_bytes()
    assert edited != republished and edited == _built(site_app)["sitemap.xml"]
    # A new article, published now, enters both sitemaps.
    fresh = article_payload(
        id="sitemap-fresh", status="published", published_at=datetime.now(UTC).isoformat()
    )
    assert client.post("/api/v1/articles", json=fresh, headers=headers).status_code == 201
    publication.settle(site_app)
    assert f"{BASE}/en/articles/sitemap-fresh".encode() in (root / "sitemap.xml").read_bytes()
    assert b"/en/articles/sitemap-fresh" in (root / "sitemap-news.xml").read_bytes()
    served = client.get("/sitemap-news.xml")
    assert b"/en/articles/sitemap-fresh" in served.data


def test_a_large_sitemap_is_an_index_and_an_edit_renders_one_child(split_app):
    built = _built(split_app, max_urls=10)
    children = _stored(split_app, sitemap.CHILDREN_PREFIX)
    assert sitemap.SECTIONS_PATH in children and len(children) > 3
    root = _folder(split_app)
    for path, body in built.items():
        if path != sitemap.NEWS_PATH:
            assert (root / path).read_bytes() == body, path  # the same bytes, however made
    assert set(built) - {sitemap.NEWS_PATH} == set(children) | {sitemap.INDEX_PATH}
    before = _stored(split_app)

    article_id, public_id = _published_ids(split_app)[0]  # the oldest: not news
    client, headers = split_app.test_client(), _editor(split_app)
    time.sleep(1.1)
    _edit(client, headers, public_id, title="Only its own child changes")
    block = sitemap.block_of(article_id, sitemap.block_size(10))
    waiting = {t for t in _waiting(split_app) if t.split(":")[0] in ("sitemap", "robots")}
    assert waiting == {targets.sitemap_block(block)}  # not the other children, not the news
    report = publication.settle(split_app)
    site = sorted(p for p in report.stored if sitemap.is_site_path(p))
    assert site == sorted([sitemap.articles_path(block), sitemap.INDEX_PATH])
    after = _stored(split_app)
    assert {p for p in after if after[p] != before.get(p)} == set(site)
    assert (root / sitemap.INDEX_PATH).read_bytes() == _built(split_app, max_urls=10)[
        sitemap.INDEX_PATH
    ]

    # News only ever changes the newest child (ids only grow), the index and the news sitemap.
    newest = max(
        int(p.removeprefix(sitemap.ARTICLES_PREFIX).removesuffix(".xml"))
        for p in after
        if p.startswith(sitemap.ARTICLES_PREFIX)
    )
    fresh = article_payload(
        id="sitemap-news-item", status="published", published_at=datetime.now(UTC).isoformat()
    )
    assert client.post("/api/v1/articles", json=fresh, headers=headers).status_code == 201
    report = publication.settle(split_app)
    site = {p for p in report.stored if sitemap.is_site_path(p)}
    with db.database(split_app).session() as session:
        new_id = article_store.get(session, "sitemap-news-item").id
    new_block = sitemap.block_of(new_id, sitemap.block_size(10))
    assert new_block in (newest, newest + 1)
    assert site == {sitemap.articles_path(new_block), sitemap.INDEX_PATH, sitemap.NEWS_PATH}


def test_the_schedulers_round_drops_an_item_after_48_hours(site_app):
    """The window, shortened by publishing an article 48 hours minus 6 seconds ago: the worker's
    scheduler (a short interval) removes it from the news sitemap with no request."""
    root = _folder(site_app)
    client, headers = site_app.test_client(), _editor(site_app)
    leaving = datetime.now(UTC) - sitemap.NEWS_WINDOW + timedelta(seconds=6)
    item = article_payload(id="leaves-soon", status="published", published_at=leaving.isoformat())
    assert client.post("/api/v1/articles", json=item, headers=headers).status_code == 201
    going_live = datetime.now(UTC) + timedelta(seconds=2)
    later = article_payload(id="goes-live", status="published", published_at=going_live.isoformat())
    assert client.post("/api/v1/articles", json=later, headers=headers).get_json()["status"] == (
        "scheduled"
    )
    news = root / sitemap.NEWS_PATH
    assert b"/articles/leaves-soon" in news.read_bytes()
    assert b"/articles/goes-live" not in news.read_bytes()
    site_app.config["SYNDICATE_SCHEDULER_INTERVAL"] = 0.2
    scheduler = schedule.start(site_app, rounds=[sitemaps.NewsWindow(site_app)])
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            body = news.read_bytes()
            if b"/articles/leaves-soon" not in body and b"/articles/goes-live" in body:
                break
            time.sleep(0.2)
    finally:
        scheduler.stop()
    body = news.read_bytes()
    assert b"/articles/leaves-soon" not in body, "the item never left the news sitemap"
    assert b"/articles/goes-live" in body, "the scheduled article never entered it"
    assert datetime.now(UTC) >= leaving + sitemap.NEWS_WINDOW
    assert body == site_app.test_client().get("/sitemap-news.xml").data
    assert b"/articles/leaves-soon" in (root / "sitemap.xml").read_bytes()  # still a page


def test_verify_repairs_and_removes_sitemap_files(site_app):
    root = _folder(site_app)
    (root / "robots.txt").unlink()
    (root / "sitemap.xml").write_bytes(b"<truncated")
    (root / "sitemaps").mkdir(exist_ok=True)
    (root / "sitemaps" / "articles-99.xml").write_bytes(b"stale")
    assert mirror.for_app(site_app).verify() == 2
    assert (root / "robots.txt").read_bytes() == sitemap.robots_txt(BASE)
    assert (root / "sitemap.xml").read_bytes() == _built(site_app)["sitemap.xml"]
    assert not (root / "sitemaps" / "articles-99.xml").exists()


def test_before_any_publication_the_first_request_publishes_them(tmp_path, database_url):
    app = make_app(
        tmp_path,
        database_url,
        SYNDICATE_BASE_URL=BASE,
        SYNDICATE_QUEUE_URL=f"sqlite:///{tmp_path / 'queue.db'}",
    )
    try:
        assert _stored(app) == {}
        client = app.test_client()
        for path in SITE:
            response = client.get(f"/{path}")
            assert response.status_code == 200, path
            assert (_folder(app) / path).read_bytes() == response.data
        assert set(_stored(app)) == set(SITE)  # stored for every host
        assert client.get("/sitemaps/articles-1.xml").status_code == 404
        assert client.get("/robots.txt").data == sitemap.robots_txt(BASE)
    finally:
        db.database(app).dispose()


def test_a_section_created_and_deleted_renders_only_the_sections_file(split_app):
    client = split_app.test_client()
    admin = {"Authorization": f"Bearer {_token(split_app, 'admin')}"}
    section = {"slug": "sitemap-desk", "parent": None, "name": {"en": "Desk", "zh": "编辑部"}}
    assert client.post("/api/v1/sections", json=section, headers=admin).status_code == 201
    waiting = {t for t in _waiting(split_app) if t.startswith("sitemap")}
    assert waiting == {targets.SITEMAP_SECTIONS}
    report = publication.settle(split_app)
    site = {p for p in report.stored if sitemap.is_site_path(p)}
    assert site == {sitemap.SECTIONS_PATH}  # its lastmod is none: the index stays as it was
    listed = (_folder(split_app) / sitemap.SECTIONS_PATH).read_bytes()
    assert f"{BASE}/en/sitemap-desk/".encode() in listed
    assert client.delete("/api/v1/sections/sitemap-desk", headers=admin).status_code in (200, 204)
    publication.settle(split_app)
    listed = (_folder(split_app) / sitemap.SECTIONS_PATH).read_bytes()
    assert b"/sitemap-desk/" not in listed
    assert listed == _built(split_app, max_urls=10)[sitemap.SECTIONS_PATH]

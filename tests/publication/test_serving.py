"""Feeds over HTTP: the bytes the publisher wrote, with the headers readers and partners use."""

from __future__ import annotations

import gzip
from pathlib import Path

import brotli
import pytest

from syndicate.feed.urls import FORMATS
from syndicate.publication import publisher
from tests.publication.conftest import count_queries

SECTIONS = ("all", "top-news", "hongqiao-yrd", "industrial-cooperation", "business")
MEDIA = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}


def feed_paths(languages=("en", "zh"), sections=SECTIONS):
    return [f"/feeds/{lang}/{s}.{fmt}" for lang in languages for s in sections for fmt in FORMATS]


def etags(client, paths):
    return {path: client.get(path).headers["ETag"] for path in paths}


def test_every_feed_is_served_with_reader_headers(demo_app, demo_client):
    root = Path(demo_app.config["SYNDICATE_FEEDS_DIR"])
    for path in feed_paths():
        response = demo_client.get(path)
        assert response.status_code == 200, path
        fmt = path.rsplit(".", 1)[1]
        assert response.headers["Content-Type"] == MEDIA[fmt]
        assert response.headers["Cache-Control"] == "public, max-age=300"
        assert response.headers["Vary"] == "Accept-Encoding"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.headers["ETag"].startswith('"')
        assert response.headers["Last-Modified"].endswith("GMT")
        # The same bytes any static server would serve from feeds/.
        assert response.data == (root / path.removeprefix("/feeds/")).read_bytes()


def test_head_has_the_headers_and_no_body(demo_client):
    get = demo_client.get("/feeds/en/all.atom")
    head = demo_client.head("/feeds/en/all.atom")
    assert head.status_code == 200
    assert head.data == b""
    for name in ("ETag", "Content-Type", "Content-Length", "Last-Modified"):
        assert head.headers[name] == get.headers[name]


@pytest.mark.parametrize(
    ("coding", "decode"), [("gzip", gzip.decompress), ("br", brotli.decompress)]
)
def test_precompressed_codings(demo_client, coding, decode):
    plain = demo_client.get("/feeds/zh/all.rss")
    packed = demo_client.get("/feeds/zh/all.rss", headers={"Accept-Encoding": coding})
    assert packed.headers["Content-Encoding"] == coding
    assert decode(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 2
    # A strong ETag names one representation, so each coding has its own.
    assert packed.headers["ETag"] != plain.headers["ETag"]
    refused = demo_client.get("/feeds/zh/all.rss", headers={"Accept-Encoding": "br;q=0, gzip;q=0"})
    assert "Content-Encoding" not in refused.headers


def test_conditional_get_is_304_without_queries_or_renders(demo_app, demo_client):
    first = demo_client.get("/feeds/en/business.json")
    pub = publisher.for_app(demo_app)
    renders = pub.renders
    with count_queries(demo_app) as counter:
        again = demo_client.get(
            "/feeds/en/business.json", headers={"If-None-Match": first.headers["ETag"]}
        )
        since = demo_client.get(
            "/feeds/en/business.json",
            headers={"If-Modified-Since": first.headers["Last-Modified"]},
        )
        gz = demo_client.get(
            "/feeds/en/business.json",
            headers={"If-None-Match": first.headers["ETag"], "Accept-Encoding": "gzip"},
        )
        full = demo_client.get("/feeds/en/business.json")
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert since.status_code == 304
    assert gz.status_code == 304
    assert full.status_code == 200
    assert counter["queries"] == 0
    assert pub.renders == renders
    other = demo_client.get("/feeds/en/business.json", headers={"If-None-Match": '"nope"'})
    assert other.status_code == 200


def test_publish_changes_exactly_the_affected_feeds(demo_app, demo_client, demo_editor):
    before = etags(demo_client, feed_paths())
    article = {
        "section": "industrial-cooperation",
        "language": "en",
        "title": "A new robotics pact",
        "body_html": "<p>Two districts sign a pact.</p>",
        "status": "published",
    }
    created = demo_client.post("/api/v1/articles", json=article, headers=demo_editor)
    assert created.status_code == 201
    after = etags(demo_client, feed_paths())
    changed = {path for path in before if before[path] != after[path]}
    # Its section, the parent section and "all", in English; the Chinese feeds show only
    # translated articles (the default), so they did not change.
    assert changed == set(
        feed_paths(languages=("en",), sections=("all", "hongqiao-yrd", "industrial-cooperation"))
    )
    body = demo_client.get("/feeds/en/industrial-cooperation.atom").data.decode()
    assert "A new robotics pact" in body


def test_new_translation_changes_only_its_feeds(demo_app, demo_client):
    from syndicate import events
    from syndicate.storage import articles as store
    from syndicate.storage import db

    before = etags(demo_client, feed_paths())
    public_id = "2023-06-20-minhang-kunshan-robotics-pact"
    with demo_app.app_context(), db.database(demo_app).session() as session:
        article = store.get(session, public_id)
        section = article.section.slug
        store.set_variant(
            session,
            article,
            "zh",
            title="闵行与昆山签署机器人协议",
            summary="",
            body_html="<p>译文。</p>",
            origin="machine",
            source_revision=article.revision,
            engine="argos:translate-en_zh@1.0",
            status="ready",
        )
    with demo_app.app_context():
        events.variant_changed.send(
            demo_app, article_id=public_id, language="zh", sections=[section]
        )
    after = etags(demo_client, feed_paths())
    changed = {path for path in before if before[path] != after[path]}
    zh = {p for p in changed if p.startswith("/feeds/zh/")}
    assert zh == set(feed_paths(languages=("zh",), sections=("all", "hongqiao-yrd", section)))
    # The English item now links to its Chinese version: only the same three feeds change.
    assert changed - zh <= set(
        feed_paths(languages=("en",), sections=("all", "hongqiao-yrd", section))
    )
    assert "闵行与昆山签署机器人协议" in demo_client.get(f"/feeds/zh/{section}.json").data.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/fr/all.rss",
        "/feeds/en/no-such-section.rss",
        "/feeds/en/all.xml",
        "/feeds/en/all",
        "/feeds/en/all/page-1.rss",
        "/feeds/en/all/page-99.rss",
        "/feeds/en/all/archive-0.rss",
        "/feeds/en/all/archive-999.rss",
        "/feeds/../secret_key",
    ],
)
def test_unknown_feeds_are_404_plain(demo_client, path):
    response = demo_client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    assert len(response.data) < 200


def test_opml_lists_every_feed(demo_client):
    response = demo_client.get("/feeds.opml")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/x-opml")
    text = response.data.decode()
    for path in feed_paths():
        assert f"https://news.example.com{path}" in text


def test_deleting_a_section_removes_its_feeds(tmp_path, sqlite_url):
    from tests.conftest import _token, make_app

    app = make_app(tmp_path, sqlite_url)
    client = app.test_client()
    admin = {"Authorization": f"Bearer {_token(app, 'admin')}"}
    section = {"slug": "sport", "name": {"en": "Sport", "zh": "体育"}}
    assert client.post("/api/v1/sections", json=section, headers=admin).status_code == 201
    assert client.get("/feeds/zh/sport.atom").status_code == 200
    assert client.delete("/api/v1/sections/sport", headers=admin).status_code == 204
    assert client.get("/feeds/zh/sport.atom").status_code == 404
    assert client.get("/feeds/zh/all.atom").status_code == 200

"""The README's nginx snippet, run by a real nginx on the published feeds/ folder: the same bytes
and headers as syndicate's own fast path (feeds, the feed list, robots.txt and the sitemaps),
and the precompressed .gz served as it is."""

from __future__ import annotations

import gzip
import http.client
import os
import re
import shutil
from pathlib import Path

import pytest

from benchmarks import nginx
from syndicate import publication
from syndicate.config import PROJECT_ROOT
from syndicate.editorial import demo
from syndicate.feed.sitemap import is_site_path
from syndicate.storage import db
from tests.conftest import make_app

MEDIA = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
    "opml": "text/x-opml; charset=utf-8",
    "xml": "application/xml; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}
#: Published at the folder's root and served at their own URLs, not under /feeds/.
SITE = ("/robots.txt", "/sitemap.xml", "/sitemap-news.xml")
SAME_HEADERS = ("Content-Type", "Cache-Control", "Access-Control-Allow-Origin", "Last-Modified")


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory, sqlite_template):
    """The published demo newsroom, once for the module: no test here changes it."""
    tmp_path = tmp_path_factory.mktemp("nginx-demo")
    database = tmp_path / "syndicate.db"
    shutil.copy(sqlite_template, database)
    app = make_app(tmp_path, f"sqlite:///{database}", SYNDICATE_AUTO_TRANSLATE=False)
    with app.app_context(), db.database(app).session() as session:
        demo.load(session)
    publication.publish_everything(app)
    yield app
    db.database(app).dispose()


@pytest.fixture(scope="module")
def demo_client(demo_app):
    return demo_app.test_client()


@pytest.fixture(scope="module")
def feeds_server(demo_app, tmp_path_factory):
    if nginx.executable() is None:
        message = "nginx is not installed: apt-get install nginx (.ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    root = Path(demo_app.config["SYNDICATE_FEEDS_DIR"])
    process, port = nginx.start(tmp_path_factory.mktemp("nginx"), feeds_dir=root)
    yield root, port
    nginx.stop(process)


def fetch(port: int, path: str, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def published_urls(root: Path) -> list[str]:
    urls = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix not in (".gz", ".br") and not path.name.startswith("."):
            relative = path.relative_to(root).as_posix()
            at_root = relative == "feeds.opml" or is_site_path(relative)
            urls.append(f"/{relative}" if at_root else f"/feeds/{relative}")
    return urls


def test_readme_shows_the_snippet_that_is_tested():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```nginx\n(.*?)```", readme, flags=re.DOTALL)
    assert nginx.SNIPPET.read_text(encoding="utf-8") in blocks


def test_nginx_serves_the_same_feeds_as_the_app(demo_app, demo_client, feeds_server):
    root, port = feeds_server
    urls = published_urls(root)
    assert "/feeds.opml" in urls and set(SITE) <= set(urls)
    assert {url.rsplit(".", 1)[1] for url in urls} == set(MEDIA)
    for url in urls:
        status, headers, body = fetch(port, url)
        ours = demo_client.get(url)
        assert status == 200, url
        assert ours.status_code == 200, url
        assert body == ours.data, url  # byte-identical
        assert headers["Content-Type"] == MEDIA[url.rsplit(".", 1)[1]], url
        for name in SAME_HEADERS:
            assert headers[name] == ours.headers[name], (url, name)
        assert headers["ETag"], url
        assert "Accept-Encoding" in headers["Vary"], url
        assert "Content-Encoding" not in headers, url


def test_gzip_static_serves_the_published_gz(demo_client, feeds_server):
    root, port = feeds_server
    for url in ("/feeds/en/all.rss", "/feeds/zh/top-news.atom", "/feeds/zh/business.json"):
        status, headers, body = fetch(port, url, {"Accept-Encoding": "gzip"})
        relative = url.removeprefix("/feeds/")
        assert status == 200
        assert headers["Content-Encoding"] == "gzip"
        assert headers["Vary"] == "Accept-Encoding"
        # The file syndicate wrote, not a compression of nginx's own.
        assert body == (root / f"{relative}.gz").read_bytes()
        assert gzip.decompress(body) == (root / relative).read_bytes()
        ours = demo_client.get(url, headers={"Accept-Encoding": "gzip"})
        assert gzip.decompress(ours.data) == gzip.decompress(body)
        plain = fetch(port, url)[1]
        assert headers["ETag"] != plain["ETag"]  # a strong ETag names one representation


def test_conditional_gets_are_answered_304(feeds_server):
    _root, port = feeds_server
    _status, headers, _body = fetch(port, "/feeds/en/all.json")
    for condition in (
        {"If-None-Match": headers["ETag"]},
        {"If-Modified-Since": headers["Last-Modified"]},
    ):
        status, again, body = fetch(port, "/feeds/en/all.json", condition)
        assert status == 304
        assert body == b""
        assert again["Cache-Control"] == "public, max-age=300"
    assert fetch(port, "/feeds/en/all.json", {"If-None-Match": '"other"'})[0] == 200


def test_the_publishers_own_files_are_not_served(feeds_server):
    root, port = feeds_server
    assert (root / ".generation").exists()
    assert fetch(port, "/feeds/.generation")[0] == 404
    # Nor are robots.txt and the sitemaps served twice (the app answers these 404 too).
    for path in ("/feeds/robots.txt", "/feeds/sitemap.xml", "/feeds/sitemap-news.xml"):
        assert fetch(port, path)[0] == 404, path


def test_robots_and_sitemaps_are_served_from_the_folder(demo_client, feeds_server):
    root, port = feeds_server
    for url in SITE:
        relative = url.removeprefix("/")
        status, headers, body = fetch(port, url)
        assert status == 200, url
        assert body == (root / relative).read_bytes() == demo_client.get(url).data
        ours = demo_client.get(url)
        for name in (*SAME_HEADERS, "X-Content-Type-Options"):
            assert headers[name] == ours.headers[name], (url, name)
        gzipped = fetch(port, url, {"Accept-Encoding": "gzip"})
        assert gzipped[1]["Content-Encoding"] == "gzip"
        assert gzipped[2] == (root / f"{relative}.gz").read_bytes()
        again = fetch(port, url, {"If-None-Match": headers["ETag"]})
        assert again[0] == 304 and again[2] == b""
        assert fetch(port, url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert b"Sitemap: " in fetch(port, "/robots.txt")[2]
    assert demo_client.get("/feeds/sitemap.xml").status_code == 404


@pytest.fixture(scope="module")
def media_server(demo_app, tmp_path_factory):
    """nginx on the app's media folder; the upstream is the discard port, so what nginx
    answers comes from the folder alone."""
    if nginx.executable() is None:
        message = "nginx is not installed: apt-get install nginx (.ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    media = Path(demo_app.config["SYNDICATE_MEDIA_DIR"])
    process, port = nginx.start(
        tmp_path_factory.mktemp("nginx-media"),
        feeds_dir=Path(demo_app.config["SYNDICATE_FEEDS_DIR"]),
        media_dir=media,
    )
    yield media, port
    nginx.stop(process)


def test_nginx_serves_media_the_app_wrote_through(demo_client, media_server):
    from syndicate.storage.models import Media

    media_dir, port = media_server
    with db.database(demo_client.application).session() as session:
        urls = [url for (url,) in session.query(Media.url)]
    assert len(urls) == 15
    for url in urls:
        relative = url.removeprefix("/media/")
        ours = demo_client.get(url)  # the first request writes the file through
        assert ours.status_code == 200
        assert (media_dir / relative).read_bytes() == ours.data
        status, headers, body = fetch(port, url)
        assert status == 200, url
        assert body == ours.data, url
        for name in ("Content-Type", "Cache-Control", "X-Content-Type-Options"):
            assert headers[name] == ours.headers[name], (url, name)
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        again = fetch(port, url, {"If-None-Match": headers["ETag"]})
        assert again[0] == 304 and again[2] == b""
    # The write-through's temporary files are never served.
    (media_dir / urls[0].removeprefix("/media/")).with_name(".x.tmp").write_bytes(b"partial")
    hidden = urls[0].rsplit("/", 1)[0] + "/.x.tmp"
    assert fetch(port, hidden)[0] == 404

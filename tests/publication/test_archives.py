"""RFC 5005 archived feeds: pages cut once from the oldest, immutable but for their own
articles, rendered ahead for the newest and on first request for the others."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from syndicate import publication
from syndicate.editorial import demo
from syndicate.publication import publisher
from syndicate.storage import db
from tests.conftest import _token, make_app

ATOM = "{http://www.w3.org/2005/Atom}"
FH = "{http://purl.org/syndication/history/1.0}"


def _links(data: bytes) -> dict[str, str]:
    root = etree.fromstring(data)
    return {link.get("rel"): link.get("href") for link in root.iter(f"{ATOM}link")}


def _ids(data: bytes) -> list[str]:
    root = etree.fromstring(data)
    return [e.findtext(f"{ATOM}id") for e in root.iter(f"{ATOM}entry")]


def test_archives_are_cut_from_the_oldest_and_only_their_own_edits_change_them(
    tmp_path, sqlite_url
):
    app = make_app(
        tmp_path,
        sqlite_url,
        SYNDICATE_PAGE_SIZE=2,
        SYNDICATE_PRERENDER_PAGES=1,
        SYNDICATE_UNTRANSLATED="original",
    )
    with app.app_context(), db.database(app).session() as session, publication.deferred(app):
        demo.load(session)
    client = app.test_client()
    root = Path(app.config["SYNDICATE_FEEDS_DIR"])
    base = "https://news.example.com/feeds/en/all"
    current = client.get("/feeds/en/all.atom")
    links = _links(current.data)
    newest = int(links["prev-archive"].rsplit("archive-", 1)[1].split(".")[0])
    assert newest >= 3 and "next" not in links
    # The newest archive is rendered ahead; older ones wait for their first request.
    assert (root / f"en/all/archive-{newest}.atom").exists()
    assert not (root / "en/all/archive-1.atom").exists()
    pub = publisher.for_app(app)
    renders = pub.renders
    first = client.get("/feeds/en/all/archive-1.atom")
    assert first.status_code == 200 and pub.renders == renders + 3
    assert (root / "en/all/archive-1.json").exists()
    assert client.get("/feeds/en/all/archive-1.rss").status_code == 200
    assert pub.renders == renders + 3  # then a file, for every host (stored in the database)
    assert "max-age=86400" in first.headers["Cache-Control"]
    page = etree.fromstring(first.data)
    assert page.find(f"{FH}archive") is not None
    assert _links(first.data)["current"] == f"{base}.atom"
    assert _links(first.data)["next-archive"] == f"{base}/archive-2.atom"
    assert "prev-archive" not in _links(first.data)
    assert len(_ids(first.data)) == 2
    # Every article once across the current page and the archives (readers dedupe by id).
    seen = set(_ids(current.data))
    for number in range(1, newest + 1):
        seen |= set(_ids(client.get(f"/feeds/en/all/archive-{number}.atom").data))
    assert len(seen) == len(_ids(current.data)) + 2 * newest - len(
        set(_ids(current.data))
        & set().union(
            *(
                set(_ids(client.get(f"/feeds/en/all/archive-{n}.atom").data))
                for n in range(1, newest + 1)
            )
        )
    )
    etags = {
        n: client.get(f"/feeds/en/all/archive-{n}.atom").headers["ETag"]
        for n in range(1, newest + 1)
    }
    editor = {"Authorization": f"Bearer {_token(app, 'editor')}"}
    # A new article and an edit of an article in archive 1 change archive 1 and page 1 only.
    client.post(
        "/api/v1/articles",
        headers=editor,
        json={"section": "business", "language": "en", "title": "New", "status": "published"},
    )
    old_id = _ids(first.data)[0].split("/")[-2]
    article = client.get(f"/api/v1/articles/{old_id}", headers=editor).get_json()
    assert (
        client.patch(
            f"/api/v1/articles/{old_id}",
            headers=editor,
            json={"title": "Corrected long ago", "revision": article["revision"]},
        ).status_code
        == 200
    )
    after = {
        n: client.get(f"/feeds/en/all/archive-{n}.atom").headers["ETag"]
        for n in range(1, newest + 1)
    }
    assert after[1] != etags[1]
    # (The newest may gain a next-archive link if the new article closed the open page.)
    middle = range(2, newest)
    assert [after[n] for n in middle] == [etags[n] for n in middle]
    assert b"Corrected long ago" in client.get("/feeds/en/all/archive-1.atom").data
    db.database(app).dispose()


def test_json_feed_pages_to_older_archives(tmp_path, sqlite_url):
    app = make_app(tmp_path, sqlite_url, SYNDICATE_PAGE_SIZE=3)
    with app.app_context(), db.database(app).session() as session, publication.deferred(app):
        demo.load(session)
    client = app.test_client()
    feed = client.get("/feeds/en/all.json").get_json()
    older = feed["next_url"]
    assert "/feeds/en/all/archive-" in older
    path = older.split("https://news.example.com")[1]
    archive = client.get(path).get_json()
    assert len(archive["items"]) == 3
    db.database(app).dispose()

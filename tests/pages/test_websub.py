"""WebSub: feeds name the hubs, and a hub started by the test (a real HTTP server on 127.0.0.1)
hears ``hub.mode=publish`` for exactly the feeds an edit changed, from a background job, with a
retry after a failure that /healthz and the desk report; nothing at all without hubs."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import feedparser
import pytest
from lxml import etree

from syndicate import publication
from syndicate.feed.urls import FORMATS, FeedKey, parse_feed_path
from syndicate.feed.validate import validate_json_feed
from syndicate.publication import websub
from syndicate.storage.models import WebSubDelivery
from syndicate.translation import jobs
from tests.desk.conftest import Desk, token_for
from tests.feeds.conftest import session_of
from tests.pages.conftest import BASE, ORIGINAL, editor_headers

ATOM = "{http://www.w3.org/2005/Atom}"


class Hub:
    """A WebSub hub that records what publishers tell it and answers with ``statuses`` in turn
    (then 204, the usual answer)."""

    def __init__(self) -> None:
        self.received: list[dict[str, list[str]]] = []
        self.content_types: list[str] = []
        self.statuses: list[int] = []
        self.always: int | None = None
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                hub.content_types.append(self.headers.get("Content-Type", ""))
                hub.received.append(parse_qs(self.rfile.read(length).decode()))
                status = hub.always or (hub.statuses.pop(0) if hub.statuses else 204)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hub"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def topics(self) -> list[str]:
        assert all(r["hub.mode"] == ["publish"] for r in self.received)
        return [topic for r in self.received for topic in r["hub.url"]]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def hub() -> Iterator[Hub]:
    running = Hub()
    yield running
    running.close()


def assert_valid(data: bytes, fmt: str) -> None:
    if fmt == "json":
        validate_json_feed(data)
    else:
        parsed = feedparser.parse(data)
        assert parsed.bozo == 0, parsed.get("bozo_exception")


def _published(app, language: str, section: str) -> dict[str, bytes]:
    """The feed as served: the files the publication wrote to this host's folder."""
    folder = Path(app.config["SYNDICATE_FEEDS_DIR"])
    return {fmt: (folder / FeedKey(language, section, fmt).path).read_bytes() for fmt in FORMATS}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and parse_feed_path(str(path.relative_to(folder))) is not None
    }


def _changed_first_pages(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    changed = {path for path in after if before.get(path) != after[path]}
    return {
        parse_feed_path(path).url(BASE) for path in changed if parse_feed_path(path).archive is None
    }


def _settled(app, hub: Hub) -> None:
    """Forget the pings of the demo's loading (its sections' feeds were all new)."""
    _drain(app, hub)
    hub.received.clear()
    hub.content_types.clear()


def _drain(app, hub: Hub) -> list[str]:
    """Run the queued jobs, as the worker does (with ``memory:`` they ran at once)."""
    huey = jobs.queue_for(app).huey
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
    return hub.topics()


def _edit(app, headers, title: str) -> None:
    client = app.test_client()
    current = client.get(f"/api/v1/articles/{ORIGINAL}", headers=headers).get_json()
    response = client.patch(
        f"/api/v1/articles/{ORIGINAL}",
        headers=headers,
        json={"title": title, "revision": current["revision"]},
    )
    assert response.status_code == 200, response.data


def test_feeds_name_the_hubs_and_themselves(make_demo_app, sqlite_url):
    hubs = ("https://hub.example.net/", "https://pubsubhubbub.example.org/publish")
    app = make_demo_app(sqlite_url, SYNDICATE_WEBSUB_HUBS=hubs)
    feeds = _published(app, "en", "business")
    for fmt in FORMATS:
        assert_valid(feeds[fmt], fmt)  # the demo feeds still validate
    self_url = FeedKey("en", "business", "rss").url(BASE)
    channel = etree.fromstring(feeds["rss"]).find("channel")
    links = {(link.get("rel"), link.get("href")) for link in channel.iter(f"{ATOM}link")}
    assert {("hub", hub) for hub in hubs} | {("self", self_url)} <= links
    atom = etree.fromstring(feeds["atom"])
    links = {(link.get("rel"), link.get("href")) for link in atom.findall(f"{ATOM}link")}
    assert {("hub", hub) for hub in hubs} | {("self", self_url[:-3] + "atom")} <= links
    feed = json.loads(feeds["json"])
    assert feed["hubs"] == [{"type": "WebSub", "url": hub} for hub in hubs]
    assert feed["feed_url"] == self_url[:-3] + "json"


def test_an_edit_pings_exactly_the_changed_feeds(make_demo_app, sqlite_url, hub):
    app = make_demo_app(sqlite_url, SYNDICATE_WEBSUB_HUBS=(hub.url,))
    _settled(app, hub)
    headers = editor_headers(app)
    folder = Path(app.config["SYNDICATE_FEEDS_DIR"])
    before = _snapshot(folder)
    _edit(app, headers, "Hongqiao forum maps the delta's next steps")
    expected = _changed_first_pages(before, _snapshot(folder))
    # The English feeds of the article's section, its parent and "all"; the Chinese ones show
    # the older translation, unchanged, and older pages are not what readers subscribe to.
    assert {FeedKey("en", s, f).url(BASE) for s in ("hongqiao-yrd", "all") for f in FORMATS} <= (
        expected
    )
    assert sorted(hub.topics()) == sorted(expected)
    assert set(hub.content_types) == {"application/x-www-form-urlencoded"}
    with session_of(app) as session:
        rows = session.query(WebSubDelivery).all()
        assert expected <= {row.topic_url for row in rows}
        assert {(row.status, row.attempts, row.error) for row in rows} == {("ok", 1, None)}


def test_a_failed_ping_is_retried(make_demo_app, sqlite_url, hub):
    app = make_demo_app(
        sqlite_url, SYNDICATE_WEBSUB_HUBS=(hub.url,), SYNDICATE_WEBSUB_RETRY_DELAY=0
    )
    _settled(app, hub)
    hub.statuses = [500]  # the first ping fails, the retry gets through
    queued = websub.notify_hubs(app, [FeedKey("en", "all", "rss").url(BASE)])
    assert len(queued) == 1
    assert hub.topics() == [FeedKey("en", "all", "rss").url(BASE)] * 2
    body = app.test_client().get("/healthz").get_json()
    assert body["websub"] == {"status": "ok", "hubs": [hub.url], "failures": []}
    with session_of(app) as session:
        row = session.get(WebSubDelivery, queued[0])
        assert (row.status, row.attempts) == ("ok", 2)
        assert row.error == "HTTP 500 Internal Server Error"  # the last failure is kept


def test_failures_show_in_healthz_and_on_the_desk(make_demo_app, sqlite_url, hub):
    app = make_demo_app(
        sqlite_url,
        SYNDICATE_WEBSUB_HUBS=(hub.url,),
        SYNDICATE_WEBSUB_RETRY_DELAY=0,
        SYNDICATE_WEBSUB_MAX_ATTEMPTS=3,
    )
    _settled(app, hub)
    hub.always = 503
    topic = FeedKey("zh", "business", "atom").url(BASE)
    websub.notify_hubs(app, [topic])
    assert hub.topics() == [topic] * 3  # three attempts, then it gives up
    body = app.test_client().get("/healthz").get_json()
    assert body["status"] == "degraded" and body["websub"]["status"] == "1 failing"
    (failure,) = body["websub"]["failures"]
    assert failure["hub"] == hub.url and failure["feed"] == topic
    assert failure["attempts"] == 3 and failure["gave_up"] is True
    assert failure["error"].startswith("HTTP 503")

    desk = Desk(app, app.test_client())
    desk.sign_in(token_for(app))
    (section,) = desk.page("/desk/models").xpath("//section[@id='websub']")
    text = section.text_content()
    assert hub.url in text and topic in text and "HTTP 503" in text

    # A later change that gets through clears the report.
    hub.always = None
    websub.notify_hubs(app, [topic])
    assert app.test_client().get("/healthz").get_json()["websub"]["failures"] == []


def test_pings_run_in_a_background_job_coalesced(make_demo_app, sqlite_url, hub, tmp_path):
    app = make_demo_app(
        sqlite_url,
        SYNDICATE_WEBSUB_HUBS=(hub.url,),
        SYNDICATE_QUEUE_URL=f"sqlite:///{tmp_path / 'queue.db'}",
    )
    _settled(app, hub)
    headers = editor_headers(app)
    folder = Path(app.config["SYNDICATE_FEEDS_DIR"])
    before = _snapshot(folder)
    # Off the request: the worker's publisher renders each change (settle() runs the same
    # code in this process) and queues the pings; the worker's consumer sends them.
    _edit(app, headers, "First edit")
    publication.settle(app)
    middle = _snapshot(folder)
    _edit(app, headers, "Second edit")
    publication.settle(app)
    expected = _changed_first_pages(before, middle) | _changed_first_pages(
        middle, _snapshot(folder)
    )
    assert FeedKey("en", "all", "atom").url(BASE) in expected
    assert hub.received == []  # neither the editor's requests nor the publisher sent anything
    huey = jobs.queue_for(app).huey
    # A feed changed twice before its ping went out is pinged once.
    assert huey.pending_count() == len(expected)
    assert sorted(_drain(app, hub)) == sorted(expected)


def test_nothing_without_hubs(make_demo_app, sqlite_url, hub):
    app = make_demo_app(sqlite_url)
    headers = editor_headers(app)
    _edit(app, headers, "An edit nobody is told about")
    assert websub.notify_hubs(app, [FeedKey("en", "all", "rss").url(BASE)]) == []
    assert hub.received == []
    with session_of(app) as session:
        assert session.query(WebSubDelivery).count() == 0
    feeds = _published(app, "en", "all")
    assert b'rel="hub"' not in feeds["rss"] and b'rel="hub"' not in feeds["atom"]
    assert "hubs" not in json.loads(feeds["json"])
    assert app.test_client().get("/healthz").get_json()["websub"] == {"status": "off", "hubs": []}

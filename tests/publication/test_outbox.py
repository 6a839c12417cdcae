"""The outbox: a change and "these documents are dirty" commit together; publishers claim,
coalesce, survive a dead publisher and retry a failed render; a host's folder follows the
database, repairs damaged files, and never holds two versions of one document."""

from __future__ import annotations

import errno
import gzip
import os
import resource
import signal
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from syndicate.publication import files, mirror, notify, publisher
from syndicate.storage import db, documents, outbox
from syndicate.storage.models import OutboxEntry, PublishedDocument, utcnow
from tests.conftest import _token, make_app
from tests.publication.conftest import any_published as _any_published
from tests.publication.conftest import edit_title as _edit
from tests.publication.conftest import make_queued_app


@pytest.fixture
def queued_app(tmp_path, database_url):
    """An app whose changes are left to publishers (a SQLite queue: nothing runs inline)."""
    app = make_queued_app(tmp_path, database_url)
    yield app
    db.database(app).dispose()


def _waiting(app) -> list[str]:
    with db.database(app).session() as session:
        return sorted(t for (t,) in session.query(OutboxEntry.target).all())


def test_an_edit_commits_its_outbox_entries_and_answers_before_any_render(queued_app):
    client = queued_app.test_client()
    editor = {"Authorization": f"Bearer {_token(queued_app, 'editor')}"}
    public_id = _any_published(client, editor)
    pub = publisher.for_app(queued_app)
    before = pub.renders
    for number in range(20):  # a burst on one article
        _edit(client, editor, public_id, f"Burst {number}")
    assert pub.renders == before  # the API answered without rendering anything
    waiting = _waiting(queued_app)
    assert "current:en:business" in waiting and "current:zh:all" in waiting
    assert len(waiting) == len(set(waiting)) <= 12  # coalesced: one row per document
    report = pub.drain()
    assert report.rendered <= 3 * len(waiting)  # a few renders, not 20 bursts' worth
    assert _waiting(queued_app) == []
    with db.database(queued_app).session() as session:
        assert b"Burst 19" in documents.get(session, "en/business.rss").body


def test_a_dead_publishers_claim_is_taken_over_and_nothing_is_lost(queued_app):
    client = queued_app.test_client()
    editor = {"Authorization": f"Bearer {_token(queued_app, 'editor')}"}
    _edit(client, editor, _any_published(client, editor), "Claimed by a publisher that died")
    with db.database(queued_app).session() as session:
        dead = outbox.claim(session, "dead-host:1:x", limit=100, lease=60, gathering=True)
    assert dead
    survivor = publisher.for_app(queued_app)
    assert survivor.drain().targets == 0  # claimed by someone else, not yet expired
    with db.database(queued_app).session() as session:  # the dead one's lease runs out
        session.execute(update(OutboxEntry).values(claimed_until=utcnow() - timedelta(1)))
    assert survivor.drain().targets == len(dead)
    with db.database(queued_app).session() as session:
        assert b"Claimed by a publisher that died" in documents.get(session, "en/all.atom").body
        # The dead publisher cannot store its stale result over the survivor's.
        assert not outbox.owned(session, [dead[0].id], "dead-host:1:x")


def test_page_one_is_claimed_first_and_stored_before_the_rest_of_its_batch(queued_app, monkeypatch):
    with db.database(queued_app).session() as session:  # older, less urgent rows first
        outbox.mark(session, [("opml", 1), ("archive:en:all:1", 1)])
    client = queued_app.test_client()
    editor = {"Authorization": f"Bearer {_token(queued_app, 'editor')}"}
    _edit(client, editor, _any_published(client, editor), "Page one first")
    with db.database(queued_app).session() as session:
        claims = [c.target for c in outbox.claim(session, "peek:1:x", limit=20, lease=60)]
        session.rollback()
    urgent = [t for t in claims if t.startswith("current:")]
    assert len(urgent) == 4 and claims[:4] == urgent  # both languages, section and all
    pub = publisher.for_app(queued_app)
    stored: list[list[str]] = []
    pub.on_stored.append(stored.append)
    monkeypatch.setattr(publisher, "FLUSH_AFTER", 0.0)  # store after every render
    pub.drain()
    assert _waiting(queued_app) == []
    # Each render was stored and announced to the hosts on its own, page 1 of a feed first.
    # (The Chinese feeds show the stale translation: their bytes did not change.)
    assert stored[:2] == [
        ["en/all.atom", "en/all.json", "en/all.rss"],
        ["en/business.atom", "en/business.json", "en/business.rss"],
    ]


def test_a_failed_render_is_retried_with_backoff(queued_app, monkeypatch):
    pub = publisher.for_app(queued_app)
    with db.database(queued_app).session() as session:
        outbox.mark(session, [("current:en:business", 0)])
    calls = []
    real = pub.renderer.target

    def flaky(session, target, seen=None):
        calls.append(target)
        if len(calls) == 1:
            raise OSError(errno.EIO, "render failed")
        return real(session, target, seen)

    monkeypatch.setattr(pub.renderer, "target", flaky)
    pub.drain()
    with db.database(queued_app).session() as session:
        row = session.query(OutboxEntry).one()
        assert row.error and "render failed" in row.error and row.claimed_until > utcnow()
        row.claimed_until = utcnow() - timedelta(seconds=1)
    pub.drain()
    assert _waiting(queued_app) == [] and len(calls) == 2


def test_a_target_failing_after_many_claims_waits_the_longest_backoff(queued_app, monkeypatch):
    pub = publisher.for_app(queued_app)
    with db.database(queued_app).session() as session:
        outbox.mark(session, [("current:en:business", 0)])
        session.execute(update(OutboxEntry).values(attempts=5000))  # 2.0**5001 overflows

    def failing(session, target, seen=None):
        raise OSError(errno.EIO, "render failed")

    monkeypatch.setattr(pub.renderer, "target", failing)
    pub.drain()
    with db.database(queued_app).session() as session:
        row = session.query(OutboxEntry).one()
        waits = (row.claimed_until - utcnow()).total_seconds()
        assert row.claimed_by == "backoff" and waits > publisher.MAX_RETRY_DELAY - 10


def _wait_until(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_publisher_loop_wakes_on_notification(queued_app):
    client = queued_app.test_client()
    editor = {"Authorization": f"Bearer {_token(queued_app, 'editor')}"}
    stop = threading.Event()
    thread = threading.Thread(target=publisher.for_app(queued_app).run_forever, args=(stop,))
    thread.start()
    try:
        _edit(client, editor, _any_published(client, editor), "Woken")
        # The feeds at once; the sitemap gathers changes for SYNDICATE_SITEMAP_DELAY first.
        _wait_until(lambda: _waiting(queued_app) == ["sitemap:1"])
        assert _waiting(queued_app) == ["sitemap:1"]
        _wait_until(lambda: not _waiting(queued_app), timeout=20)
        assert _waiting(queued_app) == []
    finally:
        stop.set()
        thread.join(timeout=10)


def test_the_loop_wakes_when_a_waiting_target_becomes_due(queued_app):
    """Nothing notifies when a gathering (or backing-off) target becomes claimable: the loop
    waits until then, not its safety interval (2 s with LISTEN/NOTIFY or pub/sub)."""
    with db.database(queued_app).session() as session:
        outbox.mark(session, [("current:en:business", 0)], gather={0: 0.6})
        due = outbox.next_due(session)
    assert due is not None and 0 < (due - utcnow()).total_seconds() <= 0.6
    stop = threading.Event()
    started = time.monotonic()
    thread = threading.Thread(target=publisher.for_app(queued_app).run_forever, args=(stop,))
    thread.start()
    try:
        _wait_until(lambda: not _waiting(queued_app))
        took = time.monotonic() - started
    finally:
        stop.set()
        thread.join(timeout=10)
    assert _waiting(queued_app) == [] and 0.5 < took < notify.SAFETY_INTERVAL - 0.3


def test_a_burst_of_changes_renders_the_sitemap_once_per_interval(tmp_path, sqlite_url):
    app = make_queued_app(tmp_path, sqlite_url, SYNDICATE_SITEMAP_DELAY=1.5)
    client = app.test_client()
    editor = {"Authorization": f"Bearer {_token(app, 'editor')}"}
    public_id = _any_published(client, editor)
    pub = publisher.for_app(app)
    rendered: list[str] = []
    pub.on_stored.append(rendered.extend)

    def sitemap_version() -> int | None:
        with db.database(app).session() as session:
            row = session.query(OutboxEntry).filter_by(target="sitemap:1").one_or_none()
            return None if row is None else row.version

    stop = threading.Event()
    thread = threading.Thread(target=pub.run_forever, args=(stop,))
    thread.start()
    try:
        started = time.monotonic()
        for number in range(6):  # a burst, each edit published in its feeds before the next
            _edit(client, editor, public_id, f"Gathered {number}")
            _wait_until(lambda: _waiting(app) == ["sitemap:1"])
        assert sitemap_version() == 6 and "sitemap.xml" not in rendered  # gathered, not yet
        _wait_until(lambda: sitemap_version() is None)
        waited = time.monotonic() - started
        assert sitemap_version() is None and waited >= 1.5
        assert rendered.count("sitemap.xml") == 1 and rendered.count("en/business.rss") == 6
    finally:
        stop.set()
        thread.join(timeout=10)
    with db.database(app).session() as session:
        sitemap = documents.get(session, "sitemap.xml")
        assert sitemap is not None
    db.database(app).dispose()


def test_a_new_folder_catches_up_and_a_damaged_file_is_rewritten(queued_app, tmp_path):
    publisher.for_app(queued_app).drain()
    copy = mirror.for_app(queued_app)
    report = copy.sync()
    root = Path(queued_app.config["SYNDICATE_FEEDS_DIR"])
    assert report.generation > 0 and copy.applied() == report.generation
    rss = root / "en" / "all.rss"
    with db.database(queued_app).session() as session:
        document = documents.get(session, "en/all.rss")
    assert rss.read_bytes() == document.body
    assert rss.stat().st_mtime == document.last_modified.timestamp()
    client = queued_app.test_client()
    good = client.get("/feeds/en/all.rss")
    # Truncated on disk: never served as broken XML, rewritten from the database.
    rss.write_bytes(document.body[:100])
    again = client.get("/feeds/en/all.rss")
    assert again.status_code == 200 and again.data == document.body
    assert again.headers["ETag"] == good.headers["ETag"]
    assert rss.read_bytes() == document.body
    # Deleted: served from the database and written again.
    rss.unlink()
    assert client.get("/feeds/en/all.rss").data == document.body and rss.exists()
    # The periodic check repairs what nobody asked for.
    (root / "zh" / "all.json").write_bytes(b"{")
    assert copy.verify() == 1
    assert (root / "zh" / "all.json").read_bytes().startswith(b"{\n") or (
        root / "zh" / "all.json"
    ).stat().st_size > 1


def test_a_full_disk_leaves_every_coding_of_the_old_version(tmp_path):
    root = tmp_path / "feeds"
    files.write_document(root, "en/x.rss", {"identity": b"old", "gzip": b"g1", "br": b"b1"}, 1e9)
    big = b"x" * 200_000
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, hard))  # writes past 100 kB fail
    try:
        with pytest.raises(OSError):
            files.write_document(
                root, "en/x.rss", {"identity": big, "gzip": b"g2", "br": b"b2"}, 2e9
            )
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)
    assert (root / "en/x.rss").read_bytes() == b"old"
    assert (root / "en/x.rss.gz").read_bytes() == b"g1"
    assert (root / "en/x.rss.br").read_bytes() == b"b1"
    assert [p.name for p in (root / "en").iterdir() if p.name.startswith(".")] == []


def test_a_target_marked_during_its_render_waits_again_as_a_new_change(queued_app):
    database = db.database(queued_app)
    with database.session() as session:
        outbox.mark(session, [("sitemap:1", 2), ("current:en:all", 0)])
        session.execute(update(OutboxEntry).values(dirtied_at=utcnow() - timedelta(hours=1)))
    with database.session() as session:
        claims = outbox.claim(session, "me:1:x", limit=10, lease=60)
    assert [c.target for c in claims] == ["current:en:all", "sitemap:1"]
    with database.session() as session:  # both changed again while they rendered
        outbox.mark(session, [("sitemap:1", 2), ("current:en:all", 0)], gather={2: 30.0})
    with database.session() as session:
        page, sitemap = claims
        assert not outbox.finish(session, page, "me:1:x")
        assert not outbox.finish(session, sitemap, "me:1:x", gather=30.0)
    with database.session() as session:
        rows = {r.target: r for r in session.query(OutboxEntry)}
        # Not an hour old (that render published it): as old as the change made meanwhile.
        assert all(utcnow() - r.dirtied_at < timedelta(minutes=1) for r in rows.values())
        assert rows["current:en:all"].claimed_by is None  # at once
        assert {r.attempts for r in rows.values()} == {0}  # their renders succeeded
        assert rows["sitemap:1"].claimed_by == outbox.GATHERING  # after gathering again
        assert rows["sitemap:1"].claimed_until > utcnow() + timedelta(seconds=20)
        again = outbox.claim(session, "me:1:x", limit=10, lease=60)
        assert [c.target for c in again] == ["current:en:all"]
        session.rollback()
        drained = outbox.claim(session, "me:1:x", limit=10, lease=60, gathering=True)
        assert sorted(c.target for c in drained) == ["current:en:all", "sitemap:1"]


def test_a_mirror_reads_the_stored_bytes_exactly(queued_app):
    """Hosts read documents as plain rows (binary results on PostgreSQL): the same bytes,
    dates and generations as the stored documents."""
    publisher.for_app(queued_app).drain()
    with db.database(queued_app).session() as session:
        stored = {d.path: d for d in session.query(PublishedDocument)}
        copies = documents.changed_since(session, 0, 10_000)
        some = sorted(stored)[:3]
        again = documents.bodies(session, some)
    assert {c.path for c in copies} == set(stored) and len(copies) == len(stored)
    assert [c.generation for c in copies] == sorted(c.generation for c in copies)
    for copy in [*copies, *again]:
        document = stored[copy.path]
        assert (copy.body, copy.body_gzip, copy.body_br) == (
            document.body,
            document.body_gzip,
            document.body_br,
        )
        assert type(copy.body) is bytes and gzip.decompress(copy.body_gzip) == copy.body
        assert (copy.etag, copy.generation, copy.deleted) == (
            document.etag,
            document.generation,
            document.deleted,
        )
        assert copy.last_modified == document.last_modified
        assert copy.last_modified.utcoffset() == timedelta(0)
    assert sorted(c.path for c in again) == some


def test_healthz_reports_a_folder_behind_and_a_backlog(queued_app):
    client = queued_app.test_client()
    publisher.for_app(queued_app).drain()
    mirror.for_app(queued_app).sync()
    assert client.get("/healthz").get_json()["publication"].get("problems") is None
    with db.database(queued_app).session() as session:
        outbox.mark(session, [("current:en:all", 0)])
        session.execute(update(OutboxEntry).values(dirtied_at=utcnow() - timedelta(hours=1)))
        documents.next_generation(session)
    from syndicate.storage.models import PublicationState

    with db.database(queued_app).session() as session:
        session.execute(update(PublicationState).values(updated_at=utcnow() - timedelta(minutes=5)))
    body = client.get("/healthz").get_json()
    assert body["status"] == "degraded"
    problems = " ".join(body["publication"]["problems"])
    assert "folder behind" in problems and "outbox backing up" in problems


@pytest.mark.redis
def test_redis_pub_sub_wakes_a_waiter(tmp_path, sqlite_url):
    redis_url = os.environ.get("SYNDICATE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    app = make_app(tmp_path, sqlite_url, SYNDICATE_QUEUE_URL=f"{redis_url}?queue=t{os.getpid()}")
    assert notify.kind(app) == "redis"
    waiter = notify.waiter(app, notify.PUBLICATION_CHANNEL)
    stop = threading.Event()
    assert waiter.wait(0.1, stop) is False  # subscribes
    with app.app_context(), db.database(app).session() as session:
        notify.announce(app, session, notify.PUBLICATION_CHANNEL, 7)
    started = time.monotonic()
    woken = waiter.wait(5, stop)
    waiter.close()
    assert woken and time.monotonic() - started < 2
    db.database(app).dispose()

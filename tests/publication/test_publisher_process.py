"""What publishers spend their time on: the worker's publishers in a child process (never
sharing the interpreter lock with translation), compression only of what changed, and archive
pages reached by an edit through the outbox (a burst on one page coalesces)."""

from __future__ import annotations

import gzip
import json
import os
import signal
import time
from pathlib import Path

import brotli
import pytest

from syndicate.publication import files, publisher, render
from syndicate.publication.process import Publishers
from syndicate.storage import db, documents, outbox
from syndicate.storage.models import OutboxEntry
from tests.conftest import _token
from tests.hardening import processes
from tests.publication.conftest import any_published, make_queued_app
from tests.publication.conftest import edit_title as _edit


def _waiting(app) -> list[str]:
    with db.database(app).session() as session:
        return sorted(t for (t,) in session.query(OutboxEntry.target).all())


def test_only_changed_documents_are_compressed_and_stored(tmp_path, sqlite_url, monkeypatch):
    app = make_queued_app(tmp_path, sqlite_url)
    compressed: list[int] = []
    real = files.compress
    monkeypatch.setattr(files, "compress", lambda data: compressed.append(len(data)) or real(data))
    client = app.test_client()
    editor = {"Authorization": f"Bearer {_token(app, 'editor')}"}
    _edit(client, editor, any_published(client, editor), "Compressed once")
    pub = publisher.for_app(app)
    report = pub.drain()
    assert report.stored and len(compressed) == len(report.stored) < report.rendered
    with db.database(app).session() as session:
        stored = documents.get(session, "en/business.rss")
        assert b"Compressed once" in stored.body
        assert gzip.decompress(stored.body_gzip) == stored.body
        assert brotli.decompress(stored.body_br) == stored.body
    # Rendered again with nothing changed: the same bytes, nothing compressed or stored.
    compressed.clear()
    with db.database(app).session() as session:
        outbox.mark(session, [("current:en:business", 0), ("current:zh:all", 0)])
    again = pub.drain()
    assert again.rendered == 6 and again.stored == [] and compressed == []
    # A document can never be stored without its compressed codings.
    page = render.rendered("en/x.rss", "application/rss+xml", b"<rss/>", stored.last_modified)
    with db.database(app).session() as session, pytest.raises(ValueError, match="compressed"):
        documents.store(session, [page], documents.PENDING)


def test_edits_in_one_archive_page_coalesce_into_one_render_of_it(tmp_path, sqlite_url):
    app = make_queued_app(tmp_path, sqlite_url, SYNDICATE_PAGE_SIZE=2, SYNDICATE_PRERENDER_PAGES=1)
    client = app.test_client()
    editor = {"Authorization": f"Bearer {_token(app, 'editor')}"}
    first = client.get("/feeds/en/all/archive-1.json").get_json()  # published on request
    old = [item["id"].split("/")[-2] for item in first["items"]]
    assert len(old) == 2
    pub = publisher.for_app(app)
    for number, public_id in enumerate(old):
        _edit(client, editor, public_id, f"Corrected long ago {number}")
    positions = [t for t in _waiting(app) if t.startswith("at:en:all:")]
    assert len(positions) == 2 and len(_waiting(app)) <= publisher.BATCH
    pub.run_once()  # resolves both positions to the page holding them: one target
    assert [t for t in _waiting(app) if t.startswith(("at:en:all", "archive:en:all"))] == [
        "archive:en:all:1"
    ]
    pub.drain()
    assert _waiting(app) == []
    with db.database(app).session() as session:  # (this host's folder has no mirror running)
        page = json.loads(documents.get(session, "en/all/archive-1.json").body)
    assert {item["title"] for item in page["items"]} == {
        "Corrected long ago 0",
        "Corrected long ago 1",
    }
    db.database(app).dispose()


def _children(pid: int) -> list[int]:
    """The publisher processes ``pid`` started (not multiprocessing's resource tracker)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        for child in (task / "children").read_text().split():
            command = Path(f"/proc/{child}/cmdline").read_bytes()
            if b"spawn_main" in command:
                found.append(int(child))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has exited; its parent (this test) did not reap it yet


def _published_title(app, title: str) -> bool:
    with db.database(app).session() as session:
        document = documents.get(session, "en/business.rss")
        return document is not None and title.encode() in document.body


def _worker_env(tmp_path: Path, database_url: str, app) -> dict[str, str]:
    """The settings of a worker publishing what ``app`` changes."""
    return processes.app_env(
        tmp_path,
        database_url,
        AUTO_TRANSLATE="false",
        FEEDS_DIR=app.config["SYNDICATE_FEEDS_DIR"],
        INSTANCE_PATH=app.config["SYNDICATE_INSTANCE_PATH"],
        QUEUE_URL=app.config["SYNDICATE_QUEUE_URL"],
    )


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_the_worker_publishes_from_a_child_process_that_dies_with_it(tmp_path, sqlite_url):
    app = make_queued_app(tmp_path, sqlite_url)
    worker = processes.worker(_worker_env(tmp_path, sqlite_url, app), tmp_path / "worker.log")
    child: list[int] | None = None
    try:
        child = processes.wait_for(lambda: _children(worker.proc.pid), timeout=30)
        assert child and len(child) == 1, worker.output()[-3000:]
        client = app.test_client()
        editor = {"Authorization": f"Bearer {_token(app, 'editor')}"}
        _edit(client, editor, any_published(client, editor), "Rendered by the child")
        assert processes.wait_for(lambda: _published_title(app, "Rendered by the child"), 30), (
            worker.output()[-3000:]
        )
        # The worker killed outright (no chance to stop its child): no publisher lives on.
        os.kill(worker.proc.pid, signal.SIGKILL)
        worker.proc.wait(10)
        deadline = time.monotonic() + 10
        while _alive(child[0]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(child[0]), "the publishers outlived their worker"
    finally:
        worker.stop()
        if child and _alive(child[0]):
            os.kill(child[0], signal.SIGKILL)
    db.database(app).dispose()


@pytest.mark.slow
def test_publishers_that_die_are_started_again_and_stop_with_the_worker(
    tmp_path, sqlite_url, monkeypatch
):
    app = make_queued_app(tmp_path, sqlite_url)
    for key, value in _worker_env(tmp_path, sqlite_url, app).items():
        if key.startswith("SYNDICATE_"):
            monkeypatch.setenv(key, value)
    publishers = Publishers(1).start()
    try:
        first = publishers.process
        assert first is not None and first.is_alive()
        os.kill(first.pid, signal.SIGKILL)
        assert processes.wait_for(
            lambda: publishers.started == 2 and publishers.process.is_alive(), timeout=30
        )
        assert publishers.process.pid != first.pid
        client = app.test_client()
        editor = {"Authorization": f"Bearer {_token(app, 'editor')}"}
        _edit(client, editor, any_published(client, editor), "Rendered after a restart")
        assert processes.wait_for(
            lambda: _published_title(app, "Rendered after a restart"), timeout=30
        )
    finally:
        stopping = time.monotonic()
        publishers.stop()
    # Stopped by SIGTERM, not killed: it finished what it was rendering and exited.
    assert not publishers.process.is_alive() and publishers.process.exitcode == 0, (
        time.monotonic() - stopping
    )
    db.database(app).dispose()

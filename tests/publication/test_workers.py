"""Several gunicorn workers, each with its own cache of the feed files: after a change published
through one of them, no worker serves the old feed."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from syndicate import publication
from syndicate.config import PROJECT_ROOT
from syndicate.editorial import demo
from syndicate.storage import db
from tests.conftest import _token, make_app

FEED = "/feeds/en/top-news.rss"
WORKERS = 2
# Worker pid and request line of every request, to know which worker answered which request.
ACCESS_FORMAT = "%(p)s %(r)s %(s)s"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(params=["sync", "gthread"])
def server(request, tmp_path, sqlite_template):
    """The demo newsroom, published, served by gunicorn with two workers of this class."""
    database = tmp_path / "syndicate.db"
    shutil.copy(sqlite_template, database)
    app = make_app(tmp_path, f"sqlite:///{database}", SYNDICATE_AUTO_TRANSLATE=False)
    with app.app_context(), db.database(app).session() as session:
        demo.load(session)
    publication.publish_everything(app)
    token = _token(app, "editor")
    db.database(app).dispose()
    port = free_port()
    access_log = tmp_path / "access.log"
    env = {
        **os.environ,
        "SYNDICATE_DATABASE_URL": app.config["SYNDICATE_DATABASE_URL"],
        "SYNDICATE_INSTANCE_PATH": app.config["SYNDICATE_INSTANCE_PATH"],
        "SYNDICATE_FEEDS_DIR": app.config["SYNDICATE_FEEDS_DIR"],
        "SYNDICATE_BASE_URL": app.config["SYNDICATE_BASE_URL"],
        "SYNDICATE_SECRET_KEY": "test-secret",
        "SYNDICATE_QUEUE_URL": "memory:",
        "SYNDICATE_AUTO_TRANSLATE": "false",
        "SYNDICATE_LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable, "-m", "gunicorn", "wsgi:app",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(WORKERS),
        "--worker-class", request.param,
        # More than one thread would turn a sync worker into a gthread one.
        "--threads", "4" if request.param == "gthread" else "1",
        "--access-logfile", str(access_log),
        "--access-logformat", ACCESS_FORMAT,
    ]  # fmt: skip
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        _wait_until_served(port, process, tmp_path / "gunicorn.log")
        yield port, token, access_log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def _wait_until_served(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited:\n{log.read_text(errors='replace')}")
        try:
            if request(port, FEED)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"gunicorn did not serve {FEED} in time:\n{log.read_text(errors='replace')}")


def request(port: int, path: str, method: str = "GET", body=None, headers=None):
    """One request on a new connection, so the workers take turns accepting them."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("ETag"), response.read()
    finally:
        connection.close()


def answers_by_worker(port: int, access_log: Path, probe: str, headers=None, rounds=60):
    """GET the feed until every worker has answered; ``{pid: [(status, etag, body), …]}``.
    The query string (ignored by the feed) tags each request in the access log."""
    answers: dict[str, list] = {}
    replies = {}
    for _ in range(10):
        for _ in range(rounds):
            tag = f"{probe}-{len(replies)}"
            replies[tag] = request(port, f"{FEED}?probe={tag}", headers=headers)
        time.sleep(0.2)  # the access log line is written after the response
        served = dict(
            (m[2], m[1])
            for m in re.finditer(r"^<(\d+)> GET \S+\?probe=(\S+) ", access_log.read_text(), re.M)
        )
        answers = {}
        for tag, reply in replies.items():
            answers.setdefault(served.get(tag, "?"), []).append(reply)
        answers.pop("?", None)
        if len(answers) >= WORKERS:
            return answers
    pytest.fail(f"only workers {sorted(answers)} answered {len(replies)} requests")


def test_no_worker_serves_a_stale_feed_after_a_change(server):
    port, token, access_log = server
    before = answers_by_worker(port, access_log, "before")
    (status, old_etag, old_body), *_ = next(iter(before.values()))
    for replies in before.values():
        assert {(s, e, b) for s, e, b in replies} == {(200, old_etag, old_body)}

    # An edit of an English article of the feed, through the API (one worker takes it).
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    query = "section=top-news&language=en&status=published&per_page=100"
    listing = json.loads(request(port, f"/api/v1/articles?{query}", headers=auth)[2])
    article = next(a for a in listing["items"] if escape(a["title"]).encode() in old_body)
    old_title = escape(article["title"]).encode()
    new_title = "Stale-proof: the headline was edited"
    edit = json.dumps({"title": new_title, "revision": article["revision"]}).encode()
    status, _etag, body = request(port, f"/api/v1/articles/{article['id']}", "PATCH", edit, auth)
    assert status == 200, body

    # Every worker, from the very next request on, serves the new feed.
    after = answers_by_worker(port, access_log, "after")
    assert len(after) == WORKERS
    for pid, replies in after.items():
        for reply_status, etag, feed in replies:
            assert reply_status == 200, pid
            assert etag != old_etag, pid
            assert new_title.encode() in feed, pid
            assert old_title not in feed, pid
    # A reader revalidating the old version gets the new one, from any worker.
    revalidated = answers_by_worker(port, access_log, "revalidate", {"If-None-Match": old_etag})
    for replies in revalidated.values():
        assert {s for s, _e, _b in replies} == {200}

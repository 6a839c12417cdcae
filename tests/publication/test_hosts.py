"""Several hosts, as a newsroom deploys them: three web hosts (``syndicate serve --no-worker``),
each with its own folder, and two ``syndicate worker`` processes, on one PostgreSQL and one
Redis, all real processes. Every host serves the same bytes, ETag and Last-Modified."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from syndicate import publication
from syndicate.editorial import demo
from syndicate.storage import db
from tests.conftest import _token, make_app

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.xdist_group("hosts"),
]

ROOT = Path(__file__).resolve().parents[2]
REDIS = os.environ.get("SYNDICATE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
FEEDS = [
    "/feeds/en/all.rss",
    "/feeds/zh/all.atom",
    "/feeds/en/business.json",
    "/feeds/zh/hongqiao-yrd.rss",
    "/feeds.opml",
]
#: Rendered by the publishers too (issue 14), and served from each host's folder.
SITE = ["/sitemap.xml", "/robots.txt", "/sitemap-news.xml"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, headers: dict | None = None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    except OSError as error:
        return 0, {}, repr(error).encode()


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Deployment:
    def __init__(self, tmp_path: Path, env: dict[str, str]):
        self.tmp = tmp_path
        self.env = env
        self.processes: list[subprocess.Popen] = []
        self.hosts: dict[str, int] = {}

    def _start(self, name: str, args: list[str], **env) -> subprocess.Popen:
        with (self.tmp / f"{name}.log").open("ab") as log:  # the child keeps its own copy
            process = subprocess.Popen(
                [sys.executable, "-m", "syndicate", *args],
                cwd=ROOT,
                env={**self.env, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        return process

    def host(self, name: str) -> int:
        port = _free_port()
        self._start(
            name,
            [
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-worker",
                "--workers",
                "1",
                "--threads",
                "4",
            ],
            SYNDICATE_FEEDS_DIR=str(self.tmp / name),
        )
        self.hosts[name] = port
        _wait(lambda: _get(port, "/healthz")[0] == 200, 60, f"host {name}")
        return port

    def worker(self, name: str) -> subprocess.Popen:
        return self._start(name, ["worker"], SYNDICATE_FEEDS_DIR=str(self.tmp / name))

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def same_everywhere(self, path: str) -> tuple[int, dict, bytes]:
        answers = [_get(port, path) for port in self.hosts.values()]
        first = answers[0]
        assert first[0] == 200, (path, first[0])
        for status, headers, body in answers[1:]:
            assert status == 200 and body == first[2], path
            assert headers["ETag"] == first[1]["ETag"], path
            assert headers["Last-Modified"] == first[1]["Last-Modified"], path
        return first


@pytest.fixture
def deployment(tmp_path, postgres_database):
    from tests.conftest import _truncate_postgres

    _truncate_postgres(postgres_database)
    queue = f"{REDIS}?queue=hosts-{os.getpid()}-{time.monotonic_ns()}"
    # The newsroom's content, published once (by the memory queue's inline publisher).
    app = make_app(tmp_path, postgres_database, SYNDICATE_AUTO_TRANSLATE=False)
    with app.app_context(), db.database(app).session() as session, publication.deferred(app):
        demo.load(session)
    editor = {
        "Authorization": f"Bearer {_token(app, 'editor')}",
        "Content-Type": "application/json",
    }
    db.database(app).dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNDICATE_")}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "SYNDICATE_DATABASE_URL": postgres_database,
            "SYNDICATE_QUEUE_URL": queue,
            "SYNDICATE_SECRET_KEY": "shared-secret",
            "SYNDICATE_BASE_URL": "https://news.example.com",
            "SYNDICATE_INSTANCE_PATH": str(tmp_path / "instance"),
            "SYNDICATE_AUTO_TRANSLATE": "false",
            "SYNDICATE_MIRROR_INTERVAL": "1",
            "SYNDICATE_LOG_LEVEL": "WARNING",
        }
    )
    deployment = Deployment(tmp_path, env)
    deployment.editor = editor
    deployment.database_url = postgres_database
    try:
        yield deployment
    finally:
        deployment.stop()


def _edit(port: int, editor: dict, public_id: str, title: str) -> float:
    status, _h, body = _get(port, f"/api/v1/articles/{public_id}", editor)
    import json

    assert status == 200, (status, body)
    revision = json.loads(body)["revision"]
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/articles/{public_id}",
        method="PATCH",
        data=json.dumps({"title": title, "revision": revision}).encode(),
        headers=editor,
    )
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    return started


def _article_in(port: int, editor: dict, section: str) -> str:
    import json

    _s, _h, body = _get(
        port, f"/api/v1/articles?section={section}&language=en&status=published&per_page=1", editor
    )
    return json.loads(body)["items"][0]["id"]


def _one_new(answers: set[bytes], old: bytes) -> bool:
    return len(answers) == 1 and old not in answers


def test_edits_through_any_host_reach_every_host_with_the_same_bytes(deployment):
    a = deployment.host("host-a")  # empty folders: each brings itself up to date
    b = deployment.host("host-b")
    for path in FEEDS + SITE:
        deployment.same_everywhere(path)
    sitemap_before = _get(a, "/sitemap.xml")[2]
    deployment.worker("worker-1")
    deployment.worker("worker-2")
    public_id = _article_in(a, deployment.editor, "business")
    for number, port in enumerate([a, b, a, b]):
        title = f"Edited through host {number}"
        _edit(port, deployment.editor, public_id, title)
        for other in (a, b):
            _wait(
                lambda o=other, t=title: t.encode() in _get(o, "/feeds/en/business.rss")[2],
                15,
                f"edit {number} on port {other}",
            )
    for path in FEEDS:
        deployment.same_everywhere(path)
    # The edits reach the sitemap (the article's lastmod) on every host, rendered once.
    _wait(
        lambda: _one_new({_get(p, "/sitemap.xml")[2] for p in (a, b)}, sitemap_before),
        15,
        "the edited sitemap on every host",
    )
    for path in SITE:
        deployment.same_everywhere(path)

    # A third host started later, with an empty folder, serves every feed by itself.
    deployment.host("host-c")
    for path in FEEDS + SITE:
        deployment.same_everywhere(path)
    assert (deployment.tmp / "host-c" / "en" / "all.rss").exists()

    # A killed listener: the hosts' LISTEN connections are cut; the next edit still arrives
    # (the mirror listens again, and catches up by generation meanwhile).
    engine = create_engine(deployment.database_url)
    with engine.begin() as connection:
        cut = connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN syndicate_publication%'"
            )
        ).all()
    engine.dispose()
    assert cut
    _edit(b, deployment.editor, public_id, "After the listeners died")
    for port in deployment.hosts.values():
        _wait(
            lambda p=port: b"After the listeners died" in _get(p, "/feeds/en/business.rss")[2],
            15,
            f"catch-up on {port}",
        )

    # No publisher at all: the edit is committed with its outbox entry and waits; a worker
    # started later publishes it (nothing lost between the commit and the render).
    for process in deployment.processes:
        if process.args[3] == "worker" and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    _edit(a, deployment.editor, public_id, "While no publisher ran")
    time.sleep(1.0)
    assert b"While no publisher ran" not in _get(a, "/feeds/en/business.rss")[2]
    deployment.worker("worker-3")
    for port in deployment.hosts.values():
        _wait(
            lambda p=port: b"While no publisher ran" in _get(p, "/feeds/en/business.rss")[2],
            20,
            f"published after restart on {port}",
        )
    for path in FEEDS:
        deployment.same_everywhere(path)
    # The sitemap is rendered after page 1 (crawlers come later): wait for the stored one.
    engine = create_engine(deployment.database_url)

    def stored_sitemap() -> bytes:
        with engine.connect() as connection:
            return bytes(
                connection.scalar(
                    text("SELECT body FROM published_documents WHERE path = 'sitemap.xml'")
                )
            )

    _wait(
        lambda: (
            {_get(p, "/sitemap.xml")[2] for p in deployment.hosts.values()} == {stored_sitemap()}
        ),
        15,
        "the same sitemap on every host as in the database",
    )
    engine.dispose()
    for path in SITE:
        deployment.same_everywhere(path)
    assert len({(deployment.tmp / h / "sitemap.xml").read_bytes() for h in deployment.hosts}) == 1
    # Every host's folder holds the same files with the document's Last-Modified as mtime.
    rss = [deployment.tmp / h / "en" / "business.rss" for h in ("host-a", "host-b", "host-c")]
    assert len({p.stat().st_mtime for p in rss}) == 1
    assert len({p.read_bytes() for p in rss}) == 1

"""Jobs, worker, glossary and translation API against real tiny Argos packages.

The packages (en→zh maps a–z to A–Z, zh→en is the identity) are built once per session and
installed with the real CLI (``syndicate models install``) in a subprocess. Most tests use the
``memory:`` queue (huey runs each job as it is enqueued, through the real task code and the real
engine); the worker tests start real ``syndicate worker`` processes on SQLite and Redis queues.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from syndicate.storage import db
from tests.conftest import make_app
from tests.support import argos_layouts, fake_minisbd, tiny_argos

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("SYNDICATE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


# Argos packages --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def argos_home(tmp_path_factory) -> dict[str, str]:
    """HOME and XDG folders for subprocesses: importing argostranslate writes under them."""
    home = tmp_path_factory.mktemp("home")
    return {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }


def cli_env(argos_home: dict[str, str], **settings: object) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SYNDICATE_", "ARGOS_"))}
    env.update(argos_home)
    env["PYTHONPATH"] = str(ROOT)
    env.update({f"SYNDICATE_{k}": str(v) for k, v in settings.items()})
    return env


def run_cli(args: list[str], env: dict[str, str], timeout: float = 120):
    return subprocess.run(
        [sys.executable, "-m", "syndicate", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@contextmanager
def _shared(tmp_path_factory, name: str) -> Iterator[Path]:
    """A folder shared by this run's xdist workers, filled by whichever comes first."""
    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker's basetemp sits in the run's own folder; alone, basetemp is it.
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / name
    root.mkdir(exist_ok=True)
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield root
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def tiny_archives(tmp_path_factory) -> dict[str, Path]:
    with _shared(tmp_path_factory, "tiny-argos-archives") as root:
        built = sorted(root.glob("*.argosmodel"))
        if len(built) != 2:
            tiny = tiny_argos
            sbd = fake_minisbd.fake_minisbd_bytes()
            built = tiny.build_tiny_packages(root, sbd)
    return {path.name.split("-")[1]: path for path in built}  # {"en_zh": …, "zh_en": …}


@pytest.fixture(scope="session")
def opus_archive(tmp_path_factory) -> Path:
    """translate-en_zh 1.9 in the index's OPUS-MT layout (tests.support.argos_layouts)."""
    with _shared(tmp_path_factory, "opus-argos-archive") as root:
        built = root / "translate-en_zh-1_9.argosmodel"
        if not built.exists():
            argos_layouts.build_opus_package(root)
    return built


@pytest.fixture(scope="session")
def packages_dir(tmp_path_factory, tiny_archives, argos_home) -> Path:
    """Both directions, installed the way an operator does: with the CLI, offline."""
    with _shared(tmp_path_factory, "tiny-argos-installed") as root:
        target = root / "argos-packages"
        if not (root / "install.log").exists():
            env = cli_env(argos_home, ARGOS_PACKAGES_DIR=target, INSTANCE_PATH=root / "instance")
            result = run_cli(["models", "install", *map(str, tiny_archives.values())], env)
            assert result.returncode == 0, result.stderr
            (root / "install.log").write_text(result.stdout)
    return target


@pytest.fixture(scope="session")
def en_zh_only_dir(tmp_path_factory, packages_dir) -> Path:
    """Only en→zh: zh→en jobs must fail, naming the missing package."""
    from syndicate.translation.packages import read_package

    target = tmp_path_factory.mktemp("models-half") / "argos-packages"
    for child in packages_dir.iterdir():
        info = read_package(child)
        if info is not None and (info.from_code, info.to_code) == ("en", "zh"):
            shutil.copytree(child, target / child.name)
    return target


# Apps ------------------------------------------------------------------------------------------


def _app(tmp_path, database_url, packages: Path, **overrides):
    settings = {
        "SYNDICATE_ARGOS_PACKAGES_DIR": str(packages),
        "SYNDICATE_TRANSLATION_RETRY_DELAY": 0.0,
        **overrides,
    }
    return make_app(tmp_path, database_url, **settings)


@pytest.fixture
def app(tmp_path, database_url, packages_dir):
    """Overrides the suite's app: memory queue, tiny models; SQLite and PostgreSQL."""
    application = _app(tmp_path, database_url, packages_dir)
    yield application
    db.database(application).dispose()


@pytest.fixture
def make_test_app(tmp_path, sqlite_url, packages_dir) -> Iterator[Callable[..., object]]:
    """Another configuration on SQLite (and a fresh copy of the database)."""
    made = []

    def make(**overrides):
        packages = overrides.pop("packages", packages_dir)
        application = _app(
            tmp_path, overrides.pop("database_url", sqlite_url), packages, **overrides
        )
        made.append(application)
        return application

    yield make
    for application in made:
        db.database(application).dispose()


# Content ---------------------------------------------------------------------------------------

SECTION = {"slug": "hongqiao", "parent": None, "name": {"en": "Hongqiao", "zh": "虹桥"}}

EN_BODY = (
    '<p>The new hub in <a href="https://example.com/hq">Hongqiao</a> opened. '
    "It links the Yangtze River Delta.</p>"
    "<p>Visitors queue at KINGDOM Coffee. Trains run often.</p>"
    '<figure><img src="/media/hub.jpg" alt="the station hall"></figure>'
    "<p>Officials approved a new policy.</p>"
)


def en_article(**overrides) -> dict:
    payload = {
        "id": "hongqiao-hub",
        "section": "hongqiao",
        "language": "en",
        "title": "A new hub opens in Hongqiao",
        "summary": "Minhang welcomes the Yangtze River Delta.",
        "body_html": EN_BODY,
        "author": "Ann Lee",
        "image": {"url": "/media/hub.jpg", "caption": "The station hall", "alt": "a busy hall"},
        "tags": ["transport"],
        "status": "published",
        "published_at": "2024-05-01T09:00:00+08:00",
    }
    payload.update(overrides)
    return payload


def zh_article(**overrides) -> dict:
    payload = {
        "id": "minhang-budget",
        "section": "hongqiao",
        "language": "zh",
        "title": "闵行批准了年度预算",
        "summary": "长三角的官员讨论了一项新政策。",
        "body_html": "<p>政府宣布了一项新政策。<strong>公司</strong>报告了创纪录的利润。</p>",
        "author": "李伟",
        "image": {"url": "/media/budget.jpg", "caption": "官员", "alt": "投资者"},
        "tags": ["budget"],
        "status": "published",
        "published_at": "2024-05-02T09:00:00+08:00",
    }
    payload.update(overrides)
    return payload


GLOSSARY = [
    ("en", "zh", "Hongqiao", "虹桥"),
    ("en", "zh", "Yangtze River Delta", "长三角"),
    ("en", "zh", "Minhang", "闵行"),
    ("en", "zh", "KINGDOM Coffee", ""),  # kept as it is
    ("zh", "en", "虹桥", "Hongqiao"),
    ("zh", "en", "长三角", "Yangtze River Delta"),
    ("zh", "en", "闵行", "Minhang"),
]


def add_glossary(client, headers, terms=GLOSSARY) -> None:
    for src, tgt, source, target in terms:
        body = {
            "source_language": src,
            "target_language": tgt,
            "source_term": source,
            "target_term": target,
        }
        response = client.post("/api/v1/glossary", json=body, headers=headers)
        assert response.status_code == 202, response.get_json()


def add_section(client, admin) -> None:
    response = client.post("/api/v1/sections", json=SECTION, headers=admin)
    assert response.status_code == 201, response.get_json()


def create(client, headers, payload) -> dict:
    response = client.post("/api/v1/articles", json=payload, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def article(client, headers, public_id: str) -> dict:
    response = client.get(f"/api/v1/articles/{public_id}", headers=headers)
    assert response.status_code == 200
    return response.get_json()


def variant(app, public_id: str, language: str):
    """The stored variant (a fresh session: what another process would read)."""
    from syndicate.storage import articles as store

    with db.database(app).session() as session:
        row = store.get(session, public_id)
        found = row.variant(language) if row else None
        if found is not None:
            session.expunge(found)
        return found


def jobs_of(app, public_id: str | None = None) -> list:
    from sqlalchemy import select

    from syndicate.storage.models import Article, TranslationJob

    with db.database(app).session() as session:
        query = select(TranslationJob).join(Article).order_by(TranslationJob.id)
        if public_id is not None:
            query = query.where(Article.public_id == public_id)
        rows = list(session.scalars(query))
        session.expunge_all()
        return rows


def feed_json(client, app, language: str, section: str) -> str:
    """The JSON feed as readers get it: from the publication folder when publication is wired
    into the app (brought up to date first, as the host's mirror does), else built from storage
    the same way."""
    if "syndicate.mirror" in app.extensions:
        from syndicate.publication import mirror

        mirror.for_app(app).sync()
    response = client.get(f"/feeds/{language}/{section}.json")
    if response.status_code == 200:
        return response.get_data(as_text=True)
    from syndicate.feed import build
    from syndicate.feed.render import render

    assert "syndicate.publisher" not in app.extensions, response.status_code
    with app.app_context(), db.database(app).session() as session:
        page = build.build_current(session, app.config, language, section)
        return render(page.documents["json"], "json").decode()


def wait_for(predicate: Callable[[], object], timeout: float = 30, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {predicate}")
        time.sleep(interval)


# Worker processes ------------------------------------------------------------------------------


class WorkerProcess:
    def __init__(self, env: dict[str, str], log: Path):
        self.log_path = log
        self._log = log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "syndicate", "worker"],
            env=env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        """SIGKILL: no handler runs, exactly like an OOM kill or a power cut."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)  # reaped: a zombie would still look alive to recovery

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def start_worker(tmp_path) -> Iterator[Callable[[dict[str, str]], WorkerProcess]]:
    started: list[WorkerProcess] = []

    def start(env: dict[str, str]) -> WorkerProcess:
        worker = WorkerProcess(env, tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()

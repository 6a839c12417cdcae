"""Shared fixtures: a real database per test (SQLite file, or PostgreSQL), an app, tokens."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from syndicate import create_app
from syndicate.storage import db, migrate
from syndicate.storage.models import Base

POSTGRES_URL = os.environ.get(
    "SYNDICATE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """An SQLite file migrated to head once; each test gets a copy (migrating is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = db.make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_database():
    """A database of this test process's own on the PostgreSQL server, migrated to head.

    Named after the process so that concurrent runs (xdist workers, two checkouts) never share.
    """
    name = f"syndicate_test_{_worker()}_{os.getpid()}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    engine = db.make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_postgres(url: str) -> None:
    engine = db.make_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path, sqlite_template):
    """Both engines: tests that take this run once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "syndicate.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_database")
        _truncate_postgres(url)
        yield url


@pytest.fixture
def sqlite_url(tmp_path, sqlite_template) -> str:
    path = tmp_path / "syndicate.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def make_app(tmp_path: Path, database_url: str, **overrides):
    config = {
        "TESTING": True,
        "SYNDICATE_DATABASE_URL": database_url,
        "SYNDICATE_INSTANCE_PATH": str(tmp_path / "instance"),
        "SYNDICATE_FEEDS_DIR": str(tmp_path / "feeds"),
        "SYNDICATE_QUEUE_URL": "memory:",
        "SYNDICATE_BASE_URL": "https://news.example.com",
        "SYNDICATE_SECRET_KEY": "test-secret",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app(tmp_path, database_url):
    application = make_app(tmp_path, database_url)
    yield application
    db.database(application).dispose()


@pytest.fixture
def sqlite_app(tmp_path, sqlite_url):
    application = make_app(tmp_path, sqlite_url)
    yield application
    db.database(application).dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def _token(app, role: str) -> str:
    from syndicate.storage import tokens

    with app.app_context(), db.database(app).session() as session:
        _row, token = tokens.create(session, role=role, label=f"test {role}")
    return token


@pytest.fixture
def editor_token(app) -> str:
    return _token(app, "editor")


@pytest.fixture
def admin_token(app) -> str:
    return _token(app, "admin")


@pytest.fixture
def editor(editor_token):
    return {"Authorization": f"Bearer {editor_token}"}


@pytest.fixture
def admin(admin_token):
    return {"Authorization": f"Bearer {admin_token}"}

"""The schema comes only from migrations, and they describe exactly the models."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from syndicate.storage import db, migrate
from syndicate.storage.models import Base
from tests.conftest import POSTGRES_URL


def _not_search_index(name, type_, _parent_names) -> bool:
    # The full-text index differs per engine (FTS5 and its shadow tables, or a tsvector table)
    # and is not a model: syndicate.storage.search owns it.
    return not (type_ == "table" and name.startswith("article_search"))


def _assert_matches_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": _not_search_index})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_sqlite_empty_to_head_matches_models(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision(engine)
    _assert_matches_models(engine)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    migrate.downgrade(engine, "base")
    migrate.upgrade(engine)
    engine.dispose()


@pytest.mark.postgres
def test_postgres_empty_to_head_matches_models():
    name = f"syndicate_test_migrations_{os.getpid()}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = db.make_engine(POSTGRES_URL.rsplit("/", 1)[0] + "/" + name)
    try:
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision(engine)
        _assert_matches_models(engine)
        migrate.downgrade(engine, "base")
        migrate.upgrade(engine)
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_no_create_all_outside_tests():
    from pathlib import Path

    import syndicate

    root = Path(syndicate.__file__).parent
    offenders = [p for p in root.rglob("*.py") if "create_all(" in p.read_text()]
    assert offenders == []

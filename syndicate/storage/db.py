"""Engine and sessions. One engine per app; one session per request, per CLI command, per job."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError

# Imported for its session hook: every write of an article's text updates the search index.
from syndicate.storage import search  # noqa: F401

EXTENSION = "syndicate.db"


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    # WAL lets the web process read while the worker writes; foreign keys are off by default.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True)


class LostRace(Exception):
    """Another transaction changed or removed the rows this one wrote (a unique key taken
    meanwhile, a row deleted or updated under us, a deadlock or serialization failure). The
    session has been rolled back; the service decides what the client is told (404 or 409)."""


# PostgreSQL: serialization_failure, deadlock_detected. Retrying is the client's call.
_RACE_SQLSTATES = {"40001", "40P01"}


def is_lost_race(exc: BaseException) -> bool:
    if isinstance(exc, IntegrityError | StaleDataError | ObjectDeletedError):
        return True
    if isinstance(exc, DBAPIError):
        return getattr(exc.orig, "sqlstate", None) in _RACE_SQLSTATES
    return False


def is_outage(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be used right now (down, restarting, out of
    connections, locked for longer than the busy timeout): a 503, not a bug."""
    if isinstance(exc, PoolTimeout):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError | InterfaceError) and not is_lost_race(exc)


@contextmanager
def race_guard(session: Session) -> Iterator[None]:
    """Run writes (flushes, the commit) that concurrent requests may contend for; losing the
    race rolls back and raises ``LostRace`` instead of a driver error."""
    try:
        yield
    except Exception as exc:
        if not is_lost_race(exc):
            raise
        session.rollback()
        raise LostRace(str(exc).splitlines()[0]) from exc


class Database:
    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for work outside a request: commits on success, rolls back on error."""
        session = self.sessionmaker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = Database(app.config["SYNDICATE_DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def database(app: Flask | None = None) -> Database:
    return (app or current_app).extensions[EXTENSION]


def session() -> Session:
    """The request's (or app context's) session, opened on first use."""
    if "db_session" not in g:
        g.db_session = database().sessionmaker()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()

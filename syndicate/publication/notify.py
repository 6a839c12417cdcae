"""Waking publishers and hosts when something changed, through the engines already there:
PostgreSQL LISTEN/NOTIFY when the database is PostgreSQL, else Redis pub/sub when the queue is
Redis, else polling (the embedded SQLite default: one machine, a cheap local query).

A notification is only a hint: publishers claim from the outbox and hosts catch up by
generation, so a lost one delays a change by one poll interval, never loses it.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from syndicate.storage import db

log = logging.getLogger(__name__)

OUTBOX_CHANNEL = "syndicate_outbox"
PUBLICATION_CHANNEL = "syndicate_publication"
#: With a notifier, how long to wait before looking anyway (missed notification, backoff).
SAFETY_INTERVAL = 2.0
_REDIS = "syndicate.notify.redis"


def kind(app: Flask) -> str:
    if db.database(app).engine.dialect.name == "postgresql":
        return "postgres"
    if app.config["SYNDICATE_QUEUE_URL"].startswith(("redis:", "rediss:")):
        return "redis"
    return "poll"


def _redis_target(app: Flask) -> tuple[str, str]:
    """The Redis URL (without ``?queue=``) and a channel prefix per queue name, so deployments
    sharing a Redis database do not wake each other."""
    parts = urlsplit(app.config["SYNDICATE_QUEUE_URL"])
    query = dict(parse_qsl(parts.query))
    name = query.pop("queue", "syndicate")
    return urlunsplit(parts._replace(query=urlencode(query))), name


def _redis(app: Flask):
    client = app.extensions.get(_REDIS)
    if client is None:
        import redis

        url, _name = _redis_target(app)
        client = app.extensions[_REDIS] = redis.Redis.from_url(url, socket_timeout=5)
    return client


def announce(app: Flask, session: Session, channel: str, payload: object = "") -> None:
    """Tell listeners of ``channel`` once ``session`` commits."""
    how = kind(app)
    if how == "postgres":
        session.execute(text("SELECT pg_notify(:c, :p)"), {"c": channel, "p": str(payload)})
    elif how == "redis":
        _url, name = _redis_target(app)

        def send(_session: Session) -> None:
            try:
                _redis(app).publish(f"{name}:{channel}", str(payload))
            except Exception as exc:  # a hint only: pollers catch up
                log.warning("could not notify %s through Redis (%s)", channel, exc)

        event.listen(session, "after_commit", send, once=True)


def _limit(timeout: float, due_in: float | None) -> float:
    """How long a notified waiter blocks: at least ``timeout`` and the safety interval (a
    notification wakes it sooner), at most until ``due_in`` (work that becomes due then wakes
    nobody)."""
    limit = max(timeout, SAFETY_INTERVAL)
    return limit if due_in is None else max(min(limit, due_in), 0.01)


class Waiter:
    """Blocks until a notification on the channel, the timeout, or ``stop``."""

    kind = "poll"

    def wait(self, timeout: float, stop: threading.Event, due_in: float | None = None) -> bool:
        stop.wait(timeout if due_in is None else max(min(timeout, due_in), 0.01))
        return False

    def close(self) -> None:
        pass


class PostgresWaiter(Waiter):
    kind = "postgres LISTEN"

    def __init__(self, app: Flask, channel: str):
        url = db.database(app).engine.url
        self.conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.channel = channel
        self.connection = None

    def _connect(self):
        import psycopg

        if self.connection is None or self.connection.closed:
            self.connection = psycopg.connect(self.conninfo, autocommit=True)
            self.connection.execute(f"LISTEN {self.channel}")
        return self.connection

    def wait(self, timeout: float, stop: threading.Event, due_in: float | None = None) -> bool:
        try:
            connection = self._connect()
            for _note in connection.notifies(timeout=_limit(timeout, due_in), stop_after=1):
                return True
            return False
        except Exception as exc:  # the database restarts: poll meanwhile, listen again later
            log.warning("LISTEN %s failed (%s); polling", self.channel, exc)
            self.close()
            stop.wait(timeout)
            return False

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            finally:
                self.connection = None


class RedisWaiter(Waiter):
    kind = "Redis pub/sub"

    def __init__(self, app: Flask, channel: str):
        self.app = app
        _url, name = _redis_target(app)
        self.channel = f"{name}:{channel}"
        self.pubsub = None

    def wait(self, timeout: float, stop: threading.Event, due_in: float | None = None) -> bool:
        try:
            if self.pubsub is None:
                self.pubsub = _redis(self.app).pubsub(ignore_subscribe_messages=True)
                self.pubsub.subscribe(self.channel)
            message = self.pubsub.get_message(timeout=_limit(timeout, due_in))
            return message is not None
        except Exception as exc:
            log.warning("Redis SUBSCRIBE %s failed (%s); polling", self.channel, exc)
            self.close()
            stop.wait(timeout)
            return False

    def close(self) -> None:
        if self.pubsub is not None:
            try:
                self.pubsub.close()
            finally:
                self.pubsub = None


def waiter(app: Flask, channel: str) -> Waiter:
    how = kind(app)
    if how == "postgres":
        return PostgresWaiter(app, channel)
    if how == "redis":
        return RedisWaiter(app, channel)
    return Waiter()

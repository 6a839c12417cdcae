"""Which worker processes are alive: a boot token per process and a heartbeat row it renews.

A job or operation that runs records the token of its process. It is taken back when that
process's heartbeat row is gone (a clean exit removes it) or silent for ``HEARTBEAT_MISSES``
intervals, or when its lease ran out. Host name and pid alone never decide: containers on
several machines share host names ("worker") and pids (1), and a pid of another PID namespace
says nothing about a process here.

While a process runs jobs, a thread renews its row every ``SYNDICATE_WORKER_HEARTBEAT``
seconds; it does not depend on the model or the database work of the jobs themselves.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask

from syndicate.storage import db
from syndicate.storage import workers as worker_store
from syndicate.storage.models import utcnow

log = logging.getLogger(__name__)

EXTENSION = "syndicate.liveness"
HEARTBEAT_MISSES = 3  # intervals without a beat before a process counts as gone
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Identity:
    host: str
    pid: int
    token: str  # host:pid:random, what jobs and operations record as their worker


_identity: Identity | None = None


def identity() -> Identity:
    """This process's identity, made on first use and again after a fork (a new process)."""
    global _identity
    if _identity is None or _identity.pid != os.getpid():
        reset_identity()
    assert _identity is not None
    return _identity


def reset_identity(host: str | None = None, pid: int | None = None) -> Identity:
    """A new boot token. ``host``/``pid`` let tests play a process of another container that
    has the same host name and pid as this one."""
    global _identity
    host = host or socket.gethostname()
    pid = os.getpid() if pid is None else pid
    _identity = Identity(host, pid, f"{host}:{pid}:{secrets.token_hex(8)}")
    return _identity


def token() -> str:
    return identity().token


def interval(app: Flask) -> float:
    return float(app.config["SYNDICATE_WORKER_HEARTBEAT"])


def alive_since(app: Flask, now: datetime | None = None) -> datetime:
    """A process seen before this instant is gone."""
    return (now or utcnow()) - timedelta(seconds=interval(app) * HEARTBEAT_MISSES)


def alive_tokens(app: Flask, session, tokens: Iterable[str | None]) -> set[str]:
    return worker_store.alive(session, [t for t in tokens if t], alive_since(app))


class Heartbeat:
    """Renews one token's row from a thread while anyone holds it (a running job, or the whole
    life of ``syndicate worker``). The last one to let go stops the thread and removes the row,
    so the jobs it leaves behind are taken back at once."""

    def __init__(self, app: Flask, who: Identity):
        self.app, self.who = app, who
        self._holders = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.on_beat: Callable[[], None] | None = None

    def acquire(self) -> None:
        with self._lock:
            self._holders += 1
            if self._holders > 1:
                return
            self._beat()
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._run, name=f"heartbeat {self.who.token}", daemon=True
            )
            self._thread.start()

    def release(self, *, remove: bool = True) -> None:
        """``remove=False`` leaves the row to go silent, as a killed process does (tests)."""
        with self._lock:
            self._holders -= 1
            if self._holders > 0:
                return
            thread, self._thread = self._thread, None
            self._stop.set()
        if thread is not None:
            thread.join()
        if remove:
            with db.database(self.app).session() as session:
                worker_store.remove(session, self.who.token)

    def _beat(self) -> None:
        with db.database(self.app).session() as session:
            worker_store.beat(session, self.who.token, self.who.host, self.who.pid, utcnow())

    def _run(self) -> None:
        while not self._stop.wait(interval(self.app)):
            try:
                self._beat()
                if self.on_beat is not None:
                    self.on_beat()
            except Exception:  # the database away for a moment: beat again at the next tick
                log.exception("heartbeat of %s failed", self.who.token)


def heartbeat(app: Flask, who: Identity | None = None) -> Heartbeat:
    who = who or identity()
    with _lock:
        beats = app.extensions.setdefault(EXTENSION, {})
        found = beats.get(who.token)
        if found is None:
            found = beats[who.token] = Heartbeat(app, who)
    return found


@contextmanager
def alive(app: Flask) -> Iterator[str]:
    """Keep this process's heartbeat going while the block runs; yields its token."""
    beat = heartbeat(app)
    beat.acquire()
    try:
        yield beat.who.token
    finally:
        beat.release()

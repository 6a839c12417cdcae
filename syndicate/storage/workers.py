"""Queries of worker processes' heartbeats (``worker_processes``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from syndicate.storage.models import WorkerProcess


def beat(session: Session, token: str, host: str, pid: int, now: datetime) -> None:
    """Say ``token`` is alive at ``now``; the row is made again if a sweep removed it."""
    renewed = session.execute(
        update(WorkerProcess).where(WorkerProcess.token == token).values(seen_at=now)
    )
    if renewed.rowcount == 0:
        session.add(WorkerProcess(token=token, host=host, pid=pid, started_at=now, seen_at=now))
        session.flush()


def remove(session: Session, token: str) -> None:
    session.execute(delete(WorkerProcess).where(WorkerProcess.token == token))


def alive(session: Session, tokens: Iterable[str], since: datetime) -> set[str]:
    """Which of ``tokens`` were seen at ``since`` or later."""
    wanted = sorted({t for t in tokens if t})
    if not wanted:
        return set()
    query = select(WorkerProcess.token).where(
        WorkerProcess.token.in_(wanted), WorkerProcess.seen_at >= since
    )
    return set(session.scalars(query))


def forget_silent(session: Session, before: datetime) -> int:
    """Drop the rows of processes silent since ``before`` (long dead): the table stays small."""
    result = session.execute(delete(WorkerProcess).where(WorkerProcess.seen_at < before))
    return result.rowcount


def listed(session: Session) -> list[WorkerProcess]:
    return list(session.scalars(select(WorkerProcess).order_by(WorkerProcess.started_at)))

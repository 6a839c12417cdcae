"""Queries of background operations. Like translation jobs, state changes are conditional
UPDATEs, so two workers (or a worker and the recovery sweep) never both win a transition."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from syndicate.numbers import MAX_ID
from syndicate.storage.models import Operation, utcnow

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUSES = (QUEUED, RUNNING, DONE, FAILED)
FINISHED = frozenset({DONE, FAILED})


def add(session: Session, kind: str, params: dict[str, Any]) -> Operation:
    now = utcnow()
    operation = Operation(
        kind=kind,
        params=params,
        status=QUEUED,
        progress=0.0,
        done=0,
        attempts=0,
        created_at=now,
        updated_at=now,
    )
    session.add(operation)
    session.flush()
    return operation


def get(session: Session, operation_id: int) -> Operation | None:
    if not 0 < operation_id <= MAX_ID:  # PostgreSQL refuses a parameter beyond INTEGER
        return None
    return session.get(Operation, operation_id)


def get_many(session: Session, ids: Sequence[int]) -> list[Operation]:
    if not ids:
        return []
    rows = {o.id: o for o in session.scalars(select(Operation).where(Operation.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def claim(session: Session, operation_id: int, worker: str) -> bool:
    now = utcnow()
    result = session.execute(
        update(Operation)
        .where(Operation.id == operation_id, Operation.status == QUEUED)
        .values(
            status=RUNNING,
            worker=worker,
            attempts=Operation.attempts + 1,
            started_at=now,
            updated_at=now,
        )
    )
    return result.rowcount == 1


def _held(operation_id: int, worker: str):
    return Operation.id == operation_id, Operation.status == RUNNING, Operation.worker == worker


def report(
    session: Session, operation_id: int, worker: str, done: int, total: int | None, detail=None
) -> bool:
    """Record progress; False if the operation was taken away from ``worker``."""
    values: dict[str, Any] = {"done": done, "updated_at": utcnow()}
    if total is not None:
        values["total"] = total
        values["progress"] = min(1.0, done / total) if total else 1.0
    if detail is not None:
        values["detail"] = detail[:500]
    result = session.execute(update(Operation).where(*_held(operation_id, worker)).values(values))
    return result.rowcount == 1


def finish(
    session: Session,
    operation_id: int,
    worker: str,
    status: str,
    *,
    result: dict[str, Any] | None = None,
    error: str | None = None,
) -> bool:
    now = utcnow()
    values: dict[str, Any] = {"status": status, "finished_at": now, "updated_at": now}
    if status == DONE:
        values["progress"] = 1.0
    if result is not None:
        values["result"] = result
    if error is not None:
        values["error"] = error
    done = session.execute(update(Operation).where(*_held(operation_id, worker)).values(values))
    return done.rowcount == 1


def running(session: Session) -> list[Operation]:
    query = select(Operation).where(Operation.status == RUNNING).order_by(Operation.id)
    return list(session.scalars(query))


def release(session: Session, operation: Operation, error: str, *, max_attempts: int) -> str:
    """Give back an operation whose worker is gone (or that failed and may try again): queued,
    or failed once it has had its runs. Returns the new status, '' if it moved on meanwhile."""
    now = utcnow()
    exhausted = operation.attempts >= max_attempts
    values: dict[str, Any] = {"worker": None, "error": error, "updated_at": now}
    values.update({"status": FAILED, "finished_at": now} if exhausted else {"status": QUEUED})
    result = session.execute(
        update(Operation).where(*_held(operation.id, operation.worker or "")).values(values)
    )
    if result.rowcount != 1:
        return ""
    return FAILED if exhausted else QUEUED


def lost_queued(session: Session, older_than: datetime) -> list[int]:
    """Queued operations untouched for a while: their queue message may be lost."""
    stale = Operation.updated_at < older_than
    query = select(Operation.id).where(Operation.status == QUEUED, stale)
    return list(session.scalars(query.order_by(Operation.id)))


def touch(session: Session, ids: Sequence[int]) -> None:
    if ids:
        session.execute(
            update(Operation)
            .where(Operation.id.in_(ids), Operation.status == QUEUED)
            .values(updated_at=utcnow())
        )

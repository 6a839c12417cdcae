"""Background operations: long changes (a glossary edit that marks thousands of translations
stale, a section rename that re-publishes feeds) run by ``syndicate worker``, with progress.

The change that needs one records it (an ``operations`` row) in its own transaction, so the
editor's request answers 202 at once and a crash after the commit loses nothing; the queue
message only says "run operation N". A runner is registered per kind:
``runner(app, operation, report_progress) -> result`` where ``report_progress(done, total=None,
detail=None)`` records how far it got. Runners must be safe to run again from the start: an
operation whose worker died (its heartbeat stopped, ``syndicate.liveness``) is queued again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol

from flask import Flask
from sqlalchemy.orm import Session

from syndicate import liveness
from syndicate.storage import db
from syndicate.storage import operations as store
from syndicate.storage.models import Operation, utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # runs before an operation that keeps failing (or killing workers) is failed
RETRY_DELAY = 10.0  # seconds before a failed run is tried again, doubled each time


class ReportProgress(Protocol):
    def __call__(self, done: int, total: int | None = None, detail: str | None = None) -> None: ...


Runner = Callable[[Flask, Operation, ReportProgress], dict[str, Any] | None]
_runners: dict[str, Runner] = {}


class OperationLost(Exception):
    """The operation was taken away from this run (its worker was thought dead)."""


def register(kind: str, runner: Runner) -> None:
    _runners[kind] = runner


def kinds() -> list[str]:
    return sorted(_runners)


# Starting ------------------------------------------------------------------------------------


def submit(
    app: Flask, session: Session, kind: str, params: dict[str, Any], *, send: bool = True
) -> Operation:
    """Record an operation in ``session``'s transaction (with the change that needs it), commit,
    and put it on the queue (``send=False``: the caller runs it itself, as the CLI does)."""
    if kind not in _runners:
        raise KeyError(f"no runner for operation kind {kind!r}")
    operation = store.add(session, kind, params)
    session.commit()
    if send:
        _send(app, operation.id)
        session.refresh(operation)  # a memory queue (tests) has run it already
    return operation


def _send(app: Flask, operation_id: int, delay: float = 0) -> None:
    """A failure is logged, not raised: the row is queued, and the recovery sweep sends it."""
    from syndicate.translation.jobs import queue_for  # the one queue of the deployment

    task = queue_for(app).operation
    try:
        if delay > 0:
            task.schedule((operation_id,), delay=delay)
        else:
            task(operation_id)
    except Exception as exc:  # Redis down, disk full
        log.warning("could not enqueue operation %s (%s); it stays queued", operation_id, exc)


# Running -------------------------------------------------------------------------------------


def run(app: Flask, operation_id: int) -> str:
    """The task: claim, run the kind's runner with progress, record the outcome. Returns the
    final status ('' when another worker has it, or it was taken away meanwhile)."""
    with liveness.alive(app) as worker:
        with db.database(app).session() as session:
            if not store.claim(session, operation_id, worker):
                return ""  # finished, or running elsewhere: a duplicate message
            operation = store.get(session, operation_id)
            session.expunge(operation)

        def report_progress(done: int, total: int | None = None, detail: str | None = None):
            with db.database(app).session() as session:
                if not store.report(session, operation_id, worker, done, total, detail):
                    raise OperationLost(operation_id)

        runner = _runners.get(operation.kind)
        try:
            if runner is None:
                raise LookupError(f"no runner for operation kind {operation.kind!r}")
            result = runner(app, operation, report_progress)
        except OperationLost:
            log.warning("operation %s was taken over by another worker", operation_id)
            return ""
        except Exception as exc:
            log.exception("operation %s (%s) failed", operation_id, operation.kind)
            return _retry_or_fail(app, operation, worker, f"{exc.__class__.__name__}: {exc}")
        with db.database(app).session() as session:
            if not store.finish(session, operation_id, worker, store.DONE, result=result or {}):
                return ""
        log.info("operation %s (%s): done %s", operation_id, operation.kind, result or "")
        return store.DONE


def _retry_or_fail(app: Flask, operation: Operation, worker: str, error: str) -> str:
    operation.worker = worker
    with db.database(app).session() as session:
        status = store.release(session, operation, error, max_attempts=MAX_ATTEMPTS)
    if status == store.QUEUED:
        _send(app, operation.id, delay=RETRY_DELAY * 2 ** (operation.attempts - 1))
    return status


# Recovery ------------------------------------------------------------------------------------


def recover(app: Flask, *, queue_empty: bool) -> dict[str, list[int]]:
    """Queue again the operations whose worker is gone; resend queued ones whose message may be
    lost (only when the queue is drained: otherwise a backlog is what keeps them waiting)."""
    report: dict[str, list[int]] = {"requeued": [], "failed": [], "resent": []}
    now = utcnow()
    with db.database(app).session() as session:
        running = store.running(session)
        alive = liveness.alive_tokens(app, session, [o.worker for o in running])
        for operation in running:
            if operation.worker in alive:
                continue
            error = f"worker {operation.worker} stopped during attempt {operation.attempts}"
            status = store.release(session, operation, error, max_attempts=MAX_ATTEMPTS)
            if status:
                report["requeued" if status == store.QUEUED else "failed"].append(operation.id)
        if queue_empty:
            lease = timedelta(seconds=app.config["SYNDICATE_TRANSLATION_LEASE"])
            report["resent"] = store.lost_queued(session, now - lease)
            store.touch(session, report["resent"])
    for operation_id in report["requeued"] + report["resent"]:
        _send(app, operation_id)
    if any(report.values()):
        log.warning("recovered operations: %s", report)
    return report

"""Queries of translation jobs. State changes are conditional UPDATEs (``WHERE status = …``) so
two workers, or a worker and the recovery sweep, can never both win the same transition."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from syndicate.numbers import MAX_ID
from syndicate.storage.models import Article, TranslationJob, utcnow

QUEUED, RUNNING, DONE, FAILED, SUPERSEDED = "queued", "running", "done", "failed", "superseded"
STATUSES = (QUEUED, RUNNING, DONE, FAILED, SUPERSEDED)
FINISHED = frozenset({DONE, FAILED, SUPERSEDED})


def get(session: Session, job_id: int) -> TranslationJob | None:
    if not 0 < job_id <= MAX_ID:  # PostgreSQL refuses a parameter beyond INTEGER
        return None
    return session.get(TranslationJob, job_id)


def get_many(session: Session, job_ids: Sequence[int]) -> list[TranslationJob]:
    job_ids = [i for i in job_ids if 0 < i <= MAX_ID]
    if not job_ids:
        return []
    rows = session.scalars(select(TranslationJob).where(TranslationJob.id.in_(job_ids)))
    by_id = {job.id: job for job in rows}
    return [by_id[i] for i in job_ids if i in by_id]


def published_articles(session: Session, section_ids: Sequence[int] | None) -> list[Article]:
    query = select(Article).where(Article.status.in_(("published", "scheduled")))
    if section_ids is not None:
        query = query.where(Article.section_id.in_(section_ids))
    return list(session.scalars(query.order_by(Article.id)))


def queued_for(session: Session, article: Article, language: str) -> list[TranslationJob]:
    query = select(TranslationJob).where(
        TranslationJob.article_id == article.id,
        TranslationJob.language == language,
        TranslationJob.status == QUEUED,
    )
    return list(session.scalars(query.order_by(TranslationJob.id)))


def add(
    session: Session, article: Article, language: str, *, force: bool, reason: str
) -> TranslationJob:
    now = utcnow()
    job = TranslationJob(
        article_id=article.id,
        language=language,
        source_revision=article.revision,
        force=force,
        reason=reason,
        status=QUEUED,
        progress=0.0,
        attempts=0,
        created_at=now,
        updated_at=now,
    )
    session.add(job)
    session.flush()
    return job


def supersede(session: Session, jobs: Iterable[TranslationJob], detail: str) -> None:
    now = utcnow()
    for job in jobs:
        job.status, job.detail, job.finished_at, job.updated_at = SUPERSEDED, detail, now, now
    session.flush()


def claim(session: Session, job_id: int, worker: str, lease: timedelta) -> bool:
    """Take a queued job for ``worker``; False if it is not queued (any more)."""
    now = utcnow()
    result = session.execute(
        update(TranslationJob)
        .where(TranslationJob.id == job_id, TranslationJob.status == QUEUED)
        .values(
            status=RUNNING,
            attempts=TranslationJob.attempts + 1,
            worker=worker,
            lease_until=now + lease,
            run_after=None,
            started_at=now,
            updated_at=now,
        )
    )
    return result.rowcount == 1


def _held(job_id: int, worker: str):
    return (
        TranslationJob.id == job_id,
        TranslationJob.status == RUNNING,
        TranslationJob.worker == worker,
    )


def heartbeat(
    session: Session, job_id: int, worker: str, progress: float, lease: timedelta
) -> bool:
    """Record progress and extend the lease; False if the job was taken away from ``worker``."""
    now = utcnow()
    result = session.execute(
        update(TranslationJob)
        .where(*_held(job_id, worker))
        .values(progress=progress, lease_until=now + lease, updated_at=now)
    )
    return result.rowcount == 1


def finish(
    session: Session,
    job_id: int,
    worker: str,
    status: str,
    *,
    detail: str | None = None,
    error: str | None = None,
) -> bool:
    """End a job ``worker`` holds. In the transaction that stores the result: if the job was
    taken over meanwhile, the caller rolls back and its result is never seen."""
    now = utcnow()
    values = {
        "status": status,
        "detail": detail,
        "finished_at": now,
        "updated_at": now,
        "lease_until": None,
    }
    if status == DONE:
        values["progress"] = 1.0
    if error is not None:
        values["error"] = error
    result = session.execute(update(TranslationJob).where(*_held(job_id, worker)).values(values))
    return result.rowcount == 1


def retry_later(session: Session, job_id: int, worker: str, error: str, when: datetime) -> bool:
    now = utcnow()
    result = session.execute(
        update(TranslationJob)
        .where(*_held(job_id, worker))
        .values(
            status=QUEUED,
            error=error,
            worker=None,
            lease_until=None,
            run_after=when,
            updated_at=now,
        )
    )
    return result.rowcount == 1


def running(session: Session) -> list[TranslationJob]:
    query = select(TranslationJob).where(TranslationJob.status == RUNNING)
    return list(session.scalars(query.order_by(TranslationJob.id)))


def release(session: Session, job: TranslationJob, error: str, *, max_attempts: int) -> str:
    """Give back a job whose worker is gone: queued again, or failed once it has had its runs.
    Returns the new status, or '' if the job moved on meanwhile."""
    now = utcnow()
    exhausted = job.attempts >= max_attempts
    values = {"worker": None, "lease_until": None, "error": error, "updated_at": now}
    if exhausted:
        values.update(status=FAILED, finished_at=now)
    else:
        values.update(status=QUEUED, run_after=None)
    result = session.execute(
        update(TranslationJob)
        .where(
            TranslationJob.id == job.id,
            TranslationJob.status == RUNNING,
            TranslationJob.worker == job.worker,
        )
        .values(values)
    )
    if result.rowcount != 1:
        return ""
    return FAILED if exhausted else QUEUED


def lost_queued(session: Session, older_than: datetime) -> list[int]:
    """Queued jobs nobody has touched for a while: their queue message may be lost (a queue
    flushed, a crash between our commit and the enqueue). Re-sending one is harmless."""
    due = func.coalesce(TranslationJob.run_after, TranslationJob.updated_at)
    query = select(TranslationJob.id).where(TranslationJob.status == QUEUED, due < older_than)
    return list(session.scalars(query.order_by(TranslationJob.id)))


#: ``detail`` of a queued job whose message the queue refused (Redis down): the worker sends
#: it again as soon as the queue answers, rather than after a lease period.
UNSENT = "waiting for the queue to answer"


def mark_unsent(session: Session, job_ids: Sequence[int]) -> None:
    if job_ids:
        session.execute(
            update(TranslationJob)
            .where(TranslationJob.id.in_(job_ids), TranslationJob.status == QUEUED)
            .values(detail=UNSENT)
        )


def unsent(session: Session) -> list[int]:
    query = select(TranslationJob.id).where(
        TranslationJob.status == QUEUED, TranslationJob.detail == UNSENT
    )
    return list(session.scalars(query.order_by(TranslationJob.id)))


def mark_sent(session: Session, job_ids: Sequence[int]) -> None:
    if job_ids:
        session.execute(
            update(TranslationJob)
            .where(TranslationJob.id.in_(job_ids), TranslationJob.detail == UNSENT)
            .values(detail=None)
        )


def touch(session: Session, job_ids: Sequence[int]) -> None:
    if job_ids:
        session.execute(
            update(TranslationJob)
            .where(TranslationJob.id.in_(job_ids), TranslationJob.status == QUEUED)
            .values(updated_at=utcnow())
        )


def latest_for_articles(
    session: Session, article_ids: Sequence[int]
) -> dict[tuple[int, str], TranslationJob]:
    """The newest job of each (article, target language) among ``article_ids``."""
    if not article_ids:
        return {}
    newest = (
        select(func.max(TranslationJob.id))
        .where(TranslationJob.article_id.in_(article_ids))
        .group_by(TranslationJob.article_id, TranslationJob.language)
    )
    rows = session.scalars(select(TranslationJob).where(TranslationJob.id.in_(newest)))
    return {(job.article_id, job.language): job for job in rows}


def counts(session: Session) -> dict[str, int]:
    query = select(TranslationJob.status, func.count()).group_by(TranslationJob.status)
    return {status: n for status, n in session.execute(query)}

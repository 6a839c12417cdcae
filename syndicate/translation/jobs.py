"""Translation jobs: the queue (huey), the task, enqueueing, and recovery after crashes.

Lifecycle of a job (a ``translation_jobs`` row; the queue message only carries its id):

- ``queued``: made when an article is published or edited (``article_changed``, if
  ``AUTO_TRANSLATE``) or refreshed. A newer job for the same article and language supersedes the
  queued older ones at once; the same request twice reuses the queued job.
- ``running``: a worker claimed it with a conditional UPDATE (so a duplicate message is
  harmless), counted an attempt, and holds a lease it renews after every model batch.
- ``done`` (translated, kept an editor's text, or already up to date), ``superseded`` (the
  article moved past the job's revision: a newer job translates it, nothing is written), or
  ``failed`` (no model for the direction, at once; anything else after
  ``TRANSLATION_MAX_ATTEMPTS`` runs, retried with doubling delays meanwhile).

Crash recovery: a worker that dies mid-job leaves its job ``running``. When a worker starts, at
every heartbeat of a worker process and every minute (a periodic task), running jobs whose
worker's heartbeat is gone or silent (``syndicate.liveness``: a boot token per process, never
host name + pid, which containers share), or whose lease ran out, are queued again; queued jobs
whose message may be lost are sent again; background operations are recovered the same way.
The result of a run is stored in the same transaction as its ``done``, so a job taken over can
never publish half a translation, or a stale one.

The queue also carries background operations (``syndicate.operations``): one queue, one worker.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Flask

from syndicate import events, liveness
from syndicate.errors import FieldError, NotFound, ValidationFailed
from syndicate.languages import CODES, other
from syndicate.storage import articles as article_store
from syndicate.storage import db
from syndicate.storage import jobs as job_store
from syndicate.storage import sections as section_store
from syndicate.storage.models import Article, utcnow

log = logging.getLogger(__name__)

EXTENSION = "syndicate.translation.queue"
#: ``register(huey) -> {name: task}`` callables of other parts whose jobs run on this queue
#: (WebSub pings): the worker's consumer must know every task it may receive.
TASKS_EXTENSION = "syndicate.queue.tasks"
DEFAULT_QUEUE_NAME = "syndicate"
_lock = threading.Lock()


# The queue -----------------------------------------------------------------------------------


def make_huey(queue_url: str):
    """``sqlite:///PATH`` → SqliteHuey, ``redis://HOST:PORT/DB[?queue=NAME]`` → RedisHuey,
    ``memory:`` → MemoryHuey running each task as it is enqueued (tests). The same tasks run
    on all three. Results are not kept: the job rows say everything."""
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    if queue_url.startswith("memory:"):
        return MemoryHuey(DEFAULT_QUEUE_NAME, immediate=True, results=False)
    parts = urlsplit(queue_url)
    if parts.scheme == "sqlite":
        path = Path(queue_url.split("///", 1)[-1].split("?", 1)[0])
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(DEFAULT_QUEUE_NAME, filename=str(path), results=False)
    if parts.scheme in ("redis", "rediss"):
        # One Redis database can hold several queues (deployments, parallel test runs).
        query = dict(parse_qsl(parts.query))
        name = query.pop("queue", DEFAULT_QUEUE_NAME)
        url = urlunsplit(parts._replace(query=urlencode(query)))
        return RedisHuey(name, url=url, results=False)
    raise ValueError(f"unsupported queue URL {queue_url!r}")


@dataclass
class Queue:
    huey: Any
    translate: Any  # the huey task: translate(job_id)
    operation: Any  # the huey task: operation(operation_id), see syndicate.operations
    #: Tasks other parts registered with ``add_tasks``, by name.
    tasks: dict[str, Any] = field(default_factory=dict)


def add_tasks(app: Flask, register) -> None:
    """Run ``register(huey) -> {name: task}`` when the app's queue is made (at ``init_app``
    time, before any process makes it), so web processes and workers know the same tasks."""
    app.extensions.setdefault(TASKS_EXTENSION, []).append(register)


def queue_for(app: Flask) -> Queue:
    """The app's queue, made on first use (a web process that never enqueues opens nothing)."""
    queue = app.extensions.get(EXTENSION)
    if queue is None:
        with _lock:
            queue = app.extensions.get(EXTENSION)
            if queue is None:
                queue = _make_queue(app)
                app.extensions[EXTENSION] = queue
    return queue


def _make_queue(app: Flask) -> Queue:
    from huey import crontab

    huey = make_huey(app.config["SYNDICATE_QUEUE_URL"])

    @huey.task(name="translate")
    def translate(job_id: int) -> None:
        run_job(app, job_id)

    @huey.task(name="operation")
    def operation(operation_id: int) -> None:
        from syndicate import operations  # it sends through this queue: imported when run

        operations.run(app, operation_id)

    @huey.periodic_task(crontab(minute="*"), name="recover")
    def recover_jobs() -> None:
        sweep(app)

    queue = Queue(huey, translate, operation)
    for register in app.extensions.get(TASKS_EXTENSION, ()):
        queue.tasks.update(register(huey))
    return queue


def _send(app: Flask, job_ids: Iterable[int], delay: float = 0) -> list[int]:
    """Put job ids on the queue; return those sent. A failure is logged, not raised: the
    caller's change is committed and the job row stays queued, marked unsent, so the worker
    sends it again as soon as the queue answers (``resend_unsent``)."""
    queue = queue_for(app)
    sent, failed = [], []
    for job_id in job_ids:
        try:
            if delay > 0:
                queue.translate.schedule((job_id,), delay=delay)
            else:
                queue.translate(job_id)
            sent.append(job_id)
        except Exception as exc:  # Redis down, disk full
            log.warning("could not enqueue translation job %s (%s); it stays queued", job_id, exc)
            failed.append(job_id)
    if failed:
        try:
            with db.database(app).session() as session:
                job_store.mark_unsent(session, failed)
        except Exception as exc:  # the database too: the lease sweep is the last resort
            log.warning("could not mark jobs %s unsent (%s)", failed, exc)
    return sent


def resend_unsent(app: Flask) -> list[int]:
    """Send the jobs the queue refused earlier, if it answers now; return those sent."""
    with db.database(app).session() as session:
        waiting = job_store.unsent(session)
    if not waiting:
        return []
    sent = _send(app, waiting)
    if sent:
        with db.database(app).session() as session:
            job_store.mark_sent(session, sent)
        log.info("the queue answers again: sent waiting translation jobs %s", sent)
    return sent


# Enqueueing ----------------------------------------------------------------------------------


def _targets(article: Article, language: str | None) -> list[str]:
    if language is None:
        return other(article.language)
    if language not in CODES:
        raise ValidationFailed(FieldError("language", f"must be one of {', '.join(CODES)}"))
    if language == article.language:
        raise ValidationFailed(
            FieldError("language", f"the article is written in {language}: nothing to translate")
        )
    return [language]


def enqueue(
    app: Flask,
    article_ids: Sequence[int],
    *,
    language: str | None = None,
    force: bool = False,
    reason: str = "refresh",
) -> list[int]:
    """Jobs translating these articles (internal ids) into ``language`` (default: every other
    language) at their current revision; returns the job ids, new or reused."""
    ids: list[int] = []
    created: list[int] = []
    with db.database(app).session() as session:
        for article_id in article_ids:
            article = session.get(Article, article_id)
            if article is None:
                continue
            for target in _targets(article, language):
                job_id, new = _job_for(session, article, target, force=force, reason=reason)
                ids.append(job_id)
                if new:
                    created.append(job_id)
    _send(app, created)
    return ids


def _job_for(session, article: Article, language: str, *, force: bool, reason: str):
    queued = job_store.queued_for(session, article, language)
    same = [j for j in queued if j.source_revision == article.revision and (j.force or not force)]
    if same:
        keep = same[-1]
        others = [j for j in queued if j is not keep]
        job_store.supersede(session, others, f"replaced by job {keep.id}")
        return keep.id, False
    job = job_store.add(session, article, language, force=force, reason=reason)
    job_store.supersede(session, queued, f"replaced by job {job.id}")
    return job.id, True


def refresh_article(
    app: Flask, public_id: str, *, language: str | None = None, force: bool = False
) -> list[int]:
    with db.database(app).session() as session:
        article = article_store.get(session, public_id)
        if article is None:
            raise NotFound(f"no article with id {public_id!r}")
        _targets(article, language)  # validate before anything is written
        article_id = article.id
    return enqueue(app, [article_id], language=language, force=force)


def refresh_many(
    app: Flask,
    *,
    section: str | None = None,
    only_stale: bool = False,
    language: str | None = None,
    force: bool = False,
) -> list[int]:
    """Published articles of a section and its subsections (or all), or only those whose
    translation is stale (missing, failed, older than the original, hit by a glossary edit)."""
    from syndicate.translation.service import is_stale

    if language is not None and language not in CODES:
        raise ValidationFailed(FieldError("language", f"must be one of {', '.join(CODES)}"))
    with db.database(app).session() as session:
        section_ids = None
        if section is not None:
            found = section_store.get(session, section)
            if found is None:
                raise NotFound(f"no section {section!r}")
            section_ids = section_store.subtree_ids(session, found)
        picked: dict[str | None, list[int]] = {}
        for article in job_store.published_articles(session, section_ids):
            targets = [t for t in other(article.language) if language in (None, t)]
            if only_stale:
                targets = [t for t in targets if is_stale(article, article.variant(t))]
            for target in targets:
                picked.setdefault(target, []).append(article.id)
    ids: list[int] = []
    for target, article_ids in picked.items():
        ids += enqueue(app, article_ids, language=target, force=force)
    return ids


def _on_article_changed(sender: Flask, *, article_id: str, reason: str = "", **_: Any) -> None:
    if EXTENSION + ".enabled" not in sender.extensions or reason == "deleted":
        return
    if not sender.config["SYNDICATE_AUTO_TRANSLATE"]:
        return
    try:
        with db.database(sender).session() as session:
            article = article_store.get(session, article_id)
            # A scheduled article is translated beforehand: both languages go live together.
            if article is None or article.status not in ("published", "scheduled"):
                return
            internal_id = article.id
        enqueue(sender, [internal_id], reason=reason or "changed")
    except Exception as exc:
        # The editor's change is committed: a translation problem must not turn it into a 500.
        if db.is_lost_race(exc):  # deleted by a concurrent request: nothing left to translate
            log.info("article %s went away before its translation was queued", article_id)
            return
        log.exception("could not enqueue the translation of article %s", article_id)


# Running a job -------------------------------------------------------------------------------


def worker_id() -> str:
    """The boot token of this process (``host:pid:random``), what a job records as its worker."""
    return liveness.token()


def run_job(app: Flask, job_id: int) -> None:
    """The task: claim the job, translate, store, or record the failure and maybe retry."""
    # The heartbeat goes on while the job runs: other workers see this process is alive.
    with liveness.alive(app) as worker:
        _run_job(app, job_id, worker)


def _run_job(app: Flask, job_id: int, worker: str) -> None:
    from syndicate.translation.packages import MissingModelError, PackageError
    from syndicate.translation.service import JobLost, record_failure, translate_job

    lease = timedelta(seconds=app.config["SYNDICATE_TRANSLATION_LEASE"])
    with db.database(app).session() as session:
        if not job_store.claim(session, job_id, worker, lease):
            return  # done, superseded, or another worker has it: a duplicate message
    try:
        outcome = translate_job(app, job_id, worker)
        log.info("translation job %s: %s (%s)", job_id, outcome.status, outcome.detail)
    except JobLost:
        log.warning("translation job %s was taken over by another worker", job_id)
    except (MissingModelError, PackageError) as exc:
        log.error("translation job %s failed: %s", job_id, exc)
        record_failure(app, job_id, worker, str(exc))
    except Exception as exc:
        log.exception("translation job %s failed", job_id)
        _retry_or_fail(app, job_id, worker, f"{exc.__class__.__name__}: {exc}")


def _retry_or_fail(app: Flask, job_id: int, worker: str, error: str) -> None:
    from syndicate.translation.service import record_failure

    with db.database(app).session() as session:
        job = job_store.get(session, job_id)
        if job is None:
            return
        attempts = job.attempts
        delay = app.config["SYNDICATE_TRANSLATION_RETRY_DELAY"] * 2 ** (attempts - 1)
        retry = attempts < app.config["SYNDICATE_TRANSLATION_MAX_ATTEMPTS"]
        when = utcnow() + timedelta(seconds=delay)
        if retry and not job_store.retry_later(session, job_id, worker, error, when):
            return  # taken over meanwhile: the new holder decides
    if retry:
        _send(app, [job_id], delay=delay)
    else:
        record_failure(app, job_id, worker, f"gave up after {attempts} attempts: {error}")


# Recovery ------------------------------------------------------------------------------------


def recover(app: Flask) -> dict[str, list[int]]:
    """Give back jobs whose worker is gone (no heartbeat, or a silent one) or whose lease ran
    out, and resend queued jobs whose message may be lost. Safe anywhere, any number of times:
    a job is never taken from a live worker because another process shares its host name and
    pid (containers), as every process has its own boot token."""
    from syndicate.translation.service import record_failure

    now = utcnow()
    lease = timedelta(seconds=app.config["SYNDICATE_TRANSLATION_LEASE"])
    max_attempts = app.config["SYNDICATE_TRANSLATION_MAX_ATTEMPTS"]
    report: dict[str, list[int]] = {"requeued": [], "failed": [], "resent": []}
    with db.database(app).session() as session:
        running = job_store.running(session)
        alive = liveness.alive_tokens(app, session, [job.worker for job in running])
        for job in running:
            expired = job.lease_until is not None and job.lease_until < now
            if job.worker in alive and not expired:
                continue
            error = f"worker {job.worker} stopped during attempt {job.attempts}"
            status = job_store.release(session, job, error, max_attempts=max_attempts)
            if status:
                report["requeued" if status == job_store.QUEUED else "failed"].append(job.id)
        # Only a drained queue can have lost messages worth resending: while it holds messages,
        # a backlog (a bulk refresh) is what keeps jobs waiting, and resending would double it.
        if queue_for(app).huey.pending_count() == 0:
            lost = job_store.lost_queued(session, now - lease)
            job_store.touch(session, lost)
            report["resent"] = lost
    for job_id in report["failed"]:
        record_failure(app, job_id, None, f"gave up: the worker stopped {max_attempts} times")
    _send(app, report["requeued"] + report["resent"])
    if any(report.values()):
        log.warning("recovered translation jobs: %s", report)
    return report


def sweep(app: Flask) -> dict[str, dict[str, list[int]]]:
    """Recovery of jobs and operations, and forgetting processes silent for a day."""
    from syndicate import operations
    from syndicate.storage import workers as worker_store

    jobs_report = recover(app)
    queue_empty = queue_for(app).huey.pending_count() == 0
    operations_report = operations.recover(app, queue_empty=queue_empty)
    with db.database(app).session() as session:
        worker_store.forget_silent(session, utcnow() - timedelta(days=1))
    return {"jobs": jobs_report, "operations": operations_report}


# Wiring --------------------------------------------------------------------------------------


def _health(app: Flask) -> tuple[str, dict[str, Any], bool]:
    """Which directions have a model, read from package metadata (argostranslate is never
    imported by the web process)."""
    from syndicate.translation.packages import installed_directions, package_name

    installed = {
        (p.from_code, p.to_code): p
        for p in installed_directions(app.config["SYNDICATE_ARGOS_PACKAGES_DIR"])
    }
    directions: dict[str, Any] = {}
    missing = []
    for src in CODES:
        for tgt in other(src):
            name = f"{src}→{tgt}"
            package = installed.get((src, tgt))
            if package is None:
                missing.append(name)
                directions[name] = {"status": "missing", "package": package_name(src, tgt)}
            else:
                directions[name] = {"status": "ok", "model": package.model_id}
    result = {"status": "ok" if not missing else "missing " + ", ".join(missing)}
    result |= {"directions": directions, "missing": missing}
    return "translation", result, not missing


def init_app(app: Flask) -> None:
    from syndicate.web import health

    app.extensions[EXTENSION + ".enabled"] = True
    # Module-level receiver, connected once however many apps there are (tests make many).
    events.article_changed.connect(_on_article_changed)
    health.add_check(app, _health)

"""The worker process (``syndicate worker``): runs translation jobs from the queue.

The only process that loads models: the engine (CTranslate2, SentencePiece) is made on the first
job and kept for the life of the process. It also runs background operations
(``syndicate.operations``). For its whole life it renews a heartbeat row
(``syndicate.liveness``); at each beat it sweeps for jobs and operations whose worker's heartbeat
stopped. On start it recovers what dead workers left running, then runs huey's consumer:
``threads`` workers plus the scheduler (retries with a delay and a minutely sweep). SIGINT stops
after the running jobs; SIGTERM stops at once; both remove the heartbeat row, so the interrupted
jobs are taken back by the next sweep of any worker.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask

from syndicate import liveness
from syndicate.translation import jobs

log = logging.getLogger(__name__)
RESEND_INTERVAL = 1.0  # seconds between looks for jobs the queue refused


class WorkerError(RuntimeError):
    pass


def prepare(app: Flask) -> None:
    """Point Argos at our packages directory (and writable HOME/XDG folders) before anything
    imports argostranslate, and say early which directions cannot be translated."""
    from syndicate.translation import packages

    packages_dir = app.config["SYNDICATE_ARGOS_PACKAGES_DIR"]
    packages.prepare_argos_environment(packages_dir)
    _name, state, healthy = jobs._health(app)
    if not healthy:
        log.warning(
            "no model for %s: those jobs will fail until `syndicate models install` adds them",
            ", ".join(state["missing"]),
        )


def run(app: Flask, *, threads: int = 1) -> None:
    if app.config["SYNDICATE_QUEUE_URL"].startswith("memory:"):
        raise WorkerError(
            "SYNDICATE_QUEUE_URL=memory: runs jobs inside the process that enqueues them; "
            "a worker needs sqlite:///PATH or redis://HOST:PORT/DB"
        )
    prepare(app)
    queue = jobs.queue_for(app)
    heartbeat = liveness.heartbeat(app)
    heartbeat.on_beat = lambda: jobs.sweep(app)
    heartbeat.acquire()
    try:
        jobs.sweep(app)
        _consume(app, queue, threads)
    finally:
        heartbeat.release()


def _consume(app: Flask, queue: jobs.Queue, threads: int) -> None:
    from huey.consumer import Consumer

    consumer = Consumer(
        queue.huey,
        workers=threads,
        worker_type="thread",
        periodic=True,
        initial_delay=0.05,
        backoff=1.5,
        max_delay=1.0,  # an idle worker notices a new job within a second
        check_worker_health=True,
    )
    log.info("worker %s: %s thread(s)", liveness.token(), threads)
    stop = threading.Event()
    watch = threading.Thread(target=_watch_unsent, args=(app, stop), name="resend", daemon=True)
    watch.start()
    try:
        consumer.run()
    finally:
        stop.set()


def _watch_unsent(app: Flask, stop: threading.Event) -> None:
    """Jobs the queue refused (Redis was down when they were saved) go out within a second of
    the queue answering again: huey's periodic tasks run once a minute, the lease sweep later."""
    while not stop.wait(RESEND_INTERVAL):
        try:
            jobs.resend_unsent(app)
        except Exception as exc:  # the database is down: the next tick tries again
            log.warning("could not look for unsent translation jobs: %s", exc)

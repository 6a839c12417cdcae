"""Liveness of workers: a boot token per process and a heartbeat row, never host name + pid.

Containers on several machines share host names and pids (pid 1 in each); here two "workers"
in this process take the identity of the other (same host name, same pid), as two containers
would, and the healthy one keeps its job. A worker whose heartbeat stops loses its jobs."""

from __future__ import annotations

import os
import socket
import time
from datetime import timedelta

import pytest

from syndicate import liveness, operations
from syndicate.storage import db
from syndicate.storage import jobs as job_store
from syndicate.storage import workers as worker_store
from syndicate.storage.models import utcnow
from syndicate.translation import jobs
from tests.translation_jobs.conftest import add_section, create, en_article, jobs_of, variant
from tests.translation_jobs.test_job_lifecycle import drain, hold, hook

BEAT = 0.2  # seconds between heartbeats in these tests; gone after 3 missed


@pytest.fixture
def fast(app):
    app.config["SYNDICATE_WORKER_HEARTBEAT"] = BEAT
    yield app
    liveness.reset_identity()  # the next test is this process again


def _as(host: str, pid: int) -> str:
    return liveness.reset_identity(host, pid).token


def _claim(app, job_id: int, token: str) -> None:
    with db.database(app).session() as session:
        assert job_store.claim(session, job_id, token, timedelta(minutes=5))


def test_a_worker_with_the_same_host_and_pid_never_takes_a_healthy_job(fast, client, editor, admin):
    app = fast
    huey = hold(app)
    add_section(client, admin)
    create(client, editor, en_article())
    host, pid = socket.gethostname(), os.getpid()  # what the old check compared
    first = _as(host, pid)
    seen = {}

    def other_container_sweeps():
        # While the first runs the model: a second process, same host name, same pid.
        second = _as(host, pid)
        assert second != first
        seen["running"] = [(j.status, j.worker) for j in jobs_of(app)]
        time.sleep(BEAT * 5)  # longer than a heartbeat may be missed: the thread renews it
        seen["report"] = jobs.sweep(app)

    hook(app, during=other_container_sweeps)
    assert drain(huey) == 1
    assert seen["running"] == [("running", first)]
    assert seen["report"]["jobs"] == {"requeued": [], "failed": [], "resent": []}
    (job,) = jobs_of(app)
    assert (job.status, job.attempts, job.error) == ("done", 1, None)
    assert variant(app, "hongqiao-hub", "zh").status == "ready"
    with db.database(app).session() as session:
        assert worker_store.listed(session) == []  # the row went with the job's end


def test_a_dead_workers_job_is_recovered_and_a_live_ones_is_not(fast, client, editor, admin):
    app = fast
    huey = hold(app)
    add_section(client, admin)
    create(client, editor, en_article())
    create(client, editor, en_article(id="second", title="Second"))
    huey.flush()  # both messages were taken by the two workers below
    doomed_job, healthy_job = (j.id for j in jobs_of(app))
    host = "worker"  # every container of the deployment is called that, and runs as pid 1

    doomed = liveness.heartbeat(app, liveness.reset_identity(host, 1))
    doomed.acquire()
    _claim(app, doomed_job, doomed.who.token)
    healthy = liveness.heartbeat(app, liveness.reset_identity(host, 1))
    healthy.acquire()
    _claim(app, healthy_job, healthy.who.token)
    try:
        _as(host, 1)  # a third container sweeps
        assert jobs.recover(app)["requeued"] == []

        doomed.release(remove=False)  # SIGKILL: no goodbye, the beats just stop
        time.sleep(BEAT * (liveness.HEARTBEAT_MISSES + 2))
        report = jobs.recover(app)
        assert report["requeued"] == [doomed_job]
        assert drain(huey) == 1
        states = {j.id: (j.status, j.attempts) for j in jobs_of(app)}
        assert states == {doomed_job: ("done", 2), healthy_job: ("running", 1)}
        (failed_run,) = [j for j in jobs_of(app) if j.id == doomed_job]
        assert f"worker {doomed.who.token} stopped during attempt 1" == failed_run.error
    finally:
        healthy.release()
    # A clean exit removes the row: its job is taken back at the next sweep, without waiting.
    assert jobs.recover(app)["requeued"] == [healthy_job]


def test_an_operation_of_a_dead_worker_is_run_again(fast, client, editor, admin):
    app = fast
    add_section(client, admin)
    create(client, editor, en_article())
    huey = hold(app)
    response = client.post(
        "/api/v1/glossary",
        json={"source_language": "en", "target_language": "zh", "source_term": "Hongqiao"},
        headers=editor,
    )
    assert response.status_code == 202
    operation_id = response.get_json()["operation"]["id"]
    assert response.get_json()["operation"]["status"] == "queued"
    huey.flush()  # a worker took the message, then died mid-run
    from syndicate.storage import operations as operation_store

    with db.database(app).session() as session:
        assert operation_store.claim(session, operation_id, "worker:1:dead")
        worker_store.beat(session, "worker:1:dead", "worker", 1, utcnow() - timedelta(hours=1))

    assert operations.recover(app, queue_empty=False)["requeued"] == [operation_id]
    assert drain(huey) == 1
    state = client.get(f"/api/v1/operations/{operation_id}", headers=editor).get_json()
    assert (state["status"], state["attempts"], state["result"]) == (
        "done",
        2,
        {"stale_translations": 1},
    )
    assert state["error"] == "worker worker:1:dead stopped during attempt 1"

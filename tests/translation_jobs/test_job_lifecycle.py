"""Job lifecycle: supersession, retries with backoff, missing models, crash recovery."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import timedelta

import orjson
import pytest
from sqlalchemy import update

from syndicate.storage import db
from syndicate.storage.models import TranslationJob, utcnow
from syndicate.translation import jobs, service
from tests.translation_jobs.conftest import (
    add_section,
    article,
    create,
    en_article,
    feed_json,
    jobs_of,
    variant,
    zh_article,
)


def hold(app):
    """Jobs stay queued until ``drain``: a worker that has not got to them yet."""
    huey = jobs.queue_for(app).huey
    huey.immediate = False
    return huey


def drain(huey) -> int:
    ran = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran


class HookedEngine:
    """The real engine, with something happening while the model runs, or transient errors."""

    def __init__(self, engine, *, during=None, failures: int = 0):
        self.engine, self.during, self.failures = engine, during, failures

    def model_id(self, src: str, tgt: str) -> str:
        return self.engine.model_id(src, tgt)

    def translate_segments(self, texts, src, tgt):
        if self.during is not None:
            during, self.during = self.during, None
            during()
        if self.failures:
            self.failures -= 1
            raise RuntimeError("the model server hiccuped")
        return self.engine.translate_segments(texts, src, tgt)


def hook(app, **kwargs) -> HookedEngine:
    hooked = HookedEngine(service.engine_for(app), **kwargs)
    app.extensions[service.ENGINE_EXTENSION] = hooked
    return hooked


def set_job(app, job_id: int, **values) -> None:
    with db.database(app).session() as session:
        session.execute(update(TranslationJob).where(TranslationJob.id == job_id).values(values))


def patch_title(client, headers, title: str, revision: int) -> None:
    body = {"title": title, "revision": revision}
    response = client.patch("/api/v1/articles/hongqiao-hub", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()


# Supersession -----------------------------------------------------------------------------------


def test_a_newer_revision_supersedes_queued_jobs_and_repeats_reuse_them(app, client, editor, admin):
    huey = hold(app)
    add_section(client, admin)
    create(client, editor, en_article())
    patch_title(client, editor, "Hongqiao hub opens", 1)
    refresh = client.post("/api/v1/articles/hongqiao-hub/translations/refresh", headers=editor)
    assert (refresh.status_code, refresh.get_json()) == (202, {"jobs": [2]})  # reused

    first, second = jobs_of(app)
    assert (first.source_revision, first.status, first.detail) == (
        1,
        "superseded",
        "replaced by job 2",
    )
    assert (second.source_revision, second.status) == (2, "queued")

    assert drain(huey) == 2  # job 1's message finds its job superseded and does nothing
    first, second = jobs_of(app)
    assert (first.status, first.attempts, second.status, second.attempts) == (
        "superseded",
        0,
        "done",
        1,
    )
    assert variant(app, "hongqiao-hub", "zh").title == "HONGQIAO HUB OPENS"


def test_a_job_for_an_old_revision_is_superseded_when_it_runs(make_test_app):
    app = make_test_app(SYNDICATE_AUTO_TRANSLATE=False)
    client, headers = app.test_client(), _admin(app)
    huey = hold(app)
    add_section(client, headers)
    create(client, headers, en_article())
    response = client.post("/api/v1/articles/hongqiao-hub/translations/refresh", headers=headers)
    assert response.get_json() == {"jobs": [1]}
    patch_title(client, headers, "Edited", 1)  # revision 2; no automatic job

    drain(huey)
    (job,) = jobs_of(app)
    assert job.status == "superseded"
    assert job.detail == "article is at revision 2; this job was for 1"
    assert variant(app, "hongqiao-hub", "zh") is None


def test_an_edit_while_the_model_runs_supersedes_the_running_job(app, client, editor, admin):
    huey = hold(app)
    add_section(client, admin)
    create(client, editor, en_article())
    hook(app, during=lambda: patch_title(client, editor, "Edited meanwhile", 1))

    drain(huey)
    first, second = jobs_of(app)
    assert (first.source_revision, first.status) == (1, "superseded")
    assert (second.source_revision, second.status) == (2, "done")
    zh = variant(app, "hongqiao-hub", "zh")
    assert (zh.title, zh.source_revision) == ("EDITED MEANWHILE", 2)  # never revision 1's text


def test_a_force_refresh_replaces_a_queued_plain_one(app, client, editor, admin):
    hold(app)
    add_section(client, admin)
    create(client, editor, en_article())
    url = "/api/v1/articles/hongqiao-hub/translations/refresh"
    forced = client.post(url, json={"language": "zh", "force": True}, headers=editor)
    assert forced.get_json() == {"jobs": [2]}
    assert client.post(url, headers=editor).get_json() == {"jobs": [2]}  # force covers it
    assert [j.status for j in jobs_of(app)] == ["superseded", "queued"]


# Failures -----------------------------------------------------------------------------------------


def test_a_missing_model_fails_the_job_naming_the_package_and_feeds_keep_serving(
    make_test_app, en_zh_only_dir
):
    app = make_test_app(packages=en_zh_only_dir)
    client, headers = app.test_client(), _admin(app)
    add_section(client, headers)
    create(client, headers, zh_article())
    create(client, headers, en_article())

    failed, done = jobs_of(app)
    assert (failed.language, failed.status, failed.attempts) == ("en", "failed", 1)  # no retry
    assert "translate-zh_en" in failed.error and "syndicate models install" in failed.error
    assert done.status == "done"
    state = article(client, headers, "minhang-budget")["translations"]["en"]
    assert (state["status"], state["origin"]) == ("failed", "machine")
    assert "translate-zh_en" in state["error"]

    health = client.get("/healthz")
    assert health.status_code == 200
    translation = health.get_json()["translation"]
    assert translation["missing"] == ["zh→en"]
    assert translation["directions"]["zh→en"] == {"status": "missing", "package": "translate-zh_en"}
    assert translation["directions"]["en→zh"]["status"] == "ok"
    assert health.get_json()["status"] == "degraded"

    en_feed = orjson.loads(feed_json(client, app, "en", "hongqiao"))
    ids = [item["id"] for item in en_feed["items"]]
    assert any("hongqiao-hub" in i for i in ids)
    assert not any("minhang-budget" in i for i in ids)  # still only in Chinese
    zh_feed = feed_json(client, app, "zh", "hongqiao")
    assert "闵行批准了年度预算" in zh_feed


def test_transient_errors_are_retried_and_recorded(app, client, editor, admin):
    add_section(client, admin)
    hook(app, failures=2)
    create(client, editor, en_article())
    (job,) = jobs_of(app)
    assert (job.status, job.attempts) == ("done", 3)
    assert job.error == "RuntimeError: the model server hiccuped"  # the last error is kept
    assert variant(app, "hongqiao-hub", "zh").status == "ready"


def test_retries_back_off_then_give_up(make_test_app):
    app = make_test_app(SYNDICATE_TRANSLATION_RETRY_DELAY=5.0)
    client, headers = app.test_client(), _admin(app)
    huey = jobs.queue_for(app).huey
    add_section(client, headers)
    hook(app, failures=3)
    before = utcnow()
    create(client, headers, en_article())

    (job,) = jobs_of(app)
    assert (job.status, job.attempts) == ("queued", 1)
    # (The create also publishes its feeds in this process before the job runs: allow for it.)
    assert timedelta(seconds=4) < job.run_after - before < timedelta(seconds=8)
    later = huey._get_timestamp() + timedelta(seconds=6)
    for task in huey.read_schedule(later):
        huey.execute(task, timestamp=later)
    (job,) = jobs_of(app)
    assert job.attempts == 2
    assert timedelta(seconds=9) < job.run_after - before < timedelta(seconds=15)  # doubled

    later += timedelta(seconds=11)
    for task in huey.read_schedule(later):
        huey.execute(task, timestamp=later)
    (job,) = jobs_of(app)
    assert (job.status, job.attempts) == ("failed", 3)
    assert job.error == "gave up after 3 attempts: RuntimeError: the model server hiccuped"
    response = client.get(f"/api/v1/jobs/{job.id}", headers=headers)
    assert response.get_json() | {"status": "failed", "attempts": 3} == response.get_json()


# Crash recovery ---------------------------------------------------------------------------------


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _beat(app, token: str, seen_at) -> None:
    from syndicate.storage import workers

    with db.database(app).session() as session:
        workers.beat(session, token, token.split(":")[0], int(token.split(":")[1]), seen_at)


def test_recovery_requeues_jobs_of_gone_silent_or_lapsed_workers(app, client, editor, admin):
    huey = hold(app)
    add_section(client, admin)
    create(client, editor, en_article())
    create(client, editor, zh_article())
    create(client, editor, en_article(id="third", title="Third"))
    create(client, editor, en_article(id="fourth", title="Fourth"))
    gone, silent, lapsed, alive = (j.id for j in jobs_of(app))
    now = utcnow()
    past, future = now - timedelta(seconds=1), now + timedelta(minutes=5)
    _beat(app, "box:1:silent", now - timedelta(minutes=5))  # killed: its beats stopped
    _beat(app, "box:1:lapsed", now)  # alive, but its job's lease ran out (stuck)
    _beat(app, "box:1:alive", now)
    running = {"status": "running", "attempts": 1}
    # "gone" exited (its row removed) or never wrote one: the same host and pid as the others.
    set_job(app, gone, **running, worker="box:1:gone", lease_until=future)
    set_job(app, silent, **running, worker="box:1:silent", lease_until=future)
    set_job(app, lapsed, **running, worker="box:1:lapsed", lease_until=past)
    set_job(app, alive, **running, worker="box:1:alive", lease_until=future)
    huey.flush()  # the workers had taken the messages

    report = jobs.recover(app)
    assert report == {"requeued": [gone, silent, lapsed], "failed": [], "resent": []}
    assert drain(huey) == 3
    states = [(j.status, j.attempts) for j in jobs_of(app)]
    assert states == [("done", 2), ("done", 2), ("done", 2), ("running", 1)]
    assert jobs.recover(app) == {"requeued": [], "failed": [], "resent": []}


def test_recovery_fails_a_job_that_keeps_killing_workers(app, client, editor, admin):
    hold(app)
    add_section(client, admin)
    create(client, editor, en_article())
    (job,) = jobs_of(app)
    worker = f"{socket.gethostname()}:{_dead_pid()}:d4"
    set_job(app, job.id, status="running", attempts=3, worker=worker)

    assert jobs.recover(app)["failed"] == [job.id]
    (job,) = jobs_of(app)
    assert (job.status, job.error) == ("failed", f"worker {worker} stopped during attempt 3")
    assert variant(app, "hongqiao-hub", "zh").status == "failed"


def test_recovery_resends_queued_jobs_whose_message_was_lost(app, client, editor, admin):
    huey = hold(app)
    add_section(client, admin)
    create(client, editor, en_article())
    huey.flush()  # the queue lost its messages (Redis flushed, a crash before the enqueue)
    (job,) = jobs_of(app)
    assert jobs.recover(app)["resent"] == []  # queued recently: probably still on its way
    set_job(app, job.id, updated_at=utcnow() - timedelta(minutes=10))

    assert jobs.recover(app)["resent"] == [job.id]
    drain(huey)
    assert jobs_of(app)[0].status == "done"


def test_a_job_taken_over_does_not_store_its_result(app, client, editor, admin):
    huey = hold(app)
    add_section(client, admin)
    create(client, editor, en_article())
    (job,) = jobs_of(app)
    # While the model runs, the lease is lost and another worker takes the job over.
    hook(app, during=lambda: set_job(app, job.id, worker="elsewhere:9:e5"))

    drain(huey)
    (job,) = jobs_of(app)
    assert (job.status, job.worker) == ("running", "elsewhere:9:e5")
    assert variant(app, "hongqiao-hub", "zh") is None


@pytest.mark.parametrize("reason", ["deleted"])
def test_deleting_an_article_drops_its_jobs(app, client, editor, admin, reason):
    huey = hold(app)
    add_section(client, admin)
    create(client, editor, en_article())
    assert client.delete("/api/v1/articles/hongqiao-hub", headers=editor).status_code == 204
    assert jobs_of(app) == []
    assert drain(huey) == 1  # the message finds no job


def _admin(app) -> dict:
    from tests.conftest import _token

    return {"Authorization": f"Bearer {_token(app, 'admin')}"}

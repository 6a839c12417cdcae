"""Real ``syndicate worker`` processes on the SQLite queue (the embedded default) and on Redis."""

from __future__ import annotations

import uuid

import orjson
import pytest

from syndicate.storage import db
from tests.translation_jobs.conftest import (
    REDIS_URL,
    add_glossary,
    add_section,
    cli_env,
    create,
    en_article,
    feed_json,
    jobs_of,
    run_cli,
    variant,
    wait_for,
    zh_article,
)


def _setup(tmp_path, sqlite_url, packages_dir, argos_home, queue_url: str, **settings):
    """A web app (the test client) and a worker environment sharing database, queue, feeds."""
    from tests.conftest import _token, make_app

    config = {
        "ARGOS_PACKAGES_DIR": packages_dir,
        "QUEUE_URL": queue_url,
        "DATABASE_URL": sqlite_url,
        "INSTANCE_PATH": tmp_path / "instance",
        "FEEDS_DIR": tmp_path / "feeds",
        "BASE_URL": "https://news.example.com",
        "SECRET_KEY": "test-secret",
        "LOG_LEVEL": "INFO",
        **settings,
    }
    app = make_app(tmp_path, sqlite_url, **{f"SYNDICATE_{k}": v for k, v in config.items()})
    headers = {"Authorization": f"Bearer {_token(app, 'admin')}"}
    return app, headers, cli_env(argos_home, **config)


def _translated_both_ways(app, client, headers, start_worker, env):
    add_section(client, headers)
    add_glossary(client, headers)
    create(client, headers, en_article())
    create(client, headers, zh_article())
    assert [j.status for j in jobs_of(app)] == ["queued", "queued"]  # nothing ran in "web"
    assert variant(app, "hongqiao-hub", "zh") is None

    worker = start_worker(env)
    done = wait_for(lambda: all(j.status == "done" for j in jobs_of(app)), timeout=60)
    assert done, worker.output()

    zh = variant(app, "hongqiao-hub", "zh")
    assert zh.title == "A NEW HUB OPENS IN 虹桥"
    assert '<a href="https://example.com/hq">虹桥</a>' in zh.body_html
    assert zh.image_alt == "A BUSY HALL"
    assert variant(app, "minhang-budget", "en").title.startswith("Minhang")

    def titles(language: str) -> set[str]:
        feed = orjson.loads(feed_json(client, app, language, "hongqiao"))
        return {item["title"] for item in feed["items"]}

    # The worker re-renders the feeds right after it commits: give it a moment.
    wait_for(lambda: {"A NEW HUB OPENS IN 虹桥", "闵行批准了年度预算"} <= titles("zh"))
    wait_for(lambda: any(title.startswith("Minhang") for title in titles("en")))
    return worker


def test_sqlite_queue_worker_translates_published_articles(
    tmp_path, sqlite_url, packages_dir, argos_home, start_worker
):
    queue = f"sqlite:///{tmp_path / 'instance' / 'queue.db'}"
    app, headers, env = _setup(tmp_path, sqlite_url, packages_dir, argos_home, queue)
    worker = _translated_both_ways(app, app.test_client(), headers, start_worker, env)
    assert "translation job 1: done (translated)" in worker.output()

    # The CLI queues a job and follows it to the end while the worker runs it.
    refresh = run_cli(["translate", "refresh", "--article", "hongqiao-hub", "--force"], env)
    assert refresh.returncode == 0, refresh.stderr
    assert refresh.stdout.strip() == "job 3\thongqiao-hub → zh\tdone\ttranslated"
    db.database(app).dispose()


@pytest.mark.redis
def test_redis_queue_worker_translates_published_articles(
    tmp_path, sqlite_url, packages_dir, argos_home, start_worker
):
    from syndicate.translation.jobs import make_huey

    # A queue of this test's own in the test database: parallel runs cannot meet.
    queue = f"{REDIS_URL}?queue=test-{uuid.uuid4().hex[:8]}"
    app, headers, env = _setup(tmp_path, sqlite_url, packages_dir, argos_home, queue)
    try:
        _translated_both_ways(app, app.test_client(), headers, start_worker, env)
    finally:
        make_huey(queue).storage.flush_all()
        db.database(app).dispose()


def test_a_worker_killed_mid_job_leaves_nothing_half_done_and_the_job_completes(
    tmp_path, sqlite_url, packages_dir, argos_home, start_worker
):
    queue = f"sqlite:///{tmp_path / 'instance' / 'queue.db'}"
    # One sentence per model batch and a pause after each: the job takes seconds (test hook).
    # Heartbeats every 0.5 s: the killed worker counts as gone 1.5 s after its last one.
    slow = {"TRANSLATION_BATCH_SIZE": 1, "TRANSLATION_TEST_DELAY": 0.3, "WORKER_HEARTBEAT": 0.5}
    app, headers, env = _setup(tmp_path, sqlite_url, packages_dir, argos_home, queue, **slow)
    client = app.test_client()
    add_section(client, headers)
    create(client, headers, en_article())

    first = start_worker(env)
    wait_for(lambda: jobs_of(app)[0].progress > 0.2, timeout=60)
    first.kill()
    (job,) = jobs_of(app)
    assert (job.status, job.attempts) == ("running", 1)
    assert 0 < job.progress < 1
    assert variant(app, "hongqiao-hub", "zh") is None  # nothing of the translation is visible

    second = start_worker(
        cli_env(argos_home, **{**_env_settings(env), "TRANSLATION_TEST_DELAY": 0})
    )
    wait_for(lambda: jobs_of(app)[0].status == "done", timeout=60)
    (job,) = jobs_of(app)
    assert job.attempts == 2
    assert "stopped during attempt 1" in job.error  # the last error is kept for the record
    assert "recovered translation jobs" in second.output()
    zh = variant(app, "hongqiao-hub", "zh")
    assert (zh.status, zh.source_revision, zh.title) == ("ready", 1, "A NEW HUB OPENS IN HONGQIAO")
    db.database(app).dispose()


def _env_settings(env: dict[str, str]) -> dict[str, str]:
    return {k.removeprefix("SYNDICATE_"): v for k, v in env.items() if k.startswith("SYNDICATE_")}

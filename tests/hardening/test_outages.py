"""Pulling the database and the queue out from under a running server. The PostgreSQL and the
Redis here are the test's own (started and stopped by it), never the shared ones."""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.hardening.processes import (
    PrivatePostgres,
    PrivateRedis,
    WebServer,
    app_env,
    run_cli,
    wait_for,
    worker,
)
from tests.support.factories import SECTIONS, article_payload

pytestmark = pytest.mark.slow


def _newsroom(url: str, headers: dict[str, str]) -> None:
    for section in SECTIONS:
        answer = requests.post(f"{url}/api/v1/sections", json=section, headers=headers)
        assert answer.status_code == 201, answer.text


def _token(env: dict[str, str], role: str = "admin") -> dict[str, str]:
    created = run_cli(["tokens", "create", "--role", role, "--label", f"outage {role}"], env)
    assert created.returncode == 0, created.stderr
    return {"Authorization": f"Bearer {created.stdout.strip()}"}


@pytest.mark.postgres
def test_postgresql_down_answers_503_with_retry_after_and_recovers_without_restart(tmp_path):
    postgres = PrivatePostgres()
    postgres.start()
    env = app_env(tmp_path, postgres.url)
    web = publisher = None
    try:
        assert run_cli(["init"], env).returncode == 0
        headers = _token(env)
        web = WebServer(env, tmp_path / "web.log")
        publisher = worker(env, tmp_path / "worker.log")  # publishes the feeds, off the request
        _newsroom(web.url, headers)
        payload = article_payload(status="published")
        created = requests.post(f"{web.url}/api/v1/articles", json=payload, headers=headers)
        assert created.status_code == 201
        published = wait_for(
            lambda: b"yrd-branches-cooperate" in requests.get(f"{web.url}/feeds/en/all.rss").content
        )
        assert published, publisher.output()[-3000:]
        feed = requests.get(f"{web.url}/feeds/en/all.rss")

        postgres.stop()
        for method, path in (
            ("get", "/api/v1/articles"),
            ("get", "/api/v1/articles/yrd-branches-cooperate"),
            ("post", "/api/v1/articles/yrd-branches-cooperate/unpublish"),
            ("get", "/en/"),
            ("get", "/en/articles/yrd-branches-cooperate"),
        ):
            answer = getattr(requests, method)(f"{web.url}{path}", headers=headers, timeout=30)
            assert answer.status_code == 503, (path, answer.status_code, answer.text[:300])
            assert answer.headers["Content-Type"] == "application/problem+json", path
            assert int(answer.headers["Retry-After"]) > 0
            assert answer.json()["status"] == 503
        # Feeds are files: they keep serving, with their validators.
        still = requests.get(f"{web.url}/feeds/en/all.rss")
        assert still.status_code == 200 and still.content == feed.content
        assert requests.get(f"{web.url}/healthz").status_code == 503

        postgres.start()
        # Recovery without a restart: the pool notices the new server on the next checkout.
        back = wait_for(
            lambda: requests.get(f"{web.url}/api/v1/articles", headers=headers).status_code == 200,
            timeout=30,
        )
        assert back, web.output()[-3000:]
        assert requests.get(f"{web.url}/en/").status_code == 200
        assert "Traceback" not in web.output(), web.output()[-4000:]
    finally:
        for process in (web, publisher):
            if process is not None:
                process.stop()
        postgres.remove()


@pytest.mark.redis
def test_redis_down_saves_succeed_and_jobs_are_sent_as_soon_as_it_answers(tmp_path, sqlite_url):
    redis = PrivateRedis(tmp_path)
    redis.start()
    # A long lease: the jobs must not wait for the sweep that resends lost messages.
    env = app_env(tmp_path, sqlite_url, QUEUE_URL=redis.url, TRANSLATION_LEASE=600)
    web = translation = None
    try:
        assert run_cli(["init"], env).returncode == 0
        headers = _token(env)
        web = WebServer(env, tmp_path / "web.log")
        translation = worker(env, tmp_path / "worker.log")
        _newsroom(web.url, headers)

        def jobs_of(article_id: str) -> list[dict]:
            body = requests.get(f"{web.url}/api/v1/articles/{article_id}", headers=headers).json()
            return body["translations"]

        redis.stop()
        payload = article_payload(id="during-outage", status="published")
        created = requests.post(f"{web.url}/api/v1/articles", json=payload, headers=headers)
        assert created.status_code == 201, created.text
        edited = requests.patch(
            f"{web.url}/api/v1/articles/during-outage",
            json={"title": "Edited while the queue was down", "revision": 1},
            headers=headers,
        )
        assert edited.status_code == 200, edited.text
        job = _job_state(env)
        assert job == ("queued", "waiting for the queue to answer"), job

        redis.start()
        # The worker sends it within seconds (it fails at once: no model is installed here,
        # which proves it ran).
        ran = wait_for(lambda: _job_state(env)[0] != "queued", timeout=20)
        assert ran, (_job_state(env), translation.output()[-3000:])
        assert jobs_of("during-outage")["zh"]["status"] in ("failed", "missing")
    finally:
        for process in (web, translation):
            if process is not None:
                process.stop()
        redis.stop()


def _job_state(env: dict[str, str]) -> tuple[str, str | None]:
    """The newest job's status and detail, read from the database like the API does."""
    engine = create_engine(env["SYNDICATE_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT status, detail FROM translation_jobs ORDER BY id DESC LIMIT 1")
            ).one()
        return row[0], row[1]
    finally:
        engine.dispose()

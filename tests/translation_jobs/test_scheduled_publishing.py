"""Scheduled publishing: publishing with a future ``published_at`` answers ``scheduled``; the
article stays out of feeds and pages until its time, then a real ``syndicate worker`` (its
scheduler thread, a short interval here) publishes it with no request; its translation was made
beforehand, so both languages appear together. Unpublishing cancels the schedule."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from syndicate.editorial import schedule
from syndicate.publication import mirror
from tests.translation_jobs.conftest import (
    add_glossary,
    add_section,
    cli_env,
    create,
    en_article,
    jobs_of,
    wait_for,
)


def _feed_ids(app, root: Path, language: str) -> set[str]:
    """What a reader gets, read from the publication folder (no request to the app) once this
    host's mirror copied what the worker's publisher stored (``syndicate serve`` runs the
    mirror beside gunicorn)."""
    mirror.for_app(app).sync()
    path = root / language / "hongqiao.json"
    if not path.exists():
        return set()
    return {item["url"].rsplit("/", 1)[-1] for item in orjson.loads(path.read_bytes())["items"]}


def _at(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


def test_a_scheduled_article_goes_live_by_itself_in_both_languages(
    tmp_path, sqlite_url, packages_dir, argos_home, start_worker
):
    from tests.conftest import _token, make_app

    queue = f"sqlite:///{tmp_path / 'instance' / 'queue.db'}"
    settings = {
        "ARGOS_PACKAGES_DIR": packages_dir,
        "QUEUE_URL": queue,
        "DATABASE_URL": sqlite_url,
        "INSTANCE_PATH": tmp_path / "instance",
        "FEEDS_DIR": tmp_path / "feeds",
        "BASE_URL": "https://news.example.com",
        "SECRET_KEY": "test-secret",
        "SCHEDULER_INTERVAL": 0.2,
    }
    app = make_app(tmp_path, sqlite_url, **{f"SYNDICATE_{k}": v for k, v in settings.items()})
    client = app.test_client()
    headers = {"Authorization": f"Bearer {_token(app, 'admin')}"}
    add_section(client, headers)
    add_glossary(client, headers)
    go_live = datetime.now(UTC) + timedelta(seconds=30)
    created = create(client, headers, en_article(status="draft", published_at=go_live.isoformat()))
    assert created["status"] == "draft"
    published = client.post("/api/v1/articles/hongqiao-hub/publish", headers=headers)
    assert published.get_json()["status"] == "scheduled"
    listed = client.get("/api/v1/articles?status=scheduled", headers=headers).get_json()
    assert [item["id"] for item in listed["items"]] == ["hongqiao-hub"]

    worker = start_worker(cli_env(argos_home, **settings))
    feeds = tmp_path / "feeds"
    # Not in the feeds nor the pages before its time.
    assert "hongqiao-hub" not in _feed_ids(app, feeds, "en") | _feed_ids(app, feeds, "zh")
    assert client.get("/en/articles/hongqiao-hub").status_code == 404
    # The translation is made before the article's time.
    assert wait_for(lambda: [j.status for j in jobs_of(app)] == ["done"], timeout=60), (
        worker.output()
    )
    (job,) = jobs_of(app)
    assert job.finished_at < go_live, "the machine was too slow for this schedule"
    if datetime.now(UTC) < go_live:
        assert "hongqiao-hub" not in _feed_ids(app, feeds, "en") | _feed_ids(app, feeds, "zh")
    # Then it goes live by itself, in both languages, and not before its time.
    assert wait_for(lambda: "hongqiao-hub" in _feed_ids(app, feeds, "en"), timeout=60), (
        worker.output()
    )
    assert datetime.now(UTC) >= go_live
    assert wait_for(lambda: "hongqiao-hub" in _feed_ids(app, feeds, "zh"), timeout=5)
    state = client.get("/api/v1/articles/hongqiao-hub", headers=headers).get_json()
    assert state["status"] == "published"
    assert state["translations"]["zh"]["status"] == "ready"
    assert client.get("/en/articles/hongqiao-hub").status_code == 200


def test_unpublishing_cancels_and_the_scheduler_skips_what_is_not_due(app, client, admin):
    from tests.support.factories import article_payload, make_sections

    make_sections(client, admin)
    payload = article_payload(status="published", published_at=_at(0.5))
    created = client.post("/api/v1/articles", json=payload, headers=admin).get_json()
    assert created["status"] == "scheduled"
    later = article_payload(id="later", status="published", published_at=_at(3600))
    assert (
        client.post("/api/v1/articles", json=later, headers=admin).get_json()["status"]
        == "scheduled"
    )
    cancelled = client.post(f"/api/v1/articles/{created['id']}/unpublish", headers=admin)
    assert cancelled.get_json()["status"] == "draft"
    time.sleep(0.6)
    assert schedule.publish_due(app) == []  # the cancelled one stays a draft, the other waits
    state = client.get(f"/api/v1/articles/{created['id']}", headers=admin).get_json()
    assert state["status"] == "draft"
    # Publishing again after its time: live at once.
    again = client.post(f"/api/v1/articles/{created['id']}/publish", headers=admin)
    assert again.get_json()["status"] == "published"
    # A due one goes live through publish_due; a past date is never "scheduled".
    soon = article_payload(id="soon", status="scheduled", published_at=_at(0.3))
    assert (
        client.post("/api/v1/articles", json=soon, headers=admin).get_json()["status"]
        == "scheduled"
    )
    time.sleep(0.4)
    assert schedule.publish_due(app) == ["soon"]
    past = article_payload(id="past", status="scheduled", published_at=_at(-60))
    assert (
        client.post("/api/v1/articles", json=past, headers=admin).get_json()["status"]
        == "published"
    )
    no_time = article_payload(id="no-time", status="scheduled", published_at=None)
    refused = client.post("/api/v1/articles", json=no_time, headers=admin)
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["field"] == "published_at"

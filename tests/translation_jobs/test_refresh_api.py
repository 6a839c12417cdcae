"""Refresh endpoints queue jobs (202) for the worker; /jobs/<id> reports on them."""

from __future__ import annotations

from tests.translation_jobs.conftest import SECTION, add_section, create, en_article, zh_article
from tests.translation_jobs.test_job_lifecycle import drain, hold


def test_article_refresh_queues_jobs_and_reports_them(app, client, editor, admin):
    huey = hold(app)
    add_section(client, admin)
    create(client, editor, en_article(status="draft"))
    url = "/api/v1/articles/hongqiao-hub/translations/refresh"

    response = client.post(url, headers=editor)  # no body at all
    assert (response.status_code, response.get_json()) == (202, {"jobs": [1]})
    job = client.get("/api/v1/jobs/1", headers=editor).get_json()
    assert job | {"status": "queued", "progress": 0.0, "attempts": 0, "error": None} == job
    assert job | {"article": "hongqiao-hub", "language": "zh", "source_revision": 1} == job
    assert (job["force"], job["reason"], job["started_at"], job["finished_at"]) == (
        False,
        "refresh",
        None,
        None,
    )

    drain(huey)
    job = client.get("/api/v1/jobs/1", headers=editor).get_json()
    assert job | {"status": "done", "progress": 1.0, "attempts": 1, "detail": "translated"} == job
    assert job["started_at"] and job["finished_at"]


def test_refresh_validation(app, client, editor, admin):
    add_section(client, admin)
    create(client, editor, en_article(status="draft"))
    url = "/api/v1/articles/hongqiao-hub/translations/refresh"
    own = client.post(url, json={"language": "en"}, headers=editor)
    assert own.status_code == 422
    assert own.get_json()["errors"][0]["field"] == "language"
    assert client.post(url, json={"force": "yes"}, headers=editor).status_code == 422
    assert client.post(url, json=[1], headers=editor).status_code == 422
    assert client.post(url, data="x", content_type="text/plain", headers=editor).status_code == 400
    assert client.post(url).status_code == 401
    nowhere = "/api/v1/articles/nope/translations/refresh"
    assert client.post(nowhere, headers=editor).status_code == 404
    section = "/api/v1/sections/nope/translations/refresh"
    assert client.post(section, headers=editor).status_code == 404
    assert client.get("/api/v1/jobs/999", headers=editor).status_code == 404


def test_section_refresh_covers_published_articles_of_the_section_and_below(
    app, client, editor, admin
):
    huey = hold(app)
    add_section(client, admin)
    child = {"slug": "hongqiao-trade", "parent": SECTION["slug"], "name": {"en": "T", "zh": "T"}}
    assert client.post("/api/v1/sections", json=child, headers=admin).status_code == 201
    create(client, editor, en_article())
    create(client, editor, zh_article(section="hongqiao-trade"))
    create(client, editor, en_article(id="draft", status="draft"))
    drain(huey)

    url = "/api/v1/sections/hongqiao/translations/refresh"
    response = client.post(url, json={}, headers=editor)
    assert response.status_code == 202
    jobs = [
        client.get(f"/api/v1/jobs/{i}", headers=editor).get_json()
        for i in response.get_json()["jobs"]
    ]
    assert sorted((j["article"], j["language"]) for j in jobs) == [
        ("hongqiao-hub", "zh"),
        ("minhang-budget", "en"),
    ]
    drain(huey)
    assert client.post(url, json={"only_stale": True}, headers=editor).get_json() == {"jobs": []}
    only_en = client.post(url, json={"language": "en"}, headers=editor).get_json()["jobs"]
    assert len(only_en) == 1

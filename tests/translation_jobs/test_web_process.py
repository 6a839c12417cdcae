"""The web process never imports the translation stack: a fresh interpreter serves the API,
publishes (which enqueues), serves feeds, pages and /healthz, and has no torch in sys.modules."""

from __future__ import annotations

import json
import subprocess
import sys

from syndicate.storage import db, migrate
from tests.translation_jobs.conftest import (
    ROOT,
    SECTION,
    cli_env,
    en_article,
    jobs_of,
    zh_article,
)

FORBIDDEN = ("argostranslate", "ctranslate2", "torch", "sentencepiece", "stanza", "spacy")

SCRIPT = """
import json, sys
from syndicate import create_app
from syndicate.storage import db, tokens

app = create_app()
with app.app_context(), db.database(app).session() as session:
    _row, token = tokens.create(session, role="admin", label="web")
client = app.test_client()
auth = {"Authorization": f"Bearer {token}"}
statuses = {}
statuses["section"] = client.post("/api/v1/sections", json=SECTION, headers=auth).status_code
for payload in (EN, ZH):
    response = client.post("/api/v1/articles", json=payload, headers=auth)
    statuses[payload["id"]] = response.status_code
refresh = client.post("/api/v1/articles/hongqiao-hub/translations/refresh", headers=auth)
statuses["refresh"] = refresh.status_code
job_id = refresh.get_json()["jobs"][0]
statuses["job"] = client.get(f"/api/v1/jobs/{job_id}", headers=auth).status_code
statuses["feed"] = client.get("/feeds/zh/hongqiao.json").status_code
statuses["page"] = client.get("/zh/articles/minhang-budget").status_code
health = client.get("/healthz")
statuses["healthz"] = health.status_code
print(json.dumps({
    "statuses": statuses,
    "publication": "syndicate.publisher" in app.extensions,
    "health": health.get_json(),
    "modules": sorted(m for m in sys.modules if m.split(".")[0] in FORBIDDEN),
}))
"""


def test_web_process_never_imports_the_translation_stack(
    tmp_path, sqlite_url, packages_dir, argos_home, make_test_app
):
    queue = f"sqlite:///{tmp_path / 'queue.db'}"
    env = cli_env(
        argos_home,
        DATABASE_URL=sqlite_url,
        QUEUE_URL=queue,
        ARGOS_PACKAGES_DIR=packages_dir,
        INSTANCE_PATH=tmp_path / "instance",
        FEEDS_DIR=tmp_path / "feeds",
    )
    prelude = (
        f"FORBIDDEN = {FORBIDDEN!r}\nSECTION = {SECTION!r}\n"
        f"EN = {en_article()!r}\nZH = {zh_article()!r}\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", prelude + SCRIPT],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["modules"] == []
    statuses = report["statuses"]
    assert statuses | {"section": 201, "hongqiao-hub": 201, "minhang-budget": 201} == statuses
    assert (statuses["refresh"], statuses["job"], statuses["healthz"]) == (202, 200, 200)
    assert statuses["page"] == 200
    if report["publication"]:
        assert statuses["feed"] == 200
    assert report["health"]["translation"]["missing"] == []

    # Publishing enqueued the jobs (the refresh reused the queued one); none of them ran.
    app = make_test_app(SYNDICATE_QUEUE_URL=queue, database_url=sqlite_url)
    assert migrate.current_revision(db.database(app).engine) == migrate.head_revision(
        db.database(app).engine
    )
    assert [(j.language, j.status) for j in jobs_of(app)] == [("zh", "queued"), ("en", "queued")]

"""Long changes answer 202 with a background operation, run by the worker through the queue:
a section rename or move (re-publication) and glossary changes (marking translations stale).
Section create and delete stay synchronous."""

from __future__ import annotations

import pytest

from syndicate.publication import publisher
from syndicate.storage import db, documents, outbox
from syndicate.translation import jobs
from tests.conftest import _token
from tests.publication.conftest import make_queued_app
from tests.support.factories import article_payload, make_sections


def hold(app):
    """The queue keeps its messages until ``drain``: a worker that has not got to them yet."""
    huey = jobs.queue_for(app).huey
    huey.immediate = False
    return huey


def drain(huey) -> int:
    ran = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran


@pytest.fixture
def queued_app(tmp_path, sqlite_url):
    """The demo newsroom, published; then an app whose queue is on disk (SQLite), as in
    production: nothing runs in the request, a worker runs the operations and publishes."""
    app = make_queued_app(tmp_path, sqlite_url)
    yield app
    db.database(app).dispose()


def test_a_rename_answers_at_once_and_the_worker_republishes(queued_app):
    app = queued_app
    client = app.test_client()
    admin = {"Authorization": f"Bearer {_token(app, 'admin')}"}
    renders = publisher.for_app(app).renders

    renamed = client.patch(
        "/api/v1/sections/business", json={"name": {"en": "Business & Economy"}}, headers=admin
    )
    assert renamed.status_code == 202
    operation = renamed.get_json()["operation"]
    assert (operation["kind"], operation["status"]) == ("republish-sections", "queued")
    assert renamed.headers["Location"] == f"/api/v1/operations/{operation['id']}"
    assert publisher.for_app(app).renders == renders  # nothing was rendered in the request
    section = client.get("/api/v1/sections/business", headers=admin).get_json()
    assert section["name"]["en"] == "Business & Economy"  # the change itself is committed
    with db.database(app).session() as session:
        assert b"Business &amp; Economy" not in documents.get(session, "en/business.rss").body

    huey = jobs.queue_for(app).huey
    assert huey.pending_count() == 1
    huey.execute(huey.dequeue())  # what `syndicate worker` does with the message
    state = client.get(renamed.headers["Location"], headers=admin).get_json()
    assert (state["status"], state["progress"]) == ("done", 1.0)
    assert state["done"] == state["total"] == state["result"]["targets"] > 0
    assert state["result"]["sections"] == ["business"] and state["result"]["stored"] > 0
    with db.database(app).session() as session:
        assert b"Business &amp; Economy" in documents.get(session, "en/business.rss").body
        assert outbox.pending(session)[0] == 0


def test_a_move_names_both_parents_and_create_delete_stay_synchronous(app, client, admin, editor):
    make_sections(client, admin)
    huey = hold(app)
    moved = client.patch(
        "/api/v1/sections/industrial-cooperation", json={"parent": "top-news"}, headers=admin
    )
    assert moved.status_code == 202
    assert moved.get_json()["operation"]["params"] == {
        "slugs": ["hongqiao-yrd", "industrial-cooperation", "top-news"]
    }
    # Creating and deleting a section are cheap: done in the request, no operation.
    section = {"slug": "sport", "name": {"en": "Sport", "zh": "体育"}}
    created = client.post("/api/v1/sections", json=section, headers=admin)
    assert created.status_code == 201 and "operation" not in created.get_json()
    assert client.get("/feeds/en/sport.json").status_code == 200
    assert client.delete("/api/v1/sections/sport", headers=admin).status_code == 204
    assert drain(huey) == 1


def test_glossary_changes_answer_202_with_the_operation(app, client, editor):
    huey = hold(app)
    term = {"source_language": "en", "target_language": "zh", "source_term": "Hongqiao"}
    added = client.post("/api/v1/glossary", json=term, headers=editor)
    assert added.status_code == 202
    body = added.get_json()
    assert body["source_term"] == "Hongqiao" and body["target_term"] == "Hongqiao"
    assert body["operation"]["kind"] == "glossary-stale"
    assert body["operation"]["params"] == {"touched": [["en", "zh", "Hongqiao"]]}
    assert body["operation"]["status"] == "queued"
    # The term is stored at once: the glossary lists it before the operation ran.
    listed = client.get("/api/v1/glossary", headers=editor).get_json()["items"]
    assert [t["source_term"] for t in listed] == ["Hongqiao"]
    drain(huey)
    done = client.get(added.headers["Location"], headers=editor).get_json()
    assert (done["status"], done["result"]) == ("done", {"stale_translations": 0})


def test_operations_need_a_token_and_exist(client, editor):
    assert client.get("/api/v1/operations/1").status_code == 401
    missing = client.get("/api/v1/operations/999", headers=editor)
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"


def test_stale_marking_runs_in_batches_with_progress(app, client, editor, admin, monkeypatch):
    """Many machine translations: progress is reported per batch, and only those whose
    original really contains the term are flagged."""
    from syndicate.storage import operations as operation_store
    from syndicate.translation import terms
    from tests.feeds.conftest import session_of, translate

    make_sections(client, admin)
    for n in range(7):
        text = "Hongqiao hub" if n % 2 else "Minhang budget"
        payload = article_payload(id=f"a{n}", title=f"{text} {n}", status="published")
        assert client.post("/api/v1/articles", json=payload, headers=editor).status_code == 201
        with session_of(app) as session:
            translate(session, f"a{n}", "zh", "machine")
    monkeypatch.setattr(terms, "BATCH", 2)
    reports = []
    original = operation_store.report

    def spy(session, operation_id, worker, done, total, detail=None):
        reports.append((done, total))
        return original(session, operation_id, worker, done, total, detail)

    monkeypatch.setattr(operation_store, "report", spy)
    term = {"source_language": "en", "target_language": "zh", "source_term": "hongqiao"}
    added = client.post("/api/v1/glossary", json=term, headers=editor)
    assert added.get_json()["operation"]["result"] == {"stale_translations": 3}
    assert reports == [(0, 7), (2, 7), (4, 7), (6, 7), (7, 7)]
    with db.database(app).session() as session:
        operation = operation_store.get(session, added.get_json()["operation"]["id"])
        assert (operation.done, operation.total, operation.progress) == (7, 7, 1.0)

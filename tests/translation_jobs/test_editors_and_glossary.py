"""Editors' translations survive machine refreshes; glossary edits make translations stale."""

from __future__ import annotations

from syndicate.translation import service
from tests.translation_jobs.conftest import (
    add_section,
    article,
    create,
    en_article,
    jobs_of,
    variant,
    zh_article,
)

URL = "/api/v1/articles/hongqiao-hub/translations"
EDITED = {
    "title": "虹桥新枢纽启用",
    "summary": "<b>闵行</b>欢迎长三角。",
    "body_html": '<p>新枢纽<a href="https://example.com/hq">开放</a>。</p><script>x()</script>',
    "image": {"caption": "车站大厅", "alt": "繁忙的大厅"},
}


def refresh(client, headers, body=None) -> list[int]:
    response = client.post(f"{URL}/refresh", json=body, headers=headers)
    assert response.status_code == 202, response.get_json()
    return response.get_json()["jobs"]


def test_an_editor_translation_is_kept_until_a_forced_refresh(app, client, editor, admin):
    add_section(client, admin)
    create(client, editor, en_article())
    assert variant(app, "hongqiao-hub", "zh").origin == "machine"

    response = client.put(f"{URL}/zh", json=EDITED, headers=editor)
    assert response.status_code == 200, response.get_json()
    stored = response.get_json()
    assert stored | {"origin": "editor", "model": None, "stale": False} == stored
    assert stored["summary"] == "闵行欢迎长三角。"  # plain text
    assert stored["body_html"] == '<p>新枢纽<a href="https://example.com/hq">开放</a>。</p>'
    assert stored["image"] == {"caption": "车站大厅", "alt": "繁忙的大厅"}
    assert client.get(f"{URL}/zh", headers=editor).get_json() == stored

    (job_id,) = refresh(client, editor)
    job = client.get(f"/api/v1/jobs/{job_id}", headers=editor).get_json()
    assert (job["status"], job["detail"]) == (
        "done",
        "kept the editor's translation (force replaces it)",
    )
    assert variant(app, "hongqiao-hub", "zh").title == "虹桥新枢纽启用"

    # The original changes: the automatic job keeps the editor's text, which is now stale.
    body = {"summary": "Minhang welcomes everyone.", "revision": 1}
    assert (
        client.patch("/api/v1/articles/hongqiao-hub", json=body, headers=editor).status_code == 200
    )
    state = article(client, editor, "hongqiao-hub")["translations"]["zh"]
    assert (state["origin"], state["stale"], state["source_revision"]) == ("editor", True, 1)
    assert jobs_of(app)[-1].detail == "kept the editor's translation (force replaces it)"

    refresh(client, editor, {"force": True})
    state = article(client, editor, "hongqiao-hub")["translations"]["zh"]
    assert (state["origin"], state["stale"], state["source_revision"]) == ("machine", False, 2)
    assert state["model"] == "argos:translate-en_zh@0.0.1"
    assert variant(app, "hongqiao-hub", "zh").summary == "MINHANG WELCOMES EVERYONE。"


def test_editor_translation_validation(app, client, editor, admin):
    add_section(client, admin)
    create(client, editor, en_article(status="draft"))
    assert client.get(f"{URL}/zh", headers=editor).status_code == 404  # not translated yet
    assert client.put(f"{URL}/en", json=EDITED, headers=editor).status_code == 422  # the original
    assert client.put(f"{URL}/fr", json=EDITED, headers=editor).status_code == 404
    missing_title = client.put(f"{URL}/zh", json={"summary": "x"}, headers=editor)
    assert missing_title.status_code == 422
    assert missing_title.get_json()["errors"] == [
        {"field": "title", "message": "must not be empty"}
    ]
    unknown = client.put(f"{URL}/zh", json={**EDITED, "colour": 1}, headers=editor)
    assert unknown.get_json()["errors"] == [{"field": "colour", "message": "unknown field"}]
    assert client.put(f"{URL}/zh", json=EDITED).status_code == 401
    nowhere = client.put("/api/v1/articles/nope/translations/zh", json=EDITED, headers=editor)
    assert nowhere.status_code == 404
    # Editors may translate drafts; publishing then keeps their text.
    assert client.put(f"{URL}/zh", json=EDITED, headers=editor).status_code == 200
    client.post("/api/v1/articles/hongqiao-hub/publish", headers=editor)
    assert variant(app, "hongqiao-hub", "zh").origin == "editor"


def _term(client, headers, src, tgt, source, target="") -> dict:
    body = {"source_language": src, "target_language": tgt, "source_term": source}
    response = client.post(
        "/api/v1/glossary", json={**body, "target_term": target}, headers=headers
    )
    # 202: the term is stored; marking the translations it makes stale is an operation (the
    # memory queue of the tests has run it by the time the answer is made).
    assert response.status_code == 202, response.get_json()
    return _with_stale_count(client, headers, response)


def _with_stale_count(client, headers, response) -> dict:
    """The answer, with how many translations its operation made stale, read at ``Location``."""
    body = response.get_json()
    operation = client.get(response.headers["Location"], headers=headers).get_json()
    assert operation == body.pop("operation")
    assert (operation["kind"], operation["status"]) == ("glossary-stale", "done")
    return body | {"stale_translations": operation["result"]["stale_translations"]}


def test_glossary_changes_count_and_flag_stale_translations(app, client, editor, admin):
    add_section(client, admin)
    create(client, editor, en_article())
    other = {"id": "other", "title": "Trains run often", "summary": "", "body_html": "<p>Yes.</p>"}
    create(client, editor, en_article(**other))
    create(client, editor, zh_article())
    assert "HONGQIAO" in variant(app, "hongqiao-hub", "zh").title

    term = _term(client, editor, "en", "zh", "hongqiao", "虹桥")  # matches any case
    assert term["stale_translations"] == 1  # hongqiao-hub only
    assert term | {"source_term": "hongqiao", "target_term": "虹桥"} == term
    assert article(client, editor, "hongqiao-hub")["translations"]["zh"]["stale"] is True
    assert article(client, editor, "other")["translations"]["zh"]["stale"] is False
    assert _term(client, editor, "zh", "en", "虹桥", "Hongqiao")["stale_translations"] == 0
    assert _term(client, editor, "en", "zh", "KINGDOM Coffee")["target_term"] == "KINGDOM Coffee"

    # Refreshing the stale ones re-translates only the segments containing the term.
    engine = service.engine_for(app)
    calls, segments = engine.calls, engine.segments_translated
    response = client.post(
        "/api/v1/sections/hongqiao/translations/refresh", json={"only_stale": True}, headers=editor
    )
    assert response.status_code == 202
    assert len(response.get_json()["jobs"]) == 1
    # Title and first sentence name Hongqiao; "KINGDOM Coffee" changed one more sentence.
    assert (engine.calls - calls, engine.segments_translated - segments) == (1, 3)
    zh = variant(app, "hongqiao-hub", "zh")
    assert (zh.title, zh.glossary_stale) == ("A NEW HUB OPENS IN 虹桥", False)
    assert article(client, editor, "hongqiao-hub")["translations"]["zh"]["stale"] is False

    changed = client.patch(
        f"/api/v1/glossary/{term['id']}", json={"target_term": "虹桥枢纽"}, headers=editor
    )
    assert changed.status_code == 202
    changed = _with_stale_count(client, editor, changed)
    assert changed | {"target_term": "虹桥枢纽", "stale_translations": 1} == changed
    same = client.patch(
        f"/api/v1/glossary/{term['id']}", json={"target_term": "虹桥枢纽"}, headers=editor
    )
    assert same.status_code == 200  # no change, nothing to mark stale
    assert same.get_json()["operation"] is None
    removed = client.delete(f"/api/v1/glossary/{term['id']}", headers=editor)
    assert removed.status_code == 202
    removed = _with_stale_count(client, editor, removed)
    assert (removed["id"], removed["stale_translations"]) == (term["id"], 1)

    listed = client.get("/api/v1/glossary?source_language=zh", headers=editor).get_json()
    assert [t["source_term"] for t in listed["items"]] == ["虹桥"]


def test_a_glossary_edit_while_the_model_runs_leaves_the_translation_stale(
    app, client, editor, admin
):
    from tests.translation_jobs.test_job_lifecycle import drain, hold, hook

    huey = hold(app)
    add_section(client, admin)
    create(client, editor, en_article())
    body = {"source_language": "en", "target_language": "zh", "source_term": "Minhang"}
    answers = []
    hook(
        app,
        during=lambda: answers.append(
            client.post("/api/v1/glossary", json={**body, "target_term": "闵行"}, headers=editor)
        ),
    )
    drain(huey)  # the job, then the operation marking stale what mentions the term
    assert answers[0].status_code == 202
    zh = variant(app, "hongqiao-hub", "zh")
    assert (zh.status, zh.glossary_stale) == ("ready", True)  # made without the new term
    assert "MINHANG" in zh.summary


def test_glossary_validation(app, client, editor):
    def post(body):
        return client.post("/api/v1/glossary", json=body, headers=editor)

    base = {"source_language": "en", "target_language": "zh", "source_term": "Minhang"}
    assert post(base).status_code == 202
    duplicate = post({**base, "source_term": "  MINHANG "})
    assert duplicate.status_code == 409
    same = post({**base, "target_language": "en", "source_term": "Pudong"})
    assert same.get_json()["errors"] == [
        {"field": "target_language", "message": "must differ from source_language"}
    ]
    fields = {e["field"] for e in post({"source_language": "fr"}).get_json()["errors"]}
    assert fields == {"source_language", "target_language", "source_term"}
    assert client.patch("/api/v1/glossary/999", json={}, headers=editor).status_code == 404
    assert client.delete("/api/v1/glossary/999", headers=editor).status_code == 404
    assert client.get("/api/v1/glossary").status_code == 401

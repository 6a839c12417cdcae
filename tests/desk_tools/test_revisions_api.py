"""Revision history through the API: who saved what, when; reading an old revision; restoring
it through the same optimistic check as an edit (409 on a stale revision, 428 without one)."""

from __future__ import annotations

import pytest

from syndicate.storage import db
from syndicate.storage import tokens as token_store
from tests.support.factories import article_payload, make_sections

URL = "/api/v1/articles/yrd-branches-cooperate"


@pytest.fixture
def newsroom(client, admin):
    make_sections(client, admin)


def _headers(app, label: str) -> dict[str, str]:
    with app.app_context(), db.database(app).session() as session:
        _row, token = token_store.create(session, role="editor", label=label)
    return {"Authorization": f"Bearer {token}"}


def test_history_names_the_editor_and_the_fields_changed(app, client, newsroom):
    ann, bo = _headers(app, "Ann Lee"), _headers(app, "Bo Zhang")
    assert client.post("/api/v1/articles", json=article_payload(), headers=ann).status_code == 201
    edit = {"title": "Party branches in the YRD cooperate", "revision": 1}
    assert client.patch(URL, json=edit, headers=bo).status_code == 200
    edit = {"body_html": "<p>Fifteen cities met in Hongqiao.</p>", "tags": ["YRD"], "revision": 2}
    assert client.patch(URL, json=edit, headers=ann).status_code == 200

    listing = client.get(f"{URL}/revisions", headers=ann)
    assert listing.status_code == 200
    items = listing.get_json()["items"]
    assert [i["revision"] for i in items] == [3, 2, 1]  # newest first
    assert [i["editor"] for i in items] == ["Ann Lee", "Bo Zhang", "Ann Lee"]
    assert items[0]["fields_changed"] == ["body_html", "tags"]
    assert items[1]["fields_changed"] == ["title"]
    assert "title" in items[2]["fields_changed"] and "body_html" in items[2]["fields_changed"]
    assert all(i["updated_at"].endswith("Z") for i in items)
    assert set(items[0]) == {"revision", "updated_at", "editor", "fields_changed"}

    old = client.get(f"{URL}/revisions/1", headers=ann).get_json()
    assert old["revision"] == 1 and old["editor"] == "Ann Lee"
    assert old["title"] == "Party branches in YRD cooperate"
    assert old["tags"] == ["YRD", "cooperation"]
    assert "15 cities" in old["body_html"]
    assert client.get(f"{URL}/revisions/9", headers=ann).status_code == 404


def test_restore_is_a_new_revision_through_the_optimistic_check(app, client, editor, newsroom):
    client.post("/api/v1/articles", json=article_payload(), headers=editor)
    client.patch(URL, json={"title": "Second title", "revision": 1}, headers=editor)

    missing = client.post(f"{URL}/revisions/1/restore", json={}, headers=editor)
    assert missing.status_code == 428
    stale = client.post(f"{URL}/revisions/1/restore", json={"revision": 1}, headers=editor)
    assert stale.status_code == 409
    assert stale.get_json()["current"]["title"] == "Second title"  # nothing overwritten
    bad = client.post(f"{URL}/revisions/1/restore", json={"revision": "x"}, headers=editor)
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "revision"

    restored = client.post(f"{URL}/revisions/1/restore", json={"revision": 2}, headers=editor)
    assert restored.status_code == 200
    body = restored.get_json()
    assert body["revision"] == 3 and body["title"] == "Party branches in YRD cooperate"
    assert restored.headers["ETag"] == '"yrd-branches-cooperate.r3"'
    history = client.get(f"{URL}/revisions", headers=editor).get_json()["items"]
    assert [i["revision"] for i in history] == [3, 2, 1]
    assert history[0]["fields_changed"] == ["title"]
    # If-Match works as for an edit.
    etag = client.post(
        f"{URL}/revisions/2/restore", headers={**editor, "If-Match": '"yrd-branches-cooperate.r3"'}
    )
    assert etag.status_code == 200 and etag.get_json()["title"] == "Second title"


def test_correction_note_is_content_and_kept_in_history(app, client, editor, newsroom):
    client.post("/api/v1/articles", json=article_payload(status="published"), headers=editor)
    note = "An earlier version gave the wrong number of cities."
    edited = client.patch(URL, json={"correction": note, "revision": 1}, headers=editor)
    assert edited.status_code == 200
    assert edited.get_json()["correction"] == note
    assert edited.get_json()["updated_at"] > "2023-07-17T01:30:00Z"  # readers see "Updated"
    assert client.get(f"{URL}/revisions", headers=editor).get_json()["items"][0][
        "fields_changed"
    ] == ["correction"]
    too_long = client.patch(URL, json={"correction": "x" * 2001, "revision": 2}, headers=editor)
    assert too_long.status_code == 422
    assert too_long.get_json()["errors"][0]["field"] == "correction"


def test_editor_translations_have_their_own_history(app, client, editor, newsroom):
    client.post("/api/v1/articles", json=article_payload(), headers=editor)
    for title in ("长三角党支部合作", "长三角十五城党支部合作"):
        response = client.put(
            f"{URL}/translations/zh",
            json={"title": title, "body_html": "<p>合作</p>"},
            headers=editor,
        )
        assert response.status_code == 200, response.get_json()
    items = client.get(f"{URL}/revisions?language=zh", headers=editor).get_json()["items"]
    assert [(i["revision"], i["editor"]) for i in items] == [(2, "test editor"), (1, "test editor")]
    assert items[0]["fields_changed"] == ["title"]
    first = client.get(f"{URL}/revisions/1?language=zh", headers=editor).get_json()
    assert first["title"] == "长三角党支部合作" and first["language"] == "zh"
    bad = client.get(f"{URL}/revisions?language=fr", headers=editor)
    assert bad.status_code == 422

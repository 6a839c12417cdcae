"""An editor's translation's history, through the API and the desk, on SQLite and PostgreSQL:
who saved which revision and what changed; restoring an old revision is a new revision of the
translation, through the same optimistic check as an edit (409 on a stale revision, 428
without one, If-Match with the translation's ETag)."""

from __future__ import annotations

import pytest

from syndicate.storage import db
from syndicate.storage import tokens as token_store
from tests.desk.conftest import Desk, html
from tests.support.factories import article_payload, make_sections

URL = "/api/v1/articles/yrd-branches-cooperate"
TITLES = ("长三角党支部合作", "长三角十五城党支部合作", "长三角十六城党支部合作")


@pytest.fixture
def newsroom(client, admin):
    make_sections(client, admin)


def _headers(app, label: str) -> dict[str, str]:
    with app.app_context(), db.database(app).session() as session:
        _row, token = token_store.create(session, role="editor", label=label)
    return {"Authorization": f"Bearer {token}"}


def _translate(client, headers, title: str, body: str = "<p>合作</p>") -> dict:
    response = client.put(
        f"{URL}/translations/zh", json={"title": title, "body_html": body}, headers=headers
    )
    assert response.status_code == 200, response.get_json()
    return response


def _three_revisions(app, client) -> tuple[dict, dict]:
    ann, bo = _headers(app, "Ann Lee"), _headers(app, "Bo Zhang")
    assert client.post("/api/v1/articles", json=article_payload(), headers=ann).status_code == 201
    _translate(client, ann, TITLES[0])
    _translate(client, bo, TITLES[1], "<p>十五城合作</p>")
    _translate(client, ann, TITLES[2], "<p>十五城合作</p>")
    return ann, bo


def test_translation_says_its_revision_and_etag(app, client, newsroom):
    ann, _bo = _three_revisions(app, client)
    response = client.get(f"{URL}/translations/zh", headers=ann)
    assert response.get_json()["revision"] == 3
    assert response.headers["ETag"] == '"yrd-branches-cooperate.zh.r3"'


def test_restore_a_translation_revision_through_the_optimistic_check(app, client, newsroom):
    ann, bo = _three_revisions(app, client)
    restore = f"{URL}/revisions/1/restore?language=zh"

    missing = client.post(restore, json={}, headers=bo)
    assert missing.status_code == 428
    # The original's revision (1) is not the translation's newest (3): stale, nothing changes.
    stale = client.post(restore, json={"revision": 2}, headers=bo)
    assert stale.status_code == 409
    assert stale.get_json()["current"]["revision"] == 3
    assert stale.get_json()["current"]["title"] == TITLES[2]
    assert client.get(f"{URL}/translations/zh", headers=bo).get_json()["title"] == TITLES[2]
    other = client.post(restore, headers={**bo, "If-Match": '"yrd-branches-cooperate.zh.r2"'})
    assert other.status_code == 409
    empty = client.post(restore, headers={**bo, "If-Match": '"", W/"x"'})  # "" parses as None
    assert empty.status_code == 409
    assert client.post(f"{URL}/revisions/9/restore?language=zh", json={"revision": 3},
                       headers=bo).status_code == 404  # fmt: skip
    assert client.post(f"{URL}/revisions/1/restore?language=fr", json={"revision": 3},
                       headers=bo).status_code == 422  # fmt: skip

    restored = client.post(restore, json={"revision": 3}, headers=bo)
    assert restored.status_code == 200, restored.get_json()
    body = restored.get_json()
    assert body["language"] == "zh" and body["origin"] == "editor"
    assert body["title"] == TITLES[0] and body["body_html"] == "<p>合作</p>"
    assert body["revision"] == 4
    assert restored.headers["ETag"] == '"yrd-branches-cooperate.zh.r4"'
    # The original is untouched: a translation's restore is not an edit of the article.
    assert client.get(URL, headers=bo).get_json()["revision"] == 1

    items = client.get(f"{URL}/revisions?language=zh", headers=ann).get_json()["items"]
    assert [(i["revision"], i["editor"]) for i in items] == [
        (4, "Bo Zhang"), (3, "Ann Lee"), (2, "Bo Zhang"), (1, "Ann Lee"),
    ]  # fmt: skip
    assert items[0]["fields_changed"] == ["title", "body_html"]
    fourth = client.get(f"{URL}/revisions/4?language=zh", headers=ann).get_json()
    assert fourth["title"] == TITLES[0] and fourth["editor"] == "Bo Zhang"

    # If-Match with the translation's ETag works as for an edit; the old one is now stale.
    again = client.post(
        f"{URL}/revisions/2/restore?language=zh",
        headers={**ann, "If-Match": '"yrd-branches-cooperate.zh.r4"'},
    )
    assert again.status_code == 200 and again.get_json()["title"] == TITLES[1]
    late = client.post(restore, json={"revision": 4}, headers=bo)
    assert late.status_code == 409
    assert late.get_json()["current"]["title"] == TITLES[1]


def test_restoring_the_original_is_unchanged_by_the_language_argument(app, client, newsroom):
    ann, _bo = _three_revisions(app, client)
    client.patch(URL, json={"title": "Second title", "revision": 1}, headers=ann)
    own = client.post(f"{URL}/revisions/1/restore?language=en", json={"revision": 2}, headers=ann)
    assert own.status_code == 200 and own.get_json()["title"] == "Party branches in YRD cooperate"
    assert own.get_json()["revision"] == 3


def test_desk_history_restores_an_editors_translation(app, client, newsroom):
    ann, _bo = _three_revisions(app, client)
    desk = Desk(app, app.test_client())
    with app.app_context(), db.database(app).session() as session:
        _row, token = token_store.create(session, role="editor", label="Cai Wen")
    desk.sign_in(token)

    page = desk.page("/desk/articles/yrd-branches-cooperate/history?language=zh")
    rows = page.xpath("//table[@class='revisions']/tbody/tr")
    assert [r.get("data-revision") for r in rows] == ["3", "2", "1"]
    assert "Bo Zhang" in rows[1].text_content() and "Title" in rows[1].text_content()
    assert not rows[0].xpath(".//button[@data-action='restore']")  # the current one
    form = page.xpath("//form[@id='restore-1']")[0]
    assert form.xpath(".//input[@name='language']/@value") == ["zh"]
    assert form.xpath(".//input[@name='revision']/@value") == ["3"]
    (changed,) = page.xpath("//ol[@class='diff-lines']/li[@class='diff-changed']")
    assert "".join(changed.xpath("ins/text()")) == "六"  # 15 → 16 cities, character by character

    done = desk.post(
        "/desk/articles/yrd-branches-cooperate/revisions/1/restore",
        {"revision": "3", "language": "zh"},
    )
    assert done.status_code == 303
    assert done.headers["Location"].endswith("/history?language=zh")
    page = html(desk.get(done.headers["Location"]))
    flashed = page.find_class("flash-success")[0].text_content()
    assert "Revision 1 is restored as revision 4." in flashed
    newest = page.xpath("//table[@class='revisions']/tbody/tr")[0]
    assert newest.get("data-revision") == "4" and "Cai Wen" in newest.text_content()
    translation = desk.page("/desk/articles/yrd-branches-cooperate/translations/zh")
    assert translation.xpath("//input[@id='f-title']/@value") == [TITLES[0]]

    # The page was shown before that restore: its revision (3) is stale now; nothing changes.
    stale = desk.post(
        "/desk/articles/yrd-branches-cooperate/revisions/2/restore",
        {"revision": "3", "language": "zh"},
    )
    assert stale.status_code == 303
    page = html(desk.get(stale.headers["Location"]))
    assert "translation meanwhile" in page.find_class("flash-error")[0].text_content()
    assert client.get(f"{URL}/translations/zh", headers=ann).get_json()["title"] == TITLES[0]


def test_a_restored_translation_of_an_older_original_is_stale(app, client, newsroom):
    ann = _headers(app, "Ann Lee")
    client.post("/api/v1/articles", json=article_payload(), headers=ann)
    _translate(client, ann, TITLES[0])  # of the original's revision 1
    client.patch(URL, json={"title": "Sixteen branches cooperate", "revision": 1}, headers=ann)
    assert client.get(f"{URL}/translations/zh", headers=ann).get_json()["stale"] is True
    fresh = _translate(client, ann, TITLES[2]).get_json()  # of revision 2
    assert fresh["stale"] is False and fresh["source_revision"] == 2
    first = client.get(f"{URL}/revisions/1?language=zh", headers=ann).get_json()
    assert first["source_revision"] == 1

    restored = client.post(
        f"{URL}/revisions/1/restore?language=zh", json={"revision": 2}, headers=ann
    ).get_json()
    # The text is the one made for revision 1 of the original: the desk says it is behind.
    assert restored["title"] == TITLES[0]
    assert restored["source_revision"] == 1 and restored["stale"] is True
    items = client.get(f"{URL}/revisions?language=zh", headers=ann).get_json()["items"]
    assert items[0]["fields_changed"] == ["title"]  # the source revision is not a field


def test_after_a_forced_machine_translation_the_editors_newest_can_come_back(app, client, newsroom):
    from tests.feeds.conftest import session_of, translate

    ann, _bo = _three_revisions(app, client)
    with session_of(app) as session:  # a forced refresh: the machine's text, no revision
        translate(session, "yrd-branches-cooperate", "zh", "machine")
    desk = Desk(app, app.test_client())
    with app.app_context(), db.database(app).session() as session:
        _row, token = token_store.create(session, role="editor", label="Cai Wen")
    desk.sign_in(token)
    page = desk.page("/desk/articles/yrd-branches-cooperate/history?language=zh")
    assert page.xpath("//p[@data-state='machine']")
    assert not page.xpath("//span[contains(@class, 'badge')][contains(., 'current')]")
    assert page.xpath("//tr[@data-revision='3']//button[@data-action='restore']")

    done = desk.post(
        "/desk/articles/yrd-branches-cooperate/revisions/3/restore",
        {"revision": "3", "language": "zh"},
    )
    assert done.status_code == 303
    back = client.get(f"{URL}/translations/zh", headers=ann).get_json()
    assert back["origin"] == "editor" and back["title"] == TITLES[2] and back["revision"] == 4


def test_a_save_naming_a_stale_revision_is_a_409_and_a_current_one_saves(app, client, newsroom):
    ann, bo = _three_revisions(app, client)
    seen = client.get(f"{URL}/translations/zh", headers=bo).get_json()
    assert seen["revision"] == 3
    # The revision GET said goes back with the edit: saved as revision 4.
    seen = {name: seen[name] for name in ("title", "summary", "body_html", "revision")}
    saved = client.put(
        f"{URL}/translations/zh", json={**seen, "title": "长三角合作（修订）"}, headers=bo
    )
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["revision"] == 4
    # Ann still had revision 3 open: her save is refused, Bo's text stays.
    late = client.put(f"{URL}/translations/zh", json={**seen, "title": "安的版本"}, headers=ann)
    assert late.status_code == 409
    assert late.get_json()["current"]["revision"] == 4
    assert "revision 4" in late.get_json()["detail"]
    by_etag = client.put(
        f"{URL}/translations/zh",
        json={"title": "安的版本", "body_html": "<p>合作</p>"},
        headers={**ann, "If-Match": '"yrd-branches-cooperate.zh.r3"'},
    )
    assert by_etag.status_code == 409
    current = client.get(f"{URL}/translations/zh", headers=ann).get_json()
    assert (current["revision"], current["title"]) == (4, "长三角合作（修订）")
    # null: "no editor had saved one" — wrong here, so refused too; a bad number names the field.
    assert (
        client.put(
            f"{URL}/translations/zh", json={"title": "x", "revision": None}, headers=ann
        ).status_code
        == 409
    )
    bad = client.put(f"{URL}/translations/zh", json={"title": "x", "revision": "4"}, headers=ann)
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "revision"
    # Without a revision the save stands as before (clients that never read it).
    assert _translate(client, ann, "安的版本").get_json()["revision"] == 5


def test_the_first_save_may_say_no_editor_had_saved_one(app, client, newsroom):
    ann = _headers(app, "Ann Lee")
    assert client.post("/api/v1/articles", json=article_payload(), headers=ann).status_code == 201
    first = client.put(
        f"{URL}/translations/zh", json={"title": TITLES[0], "revision": None}, headers=ann
    )
    assert first.status_code == 200 and first.get_json()["revision"] == 1
    again = client.put(
        f"{URL}/translations/zh", json={"title": TITLES[1], "revision": None}, headers=ann
    )
    assert again.status_code == 409

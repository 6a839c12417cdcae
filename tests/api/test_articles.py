import pytest
from sqlalchemy import text

from syndicate.storage import db
from tests.support.factories import article_payload, make_sections


@pytest.fixture
def newsroom(client, admin):
    make_sections(client, admin)


def create(client, editor, **overrides):
    response = client.post("/api/v1/articles", json=article_payload(**overrides), headers=editor)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_create_read_shape(client, editor, newsroom):
    created = create(client, editor)
    assert created["id"] == "yrd-branches-cooperate"
    assert created["revision"] == 1
    assert created["published_at"] == "2023-07-17T01:30:00Z"  # stored in UTC
    assert created["image"] == {
        "url": "/media/yrd.jpg",
        "caption": "Representatives",
        "alt": "People",
    }
    assert created["translations"]["zh"] == {
        "status": "missing",
        "origin": None,
        "model": None,
        "stale": True,
    }
    fetched = client.get("/api/v1/articles/yrd-branches-cooperate", headers=editor)
    assert fetched.headers["ETag"] == '"yrd-branches-cooperate.r1"'
    assert fetched.get_json() == created
    assert set(created) == {
        "id", "section", "language", "title", "summary", "body_html", "author", "source",
        "image", "tags", "canonical_url", "correction", "status", "published_at", "updated_at",
        "revision", "translations",
    }  # fmt: skip


def test_generated_ids_are_stable_and_unique(client, editor, newsroom):
    payload = article_payload()
    del payload["id"]
    first = client.post("/api/v1/articles", json=payload, headers=editor).get_json()
    second = client.post("/api/v1/articles", json=payload, headers=editor).get_json()
    assert first["id"] != second["id"]
    assert "party-branches-in-yrd-cooperate" in first["id"]
    edited = client.patch(
        f"/api/v1/articles/{first['id']}", json={"title": "New", "revision": 1}, headers=editor
    ).get_json()
    assert edited["id"] == first["id"]


def test_sanitization_strips_script_handlers_and_javascript_urls(client, editor, newsroom):
    body = (
        '<p onclick="steal()">Hi <a href="javascript:alert(1)">x</a>'
        '<script>alert(1)</script><img src="/a.jpg" onerror="x()" alt="A"></p>'
        "<iframe src='https://evil.example'></iframe><p style='color:red'>ok</p>"
    )
    created = create(client, editor, body_html=body, title="<b>Bold</b> title")
    html = created["body_html"]
    for bad in ("script", "onclick", "onerror", "javascript:", "iframe", "style", "alert"):
        assert bad not in html
    assert '<img src="/a.jpg" alt="A">' in html
    assert created["title"] == "Bold title"


def test_update_bumps_revision_and_stale_write_is_refused(app, client, editor, newsroom):
    create(client, editor)
    first = client.patch(
        "/api/v1/articles/yrd-branches-cooperate",
        json={"title": "Edit by Alice", "revision": 1},
        headers=editor,
    )
    assert first.status_code == 200
    assert first.get_json()["revision"] == 2
    stale = client.patch(
        "/api/v1/articles/yrd-branches-cooperate",
        json={"title": "Edit by Bob", "summary": "Bob's summary", "revision": 1},
        headers=editor,
    )
    assert stale.status_code == 409
    problem = stale.get_json()
    # Bob is shown Alice's version to merge with his own; nothing of his was written.
    assert problem["current"]["title"] == "Edit by Alice"
    assert problem["current"]["revision"] == 2
    stored = client.get("/api/v1/articles/yrd-branches-cooperate", headers=editor).get_json()
    assert stored["title"] == "Edit by Alice"
    assert stored["summary"] == "Fifteen cities sign up to an alliance."


def test_if_match_etag_and_missing_precondition(client, editor, newsroom):
    create(client, editor)
    path = "/api/v1/articles/yrd-branches-cooperate"
    missing = client.patch(path, json={"title": "x"}, headers=editor)
    assert missing.status_code == 428
    ok = client.patch(
        path, json={"title": "x"}, headers={**editor, "If-Match": '"yrd-branches-cooperate.r1"'}
    )
    assert ok.status_code == 200
    assert ok.headers["ETag"] == '"yrd-branches-cooperate.r2"'
    stale = client.patch(
        path, json={"title": "y"}, headers={**editor, "If-Match": '"yrd-branches-cooperate.r1"'}
    )
    assert stale.status_code == 409


def test_no_op_edit_keeps_revision_and_dates(client, editor, newsroom):
    created = create(client, editor)
    same = client.patch(
        "/api/v1/articles/yrd-branches-cooperate",
        json={"title": created["title"], "revision": 1},
        headers=editor,
    ).get_json()
    assert same["revision"] == 1
    assert same["updated_at"] == created["updated_at"]


def test_put_replaces(client, editor, newsroom):
    create(client, editor)
    replaced = client.put(
        "/api/v1/articles/yrd-branches-cooperate",
        json={"section": "top-news", "language": "en", "title": "Only a title", "revision": 1},
        headers=editor,
    ).get_json()
    assert replaced["summary"] == ""
    assert replaced["image"] is None
    assert replaced["tags"] == []
    assert replaced["section"] == "top-news"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"language": "fr"}, "language"),
        ({"published_at": "17 July 2023"}, "published_at"),
        ({"published_at": "2023-07-17T09:30:00"}, "published_at"),
        ({"section": "no-such-section"}, "section"),
        ({"colour": "blue"}, "colour"),
        ({"title": ""}, "title"),
        ({"tags": "YRD"}, "tags"),
        ({"canonical_url": "javascript:alert(1)"}, "canonical_url"),
        ({"image": {"url": "data:image/png;base64,AAA"}}, "image"),
        ({"status": "archived"}, "status"),
    ],
)
def test_invalid_input_is_422_and_changes_nothing(client, editor, newsroom, change, field):
    create(client, editor)
    response = client.patch(
        "/api/v1/articles/yrd-branches-cooperate", json={**change, "revision": 1}, headers=editor
    )
    assert response.status_code == 422, response.get_json()
    problem = response.get_json()
    assert problem["errors"][0]["field"] == field
    assert field in problem["detail"]
    stored = client.get("/api/v1/articles/yrd-branches-cooperate", headers=editor).get_json()
    assert stored["revision"] == 1
    assert stored["title"] == "Party branches in YRD cooperate"


def test_invalid_create_stores_nothing(app, client, editor, newsroom):
    response = client.post(
        "/api/v1/articles", json=article_payload(language="de", section="nope"), headers=editor
    )
    assert response.status_code == 422
    assert "language" in {e["field"] for e in response.get_json()["errors"]}
    with app.app_context(), db.database(app).engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM articles")).scalar() == 0


def test_duplicate_id_is_409(client, editor, newsroom):
    create(client, editor)
    again = client.post("/api/v1/articles", json=article_payload(), headers=editor)
    assert again.status_code == 409


def test_bad_json_and_wrong_media_type(client, editor, newsroom):
    bad = client.post(
        "/api/v1/articles", data=b"{nope", headers={**editor, "Content-Type": "application/json"}
    )
    assert bad.status_code == 400
    assert bad.mimetype == "application/problem+json"
    form = client.post("/api/v1/articles", data={"title": "x"}, headers=editor)
    assert form.status_code == 400


def test_oversized_body_is_refused_before_parsing(tmp_path, sqlite_url):
    from tests.conftest import _token, make_app

    app = make_app(tmp_path, sqlite_url, SYNDICATE_MAX_REQUEST_BYTES=1000)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {_token(app, 'editor')}"}
    big = b'{"title": "' + b"x" * 5000 + b'"}'
    response = client.post(
        "/api/v1/articles", data=big, headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert "1000 bytes" in response.get_json()["detail"]
    # Not even invalid JSON is looked at: the size alone decides.
    garbage = client.post(
        "/api/v1/articles",
        data=b"{" * 5000,
        headers={**headers, "Content-Type": "application/json"},
    )
    assert garbage.status_code == 413


def test_publish_unpublish_delete_and_404(client, editor, newsroom):
    created = create(client, editor, published_at=None)
    assert created["status"] == "draft"
    assert created["published_at"] is None
    path = "/api/v1/articles/yrd-branches-cooperate"
    published = client.post(f"{path}/publish", headers=editor).get_json()
    assert published["status"] == "published"
    assert published["published_at"] is not None
    again = client.post(f"{path}/publish", headers=editor).get_json()
    assert again["published_at"] == published["published_at"]
    unpublished = client.post(f"{path}/unpublish", headers=editor).get_json()
    assert unpublished["status"] == "draft"
    assert client.delete(path, headers=editor).status_code == 204
    for method, url in (
        ("get", path),
        ("patch", path),
        ("delete", path),
        ("post", f"{path}/publish"),
        ("post", f"{path}/unpublish"),
    ):
        response = getattr(client, method)(url, json={"revision": 1}, headers=editor)
        assert response.status_code == 404, (method, url)
        assert "yrd-branches-cooperate" in response.get_json()["detail"]


def test_list_filters_and_paging(client, editor, newsroom):
    for i in range(5):
        create(
            client,
            editor,
            id=f"a{i}",
            language="zh" if i % 2 else "en",
            section="top-news" if i < 2 else "industrial-cooperation",
            status="published" if i < 3 else "draft",
        )

    def ids(query):
        body = client.get(f"/api/v1/articles?{query}", headers=editor).get_json()
        return sorted(a["id"] for a in body["items"])

    assert ids("section=top-news") == ["a0", "a1"]
    assert ids("language=zh") == ["a1", "a3"]
    assert ids("status=draft") == ["a3", "a4"]
    assert ids("updated_since=2000-01-01T00:00:00Z") == ["a0", "a1", "a2", "a3", "a4"]
    assert ids("updated_since=2999-01-01T00:00:00Z") == []
    page1 = client.get("/api/v1/articles?per_page=2", headers=editor).get_json()
    assert page1["total"] == 5
    assert len(page1["items"]) == 2
    assert "page=2" in page1["next"]
    page3 = client.get("/api/v1/articles?per_page=2&page=3", headers=editor).get_json()
    assert len(page3["items"]) == 1
    assert "next" not in page3
    seen = {
        a["id"]
        for p in (1, 2, 3)
        for a in client.get(f"/api/v1/articles?per_page=2&page={p}", headers=editor).get_json()[
            "items"
        ]
    }
    assert seen == {"a0", "a1", "a2", "a3", "a4"}
    bad = client.get("/api/v1/articles?language=fr&updated_since=yesterday", headers=editor)
    assert bad.status_code == 422
    assert {e["field"] for e in bad.get_json()["errors"]} == {"language", "updated_since"}
    assert client.get("/api/v1/articles?per_page=0", headers=editor).status_code == 422


def test_stale_write_race_through_storage(app, newsroom, client, editor):
    """Two sessions read revision 1; the second UPDATE finds no row at revision 1: 409."""
    from syndicate.editorial import articles
    from syndicate.errors import Conflict

    create(client, editor)
    database = db.database(app)
    with app.app_context():
        alice, bob = database.sessionmaker(), database.sessionmaker()
        try:
            bob_view = articles.get(bob, "yrd-branches-cooperate")
            assert bob_view.revision == 1
            articles.update(
                alice, "yrd-branches-cooperate", {"title": "Alice"}, expected_revision=1
            )
            # Bob's session still holds revision 1 in memory: only the WHERE clause can save us.
            with pytest.raises(Conflict):
                articles.update(
                    bob, "yrd-branches-cooperate", {"title": "Bob"}, expected_revision=1
                )
        finally:
            alice.close()
            bob.close()
    stored = client.get("/api/v1/articles/yrd-branches-cooperate", headers=editor).get_json()
    assert stored["title"] == "Alice"
    assert stored["revision"] == 2


def test_each_problem_is_reported_once(client, editor, newsroom):
    response = client.post(
        "/api/v1/articles",
        json={"section": "top-news", "language": "en", "title": ""},
        headers=editor,
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"field": "title", "message": "must not be empty"}]
    missing = client.post("/api/v1/articles", json={"section": "top-news"}, headers=editor)
    assert {(e["field"], e["message"]) for e in missing.get_json()["errors"]} == {
        ("language", "is required"),
        ("title", "is required"),
    }

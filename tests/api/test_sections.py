from tests.support.factories import make_sections


def test_sections_crud_and_roles(client, admin, editor):
    make_sections(client, admin)
    listed = client.get("/api/v1/sections", headers=editor).get_json()["items"]
    assert [s["slug"] for s in listed] == ["hongqiao-yrd", "industrial-cooperation", "top-news"]
    child = client.get("/api/v1/sections/industrial-cooperation", headers=editor).get_json()
    assert child == {
        "slug": "industrial-cooperation",
        "parent": "hongqiao-yrd",
        "name": {"en": "Industrial Cooperation", "zh": "产业合作"},
        "description": {"en": "", "zh": ""},
        "position": 0,
    }
    # Editors read sections; only admins change them.
    denied = client.patch("/api/v1/sections/top-news", json={"position": 3}, headers=editor)
    assert denied.status_code == 403
    assert denied.mimetype == "application/problem+json"
    changed = client.patch(
        "/api/v1/sections/top-news",
        json={"position": 3, "name": {"zh": "要闻"}},
        headers=admin,
    )
    # A rename re-publishes feeds in the background: 202 with the operation to follow.
    assert changed.status_code == 202
    body = changed.get_json()
    assert body["name"] == {"en": "Top News", "zh": "要闻"}
    assert changed.headers["Location"] == body["operation"]["url"]
    assert (body["operation"]["kind"], body["operation"]["params"]) == (
        "republish-sections",
        {"slugs": ["top-news"]},
    )
    same = client.patch("/api/v1/sections/top-news", json={"position": 3}, headers=admin)
    assert (same.status_code, same.get_json()["operation"]) == (200, None)  # nothing changed
    assert client.delete("/api/v1/sections/top-news", headers=admin).status_code == 204
    assert client.get("/api/v1/sections/top-news", headers=editor).status_code == 404


def test_section_validation(client, admin):
    make_sections(client, admin)
    bad = client.post(
        "/api/v1/sections",
        json={"slug": "Bad Slug", "name": {"en": "x"}, "colour": "red"},
        headers=admin,
    )
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.get_json()["errors"]}
    assert {"slug", "colour", "name.zh"} <= fields
    duplicate = client.post(
        "/api/v1/sections", json={"slug": "top-news", "name": {"en": "a", "zh": "b"}}, headers=admin
    )
    assert duplicate.status_code == 409
    orphan = client.post(
        "/api/v1/sections",
        json={"slug": "x", "parent": "nope", "name": {"en": "a", "zh": "b"}},
        headers=admin,
    )
    assert orphan.status_code == 422
    assert orphan.get_json()["errors"][0]["field"] == "parent"
    cycle = client.patch(
        "/api/v1/sections/hongqiao-yrd", json={"parent": "industrial-cooperation"}, headers=admin
    )
    assert cycle.status_code == 422
    rename = client.patch("/api/v1/sections/top-news", json={"slug": "news"}, headers=admin)
    assert rename.status_code == 422


def test_section_with_children_or_articles_is_not_deleted(client, admin, editor):
    from tests.support.factories import article_payload

    make_sections(client, admin)
    assert client.delete("/api/v1/sections/hongqiao-yrd", headers=admin).status_code == 409
    client.post("/api/v1/articles", json=article_payload(), headers=editor)
    response = client.delete("/api/v1/sections/industrial-cooperation", headers=admin)
    assert response.status_code == 409
    assert client.get("/api/v1/sections/industrial-cooperation", headers=editor).status_code == 200

"""Issue 10: client mistakes are 4xx naming the field, never 500s; committed work is never a
5xx; idempotent creates; HTTP details (challenge, CSP, CORS). Both engines."""

from __future__ import annotations

import logging

import pytest

from syndicate import events
from syndicate.storage import db
from tests.support.factories import article_payload, make_sections


@pytest.fixture
def newsroom(client, admin):
    make_sections(client, admin)


def fields_of(response) -> set[str]:
    return {e["field"] for e in response.get_json().get("errors", [])}


@pytest.mark.parametrize(
    "published_at",
    [
        "9999-12-31T23:59:59+00:00",
        "9999-12-31T23:00:00-05:00",
        "0001-01-01T00:00:00+14:00",
        "0001-01-01T00:00:00Z",
        "1969-12-31T23:59:59Z",
        "2201-01-01T00:00:00Z",
    ],
)
def test_dates_outside_the_accepted_range_are_422_naming_the_field(
    client, editor, newsroom, published_at
):
    payload = article_payload(published_at=published_at, status="published")
    response = client.post("/api/v1/articles", json=payload, headers=editor)
    assert response.status_code == 422
    assert fields_of(response) == {"published_at"}
    assert "1970-01-01" in response.get_json()["detail"]


def test_the_range_edges_publish_and_render(client, editor, newsroom):
    for i, when in enumerate(("1970-01-01T00:00:00Z", "2200-12-31T23:59:59Z")):
        payload = article_payload(id=f"edge-{i}", published_at=when, status="published")
        assert client.post("/api/v1/articles", json=payload, headers=editor).status_code == 201
    listing = client.get("/en/")
    assert listing.status_code == 200
    assert client.get("/en/articles/edge-0").status_code == 200
    # The far edge is in the future: scheduled, with its page waiting for its time.
    scheduled = client.get("/api/v1/articles/edge-1", headers=editor).get_json()
    assert scheduled["status"] == "scheduled"
    assert client.get("/en/articles/edge-1").status_code == 404


@pytest.mark.parametrize(
    "since", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00-05:00", "yesterday"]
)
def test_updated_since_out_of_range_is_422(client, editor, since):
    response = client.get("/api/v1/articles", query_string={"updated_since": since}, headers=editor)
    assert response.status_code == 422
    assert fields_of(response) == {"updated_since"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/api/v1/jobs/99999999999999999999", 404),
        ("/api/v1/jobs/2147483648", 404),
        ("/api/v1/jobs/٣", 404),
        ("/api/v1/articles?page=²", 422),
        ("/api/v1/articles?per_page=²", 422),
        ("/api/v1/articles?page=99999999999999999999999", 422),
    ],
)
def test_numbers_are_parsed_strictly(client, editor, url, expected):
    response = client.get(url, headers=editor)
    assert response.status_code == expected, response.get_data(as_text=True)


def test_glossary_ids_beyond_int32_are_404(client, editor):
    for method in ("patch", "delete"):
        response = getattr(client, method)(
            "/api/v1/glossary/4294967296", json={"target_term": "x"}, headers=editor
        )
        assert response.status_code == 404


def test_if_match_with_unicode_digits_is_a_stale_edit_not_a_500(client, editor, newsroom):
    client.post("/api/v1/articles", json=article_payload(), headers=editor)
    response = client.patch(
        "/api/v1/articles/yrd-branches-cooperate",
        json={"title": "New"},
        headers={**editor, "If-Match": '"yrd-branches-cooperate.r²"'},
    )
    assert response.status_code == 409


def test_public_and_desk_pages_parse_numbers_strictly(client):
    assert client.get("/en/?page=²").status_code == 404
    assert client.get("/desk/jobs.json?id=²").status_code == 401  # signed out, not 500


def test_glossary_patch_into_a_direction_that_has_the_term_is_409(client, editor):
    def add(source, target, term):
        body = {"source_language": source, "target_language": target, "source_term": term}
        response = client.post("/api/v1/glossary", json=body, headers=editor)
        assert response.status_code == 202  # the term is stored; stale-marking runs after
        return response.get_json()["id"]

    add("en", "zh", "Hongqiao")
    other = add("zh", "en", "Hongqiao")
    response = client.patch(
        f"/api/v1/glossary/{other}",
        json={"source_language": "en", "target_language": "zh"},
        headers=editor,
    )
    assert response.status_code == 409
    listed = client.get("/api/v1/glossary", headers=editor).get_json()["items"]
    assert sorted((t["source_language"], t["target_language"]) for t in listed) == [
        ("en", "zh"),
        ("zh", "en"),
    ]


def test_a_failing_receiver_after_the_commit_does_not_turn_a_create_into_a_5xx(
    app, client, editor, newsroom, caplog
):
    def broken(_sender, **_kwargs):
        raise OSError(28, "No space left on device")

    events.article_changed.connect(broken)
    try:
        with caplog.at_level(logging.ERROR):
            payload = article_payload(status="published")
            response = client.post("/api/v1/articles", json=payload, headers=editor)
    finally:
        events.article_changed.disconnect(broken)
    assert response.status_code == 201
    assert "failed after the commit" in caplog.text
    # Stored once: a retry is a clean 409, and the article is there.
    again = client.post("/api/v1/articles", json=payload, headers=editor)
    assert again.status_code == 409
    assert client.get("/api/v1/articles/yrd-branches-cooperate", headers=editor).status_code == 200


def test_idempotency_key_replays_the_first_answer_and_stores_one_article(
    app, client, editor, newsroom
):
    payload = article_payload()
    del payload["id"]  # the server makes up the id: only the key prevents a duplicate
    headers = {**editor, "Idempotency-Key": "3f1c2a7e-retry-1"}
    first = client.post("/api/v1/articles", json=payload, headers=headers)
    second = client.post("/api/v1/articles", json=payload, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.get_json() == first.get_json()
    assert second.headers["Location"] == first.headers["Location"]
    assert second.headers["Idempotent-Replayed"] == "true"
    listed = client.get("/api/v1/articles", headers=editor).get_json()
    assert listed["total"] == 1

    changed = client.post("/api/v1/articles", json={**payload, "title": "Another"}, headers=headers)
    assert changed.status_code == 422
    assert fields_of(changed) == {"Idempotency-Key"}
    other_key = client.post(
        "/api/v1/articles", json=payload, headers={**editor, "Idempotency-Key": "another"}
    )
    assert other_key.status_code == 201
    bad = client.post(
        "/api/v1/articles", json=payload, headers={**editor, "Idempotency-Key": "a b"}
    )
    assert bad.status_code == 400
    assert "Idempotency-Key" in bad.get_json()["detail"]
    db.database(app).dispose()


def test_401_carries_a_bearer_challenge(client):
    missing = client.get("/api/v1/sections")
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="syndicate"'
    wrong = client.get("/api/v1/sections", headers={"Authorization": "Bearer nope"})
    assert wrong.headers["WWW-Authenticate"] == 'Bearer realm="syndicate", error="invalid_token"'


def test_public_pages_have_a_content_security_policy(client, editor, newsroom):
    client.post("/api/v1/articles", json=article_payload(status="published"), headers=editor)
    for path in ("/en/", "/zh/hongqiao-yrd/", "/en/articles/yrd-branches-cooperate"):
        response = client.get(path)
        assert response.status_code == 200, path
        policy = response.headers["Content-Security-Policy"]
        # default-src 'none' with no script-src or object-src: neither runs nor loads.
        assert "default-src 'none'" in policy
        assert "script-src" not in policy and "object-src" not in policy


def test_feeds_answer_cors_preflights_and_expose_their_validators(client, editor, newsroom):
    client.post("/api/v1/articles", json=article_payload(status="published"), headers=editor)
    preflight = client.options(
        "/feeds/en/all.atom",
        headers={
            "Origin": "https://partner.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert "if-none-match" in preflight.headers["Access-Control-Allow-Headers"].lower()
    feed = client.get("/feeds/en/all.atom", headers={"Origin": "https://partner.example"})
    exposed = {h.strip().lower() for h in feed.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "last-modified"} <= exposed
    revalidated = client.get("/feeds/en/all.atom", headers={"If-None-Match": feed.headers["ETag"]})
    assert revalidated.status_code == 304
    assert "ETag" in revalidated.headers["Access-Control-Expose-Headers"]


def test_openapi_is_honest_about_methods_bounds_and_query_values(client, editor, newsroom):
    client.post("/api/v1/articles", json=article_payload(), headers=editor)
    refresh = "/api/v1/articles/yrd-branches-cooperate/translations/refresh"
    put = client.put(refresh, json={"title": "x"}, headers=editor)
    assert put.status_code == 405
    assert "POST" in put.headers["Allow"]
    null = client.get("/api/v1/glossary?target_language=null", headers=editor)
    assert null.status_code == 422
    assert fields_of(null) == {"target_language"}
    document = client.get("/api/v1/openapi.json").get_json()
    listing = document["paths"]["/api/v1/articles"]["get"]
    page = next(p for p in listing["parameters"] if p["name"] == "page")
    assert page["schema"]["maximum"] == 1_000_000
    create = document["paths"]["/api/v1/articles"]["post"]
    assert {"400", "503"} <= set(create["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])


def test_the_importer_reports_a_date_out_of_range_and_goes_on(app, client, admin, editor):
    import orjson

    from syndicate.editorial.importer import import_lines

    make_sections(client, admin)
    lines = [
        orjson.dumps(article_payload(id="far", published_at="9999-12-31T23:59:59+00:00")),
        orjson.dumps(article_payload(id="near", status="published")),
    ]
    with app.app_context(), db.database(app).session() as session:
        report = import_lines(session, lines)
    assert report.created == 1
    assert [n for n, _ in report.errors] == [1]
    assert "published_at" in report.errors[0][1]
    assert client.get("/api/v1/articles/near", headers=editor).status_code == 200

import pytest


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/articles"),
        ("post", "/api/v1/articles"),
        ("get", "/api/v1/sections"),
        ("post", "/api/v1/sections"),
        ("patch", "/api/v1/articles/x"),
        ("delete", "/api/v1/articles/x"),
        ("post", "/api/v1/articles/x/publish"),
    ],
)
def test_every_route_needs_a_token(client, method, path):
    response = getattr(client, method)(path, json={})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert "Bearer" in response.get_json()["detail"]


def test_unknown_and_revoked_tokens_are_refused(app, client, editor_token, editor):
    from syndicate.storage import db, tokens

    assert client.get("/api/v1/articles", headers=editor).status_code == 200
    bad = client.get("/api/v1/articles", headers={"Authorization": "Bearer syn_nope"})
    assert bad.status_code == 401
    with app.app_context(), db.database(app).session() as session:
        (row,) = tokens.find(session, editor_token)
        tokens.revoke(row)
    assert client.get("/api/v1/articles", headers=editor).status_code == 401


def test_tokens_are_stored_hashed(app, editor_token):
    from sqlalchemy import text

    from syndicate.storage import db

    with app.app_context(), db.database(app).engine.connect() as connection:
        stored = connection.execute(text("SELECT token_hash, prefix FROM api_tokens")).all()
    assert editor_token not in repr(stored)
    assert len(stored[0][0]) == 64

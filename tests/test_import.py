import orjson
from sqlalchemy import text

from syndicate.editorial.importer import import_lines
from syndicate.storage import db
from tests.support.factories import article_payload, make_sections


def test_import_stores_good_lines_reports_bad_and_is_idempotent(app, client, admin, editor):
    make_sections(client, admin)
    good1 = article_payload(id="good-1")
    good2 = article_payload(id="good-2", language="zh", title="长三角合作")
    lines = [
        orjson.dumps(good1).decode(),
        "{not json",
        orjson.dumps(article_payload(id="bad-lang", language="fr")).decode(),
        "",
        orjson.dumps(good2).decode(),
        orjson.dumps(article_payload(id="bad-section", section="nowhere")).decode(),
        orjson.dumps(["not", "an", "object"]).decode(),
    ]
    with app.app_context(), db.database(app).session() as session:
        report = import_lines(session, lines)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert [n for n, _ in report.errors] == [2, 3, 6, 7]
    assert "language" in report.errors[1][1]
    assert "nowhere" in report.errors[2][1]
    with app.app_context(), db.database(app).session() as session:
        again = import_lines(session, lines)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = [orjson.dumps({**good1, "title": "Changed"}).decode()]
    with app.app_context(), db.database(app).session() as session:
        third = import_lines(session, changed)
    assert third.updated == 1
    stored = client.get("/api/v1/articles/good-1", headers=editor).get_json()
    assert stored["title"] == "Changed"
    assert stored["revision"] == 2
    with app.app_context(), db.database(app).engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM articles")).scalar() == 2

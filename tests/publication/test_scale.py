"""Feed pages cost O(page size) at any corpus size: the database reads the newest rows of a
section (or of all) straight from an index, in order, and stops after a page. Checked on the
plans of the queries the feed builder really runs, not on timings (the benchmark times them)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from benchmarks import corpus
from syndicate.feed import build
from syndicate.storage import db
from tests.conftest import make_app

INDEX = {"section": "ix_articles_feed", "all": "ix_articles_all_feed"}
# Costs pushed up so that PostgreSQL, whose statistics of a small test table favour reading it
# all, shows the plan it takes at scale if the query allows one: index order, probes per row.
POSTGRES_PLANNER = (
    "SET LOCAL enable_seqscan = off",
    "SET LOCAL enable_sort = off",
    "SET LOCAL enable_hashjoin = off",
    "SET LOCAL enable_mergejoin = off",
    "SET LOCAL enable_bitmapscan = off",
)


@pytest.fixture
def newsroom(tmp_path, database_url):
    engine = db.make_engine(database_url)
    report = corpus.build(engine, articles=400, sections=4)
    engine.dispose()
    app = make_app(tmp_path, database_url, SYNDICATE_PAGE_SIZE=20)
    yield app, report.busiest
    db.database(app).dispose()


def page_queries(app, language: str, section: str) -> list[tuple[str, object]]:
    """The statements that read a page of articles while the builder builds page 1."""
    statements = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany):
        statements.append((statement, parameters))

    engine = db.database(app).engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        with app.app_context(), db.database(app).session() as session:
            page = build.build_current(session, app.config, language, section)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(page.documents["rss"].items) == 20
    return [(s, p) for s, p in statements if "ORDER BY articles.published_at DESC" in s]


def plan(app, statement: str, parameters) -> str:
    engine = db.database(app).engine
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            return "\n".join(row[-1] for row in rows)
        for setting in POSTGRES_PLANNER:
            connection.execute(text(setting))
        rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        return "\n".join(row[0] for row in rows)


@pytest.mark.parametrize("feed", ["section", "all"])
@pytest.mark.parametrize("language", ["en", "zh"])
def test_feed_page_reads_an_index_in_order(newsroom, feed, language):
    app, busiest = newsroom
    queries = page_queries(app, language, busiest if feed == "section" else "all")
    assert len(queries) == 1
    shown = plan(app, *queries[0])
    if app.config["SYNDICATE_DATABASE_URL"].startswith("sqlite"):
        assert f"INDEX {INDEX[feed]} (" in shown, shown
        assert "TEMP B-TREE" not in shown, shown  # no sort: rows come in index order
        assert "SCAN articles" not in shown, shown
    else:
        assert f"Index Scan Backward using {INDEX[feed]} on articles" in shown or (
            f"Index Only Scan Backward using {INDEX[feed]} on articles" in shown
        ), shown
        assert "Sort" not in shown, shown
        assert "Seq Scan" not in shown, shown
        assert "hashed SubPlan" not in shown, shown

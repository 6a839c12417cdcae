"""Long changes as background operations: API answer time and the job's duration at scale.

    python -m benchmarks.ops_bench [--articles 100000] [--sections 50] [--repeat 3] [--postgres]
                                   [--json]

One run, per database (SQLite, and PostgreSQL with ``--postgres``):

1. generates the seeded corpus (``benchmarks.corpus``: bulk inserts; 60% English, every article
   with a ready machine translation into the other language) and publishes every feed once;
2. with the queue on disk (SQLite) and no worker running, times the editor API's answer to
   - a glossary change: ``POST /api/v1/glossary`` (en→zh "Hongqiao", which the corpus mentions
     often; ``--all-changes``: then ``PATCH`` and ``DELETE`` of that term);
   - a section rename: ``PATCH /api/v1/sections/<busiest>`` with a new name;
   each answer is 202 with the operation, as soon as the change is committed;
3. runs each queued operation as ``syndicate worker`` would (the huey task, in this process)
   and times it: marking the stale translations is the work the request used to do before
   answering (41 s at 100,000 articles in the issue's measurements); re-publication is what the
   rename's outbox entries ask for (the request used to re-publish everything: 8.5 s).

Timings depend on what else the machine runs; the medians of ``--repeat`` runs are reported.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from benchmarks import corpus

POSTGRES_URL = os.environ.get(
    "SYNDICATE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TERM = {"source_language": "en", "target_language": "zh", "source_term": "Hongqiao"}


@dataclass
class Row:
    database: str
    articles: int
    change: str
    api_ms: float  # median answer time of the editor API
    api_status: int
    job_seconds: float  # median duration of the background operation
    result: dict


def _app(root: Path, database_url: str):
    from syndicate import create_app

    return create_app(
        {
            "SYNDICATE_DATABASE_URL": database_url,
            "SYNDICATE_INSTANCE_PATH": str(root / "instance"),
            "SYNDICATE_FEEDS_DIR": str(root / "feeds"),
            "SYNDICATE_QUEUE_URL": f"sqlite:///{root / 'instance' / 'queue.db'}",
            "SYNDICATE_SECRET_KEY": "benchmark",
            "SYNDICATE_AUTO_TRANSLATE": False,
            "SYNDICATE_LOG_LEVEL": "WARNING",
        }
    )


def _run_queued(app) -> tuple[float, list[int]]:
    """Run what the queue holds, as the worker would; returns seconds and operation ids."""
    from syndicate.translation import jobs

    huey = jobs.queue_for(app).huey
    started = time.perf_counter()
    ran = []
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran.append(task.args[0])
    return time.perf_counter() - started, ran


def _operation(app, operation_id: int) -> dict:
    from syndicate.storage import db
    from syndicate.storage import operations as store

    with db.database(app).session() as session:
        operation = store.get(session, operation_id)
        assert operation is not None and operation.status == "done", operation
        return dict(operation.result or {})


def _measure_once(app, request, attempt: int, label: str) -> tuple[float, int, float, dict]:
    """``request(attempt)`` -> 202 response; then its operation runs, as the worker would."""
    started = time.perf_counter()
    response = request(attempt)
    api = time.perf_counter() - started
    assert response.status_code == 202, response.get_json()
    seconds, ran = _run_queued(app)
    assert ran == [response.get_json()["operation"]["id"]], ran
    result = _operation(app, ran[0])
    print(f"  {label}: API {api * 1000:.1f} ms (202), job {seconds:.2f} s, {result}", flush=True)
    return api, response.status_code, seconds, result


def _row(database: str, articles: int, label: str, runs: list) -> Row:
    return Row(
        database,
        articles,
        label,
        round(statistics.median(r[0] for r in runs) * 1000, 1),
        runs[0][1],
        round(statistics.median(r[2] for r in runs), 2),
        runs[0][3],
    )


def _remove_term(app, term_id: int) -> None:
    from syndicate.storage import db
    from syndicate.storage import glossary as store

    with db.database(app).session() as session:
        store.delete(session, store.get(session, term_id))


def run(database: str, database_url: str, root: Path, args) -> list[Row]:
    from syndicate import publication
    from syndicate.storage import db, tokens

    engine = db.make_engine(database_url)
    report = corpus.build(engine, articles=args.articles, sections=args.sections)
    engine.dispose()
    print(f"{database}: {report.articles:,} articles in {report.seconds:.0f} s")
    app = _app(root, database_url)
    started = time.perf_counter()
    publication.publish_everything(app)
    print(f"  first publish of every feed: {time.perf_counter() - started:.1f} s")
    with app.app_context(), db.database(app).session() as session:
        _token_row, token = tokens.create(session, role="admin", label="benchmark")
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    # Warm up: the first request imports and opens the queue; editors meet a warm server.
    from syndicate.translation import jobs

    jobs.queue_for(app).huey.pending_count()
    client.get("/api/v1/sections", headers=auth)
    term_id: list[int] = []

    def add(_attempt: int):
        response = client.post("/api/v1/glossary", json=TERM, headers=auth)
        term_id[:] = [response.get_json()["id"]]
        return response

    def change(attempt: int):
        body = {"target_term": f"虹桥{attempt}"}
        return client.patch(f"/api/v1/glossary/{term_id[0]}", json=body, headers=auth)

    def remove(_attempt: int):
        return client.delete(f"/api/v1/glossary/{term_id[0]}", headers=auth)

    def rename(attempt: int):
        body = {"name": {"en": f"Renamed desk {attempt}", "zh": f"改名 {attempt}"}}
        return client.patch(f"/api/v1/sections/{report.busiest}", json=body, headers=auth)

    changes = {"glossary add": add, "section rename": rename}
    if args.all_changes:  # the term is added, changed, removed in turn: each marks as many
        changes = {"glossary add": add, "glossary change": change, "glossary remove": remove}
        changes["section rename"] = rename
    if args.only:
        changes = {label: request for label, request in changes.items() if args.only in label}
    measured: dict[str, list] = {label: [] for label in changes}
    for attempt in range(args.repeat):
        for label, request in changes.items():
            measured[label].append(_measure_once(app, request, attempt, label))
        if not args.all_changes and term_id:
            _remove_term(app, term_id[0])  # untimed: the next attempt adds it again
    rows = [_row(database, args.articles, label, runs) for label, runs in measured.items()]
    db.database(app).dispose()
    return rows


def _postgres_database(name: str) -> str:
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return POSTGRES_URL.rsplit("/", 1)[0] + "/" + name


def _drop_postgres(name: str) -> None:
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--sections", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3, choices=range(1, 4))
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL too")
    parser.add_argument("--all-changes", action="store_true", help="glossary change and remove too")
    parser.add_argument("--only", choices=["glossary", "section"], help="one kind of change")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="ops-bench-") as tmp:
        root = Path(tmp)
        sqlite_url = f"sqlite:///{root / 'sqlite' / 'syndicate.db'}"
        rows += run("SQLite", sqlite_url, root / "sqlite", args)
        if args.postgres:
            name = f"syndicate_ops_bench_{os.getpid()}"
            try:
                url = _postgres_database(name)
                rows += run("PostgreSQL", url, root / "postgres", args)
            finally:
                _drop_postgres(name)
    if args.json:
        print(json.dumps([asdict(row) for row in rows], indent=2))
        return
    print("\n| database | articles | change | API answer | job duration | result |")
    print("| --- | ---: | --- | ---: | ---: | --- |")
    for row in rows:
        result = ", ".join(f"{k} {v}" for k, v in row.result.items() if k != "sections")
        print(
            f"| {row.database} | {row.articles:,} | {row.change} | {row.api_ms} ms "
            f"({row.api_status}) | {row.job_seconds} s | {result} |"
        )


if __name__ == "__main__":
    main()

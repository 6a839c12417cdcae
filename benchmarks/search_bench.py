"""Search latency on a seeded corpus: ``GET /api/v1/articles?q=…`` as the API runs it
(``storage.articles.list_page`` with a query, first page of 20, with its total count).

A fixed mix of queries an editor would type: English words (rare and frequent), Chinese words
found inside runs without spaces (``虹桥`` in ``虹桥商务区管委会``), single characters, two-word
queries, a query with a filter, and queries that match nothing. Each query runs ``--rounds``
times after one warm-up; the report gives p50, p95 and max over every run, per engine: wall
time, and (SQLite) the CPU time of the process, which is what a query costs on a core of its
own when other processes share the machine (SQLite runs inside the process).

    python -m benchmarks.search_bench --articles 100000
    python -m benchmarks.search_bench --articles 100000 --postgres-url postgresql+psycopg://postgres@127.0.0.1/test
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from benchmarks import corpus
from syndicate.storage import articles as article_store
from syndicate.storage import db

QUERIES: list[tuple[str, dict]] = [
    ("Hongqiao", {}),
    ("freight rail", {}),
    ("hydrogen", {}),
    ("consultation", {"language": "en"}),
    ("Tongji University", {}),
    ("carbon accounting", {"status": "published"}),
    ("虹桥", {}),
    ("商务区", {}),
    ("加氢站", {}),
    ("孵化器", {}),
    ("跨境数据", {"language": "zh"}),
    ("机器人", {}),
    ("桥", {}),
    ("同济大学", {}),
    ("碳核算", {}),
    ("zeppelin", {}),
    ("飞艇", {}),
    ("Suzhou robotics", {}),
    ("night-time bus", {}),
    ("滨水公园", {}),
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(url: str, rounds: int) -> dict:
    engine = db.make_engine(url)
    timings: list[float] = []
    cpu: list[float] = []
    per_query: dict[str, dict] = {}
    try:
        with Session(engine) as session:
            for query, params in QUERIES:
                filters = article_store.ArticleFilter(query=query, **params)
                article_store.list_page(session, filters, limit=20, offset=0)  # warm-up
                runs = []
                cpu_runs = []
                for _ in range(rounds):
                    started, cpu_started = time.perf_counter(), time.process_time()
                    _rows, total = article_store.list_page(session, filters, limit=20, offset=0)
                    runs.append((time.perf_counter() - started) * 1000)
                    cpu_runs.append((time.process_time() - cpu_started) * 1000)
                timings += runs
                cpu += cpu_runs
                per_query[f"{query} {params or ''}".strip()] = {
                    "total": total,
                    "p50_ms": round(statistics.median(runs), 1),
                    "cpu_p50_ms": round(statistics.median(cpu_runs), 1),
                }
    finally:
        engine.dispose()
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "max_ms": round(max(timings), 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "cpu_p95_ms": round(percentile(cpu, 0.95), 1),
        "load_average": [round(x, 1) for x in os.getloadavg()],
        "queries": per_query,
    }


def _postgres_database(admin_url: str, name: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--sections", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sqlite-path", help="reuse (or make) this SQLite corpus")
    parser.add_argument("--postgres-url", help="also measure PostgreSQL (a scratch database)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the corpora a previous run left (the SQLite path, the PostgreSQL "
        "database syndicate_search_bench) without building them again",
    )
    parser.add_argument("--output", help="write the report as JSON here")
    args = parser.parse_args(argv)
    report: dict = {"articles": args.articles}
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(args.sqlite_path or Path(scratch) / "search.db")
        url = f"sqlite:///{path}"
        if not path.exists():
            engine = db.make_engine(url)
            built = corpus.build(engine, articles=args.articles, sections=args.sections)
            engine.dispose()
            print(f"sqlite corpus: {args.articles} articles in {built.seconds:.0f} s")
        report["sqlite"] = measure(url, args.rounds)
        lite = report["sqlite"]
        print(
            f"sqlite: p50 {lite['p50_ms']} ms, p95 {lite['p95_ms']} ms (CPU p50 "
            f"{lite['cpu_p50_ms']} ms, p95 {lite['cpu_p95_ms']} ms, load {lite['load_average']})"
        )
    if args.postgres_url:
        name = "syndicate_search_bench"
        if args.reuse:
            url = args.postgres_url.rsplit("/", 1)[0] + "/" + name
        else:
            url = _postgres_database(args.postgres_url, name)
            engine = db.make_engine(url)
            built = corpus.build(engine, articles=args.articles, sections=args.sections)
            engine.dispose()
            print(f"postgresql corpus: {args.articles} articles in {built.seconds:.0f} s")
        report["postgresql"] = measure(url, args.rounds)
        pg = report["postgresql"]
        print(f"postgresql: p50 {pg['p50_ms']} ms, p95 {pg['p95_ms']} ms")
    text_report = json.dumps(report, ensure_ascii=False, indent=2)
    if args.output:
        Path(args.output).write_text(text_report)
    print(text_report)


if __name__ == "__main__":
    main()

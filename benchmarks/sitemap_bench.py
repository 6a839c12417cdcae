"""Sitemap rendering at scale: the full sitemaps of the seeded corpus, then one article edit.

Builds the corpus (``benchmarks.corpus``) in SQLite, then, through the publisher (no feed is
published: only the sitemap targets are rendered, so the numbers are the sitemaps' own):

1. full: ``sitemap:all`` + ``sitemap:news`` + ``robots`` marked and drained, and the folder
   synced (every child, the index, the news sitemap and robots.txt rendered, compressed, stored
   and written);
2. edit: one article's title changed through the ORM (the storage hooks mark its targets);
   the sitemap targets it dirtied are rendered and stored (its child), then the index they
   mark (the 48-hour news sitemap is not dirtied: the corpus is older).

    nice -n 19 python -m benchmarks.sitemap_bench --articles 100000 --workdir /tmp/sitemap-bench
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from benchmarks import corpus


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(articles: int, sections: int, workdir: Path) -> dict:
    from sqlalchemy import select

    from syndicate import config, create_app, publication
    from syndicate.feed import sitemap
    from syndicate.publication import mirror, publisher, targets
    from syndicate.storage import db, outbox
    from syndicate.storage.models import Article, OutboxEntry, utcnow

    workdir.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{workdir / 'sitemaps.db'}"
    engine = db.make_engine(url)
    built = corpus.build(engine, articles=articles, sections=sections)
    engine.dispose()
    app = create_app(
        config.load(
            environ={
                "SYNDICATE_DATABASE_URL": url,
                "SYNDICATE_INSTANCE_PATH": str(workdir / "instance"),
                "SYNDICATE_FEEDS_DIR": str(workdir / "feeds"),
                # Nothing publishes inline: the benchmark drains what it means to measure.
                "SYNDICATE_QUEUE_URL": f"sqlite:///{workdir / 'queue.db'}",
                "SYNDICATE_AUTO_TRANSLATE": "false",
                "SYNDICATE_SECRET_KEY": "bench",
                "SYNDICATE_LOG_LEVEL": "WARNING",
            }
        )
    )
    database = db.database(app)
    work = publisher.for_app(app)
    limit = app.config["SYNDICATE_SITEMAP_MAX_URLS"]
    result: dict = {
        "articles": articles,
        "max_urls": limit,
        "corpus_seconds": round(built.seconds, 1),
    }

    with database.session() as session:
        outbox.mark(
            session,
            targets.with_priority([targets.SITEMAP_ALL, targets.SITEMAP_NEWS, targets.ROBOTS]),
        )
    started, cpu = time.perf_counter(), _cpu()
    report = publication.settle(app)
    result["full"] = {
        "seconds": round(time.perf_counter() - started, 2),
        "cpu_seconds": round(_cpu() - cpu, 2),
        "documents": len(report.stored),
        "bytes": sum((workdir / "feeds" / p).stat().st_size for p in report.stored),
    }

    # One edit, in the middle of the corpus.
    with database.session() as session:
        article = session.scalar(
            select(Article).where(Article.status == "published", Article.id >= articles // 2)
        )
        article.original.title = f"{article.original.title} (edited)"
        article.updated_at = utcnow()  # what the editorial services set: its lastmod moves
        edited = article.id
    with database.session() as session:
        dirty = sorted(
            t
            for (t,) in session.execute(select(OutboxEntry.target))
            if t.startswith(("sitemap", "robots"))
        )
    with database.session() as session:
        split = sitemap.is_split(session, limit)
    started, cpu = time.perf_counter(), _cpu()
    stored = []
    # A child's render marks the index (while the sitemap is split): render it after, as the
    # publisher's next batch would.
    for target in [*dirty, *([targets.SITEMAP_INDEX] if split else [])]:
        before = work.renders
        work.publish_site_now(target)
        stored.append((target, work.renders - before))
    mirror.for_app(app).sync()
    result["edit"] = {
        "article_id": edited,
        "child": sitemap.articles_path(sitemap.block_of(edited, sitemap.block_size(limit))),
        "dirty_sitemap_targets": dirty,
        "seconds": round(time.perf_counter() - started, 2),
        "cpu_seconds": round(_cpu() - cpu, 2),
        "renders": stored,
    }
    database.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--sections", type=int, default=20)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/sitemap-bench"))
    args = parser.parse_args()
    print(json.dumps(run(args.articles, args.sections, args.workdir), indent=2))


if __name__ == "__main__":
    main()

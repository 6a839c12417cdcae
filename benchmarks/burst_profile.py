"""Where a burst of translations spends its CPU, in one process, under cProfile.

    python -m benchmarks.burst_profile publisher [--translations 60]
    python -m benchmarks.burst_profile jobs [--translations 100]

Both build the seeded corpus (``benchmarks.corpus``: 2,000 articles in 10 sections) in a
PostgreSQL database of their own, then create ``--translations`` new published articles through
the API (a queue on disk: nothing is published or translated in the request).

- ``publisher``: stores a ready translation of each new article, one at a time, and drains the
  publisher after each (a publisher that keeps up with the translations): CPU per translation
  and per render, and the functions that took it. A drain takes the sitemaps at once, so each
  translation here also renders ``sitemap.xml``: the render the publisher loop's gathering
  (``SYNDICATE_SITEMAP_DELAY``) saves.
- ``jobs``: runs the translation jobs of the new articles one after the other, as a worker's
  thread does, with the tiny genuine Argos packages of ``tests/support/tiny_argos.py``: wall
  and CPU per job against the model's own share (``Engine.translate_segments``).

The profile (``--top`` rows, by cumulative time) says where to look; the hosts benchmark
(``make bench-hosts``) measures what a change is worth with every process running.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import tempfile
import time
from pathlib import Path

from benchmarks import corpus, deploy
from benchmarks.hosts_bench import payloads


def _app(workdir: Path, url: str, **settings):
    from tests.conftest import make_app

    return make_app(
        workdir,
        url,
        SYNDICATE_QUEUE_URL=f"sqlite:///{workdir / 'queue.db'}",
        SYNDICATE_AUTO_TRANSLATE=False,
        **settings,
    )


def _new_articles(app, count: int) -> list[int]:
    from syndicate.storage import articles as article_store
    from syndicate.storage import db
    from tests.conftest import _token

    client = app.test_client()
    auth = {"Authorization": f"Bearer {_token(app, 'editor')}"}
    slugs = [slug for slug, _en, _zh in corpus.section_topics(10)]
    public_ids = []
    for payload in payloads(count, slugs, "profile"):
        response = client.post("/api/v1/articles", json=payload, headers=auth)
        assert response.status_code == 201, response.get_json()
        public_ids.append(response.get_json()["id"])
    with db.database(app).session() as session:
        return [article_store.get(session, public_id).id for public_id in public_ids]


def profile_publisher(workdir: Path, url: str, count: int, profile: cProfile.Profile) -> str:
    from syndicate import publication
    from syndicate.publication import publisher
    from syndicate.storage import articles as article_store
    from syndicate.storage import db
    from syndicate.storage.models import Article, utcnow

    app = _app(workdir, url)
    publication.publish_everything(app)
    ids = _new_articles(app, count)
    work = publisher.for_app(app)
    work.drain()
    renders = stored = 0
    cpu = 0.0
    for article_id in ids:
        with db.database(app).session() as session:
            article = session.get(Article, article_id)
            source = article.original
            article_store.set_variant(
                session,
                article,
                "zh" if article.language == "en" else "en",
                title=f"({source.title})",
                summary=source.summary,
                body_html=source.body_html,
                image_caption=source.image_caption,
                image_alt=source.image_alt,
                origin="machine",
                source_revision=article.revision,
                engine="profile",
                status="ready",
                error=None,
                glossary_stale=False,
                updated_at=utcnow(),
            )
        started = time.process_time()
        profile.enable()
        report = work.drain()
        profile.disable()
        cpu += time.process_time() - started
        renders += report.rendered
        stored += len(report.stored)
    db.database(app).dispose()
    return (
        f"{count} translations: {renders} renders, {stored} documents stored, {cpu:.2f} CPU s "
        f"(profiled): {cpu / count * 1000:.0f} ms per translation, "
        f"{cpu / max(renders, 1) * 1000:.1f} ms per render"
    )


def profile_jobs(workdir: Path, url: str, count: int, profile: cProfile.Profile) -> str:
    home = workdir / "home"
    os.environ.update(
        {
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_CACHE_HOME": str(home / "cache"),
        }
    )
    from syndicate.storage import db
    from syndicate.translation import engine as engine_module
    from syndicate.translation import jobs, packages
    from syndicate.translation.service import engine_for
    from tests.support import fake_minisbd, tiny_argos

    built = tiny_argos.build_tiny_packages(workdir / "tiny", fake_minisbd.fake_minisbd_bytes())
    installed = workdir / "packages"
    installed.mkdir()
    packages.prepare_argos_environment(str(installed))
    for archive in built:
        packages.install_from_path(archive, installed)
    app = _app(workdir, url, SYNDICATE_ARGOS_PACKAGES_DIR=str(installed))
    job_ids = jobs.enqueue(app, _new_articles(app, count))
    engine = engine_for(app)
    for src, tgt in (("en", "zh"), ("zh", "en")):
        engine.load(src, tgt)
    model = [0.0]
    real = engine_module.Engine.translate_segments

    def timed(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return real(self, *args, **kwargs)
        finally:
            model[0] += time.perf_counter() - started

    engine_module.Engine.translate_segments = timed
    try:
        started, cpu = time.perf_counter(), time.process_time()
        profile.enable()
        for job_id in job_ids:
            jobs.run_job(app, job_id)
        profile.disable()
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        engine_module.Engine.translate_segments = real
    db.database(app).dispose()
    return (
        f"{len(job_ids)} jobs: {wall:.2f} s wall, {cpu:.2f} CPU s (profiled), the model "
        f"{model[0]:.2f} s: {(wall - model[0]) / len(job_ids) * 1000:.0f} ms per job besides it"
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["publisher", "jobs"])
    parser.add_argument("--translations", type=int, default=None)
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args(argv)
    count = args.translations or (60 if args.what == "publisher" else 100)
    profile = cProfile.Profile()
    with tempfile.TemporaryDirectory() as folder, deploy.postgres_database("profile") as url:
        from syndicate.storage import db

        engine = db.make_engine(url)
        corpus.build(engine, articles=2000, sections=10)
        engine.dispose()
        run = profile_publisher if args.what == "publisher" else profile_jobs
        summary = run(Path(folder), url, count, profile)
    stats = pstats.Stats(profile)
    stats.sort_stats("cumulative").print_stats(args.top)
    print(summary)


if __name__ == "__main__":
    main()

"""Publication for many hosts: today's design against the previous one, side by side in one run.

    python -m benchmarks.hosts_bench [--json] [--quick]        (make bench-hosts)

On this machine, with real processes, one PostgreSQL and one Redis (``deploy``):

- **today**: three web hosts (``syndicate serve --no-worker``), each with its own folder kept in
  step by its mirror, and two ``syndicate worker`` processes publishing from the outbox;
- **previous**: the commit before the publication rewrite (``git archive`` of it in a temporary
  folder), three ``syndicate serve --no-worker`` hosts on one shared folder (the only way its
  hosts serve the same bytes), rendering each edit inside the editor's request.

Measured, on a seeded corpus (``benchmarks.corpus``) in the same run for both designs:

1. edit API latency with 8 concurrent editors (threads, each PATCHing its own article through
   the three hosts round-robin), p50/p99;
2. API answer → page 1 updated on all three hosts (a 9th editor polls every host's feed until
   it shows its edit), under that load and idle;
3. archives after a deep crawl (every archive page of several feeds) and 100 edits: files,
   bytes, and how many were re-rendered or deleted;
4. (today only) 200 published articles translated by 1, 2 and 4 workers (tiny genuine Argos
   packages, ``tests/support/tiny_argos.py``) against the same translations by the engine alone;
5. (today only) ``publication.publish_everything`` on a corpus of many articles in 200 sections,
   on SQLite and PostgreSQL: time, documents, database size.

The machine is shared: compare the ratios within one run, not absolute numbers across runs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks import corpus, deploy
from benchmarks.deploy import Client, Deployment

EDITORS = 8


def percentiles(samples: list[float]) -> dict:
    if not samples:
        return {"n": 0}
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(at(0.99) * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def database_engine(url: str):
    from sqlalchemy import create_engine

    return create_engine(url)


def newest_articles(url: str, count: int, *, spread: bool = True) -> list[tuple[str, str]]:
    """``(public_id, section)`` of the newest published English articles, in different
    sections where possible: each is on page 1 of its section's feeds and of ``all``."""
    from sqlalchemy import text

    engine = database_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT a.public_id, s.slug FROM articles a JOIN sections s ON s.id = a.section_id "
                "WHERE a.status = 'published' AND a.language = 'en' "
                "ORDER BY a.published_at DESC LIMIT 200"
            )
        ).all()
    engine.dispose()
    chosen, seen = [], set()
    for public_id, slug in rows if spread else []:  # first one per section, then the rest
        if slug not in seen:
            chosen.append((public_id, slug))
            seen.add(slug)
    chosen += [r for r in rows if r not in chosen]
    return [tuple(r) for r in chosen[:count]]


# 1 and 2: editors and propagation ----------------------------------------------------------------


def _title_on_every_host(ports, path: str, title: bytes, since: float, timeout: float):
    """Poll every host's feed until each shows ``title``; the time the last one did."""
    clients = {port: Client(port) for port in ports}
    seen: dict[int, float] = {}
    deadline = since + timeout
    while len(seen) < len(clients) and time.perf_counter() < deadline:
        for port, client in clients.items():
            if port not in seen and title in client.request("GET", path)[2]:
                seen[port] = time.perf_counter()
        time.sleep(0.01)
    for client in clients.values():
        client.close()
    return max(seen.values()) if len(seen) == len(clients) else None


def lock_waits(url: str, stop: threading.Event, found: list[int]) -> None:
    """Sample how many sessions of the database wait on a lock (row locks of hot rows)."""
    from sqlalchemy import text

    engine = database_engine(url)
    with engine.connect() as connection:
        while not stop.is_set():
            found.append(
                connection.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND wait_event_type = 'Lock'"
                    )
                )
            )
            connection.commit()
            stop.wait(0.05)
    engine.dispose()


def edit_load(
    ports: list[int],
    token: str,
    articles,
    seconds: float,
    idle_probes: int,
    url: str,
    *,
    pace: float = 0.0,
    deployment: Deployment | None = None,
) -> dict:
    """``pace`` 0: each editor sends its next edit as soon as the last one is answered (the
    machine's saturation); otherwise every ``pace`` seconds (open loop: a slow answer does not
    slow the arrivals down)."""
    auth = {"Authorization": f"Bearer {token}"}
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    failures: dict[str, int] = {}
    probe = {"answer_to_all_hosts": [], "request_to_all_hosts": [], "missed": 0}
    lock = threading.Lock()

    def editor(number: int) -> None:
        public_id, _section = articles[number]
        clients = [Client(port, auth) for port in ports]
        path = f"/api/v1/articles/{public_id}"
        revision = clients[0].json("GET", path)[1]["revision"]
        edit = 0
        # Editors start spread over one period so their edits do not arrive in lockstep.
        due = time.monotonic() + pace * number / EDITORS
        while time.monotonic() < deadline:
            if pace:
                time.sleep(max(0.0, due - time.monotonic()))
                due += pace
            client = clients[(number + edit) % len(clients)]
            started = time.perf_counter()
            status, body = client.json(
                "PATCH", path, {"title": f"Editor {number} edit {edit}", "revision": revision}
            )
            took = time.perf_counter() - started
            with lock:
                latencies.append(took)
                if status != 200:
                    failures[str(status)] = failures.get(str(status), 0) + 1
            if status == 200:
                revision = body["revision"]
            else:
                revision = clients[0].json("GET", path)[1].get("revision", revision)
            edit += 1
        for client in clients:
            client.close()

    def prober(public_id: str, section: str, until, limit: int | None) -> None:
        client = Client(ports[0], auth)
        path = f"/api/v1/articles/{public_id}"
        revision = client.json("GET", path)[1]["revision"]
        number = 0
        while until() and (limit is None or number < limit):
            title = f"Probe {os.getpid()} {time.monotonic_ns()}"
            client.port = ports[number % len(ports)]
            client.close()
            sent = time.perf_counter()
            status, body = client.json("PATCH", path, {"title": title, "revision": revision})
            answered = time.perf_counter()
            if status != 200:
                revision = client.json("GET", path)[1].get("revision", revision)
                continue
            revision = body["revision"]
            last = _title_on_every_host(
                ports, f"/feeds/en/{section}.rss", title.encode(), answered, 15.0
            )
            if last is None:
                probe["missed"] += 1
            else:
                probe["answer_to_all_hosts"].append(last - answered)
                probe["request_to_all_hosts"].append(last - sent)
            number += 1
            time.sleep(0.1)
        client.close()

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(EDITORS)]
    threads.append(
        threading.Thread(
            target=prober, args=(*articles[EDITORS], lambda: time.monotonic() < deadline, None)
        )
    )
    stop, waits = threading.Event(), []
    sampler = threading.Thread(target=lock_waits, args=(url, stop, waits))
    sampler.start()
    cpu_before = _cpu(deployment)
    wall = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - wall
    cpu = {k: round(v - cpu_before.get(k, 0.0), 1) for k, v in _cpu(deployment).items()}
    stop.set()
    sampler.join()
    loaded = {k: percentiles(v) for k, v in probe.items() if k != "missed"}
    loaded["missed"] = probe["missed"]
    probe.update({"answer_to_all_hosts": [], "request_to_all_hosts": [], "missed": 0})
    prober(*articles[EDITORS], lambda: True, idle_probes)
    idle = {k: percentiles(v) for k, v in probe.items() if k != "missed"}
    idle["missed"] = probe["missed"]
    return {
        "editors": EDITORS,
        "pace_seconds": pace,
        "seconds": seconds,
        # Where the machine's cores went during the load (2 cores: at most 2 x wall seconds).
        "cpu_seconds": {**cpu, "wall": round(wall, 1)},
        "edits": len(latencies),
        "edits_per_second": round(len(latencies) / seconds, 1),
        "failures": failures,
        "latency": percentiles(latencies),
        "sessions_waiting_on_a_lock": {
            "mean": round(statistics.mean(waits), 2) if waits else None,
            "max": max(waits, default=None),
        },
        "propagation_under_load": loaded,
        "propagation_idle": idle,
    }


def _cpu(deployment: Deployment | None) -> dict[str, float]:
    """CPU seconds so far by role: web hosts, workers, PostgreSQL, this benchmark's threads."""
    if deployment is None:
        return {}
    found = {"hosts": 0.0, "workers": 0.0}
    for name, seconds in deployment.cpu_seconds().items():
        found["hosts" if name in deployment.hosts else "workers"] += seconds
    found["postgresql"] = deploy.postgres_cpu_seconds()
    found["benchmark"] = time.process_time()
    return found


# 3: archives ---------------------------------------------------------------------------------


def settled(
    deployment: Deployment, folders: list[Path], timeout: float = 120, *, feeds_only=False
) -> None:
    """Today's design: wait until the outbox is empty (``feeds_only``: of everything but the
    sitemaps and robots.txt, priority 2, which gather changes first) and every folder holds
    the newest generation."""
    from sqlalchemy import text

    engine = database_engine(deployment.database_url)
    count = "SELECT count(*) FROM publication_outbox" + (
        " WHERE priority < 2" if feeds_only else ""
    )

    def done() -> bool:
        with engine.connect() as connection:
            waiting = connection.scalar(text(count))
            generation = connection.scalar(text("SELECT generation FROM publication_state"))
        applied = []
        for folder in folders:
            with contextlib.suppress(FileNotFoundError, ValueError):
                applied.append(int((folder / ".generation").read_text()))
        return waiting == 0 and applied == [generation] * len(folders)

    try:
        deploy.wait_for(done, timeout, "publication to settle", 0.2)
    finally:
        engine.dispose()


def snapshot(folder: Path, marker: str) -> dict[str, tuple]:
    """``{path: (size, (inode, mtime_ns), content hash)}`` of the archive files, every coding."""
    found = {}
    for path in folder.rglob(f"{marker}*"):
        if path.is_file() and not path.name.startswith("."):
            data = path.read_bytes()
            st = path.stat()
            found[path.relative_to(folder).as_posix()] = (
                len(data),
                (st.st_ino, st.st_mtime_ns),
                hash(data),
            )
    return found


def crawl_archives(ports, feeds, marker: str, first: int, limit: int) -> dict:
    """GET every archive page of ``feeds`` until the first 404."""
    clients = [Client(port) for port in ports]
    pages, requests, started = {}, 0, time.perf_counter()
    for language, section, fmt in feeds:
        number = first
        while number <= limit:
            path = f"/feeds/{language}/{section}/{marker}{number}.{fmt}"
            status = clients[requests % len(clients)].request("GET", path)[0]
            requests += 1
            if status != 200:
                break
            number += 1
        pages[f"{language}/{section}.{fmt}"] = number - first
    for client in clients:
        client.close()
    return {
        "pages": pages,
        "requests": requests,
        "seconds": round(time.perf_counter() - started, 1),
    }


def edit_many(ports, token, articles, count: int) -> set[bytes]:
    """``count`` edits of ``articles`` round-robin; the titles they end with."""
    auth = {"Authorization": f"Bearer {token}"}
    clients = [Client(port, auth) for port in ports]
    revisions, titles = {}, {}
    for number in range(count):
        public_id, _section = articles[number % len(articles)]
        client = clients[number % len(clients)]
        path = f"/api/v1/articles/{public_id}"
        if public_id not in revisions:
            revisions[public_id] = client.json("GET", path)[1]["revision"]
        status, body = client.json(
            "PATCH", path, {"title": f"Unrelated edit {number}", "revision": revisions[public_id]}
        )
        if status == 200:
            titles[public_id] = f"Unrelated edit {number}".encode()
            revisions[public_id] = body["revision"]
        else:
            revisions.pop(public_id)
    for client in clients:
        client.close()
    return set(titles.values())


def compare(before: dict, after: dict, folder: Path, titles: set[bytes]) -> dict:
    identity = [p for p in before if not p.endswith((".gz", ".br"))]
    changed = [p for p in identity if p in after and after[p][1:] != before[p][1:]]
    related = [p for p in changed if any(t in (folder / p).read_bytes() for t in titles)]
    return {
        "files_before": len(identity),
        "files_after": len([p for p in after if not p.endswith((".gz", ".br"))]),
        "bytes_before": sum(v[0] for v in before.values()),
        "bytes_after": sum(v[0] for v in after.values()),
        "deleted": sum(1 for p in identity if p not in after),
        "rewritten": sum(1 for p in identity if p in after and after[p][1] != before[p][1]),
        "content_changed": sum(1 for p in identity if p in after and after[p][2] != before[p][2]),
        # Rewritten pages that hold an edited article (its new title), and the others.
        "rewritten_holding_an_edit": len(related),
        "rewritten_unrelated": len(changed) - len(related),
    }


def archives(design: str, deployment, token, articles, feeds, edits: int, limit: int) -> dict:
    ports = list(deployment.hosts.values())
    if design == "today":
        marker, first = "archive-", 1
        folders = [deployment.workdir / name for name in deployment.hosts]
    else:  # pages 2-5 were rendered with page 1; older ones on their first request
        marker, first = "page-", 2
        folders = [deployment.workdir / "shared-feeds"]
    crawl = crawl_archives(ports, feeds, marker, first, limit)
    if design == "today":
        settled(deployment, folders)
    before = [snapshot(folder, marker) for folder in folders]
    started = time.perf_counter()
    titles = edit_many(ports, token, articles, edits)
    if design == "today":
        settled(deployment, folders)
    after = [snapshot(folder, marker) for folder in folders]
    result = {
        "crawl": crawl,
        "edits": edits,
        "edited_articles": len(articles),
        "edit_seconds": round(time.perf_counter() - started, 1),
        "host_folder": compare(before[0], after[0], folders[0], titles),
    }
    if len(folders) > 1:
        result["identical_on_every_host"] = all(
            {p: v[2] for p, v in a.items()} == {p: v[2] for p, v in after[0].items()}
            and {p: v[1][1] for p, v in a.items()} == {p: v[1][1] for p, v in after[0].items()}
            for a in after[1:]
        )
    return result


# Deployments ---------------------------------------------------------------------------------


def start_design(design: str, code: Path, workdir: Path, url: str, args) -> tuple:
    """Build the corpus with that design's code, publish it once, start three hosts (and, today,
    two workers)."""
    deployment = Deployment(design, code, workdir, url, PAGE_SIZE=args.page_size)
    deployment.python(
        "-m",
        "benchmarks.corpus",
        "--database-url",
        url,
        "--articles",
        str(args.articles),
        "--sections",
        str(args.sections),
    )
    token = deployment.token()
    started = time.perf_counter()
    if design == "today":
        deployment.cli("publish")  # into the database (and a scratch folder)
    else:
        deployment.cli("publish", FEEDS_DIR=str(workdir / "shared-feeds"))
    first = time.perf_counter() - started
    shared = None if design == "today" else workdir / "shared-feeds"
    deployment.start_hosts(["host-a", "host-b", "host-c"], folder=shared)
    if design == "today":
        for name in ("worker-1", "worker-2"):
            deployment.worker(name)
        settled(deployment, [workdir / n for n in deployment.hosts])
    return deployment, token, first


def run_design(design: str, code: Path, workdir: Path, args, log) -> dict:
    with deploy.postgres_database(design) as url:
        log(f"{design}: corpus of {args.articles} articles in {args.sections} sections, 3 hosts")
        deployment, token, first = start_design(design, code, workdir, url, args)
        try:
            articles = newest_articles(url, EDITORS + 1)
            ports = list(deployment.hosts.values())
            log(f"{design}: {EDITORS} editors for {args.duration} s")
            load = edit_load(
                ports, token, articles, args.duration, args.idle_probes, url, deployment=deployment
            )
            if args.pace:
                log(f"{design}: {EDITORS} editors, one edit each every {args.pace} s")
                load["paced"] = edit_load(
                    ports,
                    token,
                    newest_articles(url, EDITORS + 1),
                    args.duration,
                    0,
                    url,
                    pace=args.pace,
                    deployment=deployment,
                )
            busiest = articles[0][1]
            feeds = [
                (lang, section, fmt)
                for lang, section in (("en", "all"), ("zh", "all"), ("en", busiest))
                for fmt in ("rss", "json")
            ]
            log(f"{design}: crawl of every archive page of {len(feeds)} feeds, then edits")
            # The newest articles: on page 1 of the crawled feeds, rarely in an archive page.
            newest = newest_articles(url, EDITORS, spread=False)
            # The previous design deletes the crawled pages at the first edit and takes seconds
            # per edit on this machine: a few edits show it.
            edits = args.archive_edits if design == "today" else args.previous_archive_edits
            kept = archives(design, deployment, token, newest, feeds, edits, args.crawl_limit)
            result = {
                "publish_first_seconds": round(first, 1),
                "edits": load,
                "archives": kept,
            }
            if design == "today" and not args.no_translation:
                deployment.stop_all()
                try:
                    result["translation"] = translation(deployment, token, workdir, args, log)
                except Exception as exc:  # reported; the other measurements stand
                    result["translation"] = {"error": repr(exc)}
            return result
        finally:
            deployment.stop_all()


# 4: translation --------------------------------------------------------------------------------


def payloads(count: int, sections: list[str], tag: str) -> list[dict]:
    writer = corpus._Writer(random.Random(corpus.SEED + 9))
    out = []
    for number in range(count):
        language = "en" if number % 5 < 3 else "zh"
        caption = writer.caption(language)
        out.append(
            {
                "section": sections[number % len(sections)],
                "language": language,
                "title": f"{writer.title(language)} {tag}-{number}",
                "summary": writer.summary(language),
                "body_html": writer.body(language, f"t/{number}", caption, caption),
                "author": "Bench Desk",
                "source": "Benchmark Wire",
                "image": {"url": f"/media/t/{number}.jpg", "caption": caption, "alt": caption},
                "status": "published",
            }
        )
    return out


def engine_alone(packages: Path, articles: list[dict], settings: dict) -> dict:
    """The same translations, by the engine alone in this process (one thread, the model
    loaded first), through the same pipeline and an in-memory translation memory."""
    from syndicate import config, create_app
    from syndicate.content.sanitize import clean_html
    from syndicate.translation import packages as package_store
    from syndicate.translation.glossary import Glossary
    from syndicate.translation.pipeline import MemoryCache, Translator
    from syndicate.translation.service import engine_for, translate_fields

    package_store.prepare_argos_environment(str(packages))
    app = create_app(config.load(environ=settings))
    engine = engine_for(app)
    for src, tgt in (("en", "zh"), ("zh", "en")):
        engine.load(src, tgt)
    cache = MemoryCache()
    batch = app.config["SYNDICATE_TRANSLATION_BATCH_SIZE"]
    started, cpu = time.perf_counter(), time.process_time()
    for article in articles:
        src = article["language"]
        tgt = "zh" if src == "en" else "en"
        translator = Translator(engine, src, tgt, glossary=Glossary({}, src), cache=cache)
        fields = {
            "title": article["title"],
            "summary": article["summary"],
            "body_html": clean_html(article["body_html"]),
            "image_caption": article["image"]["caption"],
            "image_alt": article["image"]["alt"],
        }
        translate_fields(translator, fields, batch_size=batch)
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
    }


def translation(deployment: Deployment, token: str, workdir: Path, args, log) -> dict:
    from sqlalchemy import text

    from tests.support import fake_minisbd, tiny_argos

    archives_dir = workdir / "tiny-argos"
    built = tiny_argos.build_tiny_packages(archives_dir, fake_minisbd.fake_minisbd_bytes())
    packages = workdir / "argos-packages"
    home = workdir / "home"
    argos_env = {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }
    deployment.env.update(argos_env)
    deployment.env["SYNDICATE_ARGOS_PACKAGES_DIR"] = str(packages)
    deployment.cli("models", "install", *map(str, built))
    deployment.env["SYNDICATE_AUTO_TRANSLATE"] = "true"
    deployment.start_hosts(["t-host-a", "t-host-b", "t-host-c"])
    ports = list(deployment.hosts.values())
    folders = [deployment.workdir / name for name in deployment.hosts]
    sections = corpus.section_topics(args.sections)
    slugs = [slug for slug, _en, _zh in sections]
    engine = database_engine(deployment.database_url)
    results: dict = {"articles": args.translate_articles, "workers": {}}
    auth = {"Authorization": f"Bearer {token}"}
    first = payloads(args.translate_articles, slugs, "alone")
    log(f"translation: {args.translate_articles} articles by the engine alone")
    results["engine_alone"] = engine_alone(
        packages,
        first,
        {k: v for k, v in deployment.env.items() if k.startswith("SYNDICATE_")},
    )
    for workers in args.translate_workers:
        log(f"translation: {args.translate_articles} articles, {workers} worker(s)")
        with engine.begin() as connection:  # the same model work each round
            connection.execute(text("DELETE FROM translation_memory"))
        names = [f"t-worker-{workers}-{n}" for n in range(workers)]
        for name in names:
            deployment.worker(name)
        time.sleep(3.0)  # connected to the queue (their models load on their first job)
        batch = payloads(args.translate_articles, slugs, f"w{workers}")
        created: list[str] = []
        lock = threading.Lock()
        cpu_before = _cpu(deployment)
        started = time.perf_counter()

        def create(offset: int, batch=batch, created=created, lock=lock) -> None:
            client = Client(ports[offset % len(ports)], auth)
            for payload in batch[offset::4]:
                status, body = client.json("POST", "/api/v1/articles", payload)
                if status == 201:
                    with lock:
                        created.append(body["id"])
            client.close()

        threads = [threading.Thread(target=create, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        api_done = time.perf_counter() - started

        def finished(created=created) -> bool:
            with engine.connect() as connection:
                open_jobs = connection.scalar(
                    text(
                        "SELECT count(*) FROM translation_jobs j JOIN articles a "
                        "ON a.id = j.article_id WHERE a.public_id = ANY(:ids) "
                        "AND j.status IN ('queued', 'running')"
                    ),
                    {"ids": created},
                )
                ready = connection.scalar(
                    text(
                        "SELECT count(*) FROM article_variants v JOIN articles a "
                        "ON a.id = v.article_id WHERE a.public_id = ANY(:ids) "
                        "AND v.origin = 'machine' AND v.status = 'ready'"
                    ),
                    {"ids": created},
                )
            return open_jobs == 0 and ready == len(created)

        deploy.wait_for(finished, 1800, "the translations", 0.2)
        translated = time.perf_counter() - started
        # Published: in every feed on every host. The sitemaps follow, after gathering the
        # burst's changes (SYNDICATE_SITEMAP_DELAY; at once in designs without it).
        settled(deployment, folders, timeout=600, feeds_only=True)
        total = time.perf_counter() - started
        cpu = {k: round(v - cpu_before.get(k, 0.0), 1) for k, v in _cpu(deployment).items()}
        settled(deployment, folders, timeout=600)
        everything = time.perf_counter() - started
        alone = results["engine_alone"]["seconds"]
        results["workers"][workers] = {
            "created": len(created),
            "api_seconds": round(api_done, 1),
            "translated_seconds": round(translated, 1),
            "published_on_every_host_seconds": round(total, 1),
            "sitemaps_too_seconds": round(everything, 1),
            "x_engine_alone": round(total / alone, 2) if alone else None,
            # Where the cores went (workers: translating and publishing; hosts: API, mirrors).
            "cpu_seconds": cpu,
        }
        for name in names:
            deployment.stop(name)
    engine.dispose()
    return results


# 5: publish everything at scale ------------------------------------------------------------------


def publish_all_at_scale(backend: str, articles: int, sections: int, workdir: Path) -> dict:
    from sqlalchemy import text

    from syndicate import config, create_app, publication
    from syndicate.storage import db, documents

    workdir.mkdir(parents=True, exist_ok=True)
    context = (
        deploy.postgres_database(f"scale{articles}")
        if backend == "postgresql"
        else contextlib.nullcontext(f"sqlite:///{workdir / 'scale.db'}")
    )
    with context as url:
        engine = db.make_engine(url)
        report = corpus.build(engine, articles=articles, sections=sections)
        engine.dispose()
        environ = {
            "SYNDICATE_DATABASE_URL": url,
            "SYNDICATE_INSTANCE_PATH": str(workdir / "instance"),
            "SYNDICATE_FEEDS_DIR": str(workdir / "feeds"),
            "SYNDICATE_QUEUE_URL": "memory:",
            "SYNDICATE_AUTO_TRANSLATE": "false",
            "SYNDICATE_SECRET_KEY": "bench",
            "SYNDICATE_LOG_LEVEL": "WARNING",
        }
        app = create_app(config.load(environ=environ))
        before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        with app.app_context():
            published = publication.publish_everything(app)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
        database = db.database(app)
        with database.session() as session:
            count = documents.count(session)
            if backend == "postgresql":
                stored = session.scalar(
                    text("SELECT pg_total_relation_size('published_documents')")
                )
            else:
                stored = session.scalar(
                    text(
                        "SELECT sum(length(body) + length(body_gzip) + length(body_br)) "
                        "FROM published_documents"
                    )
                )
        database.dispose()
        if backend == "postgresql":
            size = deploy.postgres_size(url)
        else:
            size = sum(p.stat().st_size for p in workdir.glob("scale.db*"))
        return {
            "articles": articles,
            "sections": sections,
            "corpus_seconds": round(report.seconds, 1),
            "seconds": round(seconds, 1),
            "cpu_seconds": round(
                after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1
            ),
            "renders": published.rendered,
            "documents": count,
            "documents_mb": round((stored or 0) / 2**20, 1),
            "database_mb": round(size / 2**20, 1),
            "folder_mb": round(
                sum(p.stat().st_size for p in (workdir / "feeds").rglob("*") if p.is_file())
                / 2**20,
                1,
            ),
        }


# Report ----------------------------------------------------------------------------------------


def ratios(results: dict) -> dict:
    today, previous = results.get("today"), results.get("previous")
    if not (today and previous):
        return {}

    def ratio(a, b):
        return round(a / b, 3) if a and b else None

    out = {}
    for key in ("p50_ms", "p99_ms"):
        out[f"edit_latency_{key}_today_over_previous"] = ratio(
            today["edits"]["latency"].get(key), previous["edits"]["latency"].get(key)
        )
        for case in ("propagation_under_load", "propagation_idle"):
            out[f"{case}_request_to_all_hosts_{key}_today_over_previous"] = ratio(
                today["edits"][case]["request_to_all_hosts"].get(key),
                previous["edits"][case]["request_to_all_hosts"].get(key),
            )
    out["edits_per_second_today_over_previous"] = ratio(
        today["edits"]["edits_per_second"], previous["edits"]["edits_per_second"]
    )
    return out


def table(results: dict) -> str:
    lines = ["", "design    | edits/s | edit p50 | edit p99 | answer→3 hosts p50/p99 (load)"]
    for design in ("today", "previous"):
        found = results.get(design)
        if not found:
            continue
        edits = found["edits"]
        latency, load = edits["latency"], edits["propagation_under_load"]["answer_to_all_hosts"]
        idle = edits["propagation_idle"]["answer_to_all_hosts"]
        lines.append(
            f"{design:9} | {edits['edits_per_second']:7} | {latency.get('p50_ms')} ms | "
            f"{latency.get('p99_ms')} ms | {load.get('p50_ms')}/{load.get('p99_ms')} ms "
            f"(idle {idle.get('p50_ms')}/{idle.get('p99_ms')} ms)"
        )
        paced = edits.get("paced")
        if paced:
            seen = paced["propagation_under_load"]["answer_to_all_hosts"]
            took = paced["latency"]
            lines.append(
                f"  paced   | {paced['edits_per_second']:7} | {took.get('p50_ms')} ms | "
                f"{took.get('p99_ms')} ms | {seen.get('p50_ms')}/{seen.get('p99_ms')} ms"
                f" (one edit per editor every {paced['pace_seconds']} s)"
            )
        kept = found["archives"]["host_folder"]
        lines.append(
            f"          archives: {kept['files_before']} files ({kept['bytes_before'] >> 10} KiB) "
            f"→ {kept['files_after']}; deleted {kept['deleted']}, rewritten {kept['rewritten']}"
            f" by {found['archives']['edits']} edits"
        )
    lines.append(json.dumps(results.get("ratios", {}), indent=1))
    if "translation" in results.get("today", {}):
        lines.append(json.dumps(results["today"]["translation"], indent=1))
    for backend, found in results.get("publish_all", {}).items():
        lines.append(f"publish-all {backend}: {json.dumps(found)}")
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="Print the results as JSON.")
    parser.add_argument("--quick", action="store_true", help="Smaller and shorter (≤ 3 min).")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--sections", type=int, default=10)
    parser.add_argument("--page-size", type=int, default=20)
    parser.add_argument("--duration", type=float, default=20.0, help="Seconds of editing.")
    parser.add_argument("--idle-probes", type=int, default=10)
    parser.add_argument(
        "--pace",
        type=float,
        default=0.5,
        help="Also measure editors each sending one edit every PACE seconds (0: skip).",
    )
    parser.add_argument("--archive-edits", type=int, default=100)
    parser.add_argument("--previous-archive-edits", type=int, default=10)
    parser.add_argument("--crawl-limit", type=int, default=400)
    parser.add_argument("--translate-articles", type=int, default=200)
    parser.add_argument("--translate-workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--no-translation", action="store_true")
    parser.add_argument("--output", help="Also write the results (so far) to this JSON file.")
    parser.add_argument("--no-previous", action="store_true", help="Skip the previous design.")
    parser.add_argument("--scale-articles", type=int, default=10000)
    parser.add_argument("--scale-sections", type=int, default=200)
    parser.add_argument(
        "--scale-backends", nargs="*", default=None, help="sqlite postgresql; empty: skip."
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.articles, args.duration, args.idle_probes = 600, 8.0, 5
        args.archive_edits, args.previous_archive_edits, args.translate_articles = 30, 5, 40
        args.translate_workers = [1, 2]
        args.scale_articles = 2000
    if args.scale_backends is None:
        args.scale_backends = ["sqlite"] if args.quick else ["sqlite", "postgresql"]
    return args


def main(argv=None) -> None:
    args = parse_args(argv)

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    results: dict = {"settings": {k: v for k, v in vars(args).items()}}

    def save() -> None:  # what was measured so far survives a failure later in the run
        if args.output:
            Path(args.output).write_text(json.dumps(results, indent=1))

    workdir = Path(tempfile.mkdtemp(prefix="hosts-bench-"))
    try:
        results["today"] = run_design("today", deploy.ROOT, workdir / "today", args, log)
        save()
        commit = None if args.no_previous else deploy.previous_commit()
        if commit:
            code = deploy.unpack(commit, workdir / "previous-code")
            results["previous"] = run_design("previous", code, workdir / "previous", args, log)
            results["previous"]["commit"] = commit
        results["ratios"] = ratios(results)
        save()
        results["publish_all"] = {}
        for backend in args.scale_backends:
            log(f"publish-all: {args.scale_articles} articles × {args.scale_sections} on {backend}")
            results["publish_all"][backend] = publish_all_at_scale(
                backend, args.scale_articles, args.scale_sections, workdir / f"scale-{backend}"
            )
            save()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(results, indent=1) if args.json else table(results))


if __name__ == "__main__":
    main()

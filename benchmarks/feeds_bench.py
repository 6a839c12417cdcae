"""Feed serving benchmark: syndicate vs a naive Flask + feedgen app vs nginx, side by side.

    python -m benchmarks.feeds_bench [--articles 5000] [--sections 10] [--duration 10] [--json]

One run, on loopback ports of this machine (needs ``wrk`` and ``nginx``):

1. generates a seeded corpus (``benchmarks.corpus``, bulk inserts) in a temporary SQLite
   instance and publishes every feed into its ``feeds/`` folder (``syndicate publish``'s code);
2. starts syndicate under gunicorn (the README's production recipe, and ``syndicate serve`` as
   shipped), the naive baseline (``benchmarks/naive_app.py``, gunicorn, 2 sync workers) on the
   same database, and nginx with the README's snippet on the same ``feeds/``;
3. checks that nginx serves byte-identical feeds, then loads each server with wrk: a full
   200 GET, a gzip GET and a conditional GET (304), on the busiest section's 50-item RSS feed;
4. counts database queries and renders per 304 and per 200 in-process;
5. measures the publish-to-file latency: an edit through the editor API until every file of the
   section's first page (2 languages x 3 formats) is rewritten;
6. reads the web workers' resident memory after the load, and after a crawl of every file;
7. measures the cost of rendering one feed at 1,000 and 100,000 articles in 50 sections, on
   SQLite and (when reachable) PostgreSQL, with the feed query's plan.

Timings depend on what else the machine runs: the ratios, taken within one run, are the
numbers to compare. ``--compare-servers`` adds other WSGI servers; servers that are not
installed are skipped.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

from benchmarks import corpus, deploy, nginx

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = "https://news.example.com"
PAGE_SIZE = 50
FORMATS = ("rss", "atom", "json")
LANGUAGES = ("en", "zh")
POSTGRES_URL = os.environ.get(
    "SYNDICATE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\n{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, '
    .. '"errors": %d, "status_errors": %d}\\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
"""
WRK_CRAWL = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format(nil, paths[i %% #paths + 1])
end
"""


# Processes -----------------------------------------------------------------------------------


def free_port() -> int:
    return nginx.free_port()


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    description: str
    log: IO[bytes]

    @property
    def pids(self) -> list[int]:
        """The worker processes (children of the master), or the process itself."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            pids = [int(p) for p in children.read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            pids = []
        return pids or [self.process.pid]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wait_listening(port: int, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def start(name: str, command: list[str], env: dict, port: int, log: Path, description: str):
    handle = open(log, "wb")  # noqa: SIM115 - closed by stop()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # one process group: the master and its workers stop together
    )
    server = Server(name, port, process, description, handle)
    try:
        wait_listening(port, process)
    except (RuntimeError, TimeoutError) as exc:
        stop(server)
        raise RuntimeError(
            f"{name} did not start: {exc}\n{log.read_text(errors='replace')}"
        ) from None
    return server


def stop(server: Server) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()
    server.log.close()


# HTTP ----------------------------------------------------------------------------------------


def get(port: int, path: str, headers: dict | None = None, method: str = "GET", body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    if isinstance(body, str):
        body = body.encode()
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@dataclass
class Load:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    mb_per_s: float
    errors: int
    status: int  # what a single request of the case answers, checked before the load


def wrk(port: int, path: str, headers: dict, args, script: str = "") -> Load:
    status, _h, _b = get(port, path, headers)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script + WRK_REPORT)
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "-s",
        lua.name,
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    try:
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(lua.name)
    report = json.loads(output.strip().splitlines()[-1])
    seconds = report["duration_us"] / 1e6
    return Load(
        requests_per_s=report["requests"] / seconds,
        p50_ms=report["p50_us"] / 1000,
        p99_ms=report["p99_us"] / 1000,
        mb_per_s=report["bytes"] / seconds / 1e6,
        errors=report["errors"] + report["status_errors"],
        status=status,
    )


# The instance --------------------------------------------------------------------------------


@dataclass
class Instance:
    workdir: Path
    database_url: str
    feeds: Path
    env: dict
    section: str  # the busiest section: its feed has 50 items in both languages

    @property
    def feed_path(self) -> str:
        return f"/feeds/en/{self.section}.rss"


def instance_env(workdir: Path, database_url: str) -> dict:
    return {
        **os.environ,
        "SYNDICATE_DATABASE_URL": database_url,
        "SYNDICATE_INSTANCE_PATH": str(workdir / "instance"),
        "SYNDICATE_FEEDS_DIR": str(workdir / "feeds"),
        "SYNDICATE_BASE_URL": BASE_URL,
        "SYNDICATE_PAGE_SIZE": str(PAGE_SIZE),
        "SYNDICATE_SECRET_KEY": "benchmark",
        "SYNDICATE_AUTO_TRANSLATE": "false",
        "SYNDICATE_LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }


def make_app(env: dict):
    """The app as a worker builds it, from the instance's environment."""
    from syndicate import config, create_app

    return create_app(
        config.load(environ={k: v for k, v in env.items() if k.startswith("SYNDICATE_")})
    )


def publish_all(app) -> dict:
    from syndicate.publication import publisher

    report = publisher.for_app(app).publish_all()
    return {"documents": report.rendered, "files": len(report.written), "seconds": report.seconds}


def feed_files(root: Path) -> list[str]:
    """Every published file, as a URL path (the compressed copies are not URLs of their own)."""
    paths = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix not in (".gz", ".br") and not path.name.startswith("."):
            relative = path.relative_to(root).as_posix()
            paths.append("/feeds.opml" if relative == "feeds.opml" else f"/feeds/{relative}")
    return paths


# Measurements --------------------------------------------------------------------------------


def check_identical(instance: Instance, app_port: int, nginx_port: int) -> dict:
    """nginx and syndicate answer every published file with the same bytes (and the same
    bytes once gzip-decoded)."""
    import gzip

    checked, different = 0, []
    for path in feed_files(instance.feeds):
        for headers in ({}, {"Accept-Encoding": "gzip"}):
            ours = get(app_port, path, headers)
            theirs = get(nginx_port, path, headers)
            bodies = []
            for _status, response_headers, body in (ours, theirs):
                if response_headers.get("content-encoding") == "gzip":
                    body = gzip.decompress(body)
                bodies.append(body)
            checked += 1
            if ours[0] != 200 or theirs[0] != 200 or bodies[0] != bodies[1]:
                different.append(path)
    return {"responses_compared": checked, "different": sorted(set(different))}


def count_per_request(env: dict, path: str) -> dict:
    """Database queries and renders per request, in-process, for 200s and 304s."""
    from sqlalchemy import event

    from syndicate.publication import publisher
    from syndicate.storage import db

    app = make_app(env)
    queries = [0]

    def count(*_args, **_kwargs):
        queries[0] += 1

    engine = db.database(app).engine
    event.listen(engine, "before_cursor_execute", count)
    client = app.test_client()
    etag = client.get(path).headers["ETag"]
    result = {}
    for case, headers, expected in (
        ("200", {}, 200),
        ("gzip", {"Accept-Encoding": "gzip"}, 200),
        ("304", {"If-None-Match": etag}, 304),
    ):
        queries[0] = 0
        renders = publisher.for_app(app).renders
        n = 500
        statuses = {client.get(path, headers=headers).status_code for _ in range(n)}
        result[case] = {
            "queries_per_request": queries[0] / n,
            "renders_per_request": (publisher.for_app(app).renders - renders) / n,
            "statuses": sorted(statuses),
            "expected": expected,
        }
    event.remove(engine, "before_cursor_execute", count)
    db.database(app).dispose()
    return result


def publish_latency(instance: Instance, port: int, token: str, rounds: int = 3) -> dict:
    """Edit the newest article of the section through the API; time until each file of the
    section's first page (both languages, all formats) has been replaced."""
    from sqlalchemy import select

    from syndicate.storage import db as database
    from syndicate.storage.models import Article, Section

    engine = database.make_engine(instance.database_url)
    with engine.connect() as connection:
        public_ids = connection.scalars(
            select(Article.public_id)
            .join(Section, Section.id == Article.section_id)
            .where(Section.slug == instance.section, Article.status == "published")
            .order_by(Article.published_at.desc())
            .limit(rounds)
        ).all()
    engine.dispose()
    targets = [
        instance.feeds / lang / f"{instance.section}.{fmt}" for lang in LANGUAGES for fmt in FORMATS
    ]
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    samples = []
    for number, public_id in enumerate(public_ids, start=1):
        _s, _h, body = get(port, f"/api/v1/articles/{public_id}", auth)
        revision = json.loads(body)["revision"]
        before = {p: os.stat(p).st_mtime_ns for p in targets}
        all_before = {p: p.stat().st_mtime_ns for p in instance.feeds.rglob("*") if p.is_file()}
        changed: dict[Path, float] = {}
        done = threading.Event()

        def poll(before=before, changed=changed, done=done):
            while not done.is_set() and len(changed) < len(targets):
                for path in targets:
                    if path not in changed:
                        with contextlib.suppress(FileNotFoundError):
                            if os.stat(path).st_mtime_ns != before[path]:
                                changed[path] = time.perf_counter()
                time.sleep(0.0005)

        watcher = threading.Thread(target=poll, daemon=True)
        started = time.perf_counter()
        watcher.start()
        edit = {
            "title": f"Benchmark edit {number}: a new headline",
            "author": f"Desk {number}",
            "revision": revision,
        }
        status, _h, _b = get(port, f"/api/v1/articles/{public_id}", auth, "PATCH", json.dumps(edit))
        answered = time.perf_counter() - started
        watcher.join(timeout=10)
        done.set()
        rewritten = sum(
            1
            for p, mtime in all_before.items()
            if p.exists() and p.stat().st_mtime_ns != mtime and p.suffix not in (".gz", ".br")
        )
        samples.append(
            {
                "status": status,
                "files_of_page_1_rewritten": len(changed),
                "seconds_to_last_file": (max(changed.values()) - started) if changed else None,
                "api_response_seconds": answered,
                "feed_files_rewritten": rewritten,
            }
        )
    complete = [s["seconds_to_last_file"] for s in samples if s["files_of_page_1_rewritten"] == 6]
    return {
        "samples": samples,
        "median_seconds": statistics.median(complete) if complete else None,
        "max_seconds": max(complete) if complete else None,
    }


def crawl(server: Server, instance: Instance, args) -> dict:
    """Every published file in every coding, through all workers; then their memory."""
    paths = feed_files(instance.feeds)
    listing = instance.workdir / "crawl.txt"
    listing.write_text("\n".join(paths) + "\n")
    loads = {}
    short = argparse.Namespace(**{**vars(args), "duration": min(args.duration, 3)})
    for coding in ("identity", "gzip", "br"):
        headers = {} if coding == "identity" else {"Accept-Encoding": coding}
        loads[coding] = asdict(wrk(server.port, paths[0], headers, short, WRK_CRAWL % listing))
    return {
        "files": len(paths),
        "loads": loads,
        "worker_rss_mb": [round(rss_mb(pid), 1) for pid in server.pids],
    }


# Scale ---------------------------------------------------------------------------------------


def render_cost(database_url: str, workdir: Path, section: str, repeat: int) -> dict:
    """Median time to build one feed page from the database and render its three formats, a
    fresh session each time (as the publisher does), with the queries it ran."""
    from sqlalchemy import event

    from syndicate.feed import build
    from syndicate.feed.render import render
    from syndicate.storage import db

    env = instance_env(workdir, database_url)
    app = make_app(env)
    database = db.database(app)
    statements: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany):
        statements.append((statement, parameters))

    results = {}
    with app.app_context():
        for feed in (section, "all"):
            timings, build_timings = [], []
            for attempt in range(repeat + 2):
                statements.clear()
                event.listen(database.engine, "before_cursor_execute", record)
                started = time.perf_counter()
                with database.session() as session:
                    page = build.build_current(session, app.config, "en", feed)
                    built = time.perf_counter()
                    for fmt in FORMATS:
                        render(page.documents[fmt], fmt)
                finished = time.perf_counter()
                event.remove(database.engine, "before_cursor_execute", record)
                if attempt >= 2:  # the first ones warm the caches (as a long-lived worker has)
                    timings.append(finished - started)
                    build_timings.append(built - started)
            results[feed] = {
                "items": len(page.documents["rss"].items),
                "ms": statistics.median(timings) * 1000,
                "query_and_build_ms": statistics.median(build_timings) * 1000,
                "queries": len(statements),
                "plan": _plan(database.engine, statements),
            }
    database.dispose()
    return results


def _plan(engine, statements) -> list[str]:
    """The database's plan for the page query (the one ordered by published_at)."""
    page_query = next(
        ((s, p) for s, p in statements if "ORDER BY articles.published_at DESC" in s), None
    )
    if page_query is None:
        return []
    statement, parameters = page_query
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(prefix + statement, parameters).all()
    return [str(row[-1]) for row in rows]


@contextlib.contextmanager
def scale_database(backend: str, workdir: Path, label: str) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{workdir / f'scale-{label}.db'}"
        return
    with deploy.postgres_database(label) as url:
        yield url


def postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            pass
        from sqlalchemy import create_engine, text

        engine = create_engine(POSTGRES_URL)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


def scale(args, workdir: Path, log: Callable[[str], None]) -> dict:
    from syndicate.storage import db

    backends = ["sqlite"] + (["postgresql"] if postgres_reachable() else [])
    results: dict = {}
    for backend in backends:
        results[backend] = {}
        for articles in (args.scale_small, args.scale_articles):
            label = f"{backend}-{articles}"
            log(f"scale: {articles} articles in {args.scale_sections} sections on {backend}")
            (workdir / label).mkdir(parents=True, exist_ok=True)
            with scale_database(backend, workdir, str(articles)) as url:
                engine = db.make_engine(url)
                report = corpus.build(engine, articles=articles, sections=args.scale_sections)
                engine.dispose()
                cost = render_cost(url, workdir / label, report.busiest, args.scale_repeat)
            results[backend][articles] = {
                "corpus_seconds": report.seconds,
                "section": report.busiest,
                "section_articles": report.per_section[report.busiest],
                **cost,
            }
        small, large = (results[backend][n] for n in (args.scale_small, args.scale_articles))
        results[backend]["ratio"] = {
            feed: large[feed]["ms"] / small[feed]["ms"] for feed in (small["section"], "all")
        }
    return results


# Servers -------------------------------------------------------------------------------------


def gunicorn(app: str, port: int, *, workers: int, worker_class: str = "sync", threads: int = 1):
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
    ]
    if worker_class == "gthread":
        command += ["--threads", str(threads)]
    return [*command, app]


def server_specs(args) -> list[tuple[str, str, Callable[[int], list[str]]]]:
    """(name, description, command for a port) of every syndicate configuration to measure."""
    recipe = (
        "syndicate",
        f"gunicorn gthread, {args.workers} workers x {args.gthreads} threads (README recipe)",
        lambda port: gunicorn(
            args.app, port, workers=args.workers, worker_class="gthread", threads=args.gthreads
        ),
    )
    specs = [recipe]
    if args.app == "wsgi:app":
        specs.append(
            (
                "syndicate-serve",
                f"`syndicate serve --workers {args.workers}` as shipped "
                "(gunicorn gthread x 8 threads, no access log)",
                lambda port: [
                    sys.executable,
                    "-m",
                    "syndicate",
                    "serve",
                    "--port",
                    str(port),
                    "--workers",
                    str(args.workers),
                    *_serve_options(),
                ],
            )
        )
    if not args.compare_servers:
        return specs
    specs += [
        (
            "gunicorn-sync",
            f"gunicorn sync, {args.workers} workers, no access log",
            lambda port: gunicorn(args.app, port, workers=args.workers),
        ),
    ]
    if _importable("granian"):
        for name, app in (("granian", args.app),):
            specs.append(
                (
                    name,
                    f"granian WSGI, {args.workers} workers",
                    lambda port, app=app: [
                        sys.executable,
                        "-m",
                        "granian",
                        "--interface",
                        "wsgi",
                        "--workers",
                        str(args.workers),
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--no-ws",
                        "--log-level",
                        "warning",
                        app,
                    ],
                )
            )
    if _importable("gevent"):
        specs.append(
            (
                "gunicorn-gevent",
                f"gunicorn gevent, {args.workers} workers",
                lambda port: gunicorn(args.app, port, workers=args.workers, worker_class="gevent"),
            )
        )
    if _importable("waitress"):
        specs.append(
            (
                "waitress",
                "waitress, 1 process x 8 threads",
                lambda port: [
                    sys.executable,
                    "-m",
                    "waitress",
                    f"--port={port}",
                    "--host=127.0.0.1",
                    "--threads=8",
                    args.app,
                ],
            )
        )
    return specs


def _serve_options() -> list[str]:
    """No translation worker beside the web server: nothing here is translated, and it would
    take a core from the servers being measured."""
    from syndicate.cli.server import serve

    return ["--no-worker"] if any(p.name == "no_worker" for p in serve.params) else []


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


# The run -------------------------------------------------------------------------------------


@dataclass
class Results:
    settings: dict
    corpus: dict = field(default_factory=dict)
    publish_all: dict = field(default_factory=dict)
    feed: dict = field(default_factory=dict)
    servers: dict = field(default_factory=dict)
    loads: dict = field(default_factory=dict)
    identical: dict = field(default_factory=dict)
    per_request: dict = field(default_factory=dict)
    publish_latency: dict = field(default_factory=dict)
    memory: dict = field(default_factory=dict)
    scale: dict = field(default_factory=dict)
    ratios: dict = field(default_factory=dict)
    targets: dict = field(default_factory=dict)


CASES = {
    "200": lambda etag: {},
    "gzip": lambda etag: {"Accept-Encoding": "gzip"},
    "304": lambda etag: {"If-None-Match": etag},
}


def run(args) -> Results:
    results = Results(settings={k: v for k, v in vars(args).items() if k != "log"})
    log = args.log
    for tool in ("wrk",):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed: apt-get install -y wrk nginx")
    if nginx.executable() is None:
        raise SystemExit("nginx is not installed: apt-get install -y wrk nginx")
    workdir = Path(tempfile.mkdtemp(prefix="syndicate-bench-"))
    servers: list[Server] = []
    nginx_process = None
    try:
        database_url = f"sqlite:///{workdir / 'instance' / 'syndicate.db'}"
        (workdir / "instance").mkdir()
        from syndicate.storage import db

        engine = db.make_engine(database_url)
        report = corpus.build(engine, articles=args.articles, sections=args.sections)
        engine.dispose()
        results.corpus = asdict(report)
        log(f"corpus: {args.articles} articles, {args.sections} sections, {report.seconds:.1f} s")
        env = instance_env(workdir, database_url)
        instance = Instance(workdir, database_url, workdir / "feeds", env, report.busiest)
        app = make_app(env)
        results.publish_all = publish_all(app)
        log(
            f"published {results.publish_all['documents']} documents in "
            f"{results.publish_all['seconds']:.1f} s"
        )
        from syndicate.storage import tokens

        with app.app_context(), db.database(app).session() as session:
            _row, token = tokens.create(session, role="editor", label="benchmark")
        db.database(app).dispose()
        feed_file = instance.feeds / "en" / f"{instance.section}.rss"
        results.feed = {
            "path": instance.feed_path,
            "bytes": feed_file.stat().st_size,
            "gzip_bytes": feed_file.with_name(feed_file.name + ".gz").stat().st_size,
        }

        # Start everything side by side.
        for name, description, command in server_specs(args):
            port = free_port()
            servers.append(
                start(name, command(port), env, port, workdir / f"{name}.log", description)
            )
        naive_port = free_port()
        naive_env = {**env, "NAIVE_DATABASE_URL": database_url}
        servers.append(
            start(
                "naive",
                gunicorn("benchmarks.naive_app:app", naive_port, workers=2),
                naive_env,
                naive_port,
                workdir / "naive.log",
                "Flask + feedgen per request, gunicorn, 2 sync workers",
            )
        )
        syndicate = servers[0]
        nginx_process, nginx_port = nginx.start(
            workdir / "nginx", feeds_dir=instance.feeds, app_port=syndicate.port
        )
        results.servers = {s.name: s.description for s in servers}
        results.servers["nginx"] = "nginx, README snippet, worker_processes auto"
        status, headers, _ = get(syndicate.port, instance.feed_path)
        if status != 200 or "etag" not in headers:
            raise SystemExit(
                f"syndicate answered {status} without an ETag for {instance.feed_path}: "
                "is syndicate.publication wired into create_app?"
            )

        # Load first, on fresh workers: what they hold then is what one busy feed costs.
        targets = [(s.name, s.port) for s in servers] + [("nginx", nginx_port)]
        for name, port in targets:
            results.loads[name] = {}
            etag = get(port, instance.feed_path)[1].get("etag", '"none"')
            for case, headers in CASES.items():
                load = wrk(port, instance.feed_path, headers(etag), args)
                results.loads[name][case] = asdict(load)
                log(
                    f"{name:>18} {case:>4}: {load.requests_per_s:9.0f} req/s  "
                    f"p50 {load.p50_ms:7.2f} ms  p99 {load.p99_ms:7.2f} ms  "
                    f"(status {load.status}, {load.errors} errors)"
                )
        results.memory["after_load_mb"] = {
            s.name: [round(rss_mb(pid), 1) for pid in s.pids] for s in servers
        }
        # Then every file through every syndicate configuration: what a crawler costs.
        results.memory["crawl"] = {}
        for server in servers:
            if server.name != "naive":
                results.memory["crawl"][server.name] = crawl(server, instance, args)
                log(
                    f"crawl of {results.memory['crawl'][server.name]['files']} files: "
                    f"{server.name} worker RSS "
                    f"{results.memory['crawl'][server.name]['worker_rss_mb']} MB"
                )

        results.identical = check_identical(instance, syndicate.port, nginx_port)
        log(
            f"nginx vs syndicate: {results.identical['responses_compared']} responses, "
            f"{len(results.identical['different'])} different"
        )
        results.per_request = count_per_request(env, instance.feed_path)
        results.publish_latency = publish_latency(instance, syndicate.port, token)
        log(f"publish-to-file: {results.publish_latency['samples']}")
    finally:
        for server in servers:
            stop(server)
        if nginx_process is not None:
            nginx.stop(nginx_process)
    if args.scale:
        results.scale = scale(args, workdir, log)
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        log(f"kept {workdir}")
    _ratios(results)
    return results


def _ratios(results: Results) -> None:
    loads = results.loads
    rate = {
        name: {case: load["requests_per_s"] for case, load in cases.items()}
        for name, cases in loads.items()
    }
    ratios = {}
    for name in rate:
        if name in ("naive", "nginx"):
            continue
        ratios[name] = {
            f"{case}_vs_naive": rate[name][case] / rate["naive"][case] for case in CASES
        } | {f"{case}_vs_nginx": rate[name][case] / rate["nginx"][case] for case in CASES}
        ratios[name]["304_vs_200"] = rate[name]["304"] / rate[name]["200"]
    results.ratios = ratios
    main = ratios.get("syndicate", {})
    per_304 = results.per_request.get("304", {})
    latency = results.publish_latency.get("max_seconds")
    crawl_rss = results.memory.get("crawl", {}).get("syndicate", {}).get("worker_rss_mb", [])
    targets = {
        "200 >= 10x naive": main.get("200_vs_naive", 0) >= 10,
        "200 >= 0.25x nginx": main.get("200_vs_nginx", 0) >= 0.25,
        "304 rate >= 200 rate": main.get("304_vs_200", 0) >= 1,
        "0 queries and 0 renders per 304": per_304.get("queries_per_request") == 0
        and per_304.get("renders_per_request") == 0,
        "publish-to-file <= 1 s": latency is not None and latency <= 1.0,
        "nginx bytes identical": bool(results.identical) and not results.identical.get("different"),
        "worker RSS < 150 MB after load": all(
            v < 150 for v in results.memory.get("after_load_mb", {}).get("syndicate", [0])
        ),
        "worker RSS < 150 MB after crawling every file": bool(crawl_rss) and max(crawl_rss) < 150,
    }
    for backend, data in results.scale.items():
        for feed, ratio in data["ratio"].items():
            targets[f"scale {backend} {feed}: largest corpus <= 1.5x smallest"] = ratio <= 1.5
    results.targets = targets


def table(results: Results) -> str:
    lines = []
    feed = results.feed
    lines.append(
        f"Feed: {feed['path']} ({feed['bytes'] / 1024:.0f} KiB, gzip "
        f"{feed['gzip_bytes'] / 1024:.0f} KiB), {results.settings['articles']} articles in "
        f"{results.settings['sections']} sections; wrk -t{results.settings['threads']} "
        f"-c{results.settings['connections']} -d{results.settings['duration']}s"
    )
    lines.append("")
    lines.append("| server | case | req/s | p50 ms | p99 ms | MB/s | x naive | x nginx |")
    lines.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    naive, ngx = results.loads["naive"], results.loads["nginx"]
    for name, cases in results.loads.items():
        for case, load in cases.items():
            rate = load["requests_per_s"]
            lines.append(
                f"| {name} | {case} | {rate:,.0f} | {load['p50_ms']:.2f} | {load['p99_ms']:.2f} "
                f"| {load['mb_per_s']:,.0f} | {rate / naive[case]['requests_per_s']:.1f} "
                f"| {rate / ngx[case]['requests_per_s']:.2f} |"
            )
    lines.append("")
    for name, description in results.servers.items():
        lines.append(f"- {name}: {description}")
    lines.append("")
    per = results.per_request
    lines.append(
        "Per request, in-process: "
        + ", ".join(
            f"{case}: {v['queries_per_request']:g} queries, {v['renders_per_request']:g} renders"
            for case, v in per.items()
        )
    )
    pl = results.publish_latency
    lines.append(
        "Publish-to-file (API edit until the 6 files of the section's page 1 are replaced): "
        + ", ".join(
            f"{s['seconds_to_last_file'] * 1000:.0f} ms" if s["seconds_to_last_file"] else "n/a"
            for s in pl["samples"]
        )
        + " (API answered in "
        + ", ".join(f"{s['api_response_seconds'] * 1000:.0f}" for s in pl["samples"])
        + " ms; "
        + f"{pl['samples'][0]['feed_files_rewritten']} feed files rewritten per edit)"
    )
    pub = results.publish_all
    lines.append(
        f"Publish everything: {pub['documents']} documents in {pub['seconds']:.1f} s "
        f"({pub['seconds'] / max(pub['documents'], 1) * 1000:.1f} ms per document with gzip+br)"
    )
    identical = results.identical
    lines.append(
        f"nginx vs syndicate: {identical['responses_compared']} responses compared, "
        f"{len(identical['different'])} different"
    )
    memory = results.memory
    lines.append(
        "Worker RSS (MB) after load: "
        + "; ".join(f"{k} {v}" for k, v in memory["after_load_mb"].items())
    )
    for name, crawled in memory["crawl"].items():
        lines.append(
            f"Worker RSS (MB) of {name} after crawling all {crawled['files']} files in 3 "
            f"codings: {crawled['worker_rss_mb']} (crawl: "
            + ", ".join(
                f"{coding} {load['requests_per_s']:,.0f} req/s"
                for coding, load in crawled["loads"].items()
            )
            + ")"
        )
    if results.scale:
        lines.append("")
        lines.append(
            "| database | articles | feed | items | ms (build + 3 renders) | "
            "query+build ms | queries | x smaller |"
        )
        lines.append("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
        plans = []
        for backend, data in results.scale.items():
            sizes = [k for k in data if k != "ratio"]
            for size in sizes:
                entry = data[size]
                for feed_name in (entry["section"], "all"):
                    cost = entry[feed_name]
                    ratio = data["ratio"][feed_name] if size == sizes[-1] else 1.0
                    lines.append(
                        f"| {backend} | {int(size):,} | {feed_name} | {cost['items']} | "
                        f"{cost['ms']:.1f} | {cost['query_and_build_ms']:.1f} | "
                        f"{cost['queries']} | {ratio:.2f} |"
                    )
            largest = data[sizes[-1]]
            plans.append(
                f"{backend} plan of the page query at {int(sizes[-1]):,} articles: "
                + " / ".join(line.strip() for line in largest[largest["section"]]["plan"])
            )
        lines.append("")
        lines.extend(plans)
    lines.append("")
    lines.append("Targets:")
    for name, met in results.targets.items():
        lines.append(f"- [{'x' if met else ' '}] {name}")
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--sections", type=int, default=10)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="web worker processes")
    parser.add_argument("--gthreads", type=int, default=8, help="threads per gthread worker")
    parser.add_argument("--app", default="wsgi:app", help="WSGI app of syndicate")
    parser.add_argument(
        "--compare-servers",
        action="store_true",
        help="also measure other WSGI servers (those installed: granian, gevent, waitress)",
    )
    parser.add_argument(
        "--no-scale",
        dest="scale",
        action="store_false",
        help="skip the 1k vs 100k render-cost measurement",
    )
    parser.add_argument("--scale-articles", type=int, default=100_000)
    parser.add_argument("--scale-small", type=int, default=1_000)
    parser.add_argument("--scale-sections", type=int, default=50)
    parser.add_argument("--scale-repeat", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the temporary instance")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    args.log = lambda message: print(message, file=sys.stderr, flush=True)
    results = run(args)
    if args.json:
        print(json.dumps(asdict(results), indent=2, default=str))
    else:
        print(table(results))


if __name__ == "__main__":
    main()

"""Several hosts on one machine, as real processes: web hosts (``syndicate serve --no-worker``),
``syndicate worker`` processes, one PostgreSQL database and one Redis queue per deployment.

Used by ``benchmarks.hosts_bench``. A deployment runs the code of one checkout (``root``): this
one, or the previous design's, unpacked with ``git archive`` from the commit before the
publication rewrite (nothing in the repository's worktrees changes).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get(
    "SYNDICATE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("SYNDICATE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
BASE_URL = "https://news.example.com"
#: The commit that moved publication off the request; its parent is the previous design.
REWRITE_SUBJECT = "Publication for many hosts"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Client:
    """One keep-alive HTTP connection to a host (one per thread and host)."""

    def __init__(self, port: int, headers: dict[str, str] | None = None):
        self.port = port
        self.headers = headers or {}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: object = None, headers: dict | None = None):
        data = None if body is None else json.dumps(body).encode()
        merged = {**self.headers, **(headers or {})}
        if data is not None:
            merged["Content-Type"] = "application/json"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.connection.request(method, path, body=data, headers=merged)
                response = self.connection.getresponse()
                return response.status, dict(response.getheaders()), response.read()
            except TimeoutError:  # sent, maybe applied: never send a PATCH twice
                self.close()
                return 0, {}, b""
            except (http.client.HTTPException, OSError):  # a kept-alive connection closed
                self.close()
                if attempt == 2:
                    return 0, {}, b""
        return 0, {}, b""

    def json(self, method: str, path: str, body: object = None) -> tuple[int, dict]:
        status, _headers, data = self.request(method, path, body)
        try:
            return status, json.loads(data) if data else {}
        except ValueError:
            return status, {"raw": data[:200].decode(errors="replace")}

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def wait_for(predicate, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


# The previous design's code --------------------------------------------------------------------


def previous_commit() -> str | None:
    """The parent of the publication rewrite, if this checkout's history has it."""
    found = subprocess.run(
        ["git", "log", "--format=%H", f"--grep={REWRITE_SUBJECT}", "-n", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"{found}^" if found else None


def unpack(commit: str, target: Path) -> Path:
    """The tree of ``commit`` in ``target`` (``git archive``: no worktree is registered)."""
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile() as archive:
        subprocess.run(["git", "archive", commit], cwd=ROOT, stdout=archive, check=True)
        archive.seek(0)
        with tarfile.open(fileobj=archive) as tar:
            tar.extractall(target, filter="data")
    return target


# Databases -------------------------------------------------------------------------------------


@contextlib.contextmanager
def postgres_database(label: str) -> Iterator[str]:
    from sqlalchemy import create_engine, text

    name = f"syndicate_bench_{os.getpid()}_{label}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_size(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        size = connection.scalar(text("SELECT pg_database_size(current_database())"))
    engine.dispose()
    return int(size)


def _proc_stats() -> Iterator[dict]:
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        command = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        # fields[0] is state (field 3 of proc(5)): session is field 6, utime/stime 14/15.
        yield {
            "pid": int(entry.name),
            "command": command,
            "session": int(fields[3]),
            "cpu": (int(fields[11]) + int(fields[12])) / tick,
        }


def postgres_cpu_seconds() -> float:
    """CPU seconds of the PostgreSQL processes alive now (the server and its backends)."""
    return sum(stat["cpu"] for stat in _proc_stats() if stat["command"].startswith("postgres"))


# Processes -------------------------------------------------------------------------------------


class Deployment:
    """Hosts and workers of one design, sharing one database and one queue."""

    def __init__(self, name: str, code: Path, workdir: Path, database_url: str, **settings):
        self.name = name
        self.code = code
        self.workdir = workdir
        self.database_url = database_url
        workdir.mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SYNDICATE_")}
        self.env.update(
            {
                "PYTHONPATH": str(code),
                "SYNDICATE_DATABASE_URL": database_url,
                "SYNDICATE_QUEUE_URL": f"{REDIS_URL}?queue=hosts-bench-{os.getpid()}-{name}",
                "SYNDICATE_SECRET_KEY": "hosts-bench-shared-secret",
                "SYNDICATE_BASE_URL": BASE_URL,
                "SYNDICATE_INSTANCE_PATH": str(workdir / "instance"),
                "SYNDICATE_FEEDS_DIR": str(workdir / "feeds"),
                "SYNDICATE_AUTO_TRANSLATE": "false",
                "SYNDICATE_LOG_LEVEL": "WARNING",
                **{f"SYNDICATE_{k}": str(v) for k, v in settings.items()},
            }
        )
        self.processes: dict[str, subprocess.Popen] = {}
        self.hosts: dict[str, int] = {}

    def cli(self, *args: str, timeout: float = 1800, **env) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "syndicate", *args],
            cwd=self.code,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode:
            raise RuntimeError(f"syndicate {' '.join(args)}: {result.stderr[-2000:]}")
        return result.stdout

    def python(self, *args: str, timeout: float = 1800) -> str:
        result = subprocess.run(
            [sys.executable, *args],
            cwd=self.code,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode:
            raise RuntimeError(f"python {' '.join(args)}: {result.stderr[-2000:]}")
        return result.stdout

    def token(self) -> str:
        return self.cli("tokens", "create", "--role", "editor", "--label", "bench").strip()

    def start(self, name: str, args: list[str], **env) -> subprocess.Popen:
        log = (self.workdir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, "-m", "syndicate", *args],
            cwd=self.code,
            env={**self.env, **{f"SYNDICATE_{k}": str(v) for k, v in env.items()}},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = process
        return process

    def host(self, name: str, *, folder: Path | None = None, threads: int = 8) -> int:
        """A web host with its own folder (or ``folder``, shared), ready to answer."""
        return self.start_hosts([name], folder=folder, threads=threads)[0]

    def start_hosts(
        self, names: list[str], *, folder: Path | None = None, threads: int = 8
    ) -> list[int]:
        """Web hosts started together (each brings its folder up to date), once all answer."""
        ports = []
        for name in names:
            port = free_port()
            args = ["serve", "--host", "127.0.0.1", "--port", str(port), "--no-worker"]
            args += ["--workers", "1", "--threads", str(threads)]
            self.start(
                name,
                args,
                FEEDS_DIR=folder or self.workdir / name,
                INSTANCE_PATH=self.workdir / f"{name}-instance",
            )
            ports.append(port)
        for name, port in zip(names, ports, strict=True):
            probe = Client(port)
            wait_for(lambda p=probe: p.request("GET", "/healthz")[0] == 200, 300, name, 0.2)
            probe.close()
            self.hosts[name] = port
        return ports

    def worker(self, name: str, *, publishers: int = 1, **env) -> subprocess.Popen:
        return self.start(name, ["worker", "--publishers", str(publishers)], **env)

    def stop(self, name: str) -> None:
        process = self.processes.pop(name)
        self.hosts.pop(name, None)
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds (user + system) used so far by each started process and its children
        (gunicorn workers, publisher threads): read from /proc, grouped by session."""
        sessions = {p.pid: name for name, p in self.processes.items()}
        used = {name: 0.0 for name in self.processes}
        for stat in _proc_stats():
            name = sessions.get(stat["session"])
            if name is not None:
                used[name] += stat["cpu"]
        return used

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

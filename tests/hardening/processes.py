"""Real processes for the race and outage tests: a web server (``syndicate serve --no-worker``),
a translation worker, and a private PostgreSQL and Redis that a test may stop and start again
(never the shared ones)."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate: Callable[[], object], timeout: float = 30, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = predicate()
        except Exception:
            result = None
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)


def app_env(tmp_path: Path, database_url: str, **settings: object) -> dict[str, str]:
    """The environment of our processes: this checkout's code, the test's own folders."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNDICATE_")}
    env["PYTHONPATH"] = str(ROOT)
    home = tmp_path / "home"
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "c"))
    values = {
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": tmp_path / "instance",
        "FEEDS_DIR": tmp_path / "feeds",
        "QUEUE_URL": f"sqlite:///{tmp_path / 'instance' / 'queue.db'}",
        "ARGOS_PACKAGES_DIR": tmp_path / "argos",
        "BASE_URL": "https://news.example.com",
        "SECRET_KEY": "test-secret",
        "LOG_LEVEL": "INFO",
        **settings,
    }
    env.update({f"SYNDICATE_{k}": str(v) for k, v in values.items()})
    return env


class Process:
    """A child process whose output goes to a log file the test can read."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path):
        self.log = log
        with log.open("ab") as output:
            self.proc = subprocess.Popen(
                args, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class WebServer(Process):
    """``syndicate serve --no-worker``: gunicorn, gthread workers, as in production."""

    def __init__(self, env: dict[str, str], log: Path, *, workers: int = 2, threads: int = 8):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "syndicate", "serve", "--no-worker"]
        command += ["--port", str(self.port), "--workers", str(workers)]
        command += ["--threads", str(threads)]
        super().__init__(command, env, log)
        answered = wait_for(self._answers, timeout=60)
        assert answered, self.output()[-3000:]

    def _answers(self) -> bool:
        assert self.proc.poll() is None, self.output()[-3000:]
        return requests.get(f"{self.url}/healthz", timeout=2).status_code in (200, 503)


def worker(env: dict[str, str], log: Path) -> Process:
    return Process([sys.executable, "-m", "syndicate", "worker"], env, log)


def run_cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "syndicate", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _as_postgres_user() -> list[str]:
    # PostgreSQL refuses to run as root; CI runs the suite as root in a container.
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    assert found, f"no {name} under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
    return found[-1]


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own (initdb in tmp, a free port, trust auth)."""

    def __init__(self):
        # Not under pytest's tmp folders: those are private to root, and the server runs as
        # the postgres user when the tests run as root.
        root = Path(tempfile.mkdtemp(prefix="syndicate-pg-"))
        self.root = root
        self.data = root / "pgdata"
        self.sockets = root / "pgsock"
        self.port = free_port()
        self.log = root / "postgres.log"
        for folder in (self.data, self.sockets):
            folder.mkdir(parents=True, exist_ok=True)
        os.chmod(root, 0o755)
        if os.geteuid() == 0:
            for folder in (root, self.data, self.sockets):
                shutil.chown(folder, "postgres", "postgres")
        self._run([postgres_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"])
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, command: list[str]) -> None:
        done = subprocess.run(
            _as_postgres_user() + command, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stdout + done.stderr

    def start(self) -> None:
        options = f"-p {self.port} -k {self.sockets} -h 127.0.0.1 -c fsync=off"
        pg_ctl = postgres_bin("pg_ctl")
        self._run([pg_ctl, "-D", str(self.data), "-l", str(self.log), "-w", "-o", options, "start"])

    def stop(self, mode: str = "fast") -> None:
        self._run([postgres_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"])

    def remove(self) -> None:
        """Stop it if it runs, and delete the cluster."""
        status = subprocess.run(
            [*_as_postgres_user(), postgres_bin("pg_ctl"), "-D", str(self.data), "status"],
            capture_output=True,
        )
        if status.returncode == 0:
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


class PrivateRedis:
    """A redis-server of the test's own on a free port, without persistence."""

    def __init__(self, root: Path):
        self.port = free_port()
        self.root = root
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [shutil.which("redis-server") or "redis-server", "--port", str(self.port)]
        command += ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            command, cwd=self.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        assert wait_for(self._answers, timeout=10), "redis-server did not start"

    def _answers(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

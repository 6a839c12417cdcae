"""``syndicate serve``: gunicorn (configured in code) and a translation worker, supervised.

The serving process only starts and watches two children: the gunicorn master, which runs the
app, and ``syndicate worker``. A worker that dies (a crash, the OOM killer) is started again
with a growing delay, and its unfinished job is recovered by the new one; if gunicorn exits,
everything stops. No thread runs beside gunicorn's master, whose workers are forked from it.
"""

from __future__ import annotations

import argparse
import logging
import signal
import subprocess
import sys
import time

from gunicorn.app.base import BaseApplication

log = logging.getLogger("syndicate.serve")


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from syndicate import create_app

        return create_app()


def gunicorn_options(*, host: str, port: int, workers: int, threads: int, access_log: bool):
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        # gthread: a request that publishes (an edit renders its feeds) or a slow client does not
        # stall the worker's other connections, and keep-alive works. Measured in the README's
        # "Production" section.
        "worker_class": "gthread",
        "threads": threads,
        "accesslog": "-" if access_log else None,
        "preload_app": False,
    }


def run(
    *,
    host: str,
    port: int,
    workers: int,
    threads: int = 8,
    access_log: bool = False,
    translation_worker: bool = True,
) -> None:
    # The config is validated before anything starts so a bad setting fails once, clearly.
    from syndicate import config

    settings = config.load()
    web_command = [
        sys.executable, "-m", "syndicate.web.server", "--host", host, "--port", str(port),
        "--workers", str(workers), "--threads", str(threads),
        *(["--access-log"] if access_log else []),
    ]  # fmt: skip
    worker_command = None
    # Translation runs in its own process (models take hundreds of MB; requests never wait).
    if translation_worker and not settings["SYNDICATE_QUEUE_URL"].startswith("memory:"):
        worker_command = [sys.executable, "-m", "syndicate", "worker"]
    sys.exit(Supervisor(web_command, worker_command).run())


class Supervisor:
    """Runs the web server and (optionally) the translation worker until a signal or the web
    server's exit; restarts the worker when it dies."""

    POLL = 0.2
    MAX_DELAY = 30.0
    HEALTHY_AFTER = 60.0  # a worker that ran this long and died is a new failure: no backoff

    def __init__(self, web_command: list[str], worker_command: list[str] | None):
        self.web_command = web_command
        self.worker_command = worker_command
        self.stopping = False
        self.restarts = 0

    def _stop(self, _signum, _frame) -> None:
        self.stopping = True

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        web = subprocess.Popen(self.web_command)
        worker = self._start_worker()
        started, delay, restart_at = time.monotonic(), 1.0, None
        try:
            while not self.stopping and web.poll() is None:
                time.sleep(self.POLL)
                if worker is None or self.stopping:
                    continue
                if worker.poll() is not None and restart_at is None:
                    if time.monotonic() - started > self.HEALTHY_AFTER:
                        delay = 1.0
                    log.warning(
                        "translation worker %d exited with %s; starting another in %.0f s",
                        worker.pid,
                        worker.returncode,
                        delay,
                    )
                    restart_at = time.monotonic() + delay
                    # A worker that dies at once (bad model, bad config) must not spin the CPU.
                    delay = min(delay * 2, self.MAX_DELAY)
                if restart_at is not None and time.monotonic() >= restart_at:
                    worker, started, restart_at = self._start_worker(), time.monotonic(), None
                    self.restarts += 1
        finally:
            _terminate(web, signal.SIGTERM, timeout=35)  # gunicorn's graceful timeout is 30 s
            if worker is not None:
                # SIGINT lets the worker finish its job; one it cannot finish soon is recovered
                # on the next start, so waiting longer buys nothing.
                _terminate(worker, signal.SIGINT, timeout=10)
        return web.returncode or 0

    def _start_worker(self) -> subprocess.Popen | None:
        return subprocess.Popen(self.worker_command) if self.worker_command else None


def _terminate(process: subprocess.Popen, sig: int, *, timeout: float) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv: list[str] | None = None) -> None:
    """The web server alone (the child ``syndicate serve`` starts)."""
    parser = argparse.ArgumentParser(prog="python -m syndicate.web.server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--access-log", action="store_true")
    args = parser.parse_args(argv)
    _Gunicorn(
        gunicorn_options(
            host=args.host,
            port=args.port,
            workers=args.workers,
            threads=args.threads,
            access_log=args.access_log,
        )
    ).run()


if __name__ == "__main__":
    main()

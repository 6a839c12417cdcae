"""``syndicate serve``: gunicorn (configured in code), this host's mirror and a worker,
supervised.

Before anything serves, the host's folder is brought up to date with the database (a new host
with an empty folder serves every feed from its first request). Then the serving process only
starts and watches its children: the gunicorn master, which runs the app; ``syndicate mirror``,
which keeps the folder in step; and ``syndicate worker`` (translation and publishing), unless
``--no-worker``. A mirror or worker that dies (a crash, the OOM killer) is started again with a
growing delay; if gunicorn exits, everything stops. No thread runs beside gunicorn's master,
whose workers are forked from it.
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
    _catch_up()
    web_command = [
        sys.executable, "-m", "syndicate.web.server", "--host", host, "--port", str(port),
        "--workers", str(workers), "--threads", str(threads),
        *(["--access-log"] if access_log else []),
    ]  # fmt: skip
    helpers = [[sys.executable, "-m", "syndicate", "mirror"]]
    # Translation runs in its own process (models take hundreds of MB; requests never wait).
    if translation_worker and not settings["SYNDICATE_QUEUE_URL"].startswith("memory:"):
        helpers.append([sys.executable, "-m", "syndicate", "worker"])
    sys.exit(Supervisor(web_command, helpers).run())


def _catch_up() -> None:
    """Bring this host's folder up to date before serving (``serve`` reports ready after)."""
    from syndicate import create_app
    from syndicate.publication import mirror

    app = create_app()
    with app.app_context():
        copy = mirror.for_app(app)
        try:
            report = copy.sync()
            copy.verify()
            log.info("%s at generation %d", copy.root, report.generation)
        except Exception as exc:  # the database is away: serve what the folder has
            log.warning("could not bring %s up to date (%s); the mirror retries", copy.root, exc)


class Supervisor:
    """Runs the web server and its helpers (mirror, worker) until a signal or the web server's
    exit; restarts a helper that dies."""

    POLL = 0.2
    MAX_DELAY = 30.0
    HEALTHY_AFTER = 60.0  # a helper that ran this long and died is a new failure: no backoff

    def __init__(self, web_command: list[str], helper_commands: list[list[str]]):
        self.web_command = web_command
        self.helpers = [_Helper(command) for command in helper_commands]
        self.stopping = False
        self.restarts = 0

    def _stop(self, _signum, _frame) -> None:
        self.stopping = True

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        web = subprocess.Popen(self.web_command)
        for helper in self.helpers:
            helper.start()
        try:
            while not self.stopping and web.poll() is None:
                time.sleep(self.POLL)
                for helper in self.helpers:
                    if not self.stopping and helper.check(self.HEALTHY_AFTER, self.MAX_DELAY):
                        self.restarts += 1
        finally:
            _terminate(web, signal.SIGTERM, timeout=35)  # gunicorn's graceful timeout is 30 s
            for helper in self.helpers:
                if helper.process is not None:
                    # SIGINT lets a worker finish its job; one it cannot finish soon is
                    # recovered on the next start, so waiting longer buys nothing.
                    _terminate(helper.process, signal.SIGINT, timeout=10)
        return web.returncode or 0


class _Helper:
    def __init__(self, command: list[str]):
        self.command = command
        self.process: subprocess.Popen | None = None
        self.started = 0.0
        self.delay = 1.0
        self.restart_at: float | None = None

    def start(self) -> None:
        self.process, self.started, self.restart_at = (
            subprocess.Popen(self.command),
            time.monotonic(),
            None,
        )

    def check(self, healthy_after: float, max_delay: float) -> bool:
        """Notice a death, restart after the delay; whether it was restarted now."""
        if self.process is None:
            return False
        if self.process.poll() is not None and self.restart_at is None:
            if time.monotonic() - self.started > healthy_after:
                self.delay = 1.0
            log.warning(
                "%s (pid %d) exited with %s; starting another in %.0f s",
                " ".join(self.command[2:]),
                self.process.pid,
                self.process.returncode,
                self.delay,
            )
            self.restart_at = time.monotonic() + self.delay
            # One that dies at once (bad model, bad config) must not spin the CPU.
            self.delay = min(self.delay * 2, max_delay)
        if self.restart_at is not None and time.monotonic() >= self.restart_at:
            self.start()
            return True
        return False


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

"""Runs the WSGI app under gunicorn, configured in code (no config file to keep in step)."""

from __future__ import annotations

import signal
import subprocess
import sys

from gunicorn.app.base import BaseApplication


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


def run(
    *,
    host: str,
    port: int,
    workers: int,
    threads: int = 8,
    access_log: bool = False,
    translation_worker: bool = True,
) -> None:
    # The config is validated before forking so a bad setting fails once, clearly.
    from syndicate import config

    settings = config.load()
    # Translation runs in its own process (models take hundreds of MB; requests never wait).
    worker = None
    if translation_worker and not settings["SYNDICATE_QUEUE_URL"].startswith("memory:"):
        worker = subprocess.Popen([sys.executable, "-m", "syndicate", "worker"])
    try:
        _Gunicorn(
            {
                "bind": f"{host}:{port}",
                "workers": workers,
                # gthread: a request that publishes (an edit renders its feeds) or a slow client
                # does not stall the worker's other connections, and keep-alive works. Measured
                # in the README's "Production" section.
                "worker_class": "gthread",
                "threads": threads,
                "accesslog": "-" if access_log else None,
                "preload_app": False,
            }
        ).run()
    finally:
        if worker is not None:
            _stop(worker)


def _stop(worker: subprocess.Popen) -> None:
    """SIGINT lets the worker finish its job; one it cannot finish soon is recovered on the
    next start, so waiting longer than a few seconds buys nothing."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()

"""Runs the WSGI app under gunicorn, configured in code (no config file to keep in step)."""

from __future__ import annotations

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


def run(*, host: str, port: int, workers: int) -> None:
    # The config is validated before forking so a bad setting fails once, clearly.
    from syndicate import config

    config.load()
    _Gunicorn(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "accesslog": "-",
            "preload_app": False,
        }
    ).run()

"""``syndicate serve``: the embedded default, a web server (gunicorn) on one machine."""

from __future__ import annotations

import os

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    default=os.cpu_count() or 2,
    show_default="one per core",
    type=int,
    help="Web worker processes.",
)
@click.option("--threads", default=8, show_default=True, type=int, help="Threads per worker.")
@click.option("--access-log", is_flag=True, help="Log every request on stdout.")
@click.option(
    "--no-worker", is_flag=True, help="Do not start a translation worker (`syndicate worker`)."
)
def serve(
    host: str, port: int, workers: int, threads: int, access_log: bool, no_worker: bool
) -> None:
    """Serve the site and feeds, with a translation worker beside them."""
    from syndicate.web.server import run

    run(
        host=host,
        port=port,
        workers=workers,
        threads=threads,
        access_log=access_log,
        translation_worker=not no_worker,
    )

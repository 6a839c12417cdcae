"""``syndicate serve``: the embedded default, a web server (gunicorn) on one machine."""

from __future__ import annotations

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="Web worker processes.")
@click.option(
    "--no-worker", is_flag=True, help="Do not start a translation worker (`syndicate worker`)."
)
def serve(host: str, port: int, workers: int, no_worker: bool) -> None:
    """Serve the site and feeds, with a translation worker beside them."""
    from syndicate.web.server import run

    run(host=host, port=port, workers=workers, translation_worker=not no_worker)

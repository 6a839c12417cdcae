"""``syndicate worker``: the process that runs translation jobs."""

from __future__ import annotations

import logging

import click

from syndicate.cli.appcontext import app_context


@click.command()
@click.option(
    "--threads", default=1, show_default=True, type=click.IntRange(1, 64), help="Jobs at once."
)
@click.option(
    "--publishers",
    default=1,
    show_default=True,
    type=click.IntRange(0, 16),
    help="Publisher threads rendering dirty documents from the outbox, in a child process "
    "(0: none).",
)
def worker(threads: int, publishers: int) -> None:
    """Run translation jobs from the queue (SYNDICATE_QUEUE_URL), publish changed feeds and
    publish scheduled articles when their time comes, until stopped."""
    from syndicate.editorial import schedule
    from syndicate.errors import SyndicateError
    from syndicate.publication import process, sitemaps
    from syndicate.translation.worker import WorkerError, run

    with app_context() as app:
        syndicate_logger = logging.getLogger("syndicate")
        huey_logger = logging.getLogger("huey")
        if not huey_logger.handlers:
            # huey reports retries and crashed workers; without this they would be lost.
            for handler in syndicate_logger.handlers:
                huey_logger.addHandler(handler)
            huey_logger.setLevel(max(syndicate_logger.level, logging.WARNING))
        # Publishing runs beside translation, never behind it (a long job must not hold
        # feeds), and in a process of its own (see ``syndicate.publication.process``).
        publishing = process.Publishers(publishers).start() if publishers else None
        # Scheduled articles go live from here: the one process every deployment runs beside
        # the web workers (``syndicate serve`` starts it); so does the news sitemap's window.
        scheduler = schedule.start(app, rounds=[sitemaps.NewsWindow(app)])
        try:
            run(app, threads=threads)
        except (WorkerError, SyndicateError) as exc:
            raise click.ClickException(str(exc)) from None
        finally:
            if publishing is not None:
                publishing.stop()
            scheduler.stop()

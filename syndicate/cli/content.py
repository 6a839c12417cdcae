"""``syndicate init`` and ``syndicate import``."""

from __future__ import annotations

import sys

import click

from syndicate.cli.appcontext import app_context


@click.command()
@click.option("--demo", is_flag=True, help="Load the demo newsroom (idempotent).")
def init(demo: bool) -> None:
    """Migrate the database to the newest schema; with --demo, load the demo content."""
    from syndicate.editorial import demo as demo_content
    from syndicate.storage import db, migrate

    with app_context() as app:
        database = db.database(app)
        migrate.upgrade(database.engine)
        click.echo(f"database at revision {migrate.current_revision(database.engine)}", err=True)
        if demo:
            with database.session() as session:
                sections, report = demo_content.load(session)
            click.echo(
                f"demo: {sections} sections created, {report.created} articles created, "
                f"{report.updated} updated, {report.unchanged} unchanged",
                err=True,
            )
            for number, message in report.errors:
                click.echo(f"demo line {number}: {message}", err=True)
            if report.errors:
                sys.exit(1)
        _publish_all(app)


def _publish_all(app, *, everything: bool = False) -> None:
    """Publish what is dirty (everything on a first run, or when asked) in this process, and
    bring this host's folder up to date: the service starts with every feed in place."""
    from syndicate import publication
    from syndicate.publication import mirror, publisher
    from syndicate.storage import db, documents

    with db.database(app).session() as session:
        first = documents.generation(session)[0] == 0
    if everything or first:
        publisher.for_app(app).mark_everything()
    report = publication.settle(app)
    click.echo(
        f"published {len(report.stored)} documents ({report.rendered} rendered, "
        f"{len(report.removed)} removed) in {report.seconds * 1000:.0f} ms; "
        f"{mirror.for_app(app).root} is up to date",
        err=True,
    )


@click.command()
@click.option("--no-wait", is_flag=True, help="Only mark every document dirty for the publishers.")
def publish(no_wait: bool) -> None:
    """Render every feed and the OPML again (into the database and this host's folder)."""
    with app_context() as app:
        if no_wait:
            from syndicate.publication import publisher

            publisher.for_app(app).mark_everything()
            click.echo("every document is marked; `syndicate worker` publishes them", err=True)
            return
        _publish_all(app, everything=True)


@click.command()
@click.option("--once", is_flag=True, help="Bring the folder up to date, then exit.")
def mirror(once: bool) -> None:
    """Keep this host's publication folder (SYNDICATE_FEEDS_DIR) in step with the database."""
    import threading

    from syndicate import stopping
    from syndicate.publication import mirror as folder

    with app_context() as app:
        copy = folder.for_app(app)
        report = copy.sync()
        copy.verify()
        click.echo(f"{copy.root} at generation {report.generation}", err=True)
        if once:
            return
        stopping.take_stop_signals()  # before the follower's threads: they inherit the mask
        stopping.run_until_stopped({"mirror": copy.follow}, threading.Event())


@click.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
def import_articles(file) -> None:
    """Import articles from a JSON Lines FILE (- for stdin), idempotent by id."""
    from syndicate.editorial.importer import import_lines
    from syndicate.storage import db

    with app_context() as app:
        with db.database(app).session() as session:
            report = import_lines(session, file)
        _publish_all(app)
    for number, message in report.errors:
        click.echo(f"line {number}: {message}", err=True)
    click.echo(
        f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.errors)} failed"
    )
    if report.errors:
        sys.exit(1)

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
    from syndicate.publication import publisher
    from syndicate.storage import db, migrate

    with app_context() as app:
        database = db.database(app)
        migrate.upgrade(database.engine)
        click.echo(f"database at revision {migrate.current_revision(database.engine)}", err=True)
        if demo:
            with database.session() as session, publisher.for_app(app).deferred():
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


def _publish_all(app) -> None:
    from syndicate.publication import publisher

    report = publisher.for_app(app).publish_all()
    click.echo(
        f"published {report.rendered} feed documents ({len(report.written)} files changed, "
        f"{len(report.removed)} removed) in {report.seconds * 1000:.0f} ms "
        f"to {publisher.for_app(app).root}",
        err=True,
    )


@click.command()
def publish() -> None:
    """Render every feed and the OPML into the publication folder (SYNDICATE_FEEDS_DIR)."""
    with app_context() as app:
        _publish_all(app)


@click.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
def import_articles(file) -> None:
    """Import articles from a JSON Lines FILE (- for stdin), idempotent by id."""
    from syndicate.editorial.importer import import_lines
    from syndicate.publication import publisher
    from syndicate.storage import db

    with (
        app_context() as app,
        db.database(app).session() as session,
        publisher.for_app(app).deferred(),
    ):
        report = import_lines(session, file)
    for number, message in report.errors:
        click.echo(f"line {number}: {message}", err=True)
    click.echo(
        f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.errors)} failed"
    )
    if report.errors:
        sys.exit(1)

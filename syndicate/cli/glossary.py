"""``syndicate glossary``: terms machine translation must render one way."""

from __future__ import annotations

import click

from syndicate.cli.appcontext import app_context
from syndicate.languages import CODES


@click.group()
def glossary() -> None:
    """List, add and remove glossary terms (per direction, e.g. en→zh)."""


@glossary.command("list")
@click.option("--from", "source_language", type=click.Choice(CODES), help="Source language.")
@click.option("--to", "target_language", type=click.Choice(CODES), help="Target language.")
def list_terms(source_language: str | None, target_language: str | None) -> None:
    """Print the terms: id, direction, source term, target term."""
    from syndicate.storage import db
    from syndicate.storage import glossary as store

    with app_context() as app, db.database(app).session() as session:
        for term in store.list_terms(session, source_language, target_language):
            click.echo(
                f"{term.id}\t{term.source_language}→{term.target_language}\t"
                f"{term.source_term}\t{term.target_term}"
            )


@glossary.command()
@click.option("--from", "source_language", type=click.Choice(CODES), required=True)
@click.option("--to", "target_language", type=click.Choice(CODES), required=True)
@click.argument("source_term")
@click.argument("target_term", required=False, default="")
def add(source_language: str, target_language: str, source_term: str, target_term: str) -> None:
    """Add SOURCE_TERM → TARGET_TERM (no TARGET_TERM: keep the term as it is)."""
    from syndicate.storage import db
    from syndicate.translation import terms

    fields = {
        "source_language": source_language,
        "target_language": target_language,
        "source_term": source_term,
        "target_term": target_term,
    }
    with app_context() as app, db.database(app).session() as session:
        parsed = _run(lambda: terms.parse_term(fields, partial=False))
        term, operation = _run(lambda: terms.add_term(app, session, parsed, send=False))
        click.echo(f"added term {term.id}: {term.source_term} → {term.target_term}")
    _mark_stale(app, operation.id)


@glossary.command()
@click.argument("term_id", type=int)
def remove(term_id: int) -> None:
    """Remove the term TERM_ID."""
    from syndicate.storage import db
    from syndicate.translation import terms

    with app_context() as app, db.database(app).session() as session:
        _term, operation = _run(lambda: terms.delete_term(app, session, term_id, send=False))
        click.echo(f"removed term {term_id}")
    _mark_stale(app, operation.id)


def _run(action):
    from syndicate.errors import SyndicateError

    try:
        return action()
    except SyndicateError as exc:
        raise click.ClickException(exc.detail) from None


def _mark_stale(app, operation_id: int) -> None:
    """The shell waits anyway: run the stale-marking operation here rather than in a worker
    (were this process killed, the worker's sweep would take the operation over)."""
    from syndicate import operations
    from syndicate.storage import db
    from syndicate.storage import operations as operation_store

    with app.app_context():
        operations.run(app, operation_id)
        with db.database(app).session() as session:
            operation = operation_store.get(session, operation_id)
    if operation.status != operation_store.DONE:
        raise click.ClickException(f"marking stale translations failed: {operation.error}")
    stale = (operation.result or {}).get("stale_translations", 0)
    if stale:
        click.echo(
            f"{stale} machine translation(s) now stale: `syndicate translate refresh --stale`",
            err=True,
        )

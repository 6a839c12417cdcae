"""``syndicate tokens``: API tokens for editors and admins."""

from __future__ import annotations

import click

from syndicate.cli.appcontext import app_context
from syndicate.storage.tokens import ROLES


@click.group()
def tokens() -> None:
    """Create, list and revoke API tokens."""


@tokens.command()
@click.option("--role", type=click.Choice(ROLES), default="editor", show_default=True)
@click.option("--label", required=True, help="Who or what the token is for.")
def create(role: str, label: str) -> None:
    """Create a token and print it (only the token, once: it is stored hashed)."""
    from syndicate.storage import db
    from syndicate.storage import tokens as store

    with app_context() as app, db.database(app).session() as session:
        row, token = store.create(session, role=role, label=label)
        click.echo(f"created token {row.id} ({row.prefix}…) for {label!r}, role {role}", err=True)
    click.echo(token)


@tokens.command("list")
def list_tokens() -> None:
    """List tokens (never the tokens themselves)."""
    from syndicate.storage import db
    from syndicate.storage import tokens as store

    with app_context() as app, db.database(app).session() as session:
        for row in store.list_all(session):
            state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
            click.echo(f"{row.id}\t{row.prefix}…\t{row.role}\t{state}\t{row.label}")


@tokens.command()
@click.argument("ref")
def revoke(ref: str) -> None:
    """Revoke the token REF: its id, its label, its prefix or the token itself."""
    from syndicate.storage import db
    from syndicate.storage import tokens as store

    with app_context() as app, db.database(app).session() as session:
        rows = store.find(session, ref)
        if not rows:
            raise click.ClickException(f"no token matches {ref!r}")
        if len(rows) > 1:
            raise click.ClickException(f"{len(rows)} tokens match {ref!r}; give the id")
        store.revoke(rows[0])
        click.echo(f"revoked token {rows[0].id} ({rows[0].label})", err=True)

"""``syndicate translate refresh``: queue machine translations again and follow their progress."""

from __future__ import annotations

import time

import click

from syndicate.cli.appcontext import app_context
from syndicate.languages import CODES

POLL_SECONDS = 0.25


@click.group()
def translate() -> None:
    """Machine translation of articles (run by `syndicate worker`)."""


@translate.command()
@click.option("--article", "article_id", metavar="ID", help="One article.")
@click.option("--section", metavar="SLUG", help="Published articles of a section and below.")
@click.option("--stale", is_flag=True, help="Only stale translations (alone: in every section).")
@click.option("--lang", "language", type=click.Choice(CODES), help="Only into this language.")
@click.option("--force", is_flag=True, help="Also replace translations editors wrote.")
@click.option("--no-wait", is_flag=True, help="Queue the jobs and exit.")
def refresh(
    article_id: str | None,
    section: str | None,
    stale: bool,
    language: str | None,
    force: bool,
    no_wait: bool,
) -> None:
    """Translate articles again: --article ID, --section SLUG, or --stale."""
    from syndicate.errors import SyndicateError
    from syndicate.translation import jobs

    if article_id and (section or stale):
        raise click.UsageError("--article cannot be combined with --section or --stale")
    if not (article_id or section or stale):
        raise click.UsageError("say what to refresh: --article ID, --section SLUG or --stale")
    with app_context() as app:
        try:
            if article_id:
                job_ids = jobs.refresh_article(app, article_id, language=language, force=force)
            else:
                job_ids = jobs.refresh_many(
                    app, section=section, only_stale=stale, language=language, force=force
                )
        except SyndicateError as exc:
            raise click.ClickException(exc.detail) from None
        if not job_ids:
            click.echo("nothing to translate", err=True)
            return
        click.echo(f"queued {len(job_ids)} job(s): {', '.join(map(str, job_ids))}", err=True)
        if no_wait:
            for job_id in job_ids:
                click.echo(job_id)
            return
        failed = _follow(app, job_ids)
    if failed:
        raise SystemExit(1)


def _follow(app, job_ids: list[int]) -> int:
    """Show a progress bar until every job has finished; print each outcome; count failures."""
    from syndicate.storage import db
    from syndicate.storage import jobs as store

    database = db.database(app)

    def poll():
        with database.session() as session:
            rows = store.get_many(session, job_ids)
            done = sum(100 if j.status in store.FINISHED else int(j.progress * 100) for j in rows)
            if any(j.status not in store.FINISHED for j in rows):
                return done, None
            return done, [
                (j.id, j.article.public_id, j.language, j.status, j.detail, j.error) for j in rows
            ]

    done, outcomes = poll()
    if outcomes is None:
        click.echo(
            "waiting for `syndicate worker` (Ctrl-C stops waiting; jobs stay queued)", err=True
        )
    stderr = click.get_text_stream("stderr")
    with click.progressbar(length=100 * len(job_ids), label="translating", file=stderr) as bar:
        shown = 0
        while True:
            bar.update(max(done - shown, 0))
            shown = max(done, shown)
            if outcomes is not None:
                break
            time.sleep(POLL_SECONDS)
            done, outcomes = poll()
    failed = 0
    for job_id, public_id, language, status, detail, error in outcomes:
        note = error if status == store.FAILED else detail
        click.echo(f"job {job_id}\t{public_id} → {language}\t{status}\t{note or ''}")
        failed += status == store.FAILED
    return failed

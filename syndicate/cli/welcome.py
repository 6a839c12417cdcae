"""``syndicate welcome``: what to open once the service runs (``make run`` prints it)."""

from __future__ import annotations

import click

from syndicate.cli.appcontext import app_context


@click.command()
def welcome() -> None:
    """Print where the site, the feeds and the editor desk are, and how to sign in."""
    from syndicate.languages import CODES, other
    from syndicate.translation.packages import installed_directions

    with app_context() as app:
        base = app.config["SYNDICATE_BASE_URL"].rstrip("/")
        installed = {
            (p.from_code, p.to_code): p
            for p in installed_directions(app.config["SYNDICATE_ARGOS_PACKAGES_DIR"])
        }
    needed = [(s, t) for s in CODES for t in other(s)]
    missing = [f"{s}→{t}" for s, t in needed if (s, t) not in installed]
    models = ", ".join(
        f"{s}→{t} {installed[s, t].name} {installed[s, t].version}"
        for s, t in needed
        if (s, t) in installed
    )
    lines = [
        f"syndicate serves {base} (Ctrl-C stops it). Open:",
        f"  the site         {base}/en/   {base}/zh/",
        f"  feeds            {base}/feeds/en/all.rss    (RSS 2.0, English)",
        f"                   {base}/feeds/zh/all.atom   (Atom 1.0, Chinese)",
        f"                   {base}/feeds/zh/all.json   (JSON Feed 1.1, Chinese)",
        f"                   {base}/feeds.opml          (every feed, for a feed reader)",
        f"  the editor desk  {base}/desk/  sign in with a token:",
        '                   .venv/bin/syndicate tokens create --role editor --label "your name"',
    ]
    if missing:
        lines.append(
            f"  translation      no model for {', '.join(missing)}: the feeds show the demo's "
            "editor translations; README, Translation, says how to install the models"
        )
    else:
        lines.append(f"  translation      {models}")
    click.echo("\n".join(lines))

"""The ``syndicate`` command. Each group lives in its own module; this one only assembles them."""

from __future__ import annotations

import click

from syndicate import __version__
from syndicate.cli import (
    content,
    glossary,
    models,
    server,
    tokens,
    translate,
    welcome,
    worker,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="syndicate")
def main() -> None:
    """syndicate: multilingual syndication feeds (RSS, Atom, JSON Feed) in English and Chinese."""


main.add_command(content.init)
main.add_command(content.import_articles)
main.add_command(content.publish)
main.add_command(content.mirror)
main.add_command(server.serve)
main.add_command(tokens.tokens)
main.add_command(models.models)
main.add_command(glossary.glossary)
main.add_command(translate.translate)
main.add_command(worker.worker)
main.add_command(welcome.welcome)

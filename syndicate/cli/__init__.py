"""The ``syndicate`` command. Each group lives in its own module; this one only assembles them."""

from __future__ import annotations

import click

from syndicate import __version__
from syndicate.cli import content, server, tokens


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="syndicate")
def main() -> None:
    """syndicate: multilingual syndication feeds (RSS, Atom, JSON Feed) in English and Chinese."""


main.add_command(content.init)
main.add_command(content.import_articles)
main.add_command(server.serve)
main.add_command(tokens.tokens)

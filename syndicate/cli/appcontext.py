"""Runs a command inside an app context, reporting configuration errors without a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask

from syndicate.config import ConfigError


@contextmanager
def app_context() -> Iterator[Flask]:
    from syndicate import create_app

    try:
        app = create_app()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    with app.app_context():
        yield app

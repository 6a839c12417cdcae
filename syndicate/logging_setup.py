"""Logging: one line per record on stderr, at the configured level."""

from __future__ import annotations

import logging

from flask import Flask


def init_app(app: Flask) -> None:
    level = getattr(logging, app.config["SYNDICATE_LOG_LEVEL"])
    logger = logging.getLogger("syndicate")
    logger.setLevel(level)
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)

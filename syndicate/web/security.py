"""Secret key and request-size limits."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask


def _instance_secret(instance: Path) -> str:
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def init_app(app: Flask) -> None:
    key = app.config["SYNDICATE_SECRET_KEY"]
    app.config["SECRET_KEY"] = key or _instance_secret(Path(app.instance_path))
    # Werkzeug refuses larger bodies while reading them, also when no Content-Length is sent.
    app.config["MAX_CONTENT_LENGTH"] = app.config["SYNDICATE_MAX_REQUEST_BYTES"]
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = app.config["SYNDICATE_BASE_URL"].startswith("https:")

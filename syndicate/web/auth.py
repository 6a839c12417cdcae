"""Bearer-token authentication for the editor API."""

from __future__ import annotations

from functools import wraps

from flask import g, request

from syndicate.errors import Forbidden, Unauthorized
from syndicate.storage import db
from syndicate.storage import tokens as token_store

RANK = {"editor": 1, "admin": 2}


def authenticate_request():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(
            "send 'Authorization: Bearer <token>'; create one with `syndicate tokens create`"
        )
    row = token_store.authenticate(db.session(), token.strip())
    if row is None:
        raise Unauthorized("the token is unknown or revoked", invalid_token=True)
    g.token = row
    return row


def require(role: str):
    """Decorator: the request must carry a valid token of at least ``role``."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            row = g.get("token") or authenticate_request()
            if RANK[row.role] < RANK[role]:
                raise Forbidden(f"this needs the {role} role; the token has {row.role}")
            return view(*args, **kwargs)

        return wrapper

    return decorator

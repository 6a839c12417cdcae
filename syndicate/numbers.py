"""Strict integer parsing for anything a client sends (query strings, headers, form fields).

``str.isdigit()`` accepts '²' and other Unicode digits that ``int()`` then refuses or reads
differently, and an unbounded integer overflows the database's BIGINT: only ASCII digits within
explicit bounds are numbers here.
"""

from __future__ import annotations

#: The largest id a path or query may name (PostgreSQL INTEGER, SQLite handles more).
MAX_ID = 2**31 - 1


def strict_int(raw: str | None, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """``raw`` as an int when it is 1–19 ASCII digits within [low, high], else ``None``."""
    if not raw or len(raw) > 19 or not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if low <= value <= high else None

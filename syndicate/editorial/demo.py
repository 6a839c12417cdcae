"""Loads the demo newsroom shipped in ``syndicate/demo``."""

from __future__ import annotations

from importlib import resources

import orjson
from sqlalchemy.orm import Session

from syndicate.editorial import payloads, sections
from syndicate.editorial.importer import ImportReport, import_lines
from syndicate.storage import sections as section_store


def load(session: Session) -> tuple[int, ImportReport]:
    """Create the demo sections that are missing, then import the demo articles."""
    package = resources.files("syndicate.demo")
    created = 0
    for payload in orjson.loads(package.joinpath("sections.json").read_bytes()):
        if section_store.get(session, payload["slug"]) is None:
            sections.create(session, payloads.parse_section(payload, partial=False))
            created += 1
    lines = package.joinpath("articles.jsonl").read_text(encoding="utf-8").splitlines()
    return created, import_lines(session, lines)

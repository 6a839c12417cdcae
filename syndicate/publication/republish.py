"""Re-publication after a section rename or move, run as a background operation
(``republish-sections``): a rename changes the name in every feed of the section, its ancestors
and ``all``, and the OPML; a move changes which parents' feeds hold its articles.

For now this re-renders everything through the current publisher (8.5 s at 100k articles, now
off the editor's request); the publication for many hosts will replace the body.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Flask

from syndicate.storage.models import Operation

KIND = "republish-sections"


def republish_sections(app: Flask, slugs: Iterable[str], report_progress) -> dict[str, Any]:
    """Re-publish what a change to ``slugs`` affects, reporting progress (documents)."""
    from syndicate.publication import publisher

    slugs = sorted(set(slugs))
    report_progress(0, 1, "re-publishing every feed")
    report = publisher.for_app(app).publish_all()
    report_progress(1, 1, f"{len(report.written)} documents written")
    return {
        "sections": slugs,
        "rendered": report.rendered,
        "written": len(report.written),
        "removed": len(report.removed),
    }


def run_operation(app: Flask, operation: Operation, report_progress) -> dict[str, Any]:
    return republish_sections(app, operation.params.get("slugs", []), report_progress)

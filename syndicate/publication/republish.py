"""Re-publication after a section rename or move, run as a background operation
(``republish-sections``): a rename changes the name in every feed of the section, its ancestors
and the OPML; a move changes which parents' feeds hold its articles.

The rename's own transaction already recorded what it makes dirty (``targets`` turns a changed
section into ``sweep`` targets in the outbox), so nothing is lost if this operation never runs.
The operation publishes that work here, in the worker, reporting progress in outbox targets:
an editor following it sees when the re-publication is through. Publisher threads may take
some of the same targets meanwhile (claims never overlap): then it ends when nothing is left to
claim.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Flask

from syndicate.storage.models import Operation

KIND = "republish-sections"


def republish_sections(app: Flask, slugs: Iterable[str], report_progress) -> dict[str, Any]:
    """Publish what a change to ``slugs`` made dirty, reporting progress (outbox targets)."""
    from syndicate.publication import publisher
    from syndicate.storage import db, outbox

    slugs = sorted(set(slugs))
    with db.database(app).session() as session:
        waiting, _oldest = outbox.pending(session)
    report_progress(0, waiting, f"re-publishing the feeds of {', '.join(slugs)}")
    work = publisher.for_app(app)
    report = publisher.Report()
    # Everything now, the sitemaps included (one render each, not a burst's worth).
    while work.run_once(report, gathering=True):
        report_progress(report.targets, max(waiting, report.targets))
    report_progress(report.targets, report.targets, f"{len(report.stored)} documents stored")
    return {
        "sections": slugs,
        "targets": report.targets,
        "rendered": report.rendered,
        "stored": len(report.stored),
        "removed": len(report.removed),
    }


def run_operation(app: Flask, operation: Operation, report_progress) -> dict[str, Any]:
    return republish_sections(app, operation.params.get("slugs", []), report_progress)

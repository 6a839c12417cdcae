"""Signals that decouple the editorial services from what reacts to changes.

Sent after the change is committed. The translation layer enqueues jobs on ``article_changed``.
(Publication does not listen: it records what a change makes dirty inside the change's own
transaction, see ``syndicate.publication.targets``.)
"""

from __future__ import annotations

import logging
from typing import Any

from blinker import Namespace, Signal

log = logging.getLogger(__name__)
_signals = Namespace()

#: kwargs: article_id (public id), sections (slugs touched, old and new), reason
article_changed = _signals.signal("article-changed")
#: kwargs: slug, reason
section_changed = _signals.signal("section-changed")
#: kwargs: article_id, language, sections — a translation was stored or replaced
variant_changed = _signals.signal("variant-changed")


def notify(signal: Signal, sender: Any, **kwargs: Any) -> None:
    """Send ``signal`` after a commit. Each receiver runs even if another failed, and a failure
    is logged, never raised: the change is committed, so the client must not see a 5xx for it
    (and retry into a duplicate). What a receiver missed is caught up by its own recovery."""
    for receiver in signal.receivers_for(sender):
        try:
            receiver(sender, **kwargs)
        except Exception:
            log.exception("a receiver of %s failed after the commit (%s)", signal.name, kwargs)

"""Signals that decouple the editorial services from what reacts to changes.

Sent after the change is committed. The translation layer enqueues jobs on ``article_changed``.
(Publication does not listen: it records what a change makes dirty inside the change's own
transaction, see ``syndicate.publication.targets``.)
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: kwargs: article_id (public id), sections (slugs touched, old and new), reason
article_changed = _signals.signal("article-changed")
#: kwargs: slug, reason
section_changed = _signals.signal("section-changed")
#: kwargs: article_id, language, sections — a translation was stored or replaced
variant_changed = _signals.signal("variant-changed")

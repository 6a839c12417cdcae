"""syndicate: multilingual syndication feeds (RSS 2.0, Atom 1.0, JSON Feed 1.1)."""

from __future__ import annotations

from typing import Any

from flask import Flask

__version__ = "0.1.0"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Wire the application: configuration, each part's ``init_app``, blueprints, CLI."""
    from syndicate import config, logging_setup, media, operations, publication
    from syndicate.editorial import sections
    from syndicate.i18n import babel
    from syndicate.publication import republish
    from syndicate.storage import db
    from syndicate.translation import jobs, terms
    from syndicate.web import (
        api,
        desk,
        discovery,
        errors,
        health,
        media_api,
        operations_api,
        public,
        security,
        translation_api,
    )

    settings = config.load(overrides=test_config)
    app = Flask(__name__, instance_path=settings["SYNDICATE_INSTANCE_PATH"])
    app.config.update(settings)
    logging_setup.init_app(app)
    security.init_app(app)
    db.init_app(app)
    babel.init_app(app)
    errors.init_app(app)
    jobs.init_app(app)
    publication.init_app(app)
    health.add_check(app, publication.health)
    media.init_app(app)  # /media/ files, served before Flask routing
    # Each host's mirror also removes its copies of images deleted on any host.
    publication.on_verify(app, media.prune_copies)
    # Long changes run as background operations; each part brings the runner of its kind.
    operations.register(terms.KIND, terms.mark_stale)
    operations.register(sections.REPUBLISH, republish.run_operation)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(translation_api.blueprint)
    app.register_blueprint(operations_api.blueprint)
    app.register_blueprint(media_api.blueprint)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(public.blueprint)
    app.register_blueprint(discovery.blueprint)
    desk.init_app(app)  # the editor desk under /desk, and CSRF for its forms
    return app

"""Alembic environment: the engine comes from ``syndicate.storage.migrate``."""

from alembic import context

from syndicate.storage.models import Base

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )
    context.run_migrations()

"""Storage: SQLAlchemy models, one query module per aggregate, Alembic migrations.

Views, the CLI and the worker call the named functions of ``sections``, ``articles``, ``tokens``
(and later aggregates); none of them builds a query.
"""

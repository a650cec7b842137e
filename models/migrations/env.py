"""Alembic environment of newsmon.

``models.migrate`` runs migrations in-process and hands over its connection (already in a
transaction that holds the migration lock) as ``config.attributes["connection"]``. The
alembic command line works too, for developers (``alembic -c models/migrations/alembic.ini
...`` with ``-x url=sqlite:///path.db``), but ``newsmon db upgrade`` is the supported way.
"""
from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from models import tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from models.migrate import configure_context, include_object

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True,
                      include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        configure_context(context, connection, target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    from models.migrate import locked_connection
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    with locked_connection(url) as conn:
        configure_context(context, conn, target_metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

"""Alembic environment: recess always hands it an open connection (see core.db.Database.migrate)."""

from alembic import context

import recess.models  # noqa: F401  (registers every table on Base.metadata)
from recess.core.db import Base

connection = context.config.attributes.get("connection")
if connection is None:  # `alembic` run by hand: use RECESS_DATABASE_URL
    from recess.core.db import Database
    from recess.settings import get_settings

    database = Database(get_settings().database_url)
    with database.migration_connection() as connection:  # as `recess migrate` does (SQLite: foreign keys off)
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    database.dispose()
else:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()

"""Alembic environment: run with the connection handed over by skillcoach.storage.db."""

from alembic import context

from skillcoach.storage.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

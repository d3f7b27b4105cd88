"""Persistence: the tables, migrations, repository functions, session leases and database connections."""

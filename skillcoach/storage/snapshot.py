"""A new SQLite database's schema from a snapshot of what the migrations make, without loading Alembic.

A learner's first run creates the schema; importing Alembic and running every migration was about a
tenth of the time to the first event. ``migrations/sqlite_head.sql`` holds the DDL the migrations
produce on SQLite (tables and indexes, in order) for the head revision; a database created from it
is identical, stamped with that revision, and later migrations apply to it as usual. A snapshot of
another revision than the head is ignored (the migrations run instead), and a test keeps it current:

    python -m skillcoach.storage.snapshot     # rewrite the snapshot after adding a migration
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from sqlalchemy import Connection, text

SNAPSHOT = Path(__file__).parent / "migrations" / "sqlite_head.sql"
HEADER = "-- skillcoach schema at revision "
SEPARATOR = ";\n\n"


def schema_script(connection: Connection) -> str:
    """The DDL of a SQLite database's tables and indexes, in creation order, with its revision."""
    rows = connection.execute(text("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"))
    revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    statements = [row[0] for row in rows]
    statements.append(f"INSERT INTO alembic_version (version_num) VALUES ('{revision}')")
    return f"{HEADER}{revision}\n" + SEPARATOR.join(statements) + ";\n"


def snapshot_statements(head: str, snapshot: Path = SNAPSHOT) -> list[str] | None:
    """The snapshot's statements when it is of revision ``head``; None when it is missing or older."""
    try:
        script = snapshot.read_text(encoding="utf-8")
    except OSError:
        return None
    first, _, body = script.partition("\n")
    if first != f"{HEADER}{head}":
        return None
    return [s.strip() for s in body.split(SEPARATOR) if s.strip().rstrip(";")]


def create_from_snapshot(connection: Connection, statements: list[str]) -> None:
    """Run the snapshot's DDL on an empty SQLite database (the caller holds the schema lock)."""
    for statement in statements:
        connection.exec_driver_sql(statement.rstrip(";"))


def write_snapshot(target: Path = SNAPSHOT) -> str:
    """Run the migrations on a scratch SQLite file and write the schema they made to ``target``."""
    from skillcoach.storage.db import make_engine, migrate_with_alembic

    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{scratch}/schema.db")
        migrate_with_alembic(engine)
        with engine.connect() as connection:
            script = schema_script(connection)
        engine.dispose()
    target.write_text(script, encoding="utf-8")
    return script


if __name__ == "__main__":
    written = write_snapshot()
    print(f"wrote {SNAPSHOT} ({written.splitlines()[0]})", file=sys.stderr)

"""A new SQLite database from the schema snapshot: identical to the migrations' schema, no Alembic loaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from skillcoach.settings import REPO_ROOT
from skillcoach.storage.db import head_revision, make_engine, migrate, migrate_with_alembic
from skillcoach.storage.snapshot import SNAPSHOT, schema_script, snapshot_statements, write_snapshot


def script_of(url: str) -> str:
    engine = make_engine(url)
    with engine.connect() as connection:
        script = schema_script(connection)
    engine.dispose()
    return script


def normalized(script: str) -> list[list[str]]:
    """Statements and their clauses, sorted: Alembic's table rebuilds list foreign keys and indexes in set order."""
    return sorted([sorted(line.strip().rstrip(",").strip() for line in statement.splitlines())
            for statement in script.split(";\n\n")])


def test_the_snapshot_is_what_the_migrations_make_now(tmp_path: Path) -> None:
    fresh = write_snapshot(tmp_path / "head.sql")
    assert normalized(fresh) == normalized(SNAPSHOT.read_text(encoding="utf-8")), (
        "storage/migrations/sqlite_head.sql is stale: run python -m skillcoach.storage.snapshot")
    assert fresh.startswith(f"-- skillcoach schema at revision {head_revision()}\n")


def test_a_database_made_from_the_snapshot_equals_one_made_by_the_migrations(tmp_path: Path) -> None:
    by_snapshot, by_alembic = f"sqlite:///{tmp_path}/a.db", f"sqlite:///{tmp_path}/b.db"
    migrate(make_engine(by_snapshot))
    migrate_with_alembic(make_engine(by_alembic))
    assert normalized(script_of(by_snapshot)) == normalized(script_of(by_alembic))
    migrate(make_engine(by_snapshot))  # at head: nothing to do, nothing fails


def test_a_snapshot_of_another_revision_is_not_used(tmp_path: Path) -> None:
    old = tmp_path / "old.sql"
    old.write_text(SNAPSHOT.read_text(encoding="utf-8").replace(f"revision {head_revision()}", "revision 0001", 1))
    assert snapshot_statements(head_revision(), old) is None
    assert snapshot_statements(head_revision(), tmp_path / "missing.sql") is None
    assert snapshot_statements(head_revision())


def test_a_first_run_does_not_load_alembic(tmp_path: Path) -> None:
    code = ("import sys; from skillcoach.storage.db import make_engine, migrate; "
            f"migrate(make_engine('sqlite:///{tmp_path}/new.db')); print('alembic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"

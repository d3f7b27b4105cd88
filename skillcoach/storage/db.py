"""Engine creation and automatic Alembic migration on first use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from skillcoach.errors import SkillcoachError
from skillcoach.storage.readonly import read_only_engine, read_only_sqlite

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_MS = 5000


class StorageError(SkillcoachError, RuntimeError):
    """The database cannot be opened or written; the message says what to do."""


def make_engine(url: str) -> Engine:
    if read_only_sqlite(url):  # a read-only data directory: reads work, writes fail clearly
        return read_only_engine(url)
    try:
        if url.startswith("sqlite"):
            _ensure_sqlite_dir(url)
            engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000})
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError) as exc:  # an unparsable URL or an unknown dialect/driver
        raise StorageError(f"database URL not usable ({_first_line(exc)}): use sqlite:///FILE or "
                           "postgresql+psycopg://USER@HOST:PORT/DATABASE") from None


def _first_line(exc: Exception) -> str:
    """The error's first line, without the URL itself (it may hold a password)."""
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split("///", 1)[-1]
    if path in ("", ":memory:"):
        return
    folder = Path(path).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create the data directory {folder}: {exc.strerror}") from None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    # WAL with NORMAL sync: a commit survives the process being killed (the WAL is written before
    # the commit returns); only an OS crash or power cut can lose the last commits. One fsync per
    # checkpoint instead of two per commit is most of the cost of a turn's writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (creates it on a new database)."""
    if _at_head(engine):
        return  # the common case: skip loading Alembic at all
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise StorageError(describe_db_error(exc, engine)) from None


def head_revision() -> str:
    """The newest migration's id: the highest-numbered file in versions/ (ids are zero-padded)."""
    return max(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def _at_head(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError as exc:
        if "locked" in str(exc):  # waiting again in the migration would only double the delay
            raise StorageError(describe_db_error(exc, engine)) from None
        return False
    return current == head_revision()


def describe_db_error(exc: Exception, engine: Engine) -> str:
    text = str(getattr(exc, "orig", exc))
    where = engine.url.render_as_string(hide_password=True)
    if "locked" in text:
        return f"the database {where} is locked by another process; close it and try again"
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return f"the database {where} cannot be written: check the path and its permissions"
    return f"database error on {where}: {text.splitlines()[0] if text else type(exc).__name__}"


def open_database(url: str) -> sessionmaker[Session]:
    engine = make_engine(url)
    migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)


def table_names(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names())

"""Engine creation and automatic Alembic migration on first use (serialised between processes)."""

from __future__ import annotations

import atexit
import weakref
from functools import partial
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from skillcoach.errors import SkillcoachError
from skillcoach.storage.options import DatabaseOptions
from skillcoach.storage.readonly import is_read_only, read_only_engine, read_only_sqlite

MIGRATIONS = Path(__file__).parent / "migrations"
POSTGRES_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
_OPTIONS: weakref.WeakKeyDictionary[Engine, DatabaseOptions] = weakref.WeakKeyDictionary()
_SQLITE_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


class StorageError(SkillcoachError, RuntimeError):
    """The database cannot be opened or written; the message says what to do."""


class DatabaseLocked(StorageError):
    """SQLite stayed locked by other writers past the busy timeout and every retry."""


def make_engine(url: str, options: DatabaseOptions | None = None) -> Engine:
    """An engine for ``url``: SQLite with a busy timeout, Postgres over the process's shared pool."""
    options = options or DatabaseOptions()
    if read_only_sqlite(url):  # a read-only data directory: reads work, writes fail clearly
        return read_only_engine(url)
    try:
        engine = _create(url, options)
    except (ArgumentError, NoSuchModuleError) as exc:  # an unparsable URL or an unknown dialect/driver
        raise StorageError(f"database URL not usable ({_first_line(exc)}): use sqlite:///FILE or "
                           "postgresql+psycopg://USER@HOST:PORT/DATABASE") from None
    _OPTIONS[engine] = options
    return engine


def options_of(engine: Engine) -> DatabaseOptions:
    """The options an engine was made with."""
    return _OPTIONS.get(engine) or DatabaseOptions()


def _create(url: str, options: DatabaseOptions) -> Engine:
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        engine = create_engine(url, connect_args={"timeout": options.sqlite_busy_timeout})
        event.listen(engine, "connect", partial(_sqlite_pragmas, busy_ms=int(options.sqlite_busy_timeout * 1000)))
        _SQLITE_ENGINES.add(engine)
        return engine
    if url.startswith(POSTGRES_SCHEMES):
        from skillcoach.storage.pool import borrow, libpq_url, shared_pool

        pool = shared_pool(url, options)
        sqlalchemy_url = "postgresql+psycopg://" + libpq_url(url).split("://", 1)[1]
        return create_engine(sqlalchemy_url, poolclass=NullPool, creator=partial(borrow, pool))
    # Any other database SQLAlchemy speaks: its own pool, sized by the same setting.
    return create_engine(url, pool_size=options.pool_size, pool_timeout=options.pool_timeout,
                         pool_pre_ping=options.pool_pre_ping)


@atexit.register
def close_sqlite_engines() -> None:
    """Close this process's pooled SQLite connections (at exit).

    The last connection to close folds the WAL into the database file; without it a pooled
    connection left to interpreter shutdown can leave committed rows only in ``-wal``, which a
    later read-only copy of the directory would not see.
    """
    for engine in list(_SQLITE_ENGINES):
        engine.dispose()


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


def _sqlite_pragmas(dbapi_connection, _record, *, busy_ms: int) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
    # WAL with NORMAL sync: a commit survives the process being killed (the WAL is written before
    # the commit returns); only an OS crash or power cut can lose the last commits. One fsync per
    # checkpoint instead of two per commit is most of the cost of a turn's writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def migrate(engine: Engine, *, snapshot: bool = True) -> None:
    """Bring the schema to the newest revision (creates it on a new database).

    Processes starting together on a new database take turns: a file lock beside a SQLite
    database, an advisory lock on Postgres; whoever waited finds the schema made and moves on.
    A new SQLite database is made from the head's schema snapshot (storage/snapshot.py) unless
    ``snapshot`` is False; every other case runs the Alembic migrations.
    """
    if _at_head(engine):
        return  # the common case: skip loading Alembic at all
    if is_read_only(engine):
        where = engine.url.render_as_string(hide_password=True)
        raise StorageError(f"the database {where} is in a read-only directory and not at this version's schema: "
                           "open it once where it can be written")
    from skillcoach.storage.locks import schema_lock

    try:
        with schema_lock(engine) as locked:
            if locked is None:
                if not _at_head(engine):
                    with engine.begin() as connection:
                        _create_or_upgrade(connection, snapshot)
            elif _current_revision(locked) != head_revision():
                with locked.begin():
                    _upgrade(locked)
    except SQLAlchemyError as exc:
        raise StorageError(describe_db_error(exc, engine)) from None


def migrate_with_alembic(engine: Engine) -> None:
    """``migrate`` without the snapshot: the migrations themselves (to write or check the snapshot)."""
    migrate(engine, snapshot=False)


def _create_or_upgrade(connection: Connection, snapshot: bool) -> None:
    statements = _new_sqlite_snapshot(connection) if snapshot else None
    if statements:
        from skillcoach.storage.snapshot import create_from_snapshot

        create_from_snapshot(connection, statements)
    else:
        _upgrade(connection)


def _new_sqlite_snapshot(connection: Connection) -> list[str] | None:
    """The head's snapshot statements when ``connection`` is an empty SQLite database, else None."""
    if connection.dialect.name != "sqlite" or inspect(connection).get_table_names():
        return None
    from skillcoach.storage.snapshot import snapshot_statements

    return snapshot_statements(head_revision())


def _upgrade(connection: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _current_revision(connection: Connection) -> str | None:
    """The schema's revision on ``connection`` (None on a new database); ends its read transaction."""
    if "alembic_version" not in inspect(connection).get_table_names():
        connection.commit()
        return None
    current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    connection.commit()
    return current


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
    """Turn a database error into one line that names the database (password hidden) and what to do about it."""
    text = str(getattr(exc, "orig", exc))
    where = engine.url.render_as_string(hide_password=True)
    options = options_of(engine)
    if engine.dialect.name == "postgresql":
        from skillcoach.storage.pool import describe_pool_error

        described = describe_pool_error(getattr(exc, "orig", exc), where, options)
        if described:
            return described
    if "locked" in text:
        return locked_message(where, options)
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return f"the database {where} cannot be written: check the path and its permissions"
    return f"database error on {where}: {text.splitlines()[0] if text else type(exc).__name__}"


def locked_message(where: str, options: DatabaseOptions) -> str:
    """Explain a SQLite file that stayed locked past the busy timeout and retries, and point to Postgres."""
    return (f"the database {where} stayed locked by other writers for over "
            f"SKILLCOACH_SQLITE_BUSY_TIMEOUT={options.sqlite_busy_timeout:g} s and {options.lock_retries} retries; "
            "SQLite serves a few dozen concurrent sessions per file: for more, use Postgres "
            "(SKILLCOACH_DATABASE_URL=postgresql://...)")


def is_locked(exc: BaseException) -> bool:
    """SQLite's "database is locked" / "database table is locked", from SQLAlchemy or sqlite3."""
    return "locked" in str(getattr(exc, "orig", exc))


def open_database(url: str, options: DatabaseOptions | None = None) -> sessionmaker[Session]:
    """Connect to the database at ``url``, bring its schema up to date, and return a session factory."""
    engine = make_engine(url, options)
    migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)


def table_names(engine: Engine) -> list[str]:
    """List the database's table names, sorted, to check what the migrations created."""
    return sorted(inspect(engine).get_table_names())

"""Reading a SQLite database whose directory cannot be written (a read-only mount, a shared copy).

WAL mode needs its -wal and -shm files next to the database, so even a read fails there. For such a
directory the engine opens the file as immutable (no locks, no journal files); the commands that only
read (progress, learner list/show, plan show, replay list) then work, and a write fails with a clear
"read-only" error instead of "unable to open database file".
"""

from __future__ import annotations

import os
import weakref
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event

_READ_ONLY: weakref.WeakSet[Engine] = weakref.WeakSet()


def sqlite_path(url: str) -> Path | None:
    """The database file of a plain ``sqlite:///PATH`` URL (None for memory or URI forms)."""
    path = url.split("///", 1)[-1] if url.startswith("sqlite:///") else ""
    if path in ("", ":memory:") or path.startswith("file:") or "?" in path:
        return None
    return Path(path)


def read_only_sqlite(url: str) -> bool:
    """True when the database file exists but its directory cannot be written."""
    path = sqlite_path(url)
    return path is not None and path.is_file() and not os.access(path.parent, os.W_OK)


def read_only_engine(url: str) -> Engine:
    """Open a SQLite file read-only: immutable (no lock, no change), or through its leftover WAL."""
    path = sqlite_path(url)
    assert path is not None
    # Committed rows can still sit in a -wal file (its writer was killed before folding it in):
    # immutable would not read them, SQLite's read-only WAL mode does (it needs the -shm beside it).
    wal = path.with_name(path.name + "-wal")
    mode = "mode=ro" if wal.is_file() and wal.stat().st_size else "mode=ro&immutable=1"
    uri = f"file:{quote(str(path.resolve()))}?{mode}"
    engine = create_engine(f"sqlite:///{uri}&uri=true")
    event.listen(engine, "connect", _foreign_keys)
    _READ_ONLY.add(engine)
    return engine


def is_read_only(engine: Engine) -> bool:
    """True for an engine made by ``read_only_engine``."""
    return engine in _READ_ONLY


def _foreign_keys(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_connection.execute("PRAGMA foreign_keys=ON")

"""Backups of the whole database, taken while the app keeps serving.

SQLite uses its online backup API (a consistent copy even while workers write);
PostgreSQL uses ``pg_dump`` / ``pg_restore`` in their custom format.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess

from sqlalchemy.engine import make_url

from exchange_app import paths


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message says why."""


def _libpq_url(database_url: str) -> str:
    """The URL without SQLAlchemy's driver suffix, as pg_dump and pg_restore expect it."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _sqlite_path(database_url: str) -> str:
    path = make_url(database_url).database
    if not path or path == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return path


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return found


def _sqlite_integrity(path: str) -> str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def backup(database_url: str, target: str) -> None:
    """Write a consistent copy of the database at ``database_url`` to the file ``target``."""
    backend = make_url(database_url).get_backend_name()
    if backend == "sqlite":
        source = sqlite3.connect(_sqlite_path(database_url), timeout=30)
        partial = target + ".partial"
        if os.path.exists(partial):
            os.remove(partial)
        paths.private_file(partial)  # the copy holds personal data: owner-only
        destination = sqlite3.connect(partial)
        try:
            source.backup(destination)
        finally:
            destination.close()
            source.close()
        if _sqlite_integrity(partial) != "ok":
            os.remove(partial)
            raise BackupError("the copy failed its integrity check")
        os.replace(partial, target)
    elif backend == "postgresql":
        paths.private_file(target)  # pg_dump keeps the mode of the file it overwrites
        result = subprocess.run(  # noqa: S603 - fixed program, no shell
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--file",
                target,
                "--dbname",
                _libpq_url(database_url),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(result.stderr.strip() or "pg_dump failed")
    else:
        raise BackupError(f"no backup method for {backend}")


def restore(database_url: str, source: str) -> None:
    """Replace the contents of the database at ``database_url`` with the backup ``source``."""
    if not os.path.isfile(source):
        raise BackupError(f"no such backup file: {source}")
    backend = make_url(database_url).get_backend_name()
    if backend == "sqlite":
        if _sqlite_integrity(source) != "ok":
            raise BackupError("the backup file failed its integrity check")
        backup_db = sqlite3.connect(source)
        live = sqlite3.connect(_sqlite_path(database_url), timeout=30)
        try:
            backup_db.backup(live)
        finally:
            live.close()
            backup_db.close()
    elif backend == "postgresql":
        result = subprocess.run(  # noqa: S603 - fixed program, no shell
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                _libpq_url(database_url),
                source,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(result.stderr.strip() or "pg_restore failed")
    else:
        raise BackupError(f"no restore method for {backend}")

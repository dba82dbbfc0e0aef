"""Where the app finds its files: the templates, static files and migrations it ships, and the
instance folder it writes to (generated secret key, SQLite file, uploads waiting, laid-out PDFs).

An installed wheel carries the templates, static files, migrations and ``alembic.ini`` inside
the package; a checkout of the repository keeps them at its top level.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

PACKAGE_DIR = Path(__file__).resolve().parent
INSTANCE_PATH_VARIABLE = "EXCHANGE_APP_INSTANCE_PATH"


def source_checkout() -> Path | None:
    """The repository root when the package runs from a checkout (editable install), else None."""
    root = PACKAGE_DIR.parent
    if (root / "pyproject.toml").is_file() and (root / "migrations" / "env.py").is_file():
        return root
    return None


def resource(name: str) -> Path:
    """A shipped file or folder: ``templates``, ``static``, ``migrations`` or ``alembic.ini``."""
    root = source_checkout()
    return (root / name) if root is not None else (PACKAGE_DIR / name)


def instance_path() -> Path:
    """The instance folder: ``EXCHANGE_APP_INSTANCE_PATH`` if set; ``instance/`` in a checkout;
    else the platform's folder for application data (``~/.local/share/exchange_app`` on Linux,
    ``~/Library/Application Support/exchange_app`` on macOS, ``%LOCALAPPDATA%\\exchange_app``
    on Windows). Never inside ``site-packages``.
    """
    configured = os.environ.get(INSTANCE_PATH_VARIABLE)
    if configured:
        return Path(configured).expanduser().resolve()
    root = source_checkout()
    if root is not None:
        return root / "instance"
    return Path(platformdirs.user_data_dir("exchange_app", appauthor=False)).resolve()


PRIVATE_FILE_MODE = 0o600


def private_file(path: str | os.PathLike[str]) -> None:
    """Make sure ``path`` exists readable and writable by its owner only (mode 0600): an
    empty file is created if there is none, and a looser mode is tightened.

    For files that may hold personal data (the SQLite database, backups) before anything
    writes to them; SQLite gives its -wal and -shm files the mode of the database file.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE)
    os.close(fd)
    os.chmod(path, PRIVATE_FILE_MODE)

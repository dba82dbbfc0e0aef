"""Scratch databases beside the one under test, for tests that need a server of their own.

Nothing here needs pytest: the benchmark and load scripts use it too.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import sys
from types import ModuleType

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from exchange_app.db import create_db_engine

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def scratch_database_url(suffix: str, folder: str) -> str:
    """An empty-able database of the same kind as the one under test.

    SQLite: a file in ``folder``. PostgreSQL: ``<test database>_<suffix>`` on the same
    server, created if missing (callers empty it themselves).
    """
    base = os.environ.get("TEST_DATABASE_URL")
    if not base or make_url(base).get_backend_name() == "sqlite":
        return "sqlite:///" + os.path.join(folder, f"{suffix}.sqlite3")
    url = make_url(base)
    scratch = url.set(database=f"{url.database}_{suffix}")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": scratch.database}
        ).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{scratch.database}"'))
    admin.dispose()
    return scratch.render_as_string(hide_password=False)


def load_test_module() -> ModuleType:
    """``scripts/load_test.py`` as a module (the server and client helpers live there)."""
    name = "exchange_app_load_test"
    if name in sys.modules:
        return sys.modules[name]
    path = os.path.join(PROJECT_ROOT, "scripts", "load_test.py")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    """A loopback port nobody is listening on right now (for a gunicorn of a test)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def reset_database(url: str) -> None:
    """Empty the database at ``url``: drop PostgreSQL's public schema, or delete the SQLite file."""
    engine = create_db_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
            connection.commit()
    else:
        path = engine.url.database
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            if path and os.path.exists(path + suffix):
                os.remove(path + suffix)
    engine.dispose()

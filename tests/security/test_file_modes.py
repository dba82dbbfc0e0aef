"""Files that hold personal data are readable by their owner only (mode 0600)."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import text

from exchange_app.db import create_db_engine
from exchange_app.services import backups
from tests.scratch import load_test_module, scratch_database_url


def mode_of(path: str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def loose_umask():
    """The usual 022 umask, under which files are created world-readable (0644)."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_new_sqlite_database_and_its_wal_and_shm_are_owner_only(tmp_path, loose_umask):
    path = str(tmp_path / "exchange_app.sqlite3")
    engine = create_db_engine("sqlite:///" + path)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE note (body TEXT)"))
        connection.execute(text("INSERT INTO note VALUES ('熊本 太郎')"))
        for suffix in ("", "-wal", "-shm"):
            assert os.path.exists(path + suffix), suffix
            assert mode_of(path + suffix) == 0o600, (suffix, oct(mode_of(path + suffix)))
    engine.dispose()


def test_an_existing_world_readable_database_is_made_owner_only(tmp_path, loose_umask):
    path = str(tmp_path / "old.sqlite3")
    open(path, "wb").close()
    os.chmod(path, 0o644)
    create_db_engine("sqlite:///" + path).dispose()
    assert mode_of(path) == 0o600


def test_a_backup_file_is_owner_only(tmp_path, loose_umask):
    url = scratch_database_url("modes", str(tmp_path))
    load_test_module().prepare_database(url)
    target = str(tmp_path / "exchange.backup")
    backups.backup(url, target)
    assert mode_of(target) == 0o600

"""Test fixtures.

The schema is built once per run by the real migrations; every test then runs in
a transaction that is rolled back, so tests never see each other's data.
``TEST_DATABASE_URL`` picks the database (default: a SQLite file in a temp dir).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session, sessionmaker

from exchange_app import create_app, migrate
from exchange_app.db import Database, create_db_engine
from exchange_app.models import User
from exchange_app.paths import INSTANCE_PATH_VARIABLE
from exchange_app.services import accounts
from exchange_app.services.seed import seed_reference_data
from tests.factories import Make
from tests.scratch import reset_database

PASSWORD = "test password for the suite 熊本"


@pytest.fixture(scope="session", autouse=True)
def instance_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An instance folder of the run's own (secret key, laid-out PDFs, uploads), never the
    checkout's ``instance/``; commands the tests start inherit it."""
    folder = str(tmp_path_factory.mktemp("instance"))
    patch = pytest.MonkeyPatch()
    patch.setenv(INSTANCE_PATH_VARIABLE, folder)
    yield folder
    patch.undo()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A freshly migrated and seeded database for the whole run."""
    url = os.environ.get("TEST_DATABASE_URL") or (
        "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
    )
    reset_database(url)
    migrate.upgrade(url)
    engine = create_db_engine(url)
    with Session(engine) as session:
        seed_reference_data(session)
        session.commit()
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """One engine for the whole run."""
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        if transaction.is_active:
            transaction.rollback()


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Extra configuration for the test's app (override in a test module)."""
    return {}


@pytest.fixture
def app(database_url: str, connection: Connection, app_config: dict[str, Any]) -> Iterator[Flask]:
    """The app, with every session joined to the test's rolled-back transaction."""
    app = create_app({"DATABASE_URL": database_url, **app_config})
    own = app.extensions["exchange_app.db"]
    own.engine.dispose()
    app.extensions["exchange_app.db"] = Database(
        engine=connection.engine,
        session_factory=sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        ),
    )
    yield app


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """A session on the test's transaction, for arranging data and checking results."""
    session = app.extensions["exchange_app.db"].session_factory()
    yield session
    session.close()


@pytest.fixture
def make(db: Session) -> Make:
    """The shared builders of tests/factories.py on the test's session."""
    return Make(db)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client (CSRF is off unless the test's app_config turns it on)."""
    return app.test_client()


@pytest.fixture
def make_user(db: Session):
    """Factory: a user with ``role`` and the suite's password."""
    counter = {"n": 0}

    def make(role: str = "staff", email: str | None = None, **values: Any) -> User:
        counter["n"] += 1
        user = accounts.create_user(
            db,
            email=email or f"{role}{counter['n']}@example.org",
            display_name=values.pop("display_name", f"{role.title()} {counter['n']}"),
            role=role,
            password=PASSWORD,
        )
        for key, value in values.items():
            setattr(user, key, value)
        db.commit()
        return user

    return make


def csrf_token_from(html: str) -> str:
    """The CSRF token of the first form in a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


class AuthActions:
    """Sign a test client in and out."""

    def __init__(self, client: FlaskClient, make_user: Any) -> None:
        self._client = client
        self._make_user = make_user

    def login(self, user_or_role: User | str = "staff") -> User:
        user = self._make_user(user_or_role) if isinstance(user_or_role, str) else user_or_role
        page = self._client.get("/auth/login")
        data = {"email": user.email, "password": PASSWORD}
        if b"csrf_token" in page.data:
            data["csrf_token"] = csrf_token_from(page.get_data(as_text=True))
        response = self._client.post("/auth/login", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    def logout(self) -> None:
        page = self._client.get("/")
        data = {}
        if b"csrf_token" in page.data:
            data["csrf_token"] = csrf_token_from(page.get_data(as_text=True))
        self._client.post("/auth/logout", data=data)


@pytest.fixture
def auth(client: FlaskClient, make_user: Any) -> AuthActions:
    """Sign-in helper bound to ``client``."""
    return AuthActions(client, make_user)


@pytest.fixture
def count_queries(engine: Engine):
    """Context manager counting the SQL statements run inside it."""
    from contextlib import contextmanager

    @contextmanager
    def counter() -> Iterator[list[str]]:
        statements: list[str] = []

        def before_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                statements.append(statement)

        event.listen(engine, "before_cursor_execute", before_execute)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", before_execute)

    return counter

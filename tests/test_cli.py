"""The commands the README and ``make run`` rely on: db, seed, users, ensure-admin, demo-data.

Each is run as ``flask --app exchange_app <command>`` runs it (Flask's CLI runner), on the
suite's database inside the test's rolled-back transaction, or, for the schema commands, on
a scratch database of the same kind.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, inspect, select

from exchange_app import create_app, migrate
from exchange_app.db import create_db_engine
from exchange_app.models import AuditEntry, Delegation, PartnerCity, User, YouthProgram
from exchange_app.services import accounts
from tests.conftest import PASSWORD, reset_database
from tests.scratch import PROJECT_ROOT, scratch_database_url

STRONG = "a long enough passphrase 熊本城"


def revisions_in_order() -> list[str]:
    """The migrations' revision ids, oldest first (from the files, not from the app)."""
    parents: dict[str, str | None] = {}
    for path in (Path(PROJECT_ROOT) / "migrations" / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revision = re.search(r"^revision: str = '(\w+)'", text, re.M).group(1)
        down = re.search(r"^down_revision: str \| None = (?:'(\w+)'|None)", text, re.M).group(1)
        parents[revision] = down
    chain, current = [], None
    while len(chain) < len(parents):
        current = next(rev for rev, down in parents.items() if down == current)
        chain.append(current)
    return chain


# --- db upgrade / downgrade / current / check, on a scratch database ------------------------


@pytest.fixture
def empty_app(tmp_path) -> Iterator[Flask]:
    """An app over an empty scratch database (no tables)."""
    url = scratch_database_url("cli", str(tmp_path))
    reset_database(url)
    app = create_app({"DATABASE_URL": url})
    yield app
    app.extensions["exchange_app.db"].engine.dispose()
    reset_database(url)


def invoke(app: Flask, *args: str, input: str | None = None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def tables(app: Flask) -> set[str]:
    engine = create_db_engine(app.config["DATABASE_URL"])
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_db_upgrade_then_downgrade_by_steps_and_back(empty_app):
    chain = revisions_in_order()
    assert len(chain) >= 3
    url = empty_app.config["DATABASE_URL"]

    result = invoke(empty_app, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert f"database at revision {chain[-1]}" in result.output
    assert migrate.current_revision(url) == chain[-1]
    assert "partner_cities" in tables(empty_app)

    result = invoke(empty_app, "db", "downgrade", "-1")
    assert result.exit_code == 0, result.output
    assert migrate.current_revision(url) == chain[-2]

    result = invoke(empty_app, "db", "downgrade")  # one step by default
    assert result.exit_code == 0, result.output
    assert migrate.current_revision(url) == chain[-3]

    result = invoke(empty_app, "db", "upgrade", "+1")
    assert result.exit_code == 0, result.output
    assert migrate.current_revision(url) == chain[-2]

    result = invoke(empty_app, "db", "downgrade", "base")
    assert result.exit_code == 0, result.output
    assert "base (no tables)" in result.output
    assert migrate.current_revision(url) is None
    assert "partner_cities" not in tables(empty_app)


def test_db_downgrade_past_the_first_migration_is_refused_and_changes_nothing(empty_app):
    chain = revisions_in_order()
    assert invoke(empty_app, "db", "upgrade").exit_code == 0
    result = invoke(empty_app, "db", "downgrade", f"-{len(chain) + 1}")
    assert result.exit_code == 1
    assert "Error:" in result.output and "Traceback" not in result.output
    assert migrate.current_revision(empty_app.config["DATABASE_URL"]) == chain[-1]


def test_db_upgrade_to_an_unknown_revision_is_refused(empty_app):
    result = invoke(empty_app, "db", "upgrade", "0123456789ab")
    assert result.exit_code == 1
    assert "0123456789ab" in result.output
    assert tables(empty_app) <= {"alembic_version"}


def test_db_current_names_the_revision(empty_app):
    chain = revisions_in_order()
    assert invoke(empty_app, "db", "upgrade", chain[0]).exit_code == 0
    result = invoke(empty_app, "db", "current")
    assert result.exit_code == 0
    assert result.output.strip() == chain[0]
    assert invoke(empty_app, "db", "upgrade").exit_code == 0
    assert invoke(empty_app, "db", "current").output.strip() == f"{chain[-1]} (head)"


def test_db_check_passes_at_head_and_fails_on_an_old_schema(empty_app):
    chain = revisions_in_order()
    assert invoke(empty_app, "db", "upgrade", chain[-2]).exit_code == 0
    behind = invoke(empty_app, "db", "check")
    assert behind.exit_code == 1
    assert "not up to date" in behind.output
    assert invoke(empty_app, "db", "upgrade").exit_code == 0
    at_head = invoke(empty_app, "db", "check")
    assert at_head.exit_code == 0, at_head.output


def test_seed_fills_an_empty_schema_once(empty_app):
    assert invoke(empty_app, "db", "upgrade").exit_code == 0
    first = invoke(empty_app, "seed")
    assert first.exit_code == 0, first.output
    assert "added 8 partner_cities" in first.output
    second = invoke(empty_app, "seed")
    assert "nothing changed" in second.output
    with empty_app.app_context():
        from exchange_app.db import get_session

        session = get_session()
        assert session.scalar(select(func.count()).select_from(PartnerCity)) == 8


# --- users, ensure-admin, demo-data on the suite's database ---------------------------------


def test_users_create_reads_the_password_from_stdin(app, db):
    result = invoke(app, "users", "create", "--email", "new.staff@example.org", "--role",
                    "staff", "--name", "新しい職員", input=STRONG + "\n")
    assert result.exit_code == 0, result.output
    assert "created new.staff@example.org (staff)" in result.output
    user = accounts.find_user_by_email(db, "new.staff@example.org")
    assert user is not None and user.role == "staff" and user.display_name == "新しい職員"
    assert accounts.verify_password(user.password_hash, STRONG)
    assert STRONG not in (user.password_hash or "")
    entry = db.scalar(select(AuditEntry).where(AuditEntry.entity_type == "user",
                                               AuditEntry.entity_id == user.id))
    assert entry is not None and entry.action == "create"


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short pw", "too_short"),
        ("", "too_short"),
        ("123123123123", "too_common"),
        ("x" * 300, "too_long"),
        ("Kumamoto2024!", "too_weak"),
        ("Password123!", "too_weak"),
    ],
)
def test_users_create_refuses_a_weak_password_from_stdin(app, db, password, reason):
    from exchange_app.services.passwords_messages import password_policy_message

    result = invoke(app, "users", "create", "--email", "weak@example.org", "--role", "viewer",
                    input=password + "\n")
    assert result.exit_code == 1
    with app.test_request_context():  # commands speak the default language, Japanese
        assert password_policy_message(reason) in result.output
    assert accounts.find_user_by_email(db, "weak@example.org") is None


def test_users_create_refuses_an_unknown_role(app, db):
    result = invoke(app, "users", "create", "--email", "boss@example.org", "--role",
                    "superuser", input=STRONG + "\n")
    assert result.exit_code == 2
    assert "Invalid value for '--role'" in result.output
    for role in ("viewer", "staff", "coordinator", "admin"):
        assert role in result.output
    assert accounts.find_user_by_email(db, "boss@example.org") is None


def test_users_create_refuses_an_existing_email(app, db, make_user):
    existing = make_user("staff", email="taken@example.org")
    result = invoke(app, "users", "create", "--email", "taken@example.org", "--role", "admin",
                    input=STRONG + "\n")
    assert result.exit_code == 1
    assert "already exists" in result.output
    db.refresh(existing)
    assert existing.role == "staff"
    assert accounts.verify_password(existing.password_hash, PASSWORD)


def test_users_list_shows_email_role_and_state_sorted(app, db, make_user):
    make_user("viewer", email="b.viewer@example.org")
    make_user("coordinator", email="a.coordinator@example.org")
    make_user("staff", email="c.gone@example.org", active=False)
    result = invoke(app, "users", "list")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "a.coordinator@example.org\tcoordinator\tactive",
        "b.viewer@example.org\tviewer\tactive",
        "c.gone@example.org\tstaff\tdisabled",
    ]


def test_ensure_admin_creates_one_admin_whose_printed_password_signs_in(app, db, client):
    assert db.scalar(select(func.count()).select_from(User).where(User.role == "admin")) == 0
    result = invoke(app, "ensure-admin", "--email", "first.admin@example.org")
    assert result.exit_code == 0, result.output
    password = re.search(r"password: (\S+)", result.output).group(1)
    admin = accounts.find_user_by_email(db, "first.admin@example.org")
    assert admin.role == "admin" and admin.active
    response = client.post("/auth/login",
                           data={"email": "first.admin@example.org", "password": password})
    assert response.status_code == 302

    again = invoke(app, "ensure-admin", "--email", "second.admin@example.org")
    assert again.exit_code == 0
    assert "first.admin@example.org" in again.output
    assert "password" not in again.output
    assert accounts.find_user_by_email(db, "second.admin@example.org") is None


def test_ensure_admin_ignores_a_disabled_admin(app, db, make_user):
    make_user("admin", email="old.admin@example.org", active=False)
    result = invoke(app, "ensure-admin", "--email", "new.admin@example.org")
    assert result.exit_code == 0, result.output
    assert accounts.find_user_by_email(db, "new.admin@example.org").active


def test_ensure_admin_reads_the_email_from_the_environment(app, db, monkeypatch):
    monkeypatch.setenv("ADMIN_EMAIL", "from.env@example.org")
    result = invoke(app, "ensure-admin")
    assert result.exit_code == 0, result.output
    assert accounts.find_user_by_email(db, "from.env@example.org").role == "admin"


def test_demo_data_adds_marked_records_and_refuses_real_ones_without_force(app, db):
    result = invoke(app, "demo-data", "--scale", "1")
    assert result.exit_code == 0, result.output
    assert "200 delegations" in result.output and "(demo data)" in result.output
    titles = db.scalars(select(Delegation.title)).all()
    assert len(titles) == 200 and all(title.startswith("[デモ]") for title in titles)

    guilin = db.scalar(select(PartnerCity).where(PartnerCity.slug == "guilin"))
    db.add(YouthProgram(title="本物の交流", kind="partner_exchange", partner_city_id=guilin.id,
                        direction="outbound", start_date=guilin.established_on,
                        end_date=guilin.established_on))
    db.commit()
    refused = invoke(app, "demo-data", "--scale", "1", "--seed", "7")
    assert refused.exit_code == 1
    assert "--force" in refused.output
    assert db.scalar(select(func.count()).select_from(Delegation)) == 200
    forced = invoke(app, "demo-data", "--scale", "1", "--seed", "7", "--force")
    assert forced.exit_code == 0, forced.output
    assert db.scalar(select(func.count()).select_from(Delegation)) == 400


def test_demo_data_refuses_a_scale_out_of_range(app, db):
    result = invoke(app, "demo-data", "--scale", "0")
    assert result.exit_code == 2
    assert db.scalar(select(func.count()).select_from(Delegation)) == 0

"""Every record kind is declared once, completely, and every path reads the declaration."""

from __future__ import annotations

import html
import importlib
import pkgutil
import subprocess
import sys

import pytest
from sqlalchemy import func, select

import exchange_app
from exchange_app.delegations.kind import DELEGATIONS
from exchange_app.models import AuditEntry, Delegation
from exchange_app.records.fields import FieldType
from exchange_app.records.kind import RecordKind, undeclared_columns
from tests.factories import delegation_form, make_delegation
from tests.import_files import make_file


def _declared_kinds() -> list[RecordKind]:
    """Every ``RecordKind`` declared in a feature's ``kind`` module."""
    kinds: dict[str, RecordKind] = {}
    for module in pkgutil.walk_packages(exchange_app.__path__, "exchange_app."):
        if module.name.endswith(".kind"):
            loaded = importlib.import_module(module.name)
            for value in vars(loaded).values():
                if isinstance(value, RecordKind):
                    kinds[value.key] = value
    return list(kinds.values())


KINDS = _declared_kinds()


def test_the_features_declare_their_kinds() -> None:
    assert {"delegations", "partner-cities"} <= {kind.key for kind in KINDS}


@pytest.mark.parametrize("kind", KINDS, ids=[kind.key for kind in KINDS])
def test_every_model_column_is_declared_or_excluded(kind: RecordKind) -> None:
    assert undeclared_columns(kind) == set()
    for item in kind.fields_of(FieldType.ROWS):
        assert item.rows is not None
        assert undeclared_columns(item.rows) == set(), item.key


@pytest.mark.parametrize("kind", KINDS, ids=[kind.key for kind in KINDS])
def test_every_declared_field_exists_on_the_model(kind: RecordKind) -> None:
    for item in kind.fields:
        target = item.relationship or item.model_attribute
        assert hasattr(kind.model, target), f"{kind.key}.{item.key}"


def test_import_modules_load_alone_and_know_no_feature() -> None:
    features = ("delegations", "youth", "promotions", "indicators", "history", "partners")
    names = [
        f"exchange_app.importing.{module.name}"
        for module in pkgutil.iter_modules(exchange_app.importing.__path__)
    ]
    # Each module in a fresh interpreter of its own (started together: they are independent).
    runs = {
        name: subprocess.Popen(
            [sys.executable, "-c", f"import sys, {name}; print(' '.join(sorted(sys.modules)))"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in names
    }
    for name, run in runs.items():
        loaded, _errors = run.communicate(timeout=120)
        assert run.returncode == 0, name
        known = [m for m in loaded.split() if m.split(".")[1:2] and m.split(".")[1] in features]
        assert known == [], f"{name} imports {known}"


def test_import_refuses_member_count_50000_with_the_forms_message(app, client, auth, db) -> None:
    from exchange_app import importing
    from exchange_app.imports.kinds import get_kind

    headers = ["管理番号", "方向", "相手都市", "件名", "開始日", "終了日", "人数"]
    rows = [["GL-1", "受入", "桂林市", "大訪問団", "2024-04-01", "2024-04-02", "50000"]]
    with app.test_request_context("/?lang=en"):
        from flask import session

        session["lang"] = "en"
        plan = importing.plan_import(db, get_kind("delegations"), *make_file("xlsx", headers, rows))
    assert not plan.ok
    assert [(p.line, p.column, p.message) for p in plan.problems] == [
        (2, "member_count", "The number of people must be from 1 to 10,000.")
    ]
    auth.login("staff")
    page = client.post(
        "/delegations/new?lang=en", data=delegation_form(counterpart="Wien", member_count="50000")
    ).get_data(as_text=True)
    error = page.split('id="member_count-error"', 1)[1].split("</div>", 1)[0]
    assert "The number of people must be from 1 to 10,000." in html.unescape(error)
    assert db.scalar(select(func.count()).select_from(Delegation)) == 0


def _history_entries(db, delegation_id: int) -> list[AuditEntry]:
    return list(
        db.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type == "delegation", AuditEntry.entity_id == delegation_id)
            .order_by(AuditEntry.id)
        )
    )


def _edit_form(delegation: Delegation, **values: object) -> dict[str, object]:
    data = delegation_form(
        version=str(delegation.version),
        partner_city_id=str(delegation.partner_city_id),
        title=delegation.title,
        start_date=delegation.start_date.isoformat(),
        end_date=delegation.end_date.isoformat(),
        member_count=str(delegation.member_count),
        head_name="",
        head_title="",
        purpose="",
        **{"members-0-name": None, "members-0-organization": None, "members-0-title": None},
    )
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


def test_an_unchanged_save_writes_no_history_entry(client, auth, db) -> None:
    delegation = make_delegation(db, fields=["environment", "tourism", "youth"])
    auth.login("staff")
    before = len(_history_entries(db, delegation.id))
    # The form sends the fields in the vocabulary's order, not the stored one.
    response = client.post(
        f"/delegations/{delegation.id}/edit",
        data=_edit_form(delegation, fields=["youth", "tourism", "environment"]),
    )
    assert response.status_code == 302
    assert len(_history_entries(db, delegation.id)) == before
    db.refresh(delegation)
    assert delegation.version == 1


def test_reordered_rows_and_fields_are_no_change(db) -> None:
    from exchange_app.records.history import diff

    before = {"fields": ["environment", "youth"], "members": [{"name": "A"}, {"name": "B"}]}
    after = {"fields": ["youth", "environment"], "members": [{"name": "B"}, {"name": "A"}]}
    assert diff(DELEGATIONS, before, after) == {}
    changed = diff(DELEGATIONS, before, {**after, "fields": ["youth"]})
    assert changed == {"fields": [["environment", "youth"], ["youth"]]}


def test_long_text_history_shows_the_difference_only(client, auth, db) -> None:
    delegation = make_delegation(db, purpose="環境分野の技術研修と視察")
    auth.login("staff")
    client.post(
        f"/delegations/{delegation.id}/edit",
        data=_edit_form(delegation, purpose="環境分野の技術研修と意見交換"),
    )
    page = client.get(f"/delegations/{delegation.id}?lang=en").get_data(as_text=True)
    assert "<del>視察</del>" in page and "<ins>意見交換</ins>" in page
    assert "Updated" in page and "JST" in page

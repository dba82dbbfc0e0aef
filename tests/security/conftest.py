"""Helpers shared by the security tests."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from exchange_app.db import Base
from tests.security import route_matrix


def rule_url(app: Flask, rule: Rule, session: Session, *, missing: bool = False) -> str:
    """A URL for ``rule`` with its arguments filled from the matrix's providers."""
    expect = route_matrix.ROUTES.get(rule.endpoint, route_matrix.Expect())
    values: dict[str, Any] = {}
    for name in rule.arguments:
        if missing and name in route_matrix.MISSING_ARGS:
            values[name] = route_matrix.MISSING_ARGS[name]
        elif name in expect.args:
            values[name] = expect.args[name]
        else:
            assert name in route_matrix.URL_ARGS, (
                f"{rule.endpoint}: add a provider for URL argument {name!r} to "
                "tests/security/route_matrix.py URL_ARGS (and MISSING_ARGS)"
            )
            values[name] = route_matrix.URL_ARGS[name](session)
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def app_rules(app: Flask) -> list[Rule]:
    """Every rule of the app, in a stable order."""
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule))


def table_fingerprint(session: Session) -> dict[str, tuple[int, int]]:
    """Row count (and sum of versions, where there is one) of every table."""
    session.expire_all()
    result: dict[str, tuple[int, int]] = {}
    for table in Base.metadata.sorted_tables:
        count = session.scalar(select(func.count()).select_from(table)) or 0
        versions = 0
        if "version" in table.c:
            versions = session.scalar(select(func.coalesce(func.sum(table.c.version), 0))) or 0
        result[table.name] = (count, int(versions))
    return result


@pytest.fixture
def sign_in(client, auth):
    """Sign ``client`` in as a fresh user of ``role`` (``anonymous``: stay signed out)."""

    def sign(role: str):
        if role == "anonymous":
            return None
        return auth.login(role)

    return sign

"""Writing delegations: each function adds and flushes and audits; the view commits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from exchange_app.delegations.kind import DELEGATIONS
from exchange_app.models import Delegation
from exchange_app.records import operations


def create_delegation(
    session: Session, values: Mapping[str, Any], user_id: int | None
) -> Delegation:
    """Add a delegation with its members, courtesy calls and gifts."""
    delegation: Delegation = operations.create(session, DELEGATIONS, values, user_id)
    return delegation


def update_delegation(
    session: Session, delegation: Delegation, values: Mapping[str, Any], user_id: int | None
) -> dict[str, Any]:
    """Change a delegation and its rows; returns what changed (nothing: nothing written)."""
    return operations.update(session, DELEGATIONS, delegation, values, user_id)


def delete_delegation(session: Session, delegation: Delegation) -> None:
    """Remove a delegation and its rows; the audit entry keeps what it was."""
    operations.delete(session, DELEGATIONS, delegation)

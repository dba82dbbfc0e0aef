"""Writing accounts: create, change and reset, each audited; the caller commits.

The Users pages, ``flask users create`` and ``flask ensure-admin`` all create accounts
here, so every new account is audited the same way.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from exchange_app.models import User
from exchange_app.services import accounts, audit
from exchange_app.vocab import AuditAction, EntityType


def create_account(
    session: Session,
    *,
    email: str,
    display_name: str,
    role: str,
    password: str,
    summary: str | None = None,
) -> User:
    """Add an account (the password must pass the policy), with its audit entry."""
    user = accounts.create_user(
        session, email=email, display_name=display_name, role=role, password=password
    )
    audit.record(
        session,
        AuditAction.CREATE,
        EntityType.USER,
        user.id,
        changes={"email": [None, user.email], "role": [None, user.role]},
        summary=summary,
    )
    return user


def update_account(
    session: Session, user: User, *, display_name: str, role: str, active: bool
) -> dict[str, Any]:
    """Change an account's name, role or whether it may sign in; returns what changed."""
    before = audit.snapshot(user)
    user.display_name = display_name.strip()
    user.role = role
    accounts.set_active(session, user, active)
    changes = audit.diff(before, audit.snapshot(user))
    if changes:
        audit.record(session, AuditAction.UPDATE, EntityType.USER, user.id, changes=changes)
    session.flush()
    return changes


def reset_password(session: Session, user: User, password: str) -> None:
    """Set a new password for an account; every session of that account ends."""
    accounts.set_password(session, user, password)
    audit.record(
        session, AuditAction.UPDATE, EntityType.USER, user.id, summary="password reset"
    )

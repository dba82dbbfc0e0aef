"""Who may do what: the one place where roles are turned into permissions."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

READ_RECORDS = "read_records"
WRITE_RECORDS = "write_records"
PERSONAL_DATA = "personal_data"
CONFIRM_INDICATORS = "confirm_indicators"
ADMINISTER = "administer"

PERMISSIONS_BY_ROLE: dict[str, frozenset[str]] = {
    "viewer": frozenset({READ_RECORDS}),
    "staff": frozenset({READ_RECORDS, WRITE_RECORDS}),
    "coordinator": frozenset({READ_RECORDS, WRITE_RECORDS, PERSONAL_DATA, CONFIRM_INDICATORS}),
    "admin": frozenset(
        {READ_RECORDS, WRITE_RECORDS, PERSONAL_DATA, CONFIRM_INDICATORS, ADMINISTER}
    ),
}


def role_can(role: str | None, permission: str) -> bool:
    """Whether ``role`` carries ``permission``."""
    return permission in PERMISSIONS_BY_ROLE.get(role or "", frozenset())


def can(permission: str) -> bool:
    """Whether the signed-in user has ``permission`` (False when signed out)."""
    return bool(current_user.is_authenticated and role_can(current_user.role, permission))


def log_personal_data_access(**details: Any) -> None:
    """Write a security log line for a view or export of minors' personal data.

    Views guarded by ``requires(PERSONAL_DATA)`` call this by themselves; call it directly
    where personal data is shown or exported under a plain ``can(PERSONAL_DATA)`` check.
    """
    from flask import request

    from exchange_app.security_log import security_event

    security_event(
        "personal_data_access",
        user_id=current_user.id if current_user.is_authenticated else None,
        endpoint=request.endpoint,
        view_args=request.view_args or None,
        query=request.query_string.decode("utf-8", "replace") or None,
        **details,
    )


F = TypeVar("F", bound=Callable[..., Any])


def requires(permission: str) -> Callable[[F], F]:
    """View decorator: 403 unless the signed-in user has ``permission``."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not can(permission):
                abort(403)
            if permission == PERSONAL_DATA:
                log_personal_data_access()
            return view(*args, **kwargs)

        wrapped.required_permission = permission  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator

"""Personal API tokens: created by their owner, shown once, stored only as a hash."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from exchange_app.db import utcnow
from exchange_app.models import ApiToken
from exchange_app.models.user import DEFAULT_API_TOKEN_LIFETIME
from exchange_app.services import accounts, audit


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    """A user's tokens, newest first (revoked ones included)."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user_id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def create_token(
    session: Session, user_id: int, name: str, lifetime: timedelta = DEFAULT_API_TOKEN_LIFETIME
) -> tuple[ApiToken, str]:
    """A new token for ``user_id`` that works for ``lifetime``; returns the record and the
    secret (never stored)."""
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user_id,
        name=name.strip(),
        token_hash=accounts._token_hash(secret),
        expires_at=utcnow() + lifetime,
    )
    session.add(token)
    session.flush()
    audit.record(session, "create", "api_token", token.id, summary=token.name, user_id=user_id)
    return token, secret


def live_token(session: Session, secret: str) -> ApiToken | None:
    """The token whose secret is ``secret`` if it still works (not revoked, not expired, its
    owner active), with its owner loaded."""
    token = session.scalar(
        select(ApiToken)
        .options(joinedload(ApiToken.user))
        .where(
            ApiToken.token_hash == accounts._token_hash(secret),
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > utcnow(),
        )
    )
    if token is None or not token.user.active:
        return None
    return token


def mark_used(session: Session, token: ApiToken) -> None:
    """Note that ``token`` was used just now."""
    token.last_used_at = utcnow()
    session.flush()


def revoke_token(session: Session, user_id: int, token_id: int) -> ApiToken | None:
    """Revoke one of ``user_id``'s own tokens; None if it is not theirs."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        return None
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(session, "update", "api_token", token.id, summary="revoked", user_id=user_id)
    session.flush()
    return token

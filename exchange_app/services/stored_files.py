"""Files kept in the app database (uploads, checked plans, PDFs), so every server finds them."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from exchange_app.db import utcnow
from exchange_app.models import StoredFile


def put(
    session: Session,
    purpose: str,
    content: bytes,
    *,
    filename: str = "",
    user_id: int | None = None,
    meta: dict[str, Any] | None = None,
    token: str | None = None,
) -> StoredFile:
    """Keep ``content`` under ``token`` (a random one by default); adds and flushes."""
    stored = StoredFile(
        token=token or secrets.token_urlsafe(32),
        purpose=purpose,
        filename=(filename or "")[:200],
        user_id=user_id,
        meta=meta or {},
        size=len(content),
        content=content,
    )
    session.add(stored)
    session.flush()
    return stored


def get(session: Session, token: str | None, purpose: str) -> StoredFile | None:
    """The file kept under ``token`` for ``purpose``, or None."""
    if not token:
        return None
    return session.scalar(
        select(StoredFile).where(StoredFile.token == token, StoredFile.purpose == purpose)
    )


def discard(session: Session, *tokens: str | None) -> None:
    """Remove the files kept under ``tokens`` (unknown ones are ignored)."""
    wanted = [t for t in tokens if t]
    if wanted:
        session.execute(delete(StoredFile).where(StoredFile.token.in_(wanted)))


def purge_older_than(
    session: Session, purpose: str, age: timedelta, now: datetime | None = None
) -> int:
    """Remove the files of ``purpose`` kept longer than ``age``; how many there were."""
    limit = (now or utcnow()) - age
    removed = session.execute(
        delete(StoredFile).where(StoredFile.purpose == purpose, StoredFile.created_at < limit)
    )
    return int(getattr(removed, "rowcount", 0) or 0)


def discard_purposes(session: Session, *purposes: str) -> dict[str, int]:
    """Remove every file kept for ``purposes``; how many there were of each."""
    counts = dict.fromkeys(purposes, 0)
    rows = session.execute(
        select(StoredFile.purpose, func.count())
        .where(StoredFile.purpose.in_(purposes))
        .group_by(StoredFile.purpose)
    )
    counts.update({purpose: count for purpose, count in rows})
    session.execute(delete(StoredFile).where(StoredFile.purpose.in_(purposes)))
    return counts

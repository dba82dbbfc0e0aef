"""Changing counterparts: create, update, delete, merge, and the purge of private contacts.

Each function adds and flushes and writes the audit trail; the view commits once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from exchange_app.counterparts.kind import COUNTERPARTS, POSTS, PRIVATE_KEYS
from exchange_app.db import utcnow
from exchange_app.delegations.kind import DELEGATIONS
from exchange_app.models import (
    Counterpart,
    CourtesyCall,
    Delegation,
    DelegationMember,
    Gift,
)
from exchange_app.records import operations
from exchange_app.records.fields import FieldType
from exchange_app.records.history import diff
from exchange_app.services import audit
from exchange_app.services.counterparts import encounter_dates
from exchange_app.services.dates import JAPAN
from exchange_app.vocab import AuditAction, EntityType

LINKED_ROWS = (DelegationMember, CourtesyCall, Gift)


def create_counterpart(
    session: Session, values: Mapping[str, Any], user_id: int | None
) -> Counterpart:
    """Add a counterpart to the directory."""
    counterpart: Counterpart = operations.create(
        session, COUNTERPARTS, values, user_id, summary=values.get("name_local")
    )
    return counterpart


def update_counterpart(
    session: Session, counterpart: Counterpart, values: Mapping[str, Any], user_id: int | None
) -> dict[str, Any]:
    """Change a counterpart; what the form did not hold (private contacts, for staff) stays."""
    return operations.update(session, COUNTERPARTS, counterpart, values, user_id)


def _relink(
    session: Session, old_id: int, new_id: int | None, user_id: int | None, summary: str
) -> list[int]:
    """Point every member, courtesy call and gift linked to ``old_id`` at ``new_id``; each
    visit changed is audited as an edit of its rows would be. Returns the visits' ids."""
    delegation_ids: set[int] = set()
    for model in LINKED_ROWS:
        delegation_ids.update(
            session.scalars(select(model.delegation_id).where(model.counterpart_id == old_id))
        )
    if not delegation_ids:
        return []
    delegations = session.scalars(
        select(Delegation)
        .where(Delegation.id.in_(sorted(delegation_ids)))
        .options(
            selectinload(Delegation.members),
            selectinload(Delegation.courtesy_calls),
            selectinload(Delegation.gifts),
        )
        .order_by(Delegation.id)
    )
    changed = []
    for delegation in delegations:
        before = DELEGATIONS.snapshot(delegation)
        rows: list[DelegationMember | CourtesyCall | Gift] = [
            *delegation.members,
            *delegation.courtesy_calls,
            *delegation.gifts,
        ]
        for row in rows:
            if row.counterpart_id == old_id:
                row.counterpart_id = new_id
        delegation.updated_by_id = user_id
        delegation.updated_at = utcnow()
        audit.record(
            session,
            AuditAction.UPDATE,
            EntityType.DELEGATION,
            delegation.id,
            changes=diff(DELEGATIONS, before, DELEGATIONS.snapshot(delegation)),
            summary=summary,
        )
        changed.append(delegation.id)
    session.flush()
    return changed


def delete_counterpart(session: Session, counterpart: Counterpart, user_id: int | None) -> None:
    """Remove a counterpart; the visits keep their rows, no longer linked to anyone."""
    _relink(session, counterpart.id, None, user_id, f"counterpart {counterpart.id} deleted")
    for earlier in session.scalars(
        select(Counterpart).where(Counterpart.merged_into_id == counterpart.id)
    ):
        earlier.merged_into_id = None
    operations.delete(session, COUNTERPARTS, counterpart, summary=counterpart.name_local)


class MergeRefused(ValueError):
    """Two counterparts cannot be merged; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class MergeResult:
    """What a merge did."""

    survivor: Counterpart
    merged: Counterpart
    moved_delegation_ids: list[int]


def merge_counterparts(
    session: Session, survivor: Counterpart, duplicate: Counterpart, user_id: int | None
) -> MergeResult:
    """Merge ``duplicate`` into ``survivor``: its links and posts move, what the survivor
    lacks (romaji, contacts, ...) is taken from it, and it is marked merged and hidden.
    Its private contacts do not stay behind on the hidden record."""
    if survivor.id == duplicate.id:
        raise MergeRefused(_("A person cannot be merged with themselves."))
    if survivor.merged_into_id is not None or duplicate.merged_into_id is not None:
        raise MergeRefused(_("One of these persons has already been merged."))
    moved = _relink(
        session,
        duplicate.id,
        survivor.id,
        user_id,
        f"merge of counterpart {duplicate.id} into {survivor.id}",
    )
    filled: dict[str, Any] = {
        item.key: getattr(duplicate, item.model_attribute)
        for item in COUNTERPARTS.fields
        if item.in_form
        and item.type is not FieldType.ROWS
        and getattr(survivor, item.model_attribute) in (None, "")
        and getattr(duplicate, item.model_attribute) not in (None, "")
    }
    def post(row: Any) -> dict[str, Any]:
        return {item.key: getattr(row, item.model_attribute) for item in POSTS.fields}

    posts = [post(row) for row in survivor.posts]
    posts += [post(row) for row in duplicate.posts if post(row) not in posts]
    if len(posts) > len(survivor.posts):
        filled["posts"] = posts
    operations.update(session, COUNTERPARTS, survivor, filled, user_id)
    before = COUNTERPARTS.snapshot(duplicate)
    for key in PRIVATE_KEYS:
        setattr(duplicate, key, None)
    for earlier in session.scalars(
        select(Counterpart).where(Counterpart.merged_into_id == duplicate.id)
    ):
        earlier.merged_into_id = survivor.id
    duplicate.merged_into_id = survivor.id
    duplicate.updated_by_id = user_id
    session.flush()
    changes = diff(COUNTERPARTS, before, COUNTERPARTS.snapshot(duplicate))
    changes["moved_links"] = [moved, []]
    audit.record(
        session,
        AuditAction.UPDATE,
        EntityType.COUNTERPART,
        duplicate.id,
        changes=changes,
        summary=f"merged into counterpart {survivor.id}",
    )
    audit.record(
        session,
        AuditAction.UPDATE,
        EntityType.COUNTERPART,
        survivor.id,
        changes={"absorbed_counterpart": [None, duplicate.id], "moved_links": [[], moved]},
        summary=f"counterpart {duplicate.id} merged into this one",
    )
    return MergeResult(survivor=survivor, merged=duplicate, moved_delegation_ids=moved)


def private_contacts_to_purge(before: date) -> Select[Counterpart]:
    """Counterparts holding private contacts who were last met before ``before`` (or, never
    met, were recorded before it): what the retention purge empties."""
    dates = encounter_dates()
    recent = select(dates.c.counterpart_id).where(dates.c.on >= before)
    start_of_day = datetime.combine(before, time.min, tzinfo=JAPAN)
    return select(Counterpart).where(
        or_(*(getattr(Counterpart, key).is_not(None) for key in PRIVATE_KEYS)),
        Counterpart.id.not_in(recent),
        Counterpart.created_at < start_of_day,
    )


def private_contacts_to_purge_count(session: Session, before: date) -> int:
    """How many counterparts a purge with this date would empty the private contacts of."""
    statement = private_contacts_to_purge(before).subquery()
    return session.scalar(select(func.count()).select_from(statement)) or 0


def purge_private_contacts(session: Session, before: date) -> int:
    """Remove the private contacts of counterparts not met since ``before``; returns how many."""
    counterparts = list(session.scalars(private_contacts_to_purge(before)))
    for counterpart in counterparts:
        for key in PRIVATE_KEYS:
            setattr(counterpart, key, None)
    if counterparts:
        audit.record(
            session,
            AuditAction.PURGE,
            EntityType.COUNTERPART,
            None,
            summary=f"private contacts removed from {len(counterparts)} counterparts "
            f"not met since {before.isoformat()}",
            changes={"counterpart_ids": [c.id for c in counterparts]},
        )
    session.flush()
    return len(counterparts)


"""Writing promotions and organisations: each function adds, flushes and audits; never commits.

Every write first checks the values with the kind's declaration (the checks the form
and the import make), so a promotion whose channel does not fit its organisation is
refused whichever way it comes in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange_app import current_language
from exchange_app.models import Organization, Promotion
from exchange_app.promotions import queries
from exchange_app.promotions.kind import (
    ORGANIZATIONS,
    PROMOTIONS,
    counterpart_fits_channel,
    counterpart_values,
    organization_details,
)
from exchange_app.records import operations
from exchange_app.records.forms import reference_details
from exchange_app.records.kind import RecordKind, RecordValues
from exchange_app.records.operations import RecordRefused
from exchange_app.services import audit
from exchange_app.vocab import AuditAction, EntityType


def problems(session: Session, kind: RecordKind, values: Mapping[str, Any]) -> dict[str, str]:
    """The first problem of each field of ``values``, as the form and the import find it."""
    record_values = RecordValues(values)
    record_values.details.update(reference_details(session, kind, record_values))
    return {key: messages[0] for key, messages in kind.check(record_values).items()}


def _checked(session: Session, kind: RecordKind, values: Mapping[str, Any]) -> None:
    found = problems(session, kind, values)
    if found:
        raise RecordRefused(found)


# ------------------------------------------------------------------------------ promotions


def _promotion_values(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = dict(values)
    if cleaned.get("counts_toward_3b"):
        # A reason is kept only for a promotion that is left out of 3b.
        cleaned["exclusion_reason"] = None
    return cleaned


def create_promotion(
    session: Session, values: Mapping[str, Any], user_id: int | None
) -> Promotion:
    """Record a promotion; ``RecordRefused`` if a rule is broken."""
    cleaned = _promotion_values(values)
    _checked(session, PROMOTIONS, cleaned)
    promotion: Promotion = operations.create(
        session, PROMOTIONS, cleaned, user_id, summary=cleaned.get("title")
    )
    return promotion


def update_promotion(
    session: Session, promotion: Promotion, values: Mapping[str, Any], user_id: int | None
) -> dict[str, Any]:
    """Change a promotion; returns what changed (nothing changed: nothing written)."""
    cleaned = _promotion_values(values)
    _checked(session, PROMOTIONS, cleaned)
    return operations.update(session, PROMOTIONS, promotion, cleaned, user_id)


def delete_promotion(session: Session, promotion: Promotion) -> None:
    """Delete a promotion; the audit entry keeps what it was."""
    operations.delete(session, PROMOTIONS, promotion)


# --------------------------------------------------------------------------- organisations


def _organization_values(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = dict(values)
    for key in ("name_ja", "name_en"):
        if key in cleaned:
            cleaned[key] = (cleaned[key] or "").strip()
    if "country" in cleaned:
        cleaned["country"] = (cleaned["country"] or "").strip().upper() or None
    return cleaned


def misfitting_promotions(
    session: Session, organization: Organization, details: Mapping[str, Any]
) -> list[str]:
    """Titles of the promotions through ``organization`` whose channel would not fit
    an organisation with ``details`` (another kind, or the one it is merged into)."""
    return [
        promotion.title
        for promotion in queries.promotions_through(session, organization.id)
        if any(
            key == "organization_id"
            for key, _message in counterpart_fits_channel(
                counterpart_values(
                    promotion.channel, promotion.partner_city_id, organization.id, details
                )
            )
        )
    ]


def organization_problems(
    session: Session, values: Mapping[str, Any], organization: Organization | None = None
) -> dict[str, str]:
    """What is wrong with an organisation's values: the declaration's checks, a name
    already recorded, or a change of kind its promotions' channels would not fit."""
    found = problems(session, ORGANIZATIONS, values)
    exclude = organization.id if organization is not None else None
    if "name_ja" not in found and "name_en" not in found:
        same = queries.organizations_with_same_name(
            session, values.get("name_ja") or "", values.get("name_en") or "", exclude
        )
        if same:
            found["name_ja"] = _(
                "An organisation with this name is already recorded: %(name)s",
                name=same[0].name(current_language()),
            )
    kind = values.get("kind")
    if organization is not None and "kind" not in found and kind and kind != organization.kind:
        details = {**organization_details(organization), "kind": kind}
        misfits = misfitting_promotions(session, organization, details)
        if misfits:
            found["kind"] = _(
                "Promotions through this organisation use a channel that needs the current "
                "kind: %(titles)s",
                titles="、".join(misfits[:5]),
            )
    return found


def create_organization(
    session: Session, values: Mapping[str, Any], user_id: int | None
) -> Organization:
    """Add an organisation of the network; ``RecordRefused`` for a name already recorded."""
    cleaned = _organization_values(values)
    found = organization_problems(session, cleaned)
    if found:
        raise RecordRefused(found)
    organization: Organization = operations.create(
        session, ORGANIZATIONS, cleaned, user_id, summary=cleaned.get("name_ja")
    )
    return organization


def update_organization(
    session: Session, organization: Organization, values: Mapping[str, Any], user_id: int | None
) -> dict[str, Any]:
    """Change an organisation; returns what changed (nothing changed: nothing written)."""
    cleaned = _organization_values(values)
    found = organization_problems(session, cleaned, organization)
    if found:
        raise RecordRefused(found)
    return operations.update(session, ORGANIZATIONS, organization, cleaned, user_id)


class MergeError(ValueError):
    """Two organisations cannot be merged; the message says why."""

    def __init__(self, message: str, blocking: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.blocking = blocking or []


@dataclass
class MergeResult:
    """What a merge did."""

    survivor: Organization
    merged: Organization
    moved_promotion_ids: list[int] = field(default_factory=list)


def merge_organizations(
    session: Session, survivor: Organization, duplicate: Organization, user_id: int | None
) -> MergeResult:
    """Merge ``duplicate`` into ``survivor``: its promotions move, it is marked and hidden.

    Refused when they are the same, when either was already merged, or when a moved
    promotion's channel would not fit the survivor's kind (the counterpart rule).
    """
    if survivor.id == duplicate.id:
        raise MergeError(_("An organisation cannot be merged with itself."))
    if survivor.merged_into_id is not None or duplicate.merged_into_id is not None:
        raise MergeError(_("One of these organisations has already been merged."))
    blocking = misfitting_promotions(session, duplicate, organization_details(survivor))
    if blocking:
        raise MergeError(
            _(
                "Some promotions of the merged organisation would not fit the kind of the "
                "one that stays. Change their channel first, or keep the other organisation."
            ),
            blocking,
        )
    promotions = queries.promotions_through(session, duplicate.id)
    for promotion in promotions:
        promotion.organization_id = survivor.id
        promotion.updated_by_id = user_id
        audit.record(
            session,
            AuditAction.UPDATE,
            EntityType.PROMOTION,
            promotion.id,
            changes={"organization_id": [duplicate.id, survivor.id]},
            summary=f"merge of organization {duplicate.id} into {survivor.id}",
        )
    # Organisations merged earlier into the duplicate now point at the survivor.
    for earlier in session.scalars(
        select(Organization).where(Organization.merged_into_id == duplicate.id)
    ):
        earlier.merged_into_id = survivor.id
    duplicate.merged_into_id = survivor.id
    duplicate.updated_by_id = user_id
    session.flush()
    moved = [promotion.id for promotion in promotions]
    audit.record(
        session,
        AuditAction.UPDATE,
        EntityType.ORGANIZATION,
        duplicate.id,
        changes={"merged_into_id": [None, survivor.id], "moved_promotions": [moved, []]},
        summary=f"merged into organization {survivor.id}",
    )
    audit.record(
        session,
        AuditAction.UPDATE,
        EntityType.ORGANIZATION,
        survivor.id,
        changes={"absorbed_organization": [None, duplicate.id], "moved_promotions": [[], moved]},
        summary=f"organization {duplicate.id} merged into this one",
    )
    return MergeResult(survivor=survivor, merged=duplicate, moved_promotion_ids=moved)

"""The record kinds the import wizard and the ``import``/``export`` commands offer."""

from __future__ import annotations

from exchange_app.delegations.kind import (
    COURTESY_CALL_IMPORT,
    DELEGATION_IMPORT,
    DELEGATION_MEMBER_IMPORT,
    GIFT_IMPORT,
)
from exchange_app.importing.bulk import KindImport
from exchange_app.promotions.kind import ORGANIZATION_IMPORT, PROMOTION_IMPORT
from exchange_app.youth.kind import PARTICIPANT_IMPORT, YOUTH_PROGRAM_IMPORT

# In the order a whole office is imported: delegations before their members, programmes
# before their participants, organisations before the promotions made through them.
KINDS: dict[str, KindImport] = {
    kind.key: kind
    for kind in (
        DELEGATION_IMPORT,
        DELEGATION_MEMBER_IMPORT,
        COURTESY_CALL_IMPORT,
        GIFT_IMPORT,
        YOUTH_PROGRAM_IMPORT,
        PARTICIPANT_IMPORT,
        ORGANIZATION_IMPORT,
        PROMOTION_IMPORT,
    )
}


def get_kind(key: str) -> KindImport:
    """The import kind called ``key`` (``delegations``, ``youth-programs``, ...)."""
    try:
        return KINDS[key]
    except KeyError:
        raise ValueError(f"unknown import kind: {key}") from None

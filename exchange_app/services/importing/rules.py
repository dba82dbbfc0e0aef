"""Row rules the importer applies, each delegated to the feature that owns it.

The importer calls only these functions; each one asks the owning service
(youth programmes, promotions), so a rule lives in one place whether a record
comes through a form or a file. Every function returns ``None`` when the row is
fine, or a message (in the current language) saying what is wrong, so the
importer can report it by row and column before anything reaches the database.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from flask_babel import gettext as _

from exchange_app.services import promotions, youth


def youth_consent_problem(
    role: str | None, status: str | None, consent_on: date | None
) -> str | None:
    """A young person who is selected or took part needs the guardian's consent date."""
    if role and status and youth.needs_consent(role, status, consent_on):
        return _(
            "a young participant who is selected or took part needs the date of the "
            "guardian's consent"
        )
    return None


def kana_problem(text: str | None) -> str | None:
    """Reading names (フリガナ) are kana only."""
    if text is None or youth.is_kana(text):
        return None
    return _("expected kana only (カタカナ or ひらがな)")


def phone_problem(text: str | None) -> str | None:
    """A guardian's phone number looks like a phone number."""
    if text is None or youth.is_phone(text):
        return None
    return _("expected a phone number such as 096-328-2070")


def person_match_key(
    family_name_kana: str | None, given_name_kana: str | None, birth_date: date | None
) -> tuple[str, str, date] | None:
    """The same young person across programmes: kana name (as stored) and birth date."""
    if not (family_name_kana and given_name_kana and birth_date):
        return None
    return (
        youth.normalise_kana(family_name_kana),
        youth.normalise_kana(given_name_kana),
        birth_date,
    )


# The promotion form's fields, by the importer's column names.
_PROMOTION_COLUMNS = {
    "partner_city_id": "partner",
    "organization_id": "organization",
    "channel": "channel",
}


def channel_problem(
    channel: str | None,
    has_partner: bool,
    organization_kind: str | None,
    organization_name: str = "",
) -> tuple[str, str] | None:
    """The channel must match what the promotion went through (promotions' rule).

    Returns ``(column, message)`` so the message lands on the column to fix.
    """
    if channel is None:
        return None
    partner = SimpleNamespace() if has_partner else None
    organization = (
        SimpleNamespace(kind=organization_kind, merged_into_id=None, name_ja=organization_name)
        if organization_kind is not None
        else None
    )
    errors = promotions.counterpart_errors(channel, partner, organization)  # type: ignore[arg-type]
    for field, message in errors.items():
        return _PROMOTION_COLUMNS.get(field, "channel"), str(message)
    return None


def exclusion_reason_problem(counts_toward_3b: bool, reason: str | None) -> str | None:
    """A promotion left out of indicator 3b must say why (promotions' rule)."""
    message = promotions.promotion_errors(
        {"counts_toward_3b": counts_toward_3b, "exclusion_reason": reason}
    ).get("exclusion_reason")
    return None if message is None else str(message)

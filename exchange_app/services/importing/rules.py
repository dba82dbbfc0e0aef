"""Row rules that belong to other features, kept here in one place for the importer.

Each function states which feature owns the rule. When that feature's service
provides the rule, replace the body here by a call to it: the importer only
calls these functions.

Every function returns ``None`` when the row is fine, or a message (in the current
language) saying what is wrong, so the importer can report it by row and column
before anything reaches the database.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from flask_babel import gettext as _

# Statuses for which a young participant needs a guardian's consent.
CONSENT_REQUIRED_STATUSES = ("selected", "participated")


def youth_consent_problem(
    role: str | None, status: str | None, consent_on: date | None
) -> str | None:
    """Owned by youth programmes (services/youth.py): a young person who is selected or
    took part needs the date of the guardian's consent (also a CHECK constraint)."""
    if role == "youth" and status in CONSENT_REQUIRED_STATUSES and consent_on is None:
        return _(
            "a young participant who is selected or took part needs the date of the "
            "guardian's consent"
        )
    return None


_KANA = re.compile(r"^[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc\u30fd\u30fe\u30fb ]+$")


def kana_problem(text: str | None) -> str | None:
    """Owned by youth programmes (services/youth.py): reading names (フリガナ) are kana only
    (hiragana or katakana, long-vowel mark and spaces allowed)."""
    if text is None:
        return None
    if not _KANA.match(unicodedata.normalize("NFKC", text)):
        return _("expected kana only (カタカナ or ひらがな)")
    return None


_PHONE_CHARACTERS = re.compile(r"^\+?[0-9()\- ]+$")


def phone_problem(text: str | None) -> str | None:
    """Owned by youth programmes (services/youth.py): a guardian's phone number is digits,
    hyphens, brackets and an optional leading +, with 10 to 15 digits."""
    if text is None:
        return None
    normalised = unicodedata.normalize("NFKC", text).strip()
    digits = sum(c.isdigit() for c in normalised)
    if not _PHONE_CHARACTERS.match(normalised) or not 10 <= digits <= 15:
        return _("expected a phone number such as 096-328-2070")
    return None


def person_match_key(
    family_name_kana: str | None, given_name_kana: str | None, birth_date: date | None
) -> tuple[str, str, date] | None:
    """Owned by youth programmes (services/youth.py): the same young person across
    programmes is recognised by kana name and birth date (katakana/hiragana and
    spacing ignored). ``None`` when one of the three is missing."""
    if not (family_name_kana and given_name_kana and birth_date):
        return None
    return (_kana_fold(family_name_kana), _kana_fold(given_name_kana), birth_date)


def _kana_fold(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).replace(" ", "").replace("\u3000", "")
    # Hiragana to katakana, so that さとう and サトウ are the same reading.
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in folded)


# Which organisation kinds each promotion channel goes through.
CHANNEL_ORGANIZATION_KINDS: dict[str, tuple[str, ...]] = {
    "international_organization": ("international_organization",),
    "embassy_consulate": ("embassy_consulate",),
    "overseas_office": ("overseas_office",),
    "foreign_city": ("foreign_city",),
    "international_conference": (
        "international_organization",
        "embassy_consulate",
        "overseas_office",
        "foreign_city",
        "other",
    ),
}


def channel_problem(
    channel: str | None, has_partner: bool, organization_kind: str | None
) -> tuple[str, str] | None:
    """Owned by promotions (services/promotions.py): the channel must match what the
    promotion went through. ``partner_city`` needs a partner city; any other channel
    needs an organisation of the matching kind (an international conference may be
    reached through any organisation, or a partner city).

    Returns ``(column, message)`` so the message lands on the column to fix."""
    if channel is None:
        return None
    if channel == "partner_city":
        if not has_partner:
            return "partner", _("the channel 'partner city' needs a partner city")
        return None
    if channel == "international_conference" and has_partner and organization_kind is None:
        return None
    if organization_kind is None:
        if has_partner:
            return "channel", _(
                "a promotion through a partner city should have the channel 'partner city'"
            )
        return "organization", _("this channel needs an organisation")
    if organization_kind not in CHANNEL_ORGANIZATION_KINDS.get(channel, ()):
        return "channel", _("the channel does not match the kind of the organisation")
    return None


def exclusion_reason_problem(counts_toward_3b: bool, reason: str | None) -> str | None:
    """Owned by promotions (services/promotions.py): a promotion left out of indicator 3b
    must say why (also a CHECK constraint)."""
    if not counts_toward_3b and not reason:
        return _("a promotion that does not count toward 3b needs a reason")
    return None

"""Entering, revising and confirming indicator figures (flush and audit; the route commits)."""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange_app.db import utcnow
from exchange_app.indicators.queries import (
    MAX_VALUE,
    IndicatorInputError,
    ReasonRequired,
    check_year,
    confirmed_year,
    list_indicators,
    value_history,
    year_label,
)
from exchange_app.indicators.rules import COMPUTED_RULES
from exchange_app.models import (
    ConfirmedYear,
    Indicator,
    IndicatorValue,
    IndicatorValueRevision,
    YouthProgram,
)
from exchange_app.services import audit
from exchange_app.vocab import AuditAction, EntityType

# --- looking at the records behind a figure ----------------------------------------


def record_names_shown(
    session: Session, indicator: Indicator, year: int, programs: list[YouthProgram]
) -> None:
    """Audit the participants' names a figure's records page showed: one view entry for each
    programme on it."""
    for program in programs:
        audit.record(
            session,
            AuditAction.VIEW,
            EntityType.YOUTH_PROGRAM,
            program.id,
            summary=f"participants counted toward {indicator.code} ({year})",
        )
    session.flush()


# --- entering and confirming ---------------------------------------------------------


def parse_value(indicator: Indicator, text: str | None) -> Decimal:
    """The figure typed for ``indicator``, checked against its unit, or ``IndicatorInputError``."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip().replace(",", "")
    if not cleaned:
        raise IndicatorInputError(_("Enter the figure."))
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise IndicatorInputError(_("Enter a number, such as 42 or 35.5.")) from None
    if not value.is_finite():
        raise IndicatorInputError(_("Enter a number, such as 42 or 35.5."))
    if indicator.unit == "percent":
        if value < 0 or value > 100:
            raise IndicatorInputError(_("A percentage must be between 0 and 100."))
    else:
        if value < 0:
            raise IndicatorInputError(_("A count cannot be negative."))
        if value != value.to_integral_value():
            raise IndicatorInputError(_("A count must be a whole number."))
    if value > MAX_VALUE:
        raise IndicatorInputError(_("This number is too large."))
    if value != value.quantize(Decimal("0.01")):
        raise IndicatorInputError(_("Enter at most two decimal places."))
    return value


def _revision(
    row: IndicatorValue, reason: str | None, user_id: int | None, **details: Any
) -> IndicatorValueRevision:
    """Keep the current state of ``row`` before it changes."""
    return IndicatorValueRevision(
        indicator_value=row,
        value=row.value,
        status=row.status,
        source_note=row.source_note,
        note=row.note,
        record_ids=list(row.record_ids) if row.record_ids is not None else None,
        unique_persons=row.unique_persons,
        reason=reason,
        changed_by_id=user_id,
        details={key: str(value) for key, value in details.items()} or None,
    )


def save_entered_value(
    session: Session,
    indicator: Indicator,
    year: int,
    *,
    value: Decimal,
    source_note: str | None,
    note: str | None,
    reason: str | None,
    user_id: int | None,
) -> IndicatorValue:
    """Enter or change an entered indicator's figure for ``year``; the old one is kept.

    In a confirmed year the figure stays confirmed and a reason is required.
    """
    year = check_year(year)
    if indicator.source == "computed":
        raise IndicatorInputError(_("This indicator is counted from the records."))
    reason = (reason or "").strip() or None
    confirmation = confirmed_year(session, year)
    row = session.scalar(
        select(IndicatorValue).where(
            IndicatorValue.indicator_id == indicator.id, IndicatorValue.year == year
        )
    )
    frozen = confirmation is not None or (row is not None and row.status == "confirmed")
    if frozen and reason is None:
        raise ReasonRequired(_("This year is confirmed: give the reason for revising the figure."))
    source_note = (source_note or "").strip() or None
    note = (note or "").strip() or None
    if row is None:
        row = IndicatorValue(
            indicator=indicator, year=year, value=value, created_by_id=user_id, status="draft"
        )
        session.add(row)
        before: dict[str, Any] = {}
    else:
        before = audit.snapshot(row)
        if (row.value, row.source_note, row.note) == (value, source_note, note):
            return row
        session.add(_revision(row, reason, user_id, new_value=value))
    row.value = value
    row.source_note = source_note
    row.note = note
    row.updated_by_id = user_id
    if frozen:
        row.status = "confirmed"
        row.confirmed_at = row.confirmed_at or utcnow()
        row.confirmed_by_id = row.confirmed_by_id or user_id
    session.flush()
    changes = audit.diff(before, audit.snapshot(row))
    if reason:
        changes["reason"] = [None, reason]
    audit.record(
        session,
        "update" if before else "create",
        "indicator_value",
        row.id,
        changes=changes,
        summary=f"{indicator.code} {year}",
    )
    return row


def confirm_year(
    session: Session, year: int, *, user_id: int | None, note: str | None = None
) -> ConfirmedYear:
    """Freeze ``year``: entered figures confirmed, computed ones stored with their records.

    Confirming a year twice is refused.
    """
    year = check_year(year)
    if confirmed_year(session, year) is not None:
        raise IndicatorInputError(
            _("%(year)s has already been confirmed.", year=year_label("fiscal", year))
        )
    now = utcnow()
    stored = {
        value.indicator_id: value
        for value in session.scalars(select(IndicatorValue).where(IndicatorValue.year == year))
    }
    frozen_codes = []
    for indicator in list_indicators(session):
        row = stored.get(indicator.id)
        if indicator.source == "computed":
            rule = COMPUTED_RULES[indicator.computed_rule or ""]
            ids = rule.ids(session, year)
            if row is None:
                row = IndicatorValue(
                    indicator=indicator, year=year, value=Decimal(0), created_by_id=user_id
                )
                session.add(row)
            elif row.status == "confirmed":
                continue
            row.value = Decimal(len(ids))
            row.record_ids = ids
            row.unique_persons = rule.distinct(session, ids) if rule.distinct else None
        elif row is None:
            continue
        row.status = "confirmed"
        row.confirmed_at = now
        row.confirmed_by_id = user_id
        row.updated_by_id = user_id
        frozen_codes.append(indicator.code)
    confirmation = ConfirmedYear(
        year=year, confirmed_at=now, confirmed_by_id=user_id, note=(note or "").strip() or None
    )
    session.add(confirmation)
    session.flush()
    audit.record(
        session,
        "confirm",
        "indicator_year",
        confirmation.id,
        changes={"year": [None, year], "indicators": [None, frozen_codes]},
        summary=f"confirmed {year}",
    )
    return confirmation


def refreeze_computed(
    session: Session, indicator: Indicator, year: int, *, reason: str | None, user_id: int | None
) -> IndicatorValue:
    """Revise a confirmed computed figure to the records counted now; the old one is kept."""
    year = check_year(year)
    reason = (reason or "").strip() or None
    row = value_history(session, indicator, year)
    if indicator.source != "computed" or row is None or row.status != "confirmed":
        raise IndicatorInputError(_("Only a confirmed computed figure can be revised this way."))
    if reason is None:
        raise ReasonRequired(_("This year is confirmed: give the reason for revising the figure."))
    rule = COMPUTED_RULES[indicator.computed_rule or ""]
    ids = rule.ids(session, year)
    before = audit.snapshot(row)
    session.add(_revision(row, reason, user_id, new_value=len(ids)))
    row.value = Decimal(len(ids))
    row.record_ids = ids
    row.unique_persons = rule.distinct(session, ids) if rule.distinct else None
    row.updated_by_id = user_id
    session.flush()
    changes = audit.diff(before, audit.snapshot(row))
    changes["reason"] = [None, reason]
    audit.record(
        session, "update", "indicator_value", row.id, changes=changes, summary=f"{indicator.code}"
    )
    return row

"""Writing an anniversary history's choices (foreword, records left out, captions)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from exchange_app.models import HistoryReport, PartnerCity
from exchange_app.services import audit
from exchange_app.services.history import new_report
from exchange_app.vocab import AuditAction, EntityType


@dataclass
class ReportChoices:
    """What staff decided for one history."""

    language: str
    foreword_ja: str | None = None
    foreword_en: str | None = None
    photo_captions: list[str] = field(default_factory=list)
    excluded_records: list[str] = field(default_factory=list)


def save_report(
    session: Session,
    city: PartnerCity,
    ordinal: int,
    report: HistoryReport | None,
    choices: ReportChoices,
    known_records: Collection[str],
) -> HistoryReport:
    """Create or change the history of ``city``'s ``ordinal`` anniversary (audited).

    Records left out are kept only if they are among ``known_records``; a save that
    changes nothing writes no audit entry.
    """
    created = report is None
    if report is None:
        report = new_report(session, city, ordinal)
    before = {} if created else audit.snapshot(report)
    report.language = choices.language
    report.foreword_ja = (choices.foreword_ja or "").strip() or None
    report.foreword_en = (choices.foreword_en or "").strip() or None
    report.photo_captions = [line.strip() for line in choices.photo_captions if line.strip()]
    report.excluded_records = sorted(k for k in choices.excluded_records if k in known_records)
    session.flush()
    changes = audit.diff(before, audit.snapshot(report))
    if created or changes:
        audit.record(
            session,
            AuditAction.CREATE if created else AuditAction.UPDATE,
            EntityType.HISTORY_REPORT,
            report.id,
            changes=changes,
        )
    return report

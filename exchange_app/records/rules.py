"""Rules across fields that several kinds share."""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import gettext as _

from exchange_app.records.kind import RecordValues


def end_not_before_start(values: RecordValues) -> Iterator[tuple[str, str]]:
    """A record that ends cannot end before it starts (``start_date`` / ``end_date``)."""
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        yield "end_date", _("The end date cannot be before the start date.")

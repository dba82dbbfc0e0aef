"""Rules shared by every editable record."""

from __future__ import annotations

from typing import Any


def version_conflict(record: Any, submitted_version: str | None) -> bool:
    """Whether the form was loaded from an older version of ``record`` than the stored one.

    The form carries the version the user started from; saving over a newer
    version would silently discard someone else's change.
    """
    try:
        return int(submitted_version or "") != record.version
    except ValueError:
        return True

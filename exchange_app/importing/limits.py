"""What one uploaded file may cost: its size, what its zip members unpack to, rows, columns.

The values come from the configuration (``IMPORT_MAX_MB``, ``IMPORT_MAX_UNPACKED_MB``,
``IMPORT_MAX_ROWS``, ``IMPORT_MAX_COLUMNS``; defaults in ``exchange_app.settings``); the
readers check them and say, in the user's language, which limit a file passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from flask import current_app, has_app_context

from exchange_app.settings import Config


@dataclass(frozen=True)
class UploadLimits:
    """The most an upload may cost before it is refused."""

    max_bytes: int
    max_unpacked_bytes: int  # per member of an xlsx (zip), from its directory
    max_rows: int
    max_columns: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> UploadLimits:
        """The limits set in an app's configuration (the defaults where unset)."""
        return cls(
            max_bytes=int(config.get("IMPORT_MAX_BYTES") or Config.IMPORT_MAX_BYTES),
            max_unpacked_bytes=int(
                config.get("IMPORT_MAX_UNPACKED_BYTES") or Config.IMPORT_MAX_UNPACKED_BYTES
            ),
            max_rows=int(config.get("IMPORT_MAX_ROWS") or Config.IMPORT_MAX_ROWS),
            max_columns=int(config.get("IMPORT_MAX_COLUMNS") or Config.IMPORT_MAX_COLUMNS),
        )

    def with_max_bytes(self, max_bytes: int | None) -> UploadLimits:
        """The same limits with another largest file size (None keeps it)."""
        return self if max_bytes is None else replace(self, max_bytes=max_bytes)


def current_limits() -> UploadLimits:
    """The limits of the current app, or the defaults outside one."""
    config: Mapping[str, Any] = current_app.config if has_app_context() else {}
    return UploadLimits.from_config(config)


def megabytes(size: int) -> float:
    """A size in MB as the messages show it (one decimal)."""
    return round(size / 1024 / 1024, 1)

"""Structured security log lines (sign-ins, refusals, personal data access).

One JSON object per line with a UTC time; never a password, token or cookie.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import has_request_context, request

from exchange_app.db import utcnow

logger = logging.getLogger("exchange_app.security")

_FORBIDDEN_KEYS = {"password", "token", "cookie", "session", "csrf_token"}


def security_event(event: str, **details: Any) -> None:
    """Log one security event as a JSON line."""
    line: dict[str, Any] = {"time": utcnow().isoformat(), "event": event}
    if has_request_context():
        line["ip"] = request.remote_addr
        line["path"] = request.path
        line["method"] = request.method
    for key, value in details.items():
        if key.lower() in _FORBIDDEN_KEYS:
            continue
        line[key] = value
    logger.info(json.dumps(line, ensure_ascii=False, default=str))

"""Gunicorn settings for ``make run``: say where the app is actually being served."""

from __future__ import annotations

from typing import Any


def when_ready(server: Any) -> None:
    """Print the address gunicorn bound (the real port, even when 0 asked for any free one)."""
    for listener in server.LISTENERS:
        host, port = listener.sock.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        server.log.info("exchange_app is ready: open http://%s:%s/ in a browser", shown, port)

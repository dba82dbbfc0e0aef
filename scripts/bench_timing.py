"""How the bench times one page in-process: the fastest of a few requests, alone.

Shared by the app's pages (``bench_fixtures.py --service-times``) and the floor
(``bench_floor_app.py --service-time``), so that their times compare.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event


def fastest_get(client: Any, engine: Any, path: str, repeat: int = 5) -> tuple[float, int]:
    """(ms, SQL statements) of ``GET path``: the fastest of ``repeat`` requests, whose own
    work it is with little of the noise other processes on the machine add."""
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        best = float("inf")
        for _ in range(repeat):
            statements.clear()
            started = time.perf_counter()
            response = client.get(path)
            best = min(best, time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return best * 1000, len(statements)

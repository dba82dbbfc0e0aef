"""URL converters: every ``<int:...>`` of every route stops at the largest database integer."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

from exchange_app.records.filters import MAX_ID


class BoundedIntegerConverter(IntegerConverter):
    """``<int:...>`` from 0 up to ``MAX_ID``: a larger number matches no route (404) instead
    of reaching a query the database cannot run (an overflow, a 500)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Any) -> None:
    """Make ``int`` the bounded converter for every route registered afterwards."""
    app.url_map.converters["int"] = BoundedIntegerConverter

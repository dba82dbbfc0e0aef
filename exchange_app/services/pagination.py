"""Pagination of list queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

DEFAULT_PAGE_SIZE = 25


@dataclass
class Page:
    """One page of results and where it sits among all of them."""

    items: list[Any]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_index(self) -> int:
        """1-based position of the first item shown (0 when empty)."""
        return 0 if self.total == 0 else (self.number - 1) * self.size + 1

    @property
    def last_index(self) -> int:
        """1-based position of the last item shown."""
        return min(self.total, self.number * self.size)


def page_number(raw: str | None) -> int:
    """A page number from a query-string value; anything odd means page 1."""
    try:
        return max(1, min(int(raw or 1), 1_000_000))
    except ValueError:
        return 1


def paginate(
    session: Session, statement: Select[Any], raw_page: str | None, size: int = DEFAULT_PAGE_SIZE
) -> Page:
    """Run ``statement`` for one page; two queries whatever the size of the table."""
    total = (
        session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    )
    number = min(page_number(raw_page), max(1, -(-total // size)))
    items = list(session.scalars(statement.limit(size).offset((number - 1) * size)))
    return Page(items=items, number=number, size=size, total=total)

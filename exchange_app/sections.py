"""Sections that features contribute to shared pages (a partner city's page, the home page).

A feature registers a template and a provider when its blueprint is imported;
the page's view calls every provider and includes every template, so no page
needs to know which features exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PAGES = ("home", "partner_detail")


@dataclass(frozen=True)
class Section:
    """A template shown on a page, and the function that loads its data."""

    template: str
    provider: Callable[..., dict[str, Any]]
    order: int


_registry: dict[str, dict[str, Section]] = {page: {} for page in PAGES}


def register_section(
    page: str, template: str, provider: Callable[..., dict[str, Any]], order: int = 100
) -> None:
    """Show ``template`` on ``page``; ``provider(**page_context)`` returns its variables."""
    _registry[page][template] = Section(template=template, provider=provider, order=order)


def sections_for(page: str, **context: Any) -> list[tuple[str, dict[str, Any]]]:
    """The (template, data) pairs of ``page``, in order."""
    sections = sorted(_registry[page].values(), key=lambda s: (s.order, s.template))
    return [(section.template, section.provider(**context)) for section in sections]

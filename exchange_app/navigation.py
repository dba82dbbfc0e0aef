"""The main navigation: every feature's entry page, with who may see it."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from exchange_app.auth.permissions import ADMINISTER, READ_RECORDS, WRITE_RECORDS


@dataclass(frozen=True)
class NavItem:
    """One entry of the navigation bar."""

    endpoint: str
    label: LazyString
    permission: str
    # Endpoint prefix of the pages that mark this entry as the current one.
    section: str


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("main.home", _l("Home"), READ_RECORDS, "main."),
    NavItem("partners.index", _l("Partner cities"), READ_RECORDS, "partners."),
    NavItem("delegations.index", _l("Delegations"), READ_RECORDS, "delegations."),
    NavItem("counterparts.index", _l("Counterparts"), READ_RECORDS, "counterparts."),
    NavItem("youth.programs", _l("Youth exchanges"), READ_RECORDS, "youth."),
    NavItem("promotions.index", _l("Network promotions"), READ_RECORDS, "promotions."),
    NavItem(
        "promotions.organizations", _l("Organisations"), READ_RECORDS, "promotions.organization"
    ),
    NavItem("indicators.dashboard", _l("Indicators"), READ_RECORDS, "indicators."),
    NavItem("history.index", _l("Anniversaries"), READ_RECORDS, "history."),
    NavItem("imports.index", _l("Import / export"), WRITE_RECORDS, "imports."),
    NavItem("admin.users", _l("Users"), ADMINISTER, "admin."),
)


def active_item(endpoint: str | None) -> NavItem | None:
    """The entry whose section is the longest prefix of ``endpoint``."""
    if not endpoint:
        return None
    matches = [item for item in NAV_ITEMS if endpoint.startswith(item.section)]
    return max(matches, key=lambda item: len(item.section), default=None)

"""Delegation visits, sent and hosted: list, record, detail, export."""

from flask import Blueprint

from exchange_app.delegations.queries import partner_section
from exchange_app.sections import register_section

bp = Blueprint("delegations", __name__, url_prefix="/delegations")

register_section("partner_detail", "delegations/_partner_section.html", partner_section, order=20)

from exchange_app.delegations import routes  # noqa: E402,F401

"""Network promotions (indicator 3b) and the organisations of the international network."""

from flask import Blueprint

from exchange_app.promotions.queries import partner_section
from exchange_app.sections import register_section

bp = Blueprint("promotions", __name__, url_prefix="/promotions")

register_section("partner_detail", "promotions/_partner_section.html", partner_section, order=50)

from exchange_app.promotions import routes  # noqa: E402,F401

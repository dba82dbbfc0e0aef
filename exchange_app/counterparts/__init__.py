"""The people the city meets abroad (相手方の人物): directory, page, merge."""

from flask import Blueprint

from exchange_app.counterparts.queries import partner_section
from exchange_app.sections import register_section

bp = Blueprint("counterparts", __name__, url_prefix="/counterparts")

register_section("partner_detail", "counterparts/_partner_section.html", partner_section, order=30)

from exchange_app.counterparts import routes  # noqa: E402,F401

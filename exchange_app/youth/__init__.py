"""Youth exchanges (青少年交流): programmes, their participants, and the people across them."""

from flask import Blueprint

from exchange_app.sections import register_section
from exchange_app.youth.queries import partner_section

bp = Blueprint("youth", __name__, url_prefix="/youth")

register_section("partner_detail", "youth/_partner_section.html", partner_section, order=40)

from exchange_app.youth import routes  # noqa: E402,F401

"""The home page: partner cities at a glance."""

from __future__ import annotations

from flask import render_template

from exchange_app.db import get_session
from exchange_app.main import bp
from exchange_app.services import partners


@bp.route("/")
def home() -> str:
    """Home: the partner cities with their next anniversaries."""
    cities = partners.list_partner_cities(get_session())
    return render_template("main/home.html", cities=cities)

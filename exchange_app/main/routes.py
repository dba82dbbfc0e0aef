"""The home page: partner cities at a glance."""

from __future__ import annotations

from flask import render_template

from exchange_app.db import get_session
from exchange_app.main import bp
from exchange_app.sections import sections_for
from exchange_app.services import partners


@bp.route("/")
def home() -> str:
    """Home: the partner cities with their next anniversaries."""
    session = get_session()
    cities = partners.list_partner_cities(session)
    sections = sections_for("home", session=session)
    return render_template("main/home.html", cities=cities, sections=sections)

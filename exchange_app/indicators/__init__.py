"""The strategy's indicators: dashboard, the records behind a figure, entry, confirmation."""

from flask import Blueprint

bp = Blueprint("indicators", __name__, url_prefix="/indicators")

from exchange_app.indicators import routes  # noqa: E402,F401
from exchange_app.indicators.queries import home_summary  # noqa: E402
from exchange_app.sections import register_section  # noqa: E402

register_section("home", "indicators/_home_section.html", home_summary, order=20)

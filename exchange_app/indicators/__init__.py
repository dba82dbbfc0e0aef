"""The strategy's indicators: dashboard, the records behind a figure, entry, confirmation."""

from flask import Blueprint

bp = Blueprint("indicators", __name__, url_prefix="/indicators")

from exchange_app.indicators import routes  # noqa: E402,F401

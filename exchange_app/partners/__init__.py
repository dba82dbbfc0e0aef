"""Partner cities: list, detail with the relationship's history, edit for admins."""

from flask import Blueprint

bp = Blueprint("partners", __name__, url_prefix="/partners")

from exchange_app.partners import routes  # noqa: E402,F401

"""Administration: user accounts."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from exchange_app.admin import routes  # noqa: E402,F401

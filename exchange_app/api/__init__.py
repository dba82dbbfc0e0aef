"""The read-only JSON API (``/api/v1``) and the page where users manage their API tokens."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from exchange_app.api import routes  # noqa: E402,F401

"""Sign-in, sign-out and the password of the signed-in user."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from exchange_app.auth import routes  # noqa: E402,F401

"""Youth exchanges (青少年交流): programmes, their participants, and the people across them."""

from flask import Blueprint

bp = Blueprint("youth", __name__, url_prefix="/youth")

from exchange_app.youth import routes  # noqa: E402,F401
from exchange_app.youth.sections import register_sections  # noqa: E402

register_sections()

"""Bulk import (upload → preview → confirm) and export of records as spreadsheets."""

from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/imports")

from exchange_app.imports import routes  # noqa: E402,F401

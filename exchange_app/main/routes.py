"""The home page: partner cities at a glance."""

from __future__ import annotations

from flask import abort, render_template, send_file
from werkzeug.wrappers import Response

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


# The Japanese web font, served from the font packages the PDF uses: for machines (servers,
# kiosk PCs) that have no Japanese font of their own. Browsers with Yu Gothic / Meiryo /
# Hiragino never fetch it: app.css lists it after the system fonts.
FONT_MAX_AGE = 365 * 24 * 3600


def _font_paths() -> dict[str, str]:
    from noto_cjk_sans_jp_bold import FONT_PATH as BOLD_PATH
    from noto_cjk_sans_jp_regular import FONT_PATH as REGULAR_PATH

    return {"regular": REGULAR_PATH, "bold": BOLD_PATH}


@bp.route("/fonts/noto-sans-jp-<weight>.otf")
def font(weight: str) -> Response:
    """A font file (public, cached for a year)."""
    path = _font_paths().get(weight)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="font/otf", max_age=FONT_MAX_AGE, conditional=True)
    response.headers["Cache-Control"] = f"public, max-age={FONT_MAX_AGE}, immutable"
    return response

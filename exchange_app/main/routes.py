"""The home page: partner cities at a glance."""

from __future__ import annotations

import os
from urllib.parse import urlencode

from flask import abort, current_app, render_template, request, send_file, send_from_directory
from werkzeug.wrappers import Response

from exchange_app.db import get_session
from exchange_app.main import bp
from exchange_app.sections import sections_for
from exchange_app.services import exports, partners

# The refusal page lists this many cells at most (the rest are counted).
UNENCODABLE_LISTED = 200


@bp.route("/")
def home() -> str:
    """Home: the partner cities with their next anniversaries."""
    session = get_session()
    # Loaded once for the page and its sections (the anniversaries count from the events).
    cities = partners.list_partner_cities(session, with_events=True)
    sections = sections_for("home", session=session, cities=cities)
    return render_template("main/home.html", cities=cities, sections=sections)


# The Japanese web font, served from the font packages the PDF uses: for machines (servers,
# kiosk PCs) that have no Japanese font of their own. Browsers with Yu Gothic / Meiryo /
# Hiragino never fetch it: app.css lists it after the system fonts.
FONT_MAX_AGE = 365 * 24 * 3600
FAVICON_MAX_AGE = 24 * 3600


def _font_paths() -> dict[str, str]:
    from noto_cjk_sans_jp_bold import FONT_PATH as BOLD_PATH
    from noto_cjk_sans_jp_regular import FONT_PATH as REGULAR_PATH

    return {"regular": REGULAR_PATH, "bold": BOLD_PATH}


@bp.route("/favicon.ico")
def favicon() -> Response:
    """The site icon where browsers and tools look for it first (public, cached for a day)."""
    folder = os.path.join(current_app.static_folder or "", "img")
    response = send_from_directory(folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                                   max_age=FAVICON_MAX_AGE)
    response.headers["Cache-Control"] = f"public, max-age={FAVICON_MAX_AGE}"
    return response


@bp.route("/fonts/noto-sans-jp-<weight>.otf")
def font(weight: str) -> Response:
    """A font file (public, cached for a year)."""
    path = _font_paths().get(weight)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="font/otf", max_age=FONT_MAX_AGE, conditional=True)
    response.headers["Cache-Control"] = f"public, max-age={FONT_MAX_AGE}, immutable"
    return response


def _export_url(**changes: str | None) -> str:
    args = request.args.copy()
    for key, value in changes.items():
        args.pop(key, None)
        if value is not None:
            args[key] = value
    return f"{request.path}?{urlencode(list(args.items(multi=True)))}"


@bp.app_errorhandler(exports.UnencodableText)
def export_refused(error: exports.UnencodableText) -> tuple[str, int]:
    """A Shift_JIS export that would lose characters: name them, offer UTF-8 or substitution."""
    get_session().rollback()
    return (
        render_template(
            "exports/unencodable.html",
            findings=error.findings[:UNENCODABLE_LISTED],
            more=max(0, len(error.findings) - UNENCODABLE_LISTED),
            records=len({f.row for f in error.findings}),
            substitute_mark=exports.SUBSTITUTE,
            utf8_url=_export_url(encoding="utf-8-sig", **{exports.SUBSTITUTE_ARG: None}),
            substitute_url=_export_url(**{exports.SUBSTITUTE_ARG: "1"}),
        ),
        422,
    )

"""API endpoints (login session or personal Bearer token) and the token page."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from exchange_app.api import bp
from exchange_app.api.forms import NewTokenForm, RevokeTokenForm
from exchange_app.auth.permissions import READ_RECORDS, requires
from exchange_app.db import begin_write, get_session, utcnow
from exchange_app.indicators import queries
from exchange_app.services import api_tokens


@bp.route("/api/v1/indicators")
@requires(READ_RECORDS)
def indicators() -> Response | tuple[Response, int]:
    """Every indicator for ``?year=`` (default: the current fiscal year), as JSON."""
    try:
        year = queries.check_year(request.args.get("year") or queries.default_year())
    except queries.IndicatorInputError as error:
        return jsonify(error=400, message=str(error)), 400
    session = get_session()
    body = queries.indicator_report(session, year).as_json()
    if g.get("api_token") is not None:
        begin_write(session)
        api_tokens.mark_used(session, g.api_token)
        session.commit()
    return jsonify(body)


@bp.route("/account/api-tokens", methods=["GET", "POST"])
def tokens() -> str | tuple[str, int]:
    """The signed-in user's own API tokens: create one (shown once) or revoke one."""
    session = get_session()
    form = NewTokenForm()
    secret = None
    status = 200
    if form.validate_on_submit():
        _token, secret = api_tokens.create_token(
            session,
            current_user.id,
            form.name.data or "",
            current_app.config["API_TOKEN_LIFETIME"],
        )
        session.commit()
        form = NewTokenForm(formdata=None)
        status = 201
    return (
        render_template(
            "api/tokens.html",
            form=form,
            revoke_form=RevokeTokenForm(),
            tokens=api_tokens.tokens_of(session, current_user.id),
            now=utcnow(),
            lifetime_days=current_app.config["API_TOKEN_LIFETIME"].days,
            secret=secret,
        ),
        status,
    )


@bp.route("/account/api-tokens/<int:token_id>/revoke", methods=["POST"])
def revoke_token(token_id: int) -> Response:
    """Revoke one of the signed-in user's tokens."""
    form = RevokeTokenForm()
    if not form.validate_on_submit():
        abort(400)
    session = get_session()
    if api_tokens.revoke_token(session, current_user.id, token_id) is None:
        abort(404)
    session.commit()
    flash(_("The token was revoked."), "success")
    return redirect(url_for("api.tokens"))

"""Partner city pages."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from exchange_app.auth.permissions import ADMINISTER, requires
from exchange_app.db import get_session
from exchange_app.models import PartnerCity
from exchange_app.partners import bp, operations
from exchange_app.partners.forms import PartnerCityForm
from exchange_app.partners.kind import PARTNER_CITIES
from exchange_app.records.history import change_history
from exchange_app.records.views import record_form, save_changes
from exchange_app.sections import sections_for
from exchange_app.services import partners


@bp.route("/")
def index() -> str:
    """All eight partner cities."""
    return render_template(
        "partners/index.html", cities=partners.list_partner_cities(get_session())
    )


@bp.route("/<slug>")
def detail(slug: str) -> str:
    """One partner city: relationship, fields and history."""
    session = get_session()
    city = partners.get_partner_city_by_slug(session, slug)
    if city is None:
        abort(404)
    sections = sections_for("partner_detail", session=session, city=city)
    return render_template("partners/detail.html", city=city, sections=sections)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@requires(ADMINISTER)
def edit(slug: str) -> str | Response | tuple[str, int]:
    """Edit a partner city (admins)."""
    session = get_session()
    city = partners.get_partner_city_by_slug(session, slug)
    if city is None:
        abort(404)
    form = record_form(PartnerCityForm, city)
    if form.is_submitted():
        saved = save_changes(
            city,
            form,
            lambda: operations.update_partner_city(session, city, form.values(), current_user.id),
            lambda conflict: _edit_page(form, city, conflict),
            url_for("partners.detail", slug=city.slug),
        )
        if saved is not None:
            return saved
    return _edit_page(form, city)


def _edit_page(form: Any, city: PartnerCity, conflict: bool = False) -> str:
    return render_template(
        "partners/edit.html",
        form=form,
        city=city,
        conflict=conflict,
        history=change_history(get_session(), PARTNER_CITIES, city.id),
    )

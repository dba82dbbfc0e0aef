"""Partner city pages."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from exchange_app.auth.permissions import ADMINISTER, requires
from exchange_app.db import get_session
from exchange_app.partners import bp
from exchange_app.partners.forms import PartnerCityForm
from exchange_app.sections import sections_for
from exchange_app.services import audit, partners
from exchange_app.services.records import version_conflict


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
    db = get_session()
    city = partners.get_partner_city_by_slug(db, slug)
    if city is None:
        abort(404)
    form = PartnerCityForm(obj=city)
    if not form.is_submitted():
        form.version.data = str(city.version)
        form.fields.data = city.fields
    if form.validate_on_submit():
        if version_conflict(city, form.version.data):
            return render_template("partners/edit.html", form=form, city=city, conflict=True), 409
        before = audit.snapshot(city, {"fields": city.fields})
        form.populate_obj(city)
        city.country = city.country.upper()
        city.fields = form.fields.data or []
        audit.record(
            db,
            "update",
            "partner_city",
            city.id,
            changes=audit.diff(before, audit.snapshot(city, {"fields": city.fields})),
        )
        db.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("partners.detail", slug=city.slug))
    return render_template("partners/edit.html", form=form, city=city, conflict=False)

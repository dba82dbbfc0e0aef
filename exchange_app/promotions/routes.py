"""Promotion and organisation pages: route, form, operation, one commit, redirect."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from exchange_app import current_language
from exchange_app.auth.permissions import READ_RECORDS, WRITE_RECORDS, requires
from exchange_app.db import get_session
from exchange_app.models import Organization, PartnerCity, Promotion
from exchange_app.promotions import bp, operations, queries
from exchange_app.promotions.forms import DeleteForm, MergeForm, OrganizationForm, PromotionForm
from exchange_app.promotions.kind import (
    ORGANIZATION_KIND_FOR_CHANNEL,
    ORGANIZATIONS,
    PROMOTIONS,
    channel_for_organization_kind,
)
from exchange_app.records import filters as list_filters
from exchange_app.records.filters import parse_list_filters
from exchange_app.records.history import change_history
from exchange_app.records.operations import RecordRefused
from exchange_app.records.views import (
    add_errors,
    confirm_delete,
    create_once,
    export_list,
    found,
    legacy_redirect,
    record_form,
    save_changes,
)
from exchange_app.services import partners
from exchange_app.services.dates import today_in_japan
from exchange_app.services.records import version_conflict
from exchange_app.vocab import OrganizationKind

# ------------------------------------------------------------------------------ promotions


def _render_form(form: Any, promotion: Promotion | None, *, conflict: bool) -> str:
    organizations = queries.active_organizations(get_session())
    return render_template(
        "promotions/form.html",
        form=form,
        promotion=promotion,
        conflict=conflict,
        organization_kinds={str(org.id): org.kind for org in organizations},
        channel_kinds=ORGANIZATION_KIND_FOR_CHANNEL,
    )


@bp.route("/")
@requires(READ_RECORDS)
def index() -> str | Response:
    """Promotions, searchable and filterable, with totals and the 3b count of what is shown."""
    legacy = legacy_redirect("promotions.index")
    if legacy is not None:
        return legacy
    session = get_session()
    filters = queries.parse_filters(request.args)
    page, totals = queries.promotion_page(session, filters, request.args.get("page"))
    return render_template(
        "promotions/index.html",
        page=page,
        totals=totals,
        filters=filters,
        fiscal_years=list_filters.fiscal_years_recorded(session, Promotion.start_date),
        partner_cities=partners.list_partner_cities(session),
        organizations=queries.active_organizations(session),
        leading_projects=list_filters.leading_projects(session),
    )


@bp.route("/export")
@requires(READ_RECORDS)
def export() -> Response:
    """The filtered promotions as xlsx or CSV (UTF-8 with BOM, or cp932), Japanese headers."""
    session = get_session()
    filters = queries.parse_filters(request.args)
    suffix = f"_{filters.fiscal_year}年度" if filters.fiscal_year else ""
    return export_list(
        PROMOTIONS,
        session.scalars(queries.list_statement(filters)).unique(),
        basename=f"ネットワーク発信{suffix}",
        sheet_title="発信",
        audit_entry=lambda file_format, count: {
            "changes": {"filters": filters.as_args(), "rows": count, "format": file_format}
        },
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def new() -> str | Response:
    """Record a promotion; ``city=<slug>`` or ``organization=<id>`` chooses the counterpart."""
    if request.method == "GET":
        legacy = legacy_redirect("promotions.new")
        if legacy is not None:
            return legacy
    session = get_session()
    form = record_form(PromotionForm)
    if not form.is_submitted():
        form.start_date.data = today_in_japan()
        defaults = parse_list_filters(request.args, sorts=(), default_sort="")
        city_id = (
            session.scalar(select(PartnerCity.id).where(PartnerCity.slug == defaults.city))
            if defaults.city
            else None
        )
        organization = (
            session.get(Organization, defaults.organization) if defaults.organization else None
        )
        if city_id is not None:
            form.partner_city_id.data = str(city_id)
            form.channel.data = channel_for_organization_kind(None)
        elif organization is not None:
            form.organization_id.data = str(organization.id)
            form.channel.data = channel_for_organization_kind(organization.kind)
    elif form.validate():
        saved = create_once(
            PROMOTIONS,
            form,
            lambda: operations.create_promotion(session, form.values(), current_user.id).id,
            _("The promotion has been recorded."),
            "promotions.detail",
            "promotion_id",
        )
        if saved is not None:
            return saved
    return _render_form(form, None, conflict=False)


@bp.route("/<int:promotion_id>")
@requires(READ_RECORDS)
def detail(promotion_id: int) -> str:
    """One promotion, the fiscal year it counts in, and its change history."""
    session = get_session()
    promotion = found(queries.get_promotion(session, promotion_id))
    return render_template(
        "promotions/detail.html",
        promotion=promotion,
        counted_in=queries.counted_in_fiscal_year(session, promotion),
        history=change_history(session, PROMOTIONS, promotion.id),
    )


@bp.route("/<int:promotion_id>/edit", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def edit(promotion_id: int) -> str | Response | tuple[str, int]:
    """Change a promotion; a stale form answers 409 and saves nothing."""
    session = get_session()
    promotion = found(queries.get_promotion(session, promotion_id))
    form = record_form(PromotionForm, promotion)
    if form.is_submitted():
        saved = save_changes(
            promotion,
            form,
            lambda: operations.update_promotion(session, promotion, form.values(), current_user.id),
            lambda conflict: _render_form(form, promotion, conflict=conflict),
            url_for("promotions.detail", promotion_id=promotion.id),
        )
        if saved is not None:
            return saved
    return _render_form(form, promotion, conflict=False)


@bp.route("/<int:promotion_id>/delete", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def delete(promotion_id: int) -> str | Response | tuple[str, int]:
    """Ask for confirmation, then delete the promotion (POST only)."""
    session = get_session()
    promotion = found(queries.get_promotion(session, promotion_id))
    form = DeleteForm()
    return confirm_delete(
        promotion,
        form,
        lambda: operations.delete_promotion(session, promotion),
        lambda conflict: render_template(
            "promotions/delete.html", form=form, promotion=promotion, conflict=conflict
        ),
        _("The promotion has been deleted."),
        url_for("promotions.index"),
    )


# --------------------------------------------------------------------------- organisations


def _render_organization_form(
    form: Any, organization: Organization | None, *, conflict: bool = False
) -> str:
    return render_template(
        "promotions/organization_form.html",
        form=form,
        organization=organization,
        conflict=conflict,
    )


@bp.route("/organizations/")
@requires(READ_RECORDS)
def organizations() -> str:
    """Organisations of the network (merged duplicates hidden), with their promotion counts."""
    filters = queries.parse_organization_filters(request.args)
    page, counts = queries.organization_page(get_session(), filters, request.args.get("page"))
    return render_template(
        "promotions/organizations.html", page=page, counts=counts, filters=filters
    )


@bp.route("/organizations/new", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def organization_new() -> str | Response:
    """Add an organisation; a name already recorded is refused."""
    session = get_session()
    form = OrganizationForm()
    if not form.is_submitted():
        if request.args.get("kind") in OrganizationKind.values():
            form.kind.data = request.args["kind"]
    elif form.validate():
        try:
            organization = operations.create_organization(session, form.values(), current_user.id)
        except RecordRefused as refused:
            add_errors(form, refused.errors)
        else:
            session.commit()
            flash(_("The organisation has been added."), "success")
            if request.args.get("then") == "promotion":
                return redirect(url_for("promotions.new", organization=organization.id))
            return redirect(
                url_for("promotions.organization_detail", organization_id=organization.id)
            )
    return _render_organization_form(form, None)


@bp.route("/organizations/<int:organization_id>")
@requires(READ_RECORDS)
def organization_detail(organization_id: int) -> str:
    """An organisation, the promotions made through it, and its change history."""
    session = get_session()
    organization = found(session.get(Organization, organization_id))
    filters = queries.filters_of(organization=organization.id)
    page, totals = queries.promotion_page(session, filters, request.args.get("page"))
    return render_template(
        "promotions/organization_detail.html",
        organization=organization,
        page=page,
        totals=totals,
        history=change_history(session, ORGANIZATIONS, organization.id),
    )


@bp.route("/organizations/<int:organization_id>/edit", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def organization_edit(organization_id: int) -> str | Response | tuple[str, int]:
    """Change an organisation; a stale form answers 409 and saves nothing."""
    session = get_session()
    organization = found(session.get(Organization, organization_id))
    if organization.merged_into_id is not None:
        flash(
            _("This organisation was merged into another one and can no longer be edited."),
            "warning",
        )
        return redirect(url_for("promotions.organization_detail", organization_id=organization.id))
    form = record_form(OrganizationForm, organization)
    if form.is_submitted():
        saved = save_changes(
            organization,
            form,
            lambda: operations.update_organization(
                session, organization, form.values(), current_user.id
            ),
            lambda conflict: _render_organization_form(form, organization, conflict=conflict),
            url_for("promotions.organization_detail", organization_id=organization.id),
        )
        if saved is not None:
            return saved
    return _render_organization_form(form, organization)


@bp.route("/organizations/<int:organization_id>/merge", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def organization_merge(organization_id: int) -> str | Response | tuple[str, int]:
    """Merge a duplicate with this organisation; the user chooses which record stays."""
    session = get_session()
    organization = found(session.get(Organization, organization_id))
    if organization.merged_into_id is not None:
        flash(_("This organisation has already been merged."), "warning")
        return redirect(url_for("promotions.organization_detail", organization_id=organization.id))
    form = MergeForm()
    form.load_choices(queries.active_organizations(session), organization, current_language())
    if not form.is_submitted():
        form.version.data = str(organization.version)
        requested_other = request.args.get("other", "")
        if requested_other.isdigit() and len(requested_other) <= 10:
            form.other_id.data = int(requested_other)
    blocking: list[str] = []
    if form.validate_on_submit():
        other = session.get(Organization, form.other_id.data)
        if version_conflict(organization, form.version.data) or other is None:
            return render_template(
                "promotions/organization_merge.html",
                form=form,
                organization=organization,
                blocking=blocking,
                conflict=True,
            ), 409
        survivor, duplicate = (
            (organization, other) if form.survivor.data == "this" else (other, organization)
        )
        try:
            result = operations.merge_organizations(session, survivor, duplicate, current_user.id)
        except operations.MergeError as error:
            form.other_id.errors = [*form.other_id.errors, error.message]
            blocking = error.blocking
        else:
            session.commit()
            flash(
                _(
                    "Merged. %(count)s promotions moved to %(name)s.",
                    count=len(result.moved_promotion_ids),
                    name=survivor.name(current_language()),
                ),
                "success",
            )
            return redirect(url_for("promotions.organization_detail", organization_id=survivor.id))
    return render_template(
        "promotions/organization_merge.html",
        form=form,
        organization=organization,
        blocking=blocking,
        conflict=False,
    )

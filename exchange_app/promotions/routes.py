"""Promotion and organisation pages (thin views over ``services.promotions``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from exchange_app import current_language, vocab
from exchange_app.auth.permissions import READ_RECORDS, WRITE_RECORDS, requires
from exchange_app.db import get_session
from exchange_app.models import LeadingProject, Organization, Promotion
from exchange_app.promotions import bp
from exchange_app.promotions.forms import DeleteForm, MergeForm, OrganizationForm, PromotionForm
from exchange_app.services import audit, exports
from exchange_app.services import promotions as service
from exchange_app.services.dates import fiscal_year_of
from exchange_app.services.partners import list_partner_cities
from exchange_app.services.records import version_conflict


def _promotion_or_404(promotion_id: int) -> Promotion:
    promotion = service.get_promotion(get_session(), promotion_id)
    if promotion is None:
        abort(404)
    return promotion


def _organization_or_404(organization_id: int) -> Organization:
    organization = get_session().get(Organization, organization_id)
    if organization is None:
        abort(404)
    return organization


def _leading_projects() -> list[LeadingProject]:
    return list(get_session().scalars(select(LeadingProject).order_by(LeadingProject.number)))


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _add_errors(form: Any, errors: dict[str, Any]) -> None:
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, message]


def _render_form(form: PromotionForm, promotion: Promotion | None, *, conflict: bool) -> str:
    organizations = service.active_organizations(get_session())
    return render_template(
        "promotions/form.html",
        form=form,
        promotion=promotion,
        conflict=conflict,
        organization_kinds={str(org.id): org.kind for org in organizations},
        channel_kinds=service.ORGANIZATION_KIND_FOR_CHANNEL,
    )


# ------------------------------------------------------------------------------ promotions


@bp.route("/")
@requires(READ_RECORDS)
def index() -> str:
    """Promotions, searchable and filterable, with totals and the 3b count of what is shown."""
    session = get_session()
    filters = service.PromotionFilters.from_args(request.args)
    page, totals = service.list_promotions(session, filters, request.args.get("page"))
    return render_template(
        "promotions/index.html",
        page=page,
        totals=totals,
        filters=filters,
        fiscal_years=service.fiscal_years_with_promotions(session),
        partner_cities=list_partner_cities(session),
        organizations=service.active_organizations(session),
        leading_projects=_leading_projects(),
    )


@bp.route("/export")
@requires(READ_RECORDS)
def export() -> Response:
    """The filtered promotions as xlsx or CSV (UTF-8 with BOM, or cp932), Japanese headers."""
    session = get_session()
    filters = service.PromotionFilters.from_args(request.args)
    file_format = "csv" if request.args.get("format") == "csv" else "xlsx"
    encoding = "cp932" if request.args.get("encoding") == "cp932" else "utf-8-sig"
    rows = service.export_rows(session, filters)
    audit.record(
        session,
        "export",
        "promotion",
        None,
        changes={"filters": filters.as_args(), "rows": len(rows), "format": file_format},
    )
    session.commit()
    suffix = f"_{filters.fiscal_year}年度" if filters.fiscal_year else ""
    return exports.table_download(
        service.EXPORT_HEADERS,
        rows,
        basename=f"ネットワーク発信{suffix}",
        file_format=file_format,
        encoding=encoding,
        sheet_title="発信",
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def new() -> str | Response:
    """Record a promotion."""
    session = get_session()
    form = PromotionForm()
    form.load_choices(session, current_language(), _leading_projects())
    if not form.is_submitted():
        form.start_date.data = date.today()
        form.partner_city_id.data = service.int_arg(request.args.get("partner"))
        form.organization_id.data = service.int_arg(request.args.get("organization"))
        if form.partner_city_id.data:
            form.channel.data = "partner_city"
        elif form.organization_id.data:
            form.channel.data = service.channel_for_organization(
                session.get(Organization, form.organization_id.data)
            )
    if form.validate_on_submit():
        try:
            promotion = service.create_promotion(session, form.values(), _user_id())
        except service.PromotionRuleError as error:
            _add_errors(form, error.errors)
        else:
            session.commit()
            flash(_("The promotion has been recorded."), "success")
            return redirect(url_for("promotions.detail", promotion_id=promotion.id))
    return _render_form(form, None, conflict=False)


@bp.route("/<int:promotion_id>")
@requires(READ_RECORDS)
def detail(promotion_id: int) -> str:
    """One promotion, the fiscal year it counts in, and its change history."""
    session = get_session()
    promotion = _promotion_or_404(promotion_id)
    return render_template(
        "promotions/detail.html",
        promotion=promotion,
        counted_in=service.counts_in_fiscal_year(promotion),
        fiscal_year=fiscal_year_of(promotion.start_date),
        history=service.readable_history(
            session, audit.history_of(session, "promotion", promotion.id), current_language()
        ),
    )


@bp.route("/<int:promotion_id>/edit", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def edit(promotion_id: int) -> str | Response | tuple[str, int]:
    """Change a promotion; a stale form answers 409 and saves nothing."""
    session = get_session()
    promotion = _promotion_or_404(promotion_id)
    form = PromotionForm(obj=promotion)
    form.load_choices(session, current_language(), _leading_projects())
    if not form.is_submitted():
        form.version.data = str(promotion.version)
        form.leading_project_ids.data = [p.id for p in promotion.leading_projects]
    if form.validate_on_submit():
        if version_conflict(promotion, form.version.data):
            return _render_form(form, promotion, conflict=True), 409
        try:
            service.update_promotion(session, promotion, form.values(), _user_id())
        except service.PromotionRuleError as error:
            _add_errors(form, error.errors)
        else:
            session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("promotions.detail", promotion_id=promotion.id))
    return _render_form(form, promotion, conflict=False)


@bp.route("/<int:promotion_id>/delete", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def delete(promotion_id: int) -> str | Response | tuple[str, int]:
    """Ask for confirmation, then delete the promotion (POST only)."""
    session = get_session()
    promotion = _promotion_or_404(promotion_id)
    form = DeleteForm()
    if not form.is_submitted():
        form.version.data = str(promotion.version)
    if form.validate_on_submit():
        if version_conflict(promotion, form.version.data):
            return render_template(
                "promotions/delete.html", form=form, promotion=promotion, conflict=True
            ), 409
        service.delete_promotion(session, promotion)
        session.commit()
        flash(_("The promotion has been deleted."), "success")
        return redirect(url_for("promotions.index"))
    return render_template("promotions/delete.html", form=form, promotion=promotion, conflict=False)


# --------------------------------------------------------------------------- organisations


@bp.route("/organizations/")
@requires(READ_RECORDS)
def organizations() -> str:
    """Organisations of the network (merged duplicates hidden), with their promotion counts."""
    filters = service.OrganizationFilters.from_args(request.args)
    page, counts = service.list_organizations(get_session(), filters, request.args.get("page"))
    return render_template(
        "promotions/organizations.html", page=page, counts=counts, filters=filters
    )


@bp.route("/organizations/new", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def organization_new() -> str | Response:
    """Add an organisation; a name already recorded is refused."""
    session = get_session()
    form = OrganizationForm()
    if not form.is_submitted() and request.args.get("kind") in vocab.ORGANIZATION_KINDS:
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        same = service.organizations_with_same_name(
            session, form.name_ja.data or "", form.name_en.data or ""
        )
        if same:
            form.name_ja.errors.append(
                _(
                    "An organisation with this name is already recorded: %(name)s",
                    name=same[0].name(current_language()),
                )
            )
        else:
            organization = service.create_organization(session, form.values(), _user_id())
            session.commit()
            flash(_("The organisation has been added."), "success")
            if request.args.get("then") == "promotion":
                return redirect(url_for("promotions.new", organization=organization.id))
            return redirect(
                url_for("promotions.organization_detail", organization_id=organization.id)
            )
    return render_template(
        "promotions/organization_form.html", form=form, organization=None, conflict=False
    )


@bp.route("/organizations/<int:organization_id>")
@requires(READ_RECORDS)
def organization_detail(organization_id: int) -> str | Response:
    """An organisation and the promotions made through it."""
    session = get_session()
    organization = _organization_or_404(organization_id)
    filters = service.PromotionFilters(organization_id=organization.id)
    page, totals = service.list_promotions(session, filters, request.args.get("page"))
    return render_template(
        "promotions/organization_detail.html",
        organization=organization,
        page=page,
        totals=totals,
        history=service.readable_history(
            session,
            audit.history_of(session, "organization", organization.id),
            current_language(),
        ),
    )


@bp.route("/organizations/<int:organization_id>/edit", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def organization_edit(organization_id: int) -> str | Response | tuple[str, int]:
    """Change an organisation; a stale form answers 409 and saves nothing."""
    session = get_session()
    organization = _organization_or_404(organization_id)
    if organization.merged_into_id is not None:
        flash(
            _("This organisation was merged into another one and can no longer be edited."),
            "warning",
        )
        return redirect(url_for("promotions.organization_detail", organization_id=organization.id))
    form = OrganizationForm(obj=organization)
    if not form.is_submitted():
        form.version.data = str(organization.version)
    if form.validate_on_submit():
        if version_conflict(organization, form.version.data):
            return render_template(
                "promotions/organization_form.html",
                form=form,
                organization=organization,
                conflict=True,
            ), 409
        same = service.organizations_with_same_name(
            session, form.name_ja.data or "", form.name_en.data or "", exclude_id=organization.id
        )
        misfits = service.organization_kind_errors(session, organization, form.kind.data or "")
        if same:
            form.name_ja.errors.append(
                _(
                    "An organisation with this name is already recorded: %(name)s",
                    name=same[0].name(current_language()),
                )
            )
        elif misfits:
            form.kind.errors.append(
                _(
                    "Promotions through this organisation use a channel that needs the current "
                    "kind: %(titles)s",
                    titles="、".join(misfits[:5]),
                )
            )
        else:
            service.update_organization(session, organization, form.values(), _user_id())
            session.commit()
            flash(_("Saved."), "success")
            return redirect(
                url_for("promotions.organization_detail", organization_id=organization.id)
            )
    return render_template(
        "promotions/organization_form.html", form=form, organization=organization, conflict=False
    )


@bp.route("/organizations/<int:organization_id>/merge", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def organization_merge(organization_id: int) -> str | Response | tuple[str, int]:
    """Merge a duplicate with this organisation; the user chooses which record stays."""
    session = get_session()
    organization = _organization_or_404(organization_id)
    if organization.merged_into_id is not None:
        flash(_("This organisation has already been merged."), "warning")
        return redirect(url_for("promotions.organization_detail", organization_id=organization.id))
    form = MergeForm()
    form.load_choices(service.active_organizations(session), organization, current_language())
    if not form.is_submitted():
        form.version.data = str(organization.version)
        other = service.int_arg(request.args.get("other"))
        if other is not None:
            form.other_id.data = other
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
            result = service.merge_organizations(session, survivor, duplicate, _user_id())
        except service.MergeError as error:
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

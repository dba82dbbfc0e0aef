"""Indicator pages: the dashboard, the records behind a figure, entry, confirmation, export."""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from exchange_app import current_language
from exchange_app.auth.permissions import (
    CONFIRM_INDICATORS,
    PERSONAL_DATA,
    WRITE_RECORDS,
    can,
    log_personal_data_access,
    requires,
)
from exchange_app.db import begin_write, get_session
from exchange_app.indicators import bp, operations, queries
from exchange_app.indicators.forms import ConfirmYearForm, IndicatorValueForm, RefreezeForm
from exchange_app.models import Indicator
from exchange_app.services import audit, exports
from exchange_app.services.dates import wareki_fiscal_year
from exchange_app.services.records import version_conflict


@bp.app_template_filter("figure")
def figure_filter(value: Any) -> str:
    """A figure for display: ``342,649`` or ``24.5``; empty when there is none."""
    number = queries.plain_number(value)
    return "" if number is None else f"{number:,}"


@bp.app_template_filter("progress_text")
def progress_text_filter(value: float | None) -> str:
    """Progress as a percentage: ``12.5%``, ``0%``; empty when there is none."""
    return "" if value is None else f"{value:g}%"


def _bad_year(message: str) -> tuple[str, int]:
    return render_template("errors/error.html", status=400, message=message), 400


def _indicator_or_404(code: str) -> Indicator:
    indicator = queries.get_indicator(get_session(), code)
    if indicator is None:
        abort(404)
    return indicator


def _chart_data(report: queries.IndicatorReport) -> dict[str, Any]:
    """What the trend charts draw, keyed by indicator code."""
    charts = {}
    for figure in report.figures:
        indicator = figure.indicator
        path = [queries.linear_path(indicator, year) for year, _value in figure.trend]
        charts[indicator.code] = {
            "labels": [str(y) for y, _v in figure.trend],
            "values": [queries.plain_number(v) for _y, v in figure.trend],
            "path": [queries.plain_number(v) for v in path],
            "unit": indicator.unit,
            "valueLabel": _("Value"),
            "pathLabel": _("Linear path to the target"),
        }
    return charts


@bp.route("/")
def dashboard() -> str | tuple[str, int]:
    """Every indicator for a year: value, baseline, targets, progress, state and trend."""
    session = get_session()
    try:
        year = queries.check_year(request.args.get("year") or queries.default_year())
    except queries.IndicatorInputError as error:
        return _bad_year(str(error))
    report = queries.indicator_report(session, year, record_ids=False)
    return render_template(
        "indicators/dashboard.html",
        report=report,
        year=year,
        years=range(queries.FIRST_YEAR, queries.LAST_YEAR + 1),
        rollups=queries.rollups(session, year),
        charts=_chart_data(report),
        confirm_form=ConfirmYearForm(year=str(year)),
        year_label=queries.year_label,
    )


@bp.route("/<code>/<int:year>/records", methods=["GET"])
def records(code: str, year: int) -> str | Response | tuple[str, int]:
    """Exactly the records a computed figure counts, and what changed since confirmation."""
    indicator = _indicator_or_404(code)
    if indicator.source != "computed":
        return redirect(url_for("indicators.enter", code=code, year=year))
    try:
        year = queries.check_year(year)
    except queries.IndicatorInputError as error:
        return _bad_year(str(error))
    session = get_session()
    # Coordinators see the participants' names: every look at them is audited, in a
    # transaction that writes from the start (see begin_write).
    shows_names = queries.record_type_of(indicator) == "participant" and can(PERSONAL_DATA)
    if shows_names:
        begin_write(session)
    figure = queries.indicator_report(session, year).figure(code)
    assert figure is not None
    context: dict[str, Any] = {
        "indicator": indicator,
        "figure": figure,
        "year": year,
        "year_label": queries.year_label,
        "refreeze_form": RefreezeForm(),
    }
    ids = figure.record_ids or []
    if figure.record_type == "promotion":
        context["promotions"] = queries.promotions_with_ids(session, ids)
        context["added"] = queries.promotions_with_ids(session, figure.added_ids)
        context["removed"] = queries.promotions_with_ids(session, figure.removed_ids)
        found = {p.id for p in context["removed"]}
    else:
        context["programs"] = queries.participations_by_program(session, ids)
        context["added"] = queries.participations_by_program(session, figure.added_ids)
        context["removed"] = queries.participations_by_program(session, figure.removed_ids)
        found = {p.id for _program, people in context["removed"] for p in people}
        context["total"] = len(ids)
    context["deleted_ids"] = [i for i in figure.removed_ids if i not in found]
    if shows_names:
        shown = {
            program.id: program
            for key in ("programs", "added", "removed")
            for program, _people in context[key]
        }
        if shown:
            log_personal_data_access()
            operations.record_names_shown(session, indicator, year, list(shown.values()))
            session.commit()
    return render_template("indicators/records.html", **context)


@bp.route("/<code>/<int:year>", methods=["GET", "POST"])
def enter(code: str, year: int) -> str | Response | tuple[str, int]:
    """An entered indicator's figure for a year: the form, and the history of every change."""
    indicator = _indicator_or_404(code)
    if indicator.source == "computed":
        return redirect(url_for("indicators.records", code=code, year=year))
    try:
        year = queries.check_year(year)
    except queries.IndicatorInputError as error:
        return _bad_year(str(error))
    session = get_session()
    row = queries.value_history(session, indicator, year)
    confirmation = queries.confirmed_year(session, year)
    frozen = confirmation is not None or (row is not None and row.status == "confirmed")
    may_edit = can(WRITE_RECORDS) and (not frozen or can(CONFIRM_INDICATORS))
    form = IndicatorValueForm()
    if not form.is_submitted() and row is not None:
        form.value.data = figure_filter(row.value).replace(",", "")
        form.source_note.data = row.source_note
        form.note.data = row.note
        form.version.data = str(row.version)

    def page(status: int = 200) -> tuple[str, int]:
        return (
            render_template(
                "indicators/enter.html",
                indicator=indicator,
                year=year,
                row=row,
                form=form,
                frozen=frozen,
                may_edit=may_edit,
                users=queries.user_names(session, row),
                year_label=queries.year_label,
            ),
            status,
        )

    if request.method == "POST":
        if not may_edit:
            abort(403)
        if form.validate_on_submit():
            if row is not None and version_conflict(row, form.version.data):
                flash(
                    _(
                        "Someone else changed this figure while you were editing it. "
                        "Nothing was saved; the current figure is shown below."
                    ),
                    "danger",
                )
                return page(409)
            try:
                value = operations.parse_value(indicator, form.value.data)
            except queries.IndicatorInputError as error:
                form.value.errors = [*form.value.errors, str(error)]
                return page()
            try:
                operations.save_entered_value(
                    session,
                    indicator,
                    year,
                    value=value,
                    source_note=form.source_note.data,
                    note=form.note.data,
                    reason=form.reason.data,
                    user_id=current_user.id,
                )
            except queries.ReasonRequired as error:
                session.rollback()
                form.reason.errors = [*form.reason.errors, str(error)]
                return page()
            session.commit()
            flash(_("The figure was saved."), "success")
            return redirect(url_for("indicators.enter", code=code, year=year))
    return page()


@bp.route("/confirm", methods=["POST"])
@requires(CONFIRM_INDICATORS)
def confirm() -> Response:
    """Confirm (確定) a year: freeze its figures and the records behind the computed ones."""
    form = ConfirmYearForm()
    year_text = form.year.data or ""
    target = url_for("indicators.dashboard", year=year_text) if year_text.isdigit() else None
    if not form.validate_on_submit():
        flash(_("The year could not be confirmed. Please try again."), "danger")
        return redirect(target or url_for("indicators.dashboard"))
    session = get_session()
    try:
        year = queries.check_year(year_text)
        missing = queries.missing_entered_codes(session, year)
        operations.confirm_year(session, year, user_id=current_user.id, note=form.note.data)
    except queries.IndicatorInputError as error:
        session.rollback()
        flash(str(error), "danger")
        return redirect(url_for("indicators.dashboard"))
    session.commit()
    flash(_("%(year)s is confirmed.", year=queries.year_label("fiscal", year)), "success")
    if missing:
        flash(
            _(
                "These indicators had no figure when the year was confirmed: %(codes)s. "
                "Entering one now needs a reason.",
                codes=", ".join(missing),
            ),
            "warning",
        )
    return redirect(url_for("indicators.dashboard", year=year))


@bp.route("/<code>/<int:year>/refreeze", methods=["POST"])
@requires(CONFIRM_INDICATORS)
def refreeze(code: str, year: int) -> Response | tuple[str, int]:
    """Revise a confirmed computed figure to the records counted now (with a reason)."""
    indicator = _indicator_or_404(code)
    form = RefreezeForm()
    session = get_session()
    if not form.validate_on_submit():
        flash(
            " ".join(str(error) for error in form.reason.errors) or _("Please try again."), "danger"
        )
        return redirect(url_for("indicators.records", code=code, year=year))
    try:
        operations.refreeze_computed(
            session, indicator, year, reason=form.reason.data, user_id=current_user.id
        )
    except queries.IndicatorInputError as error:
        session.rollback()
        flash(str(error), "danger")
        return redirect(url_for("indicators.records", code=code, year=year))
    session.commit()
    flash(_("The confirmed figure was revised."), "success")
    return redirect(url_for("indicators.records", code=code, year=year))


@bp.route("/export")
def export() -> Response | tuple[str, int]:
    """The indicator table of a year as .xlsx, with 和暦 year labels."""
    try:
        year = queries.check_year(request.args.get("year") or queries.default_year())
    except queries.IndicatorInputError as error:
        return _bad_year(str(error))
    session = get_session()
    report = queries.indicator_report(session, year)
    headers, rows = queries.export_rows(report, current_language())
    begin_write(session)
    audit.record(session, "export", "indicator_year", None, summary=f"indicators {year}")
    session.commit()
    label = wareki_fiscal_year(year)
    basename = _("indicators") + "_" + label
    return exports.table_download(
        headers,
        rows,
        basename=basename,
        file_format="xlsx",
        sheet_title=label,
    )

"""History pages: the document, its editor, and its PDF and xlsx downloads."""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from exchange_app import current_language, jobs
from exchange_app.auth.permissions import WRITE_RECORDS, requires
from exchange_app.db import begin_write, get_session
from exchange_app.history import bp, operations
from exchange_app.history import jobs as pdf_jobs
from exchange_app.history.document import (
    pdf_key,
    render_chronology_html,
    render_document_html,
)
from exchange_app.history.forms import HistoryReportForm
from exchange_app.models import PartnerCity
from exchange_app.services import anniversaries, exports, partners
from exchange_app.services import history as history_service
from exchange_app.services.dates import today_in_japan
from exchange_app.services.records import version_conflict
from exchange_app.vocab import JobKind, JobStatus


def _city_or_404(slug: str) -> PartnerCity:
    city = partners.get_partner_city_by_slug(get_session(), slug)
    if city is None:
        abort(404)
    return city


def _ordinal_arg(city: PartnerCity) -> int | None:
    """The anniversary asked for (?ordinal=50); None for the next one; 404 unless it is one
    of the partnership's anniversaries passed or soon to come (no history is laid out and
    kept for an anniversary that will not be)."""
    raw = request.args.get("ordinal")
    if raw in (None, ""):
        return None
    if not raw.isdigit() or len(raw) > 4:
        abort(404)
    ordinal = int(raw)
    if not anniversaries.is_offered(city, ordinal, today_in_japan()):
        abort(404)
    return ordinal


def _language(history: history_service.History) -> str:
    """The document language (?language= or the saved choice); 400 with the choices if unknown."""
    saved = history.report.language if history.report else "ja"
    language = request.args.get("language", saved)
    try:
        return history_service.check_language(language)
    except history_service.UnsupportedLanguage:
        message = _(
            "A history can be written in Japanese (ja), English (en) or both side by side "
            "(both); %(language)s is not offered.",
            language=language,
        )
        abort(make_response(render_template("errors/error.html", status=400, message=message), 400))


def _filename(history: history_service.History, language: str, extension: str) -> str:
    return (
        f"history-{history.city.slug}-{history.milestone.ordinal}th-{language}.{extension}"
    )


@bp.route("/")
def index() -> str:
    """Every partnership's anniversaries, with a link to each history."""
    session = get_session()
    today = today_in_japan()
    rows = [
        (city, anniversaries.next_milestone(city, today))
        for city in partners.list_partner_cities(session, with_events=True)
    ]
    return render_template("history/index.html", rows=rows, today=today)


@bp.route("/<slug>")
def report(slug: str) -> Any:
    """The history of a partnership for its next (or ?ordinal=) anniversary, as a page.

    The figures are those of the whole partnership; the chronology opens a decade at a
    time (``decade``), so the page costs the same with fifty years of records as with five.
    """
    city = _city_or_404(slug)
    history = history_service.build_overview(get_session(), city, _ordinal_arg(city))
    language = _language(history)

    def decade_url(decade: int, fragment: bool) -> str:
        return url_for(
            "history.decade",
            slug=city.slug,
            decade=decade,
            ordinal=history.milestone.ordinal,
            language=language,
            fragment=1 if fragment else None,
        )

    # Rendered by an autoescaped template: every recorded text in it is already escaped.
    document = Markup(  # noqa: S704
        render_document_html(history, language, standalone=False, decade_url=decade_url)
    )
    return render_template(
        "history/report.html",
        city=city,
        history=history,
        language=language,
        document=document,
    )


@bp.route("/<slug>/decade/<int:decade>")
def decade(slug: str, decade: int) -> Any:
    """One decade of a history's chronology: the fragment the history page opens
    (?fragment=1), or a page of its own for a browser without scripts."""
    city = _city_or_404(slug)
    if decade % 10 or not 1800 <= decade <= 2200:
        abort(404)
    history = history_service.build_decade(get_session(), city, decade, _ordinal_arg(city))
    language = _language(history)
    # Rendered by an autoescaped template: every recorded text in it is already escaped.
    chronology = Markup(render_chronology_html(history, language))  # noqa: S704
    if request.args.get("fragment"):
        return chronology
    return render_template(
        "history/decade.html",
        city=city,
        history=history,
        decade=decade,
        language=language,
        chronology=chronology,
    )


@bp.route("/<slug>/pdf")
def pdf(slug: str) -> Any:
    """The history as a print-ready A4 PDF with the Japanese font embedded.

    A PDF already laid out for this very document is sent at once; otherwise a job lays
    it out and the browser is sent to the job's progress page, which comes back here.
    """
    session = get_session()
    city = _city_or_404(slug)
    history = history_service.build_history(session, city, _ordinal_arg(city))
    language = _language(history)
    key = pdf_key(history, language, render_document_html(history, language))
    filename = _filename(history, language, "pdf")
    kept = pdf_jobs.kept_pdf(session, key)
    if kept is None:
        job = pdf_jobs.pending_job(session, key, current_user.id)
        if job is None:
            begin_write(session)
            job = jobs.submit(
                session,
                JobKind.HISTORY_PDF,
                current_user.id,
                current_language(),
                slug=city.slug,
                ordinal=history.milestone.ordinal,
                language=language,
                filename=filename,
            )
            job.result_ref = key
            session.commit()
            jobs.start(job)
            session.refresh(job)
        kept = pdf_jobs.kept_pdf(session, key) if job.status == JobStatus.DONE else None
        if kept is None:
            current_app.logger.info("history PDF %s %s: job %s", city.slug, language, job.id)
            return redirect(url_for("jobs.show", job_id=job.id), 303)
    return exports.download(kept.content, filename, "application/pdf")


@bp.route("/<slug>/xlsx")
def xlsx(slug: str) -> Any:
    """The records behind the history, one sheet per kind (an appendix for checking)."""
    city = _city_or_404(slug)
    session = get_session()
    history = history_service.build_history(session, city, _ordinal_arg(city))
    language = _language(history)
    sheet_language = "en" if language == "en" else "ja"
    entries = history_service.all_entries(session, city, history.milestone)
    content = exports.xlsx_workbook_bytes(
        history_service.appendix_sheets(history, entries, sheet_language)
    )
    return exports.download(
        content, _filename(history, sheet_language, "xlsx"), exports.XLSX_MIMETYPE
    )


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@requires(WRITE_RECORDS)
def edit(slug: str) -> Any:
    """Edit the foreword, the records left out and the photo captions of a history."""
    session = get_session()
    city = _city_or_404(slug)
    history = history_service.build_history(session, city, _ordinal_arg(city))
    ordinal = history.milestone.ordinal
    report = history.report
    entries = history_service.all_entries(session, city, history.milestone)
    form = HistoryReportForm()
    form.excluded_records.choices = [SelectChoice(entry.key) for entry in entries]
    if not form.is_submitted():
        form.version.data = str(report.version) if report else ""
        form.language.data = report.language if report else "ja"
        form.foreword_ja.data = report.foreword_ja if report else ""
        form.foreword_en.data = report.foreword_en if report else ""
        form.photo_captions.data = "\n".join(report.photo_captions or []) if report else ""
        form.excluded_records.data = list(report.excluded_records or []) if report else []
    context = {"city": city, "history": history, "entries": entries, "form": form}
    if form.validate_on_submit():
        stale = (
            version_conflict(report, form.version.data)
            if report is not None
            else bool(form.version.data)
        )
        if stale:
            return render_template("history/edit.html", conflict=True, **context), 409
        operations.save_report(
            session,
            city,
            ordinal,
            report,
            operations.ReportChoices(
                language=form.language.data or "ja",
                foreword_ja=form.foreword_ja.data,
                foreword_en=form.foreword_en.data,
                photo_captions=(form.photo_captions.data or "").splitlines(),
                excluded_records=list(form.excluded_records.data or []),
            ),
            {entry.key for entry in entries},
        )
        session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("history.report", slug=city.slug, ordinal=ordinal))
    return render_template("history/edit.html", conflict=False, **context)

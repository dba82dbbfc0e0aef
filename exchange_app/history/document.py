"""The history as a document: the same HTML for the page, the PDF and the command line."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from exchange_app import vocab
from exchange_app.services import dates
from exchange_app.services.anniversaries import basis_text, ordinal_suffix
from exchange_app.services.dates import today_in_japan
from exchange_app.services.history import History, languages_of, summary_paragraph


def labels(language: str) -> dict[str, Any]:
    """Every label of the document in ``language``, whatever the UI language is."""
    with force_locale(language):
        vocabularies = {
            "event_kinds": vocab.RelationshipEventKind.labels(),
            "directions": vocab.Direction.labels(),
            "fields": vocab.ExchangeField.labels(),
            "themes": vocab.PromotionTheme.labels(),
            "media": vocab.PromotionMedium.labels(),
            "relationship_types": vocab.RelationshipType.labels(),
        }
        result: dict[str, Any] = {
            name: {key: str(label) for key, label in mapping.items()}
            for name, mapping in vocabularies.items()
        }
        result.update(
            home_city=_("Kumamoto City"),
            division=_("International Affairs Division, Kumamoto City"),
            history=_("History of the partnership"),
            contents=_("Contents"),
            foreword=_("Foreword"),
            summary=_("Summary"),
            relationship=_("The relationship"),
            chronology=_("Year by year"),
            totals=_("Exchanges in figures"),
            by_decade=_("By decade"),
            by_field=_("By field of exchange"),
            people=_("People exchanged each way"),
            photos=_("Photographs"),
            photo_placeholder=_("Photograph"),
            decade=_("Decade"),
            field=_("Field"),
            delegations=_("Delegations"),
            delegations_out=_("Delegations sent"),
            delegations_in=_("Delegations received"),
            youth_programs=_("Youth programmes"),
            promotions=_("Promotions"),
            events=_("Relationship events"),
            sent=_("From Kumamoto"),
            received=_("To Kumamoto"),
            delegation_members=_("Delegation members"),
            youth_people=_("Young people and leaders"),
            total=_("Total"),
            head=_("Head"),
            members=_("Members"),
            members_count=_("%(count)s members"),
            youth_and_leaders=_("%(youth)s young people, %(adults)s leaders"),
            reach_count=_("reach %(count)s"),
            purpose=_("Purpose"),
            participants=_("Participants"),
            people_unit=_("people"),
            kind_delegation=_("Delegation"),
            kind_youth=_("Youth exchange"),
            kind_promotion=_("Promotion"),
            kind_event=_("Relationship"),
            no_records=_("No exchanges have been recorded for this partnership yet."),
            no_events=_("No events recorded."),
            left_out=_("%(count)s records were left out of this history by its editors."),
            more_records=_(
                "… and %(count)s more records this year, counted in the figures "
                "(every record is in the appendix workbook)."
            ),
            generated=_("Drafted from the records on %(date)s."),
            established=_("Established"),
            records_count=_("%(count)s records"),
            open_decade=_("Open the chronology of this decade"),
            directions_short={"outbound": _("sent"), "inbound": _("received")},
        )
        # Separators of a chronology line, in the typography of the language.
        result["punct"] = (
            {"gap": "  ", "open": "[", "close": "] ", "dot": ", "}
            if language == "en"
            else {"gap": "　", "open": "〔", "close": "〕", "dot": "・"}
        )
        return result


def title_of(history: History, language: str) -> str:
    """The anniversary's name: ``友好都市締結50周年`` or ``50th Anniversary of ...``."""
    city = history.city
    with force_locale(language):
        relationship = str(vocab.RelationshipType.label_of(city.relationship_type))
        if language == "en":
            return _(
                "%(ordinal)s Anniversary of the %(relationship)s Relationship",
                ordinal=ordinal_suffix(history.milestone.ordinal),
                relationship=relationship.title(),
            )
        return _(
            "%(ordinal)s Anniversary of the %(relationship)s Relationship",
            ordinal=str(history.milestone.ordinal),
            relationship=relationship,
        )


def year_heading(year: int, language: str) -> str:
    """A year in the chronology: ``1979年（昭和54年）`` or ``1979``."""
    if language == "en":
        return str(year)
    return f"{year}年（{dates.wareki(date(year, 12, 31), 'year')}）"


def short_date(day: date | None, language: str, precision: str = "day") -> str:
    """A day within a year already named: ``10月1日`` or ``1 Oct``."""
    if day is None or precision in ("year", "decade"):
        return ""
    if precision == "month":
        return f"{day.month}月" if language != "en" else day.strftime("%b")
    return f"{day.month}月{day.day}日" if language != "en" else f"{day.day} {day.strftime('%b')}"


def span(entry: Any, language: str) -> str:
    """An entry's dates within its year: ``10月1日〜10月5日`` or ``1 Oct – 5 Oct``."""
    start = short_date(entry.day, language, entry.precision)
    end_day = entry.end_day
    if end_day is None or end_day == entry.day or entry.precision != "day":
        return start
    if end_day.year != entry.day.year:
        end = dates.format_date(end_day, language) if language == "en" else (
            f"{end_day.year}年{end_day.month}月{end_day.day}日"
        )
    else:
        end = short_date(end_day, language)
    return f"{start}〜{end}" if language != "en" else f"{start} – {end}"


def context(history: History, language: str, today: date | None = None) -> dict[str, Any]:
    """The variables of the document templates."""
    langs = languages_of(language)
    report = history.report
    forewords = {
        "ja": (report.foreword_ja or "").strip() if report else "",
        "en": (report.foreword_en or "").strip() if report else "",
    }
    return {
        "history": history,
        "doc_language": language,
        "langs": langs,
        "L": {lang: labels(lang) for lang in langs},
        "titles": {lang: title_of(history, lang) for lang in langs},
        "basis": {lang: basis_text(history.city, lang) for lang in langs},
        "summaries": {lang: summary_paragraph(history, lang) for lang in langs},
        "forewords": {lang: forewords[lang] for lang in langs if forewords[lang]},
        "captions": [c for c in (report.photo_captions if report else []) if c],
        "fmt": dates.format_date,
        "year_heading": year_heading,
        "span": span,
        "today": today or today_in_japan(),
    }


def print_stylesheet_path() -> str:
    """The print stylesheet of the history (A4 pages, cover, contents)."""
    return os.path.join(current_app.static_folder or "", "css", "history-print.css")


def render_document_html(
    history: History,
    language: str,
    *,
    standalone: bool = True,
    inline_css: bool = False,
    decade_url: Callable[[int, bool], str] | None = None,
) -> str:
    """The history as HTML; ``standalone`` gives a whole page, ``inline_css`` with its styles.

    With ``decade_url`` (the page's: a decade's first year and whether only the fragment
    is wanted, to its URL) the chronology is a list of decades opened one at a time.
    """
    if not standalone:
        return render_template(
            "history/_document.html", decade_url=decade_url, **context(history, language)
        )
    css = ""
    if inline_css:
        with open(print_stylesheet_path(), encoding="utf-8") as handle:
            css = handle.read()
    return render_template("history/print.html", inline_css=css, **context(history, language))


def render_chronology_html(history: History, language: str) -> str:
    """The chronology of ``history`` alone (the years ``build_decade`` read), as HTML."""
    return render_template("history/_chronology.html", **context(history, language))


def font_css() -> str:
    """@font-face rules pointing at the Japanese font files installed with the app."""
    from noto_cjk_sans_jp_bold import FONT_PATH as BOLD_PATH
    from noto_cjk_sans_jp_regular import FONT_PATH as REGULAR_PATH

    return (
        f'@font-face {{ font-family: "Noto Sans CJK JP"; font-weight: normal; '
        f'src: url("file://{REGULAR_PATH}"); }}\n'
        f'@font-face {{ font-family: "Noto Sans CJK JP"; font-weight: bold; '
        f'src: url("file://{BOLD_PATH}"); }}\n'
    )


class _ProgressHandler(logging.Handler):
    """Passes WeasyPrint's progress messages ("Step 5 - Creating layout - Page 12") on."""

    def __init__(self, report: Callable[[str], None]) -> None:
        super().__init__(logging.INFO)
        self.report = report

    def emit(self, record: logging.LogRecord) -> None:
        self.report(record.getMessage())


def _write_pdf(html: str, progress: Callable[[str], None] | None) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    stylesheets = [
        CSS(string=font_css(), font_config=fonts),
        CSS(filename=print_stylesheet_path(), font_config=fonts),
    ]
    logger = logging.getLogger("weasyprint.progress")
    handler = _ProgressHandler(progress) if progress else None
    previous_level = logger.level
    if handler:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        return HTML(string=html, base_url=current_app.static_folder).write_pdf(
            stylesheets=stylesheets, font_config=fonts
        )
    finally:
        if handler:
            logger.removeHandler(handler)
            logger.setLevel(previous_level)


def pdf_key(history: History, language: str, html: str) -> str:
    """A name for the PDF of exactly this document (records, choices, language, day, layout).

    The laid-out PDF is kept in the database under it until the document changes.
    """
    from weasyprint import __version__ as engine_version

    with open(print_stylesheet_path(), "rb") as handle:
        stylesheet = handle.read()
    fingerprint = html.encode() + stylesheet + font_css().encode() + engine_version.encode()
    digest = hashlib.sha256(fingerprint).hexdigest()[:24]
    return f"pdf-{history.city.slug}-{history.milestone.ordinal}-{language}-{digest}"[:64]


def render_pdf(
    history: History,
    language: str,
    progress: Callable[[str], None] | None = None,
    html: str | None = None,
) -> bytes:
    """The history as an A4 PDF with the Japanese font embedded.

    Laying out a long history takes a while (thousands of records: over ten seconds), so
    the web pages have it done by a job (``history.jobs``), which keeps the PDF.
    """
    return _write_pdf(html or render_document_html(history, language), progress)

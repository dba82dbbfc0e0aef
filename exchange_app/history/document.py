"""The history as a document: the same HTML for the page, the PDF and the command line."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import socket
import threading
import time
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
    history: History, language: str, *, standalone: bool = True, inline_css: bool = False
) -> str:
    """The history as HTML; ``standalone`` gives a whole page, ``inline_css`` with its styles."""
    if not standalone:
        return render_template("history/_document.html", **context(history, language))
    css = ""
    if inline_css:
        with open(print_stylesheet_path(), encoding="utf-8") as handle:
            css = handle.read()
    return render_template("history/print.html", inline_css=css, **context(history, language))


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


# Seconds after which a render that never finished no longer holds its lock, and the
# longest a request waits for a render of the same document already under way.
LOCK_STALE_SECONDS = 300
LOCK_WAIT_SECONDS = 120
# A lock that names no owner (left by an older version, or cut short) is stale after this.
LOCK_UNCLAIMED_SECONDS = 5
# Histories with at least this many records are laid out ahead when their page is opened.
PREPARE_FROM_RECORDS = 300


def _cache_enabled() -> bool:
    return bool(current_app.config.get("HISTORY_PDF_CACHE", not current_app.testing))


def _cache_path(history: History, language: str, html: str) -> tuple[str, str]:
    """Where the PDF of this exact document is kept, and the prefix of its older versions."""
    from weasyprint import __version__ as engine_version

    with open(print_stylesheet_path(), "rb") as handle:
        stylesheet = handle.read()
    fingerprint = html.encode() + stylesheet + font_css().encode() + engine_version.encode()
    key = hashlib.sha256(fingerprint).hexdigest()[:24]
    folder = os.path.join(current_app.instance_path, "history-pdf")
    prefix = f"{history.city.slug}-{history.milestone.ordinal}-{language}-"
    return os.path.join(folder, f"{prefix}{key}.pdf"), prefix


def _lock_owner() -> str:
    """What a lock says about its holder: the host and the process id."""
    return f"{socket.gethostname()} {os.getpid()}\n"


def _process_alive(pid: int) -> bool:
    """Whether process ``pid`` of this host still runs (assumed so where it cannot be told)."""
    if os.name == "nt":  # os.kill would end the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, under another user
    return True


def _lock_is_stale(lock: str) -> bool:
    """Whether ``lock`` may be taken over at once: its holder is gone (a process of this
    host that no longer runs), it names no holder and is a few seconds old, or it is older
    than any render takes."""
    try:
        age = time.time() - os.path.getmtime(lock)
        with open(lock, encoding="utf-8", errors="replace") as handle:
            owner = handle.read().split()
    except OSError:
        return False  # gone already: the next attempt takes it
    if age > LOCK_STALE_SECONDS:
        return True
    if len(owner) != 2 or not owner[1].isdigit():
        return age > LOCK_UNCLAIMED_SECONDS
    host, pid = owner[0], int(owner[1])
    return host == socket.gethostname() and not _process_alive(pid)


def _take_lock(lock: str) -> bool:
    """Create ``lock`` naming this process; False if another render of the same document
    holds it. A stale lock (see ``_lock_is_stale``) is removed so that the next try wins."""
    claim = f"{lock}.{os.getpid()}-{threading.get_ident()}.claim"
    try:
        with open(claim, "w", encoding="utf-8") as handle:
            handle.write(_lock_owner())
        os.chmod(claim, 0o600)
        # A link appears complete or not at all: no reader ever sees an empty lock.
        try:
            os.link(claim, lock)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(_lock_owner())
    except FileExistsError:
        if _lock_is_stale(lock):
            with contextlib.suppress(OSError):
                os.remove(lock)
        return False
    finally:
        with contextlib.suppress(OSError):
            os.remove(claim)
    return True


def _cached_pdf(
    path: str, prefix: str, html: str, progress: Callable[[str], None] | None
) -> bytes:
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    lock = f"{path}.lock"
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    locked = False
    while not os.path.exists(path):
        locked = _take_lock(lock)
        if locked or time.monotonic() > deadline:
            break
        if not os.path.exists(lock):
            continue  # a stale lock was just removed: take it now
        time.sleep(0.2)  # the same document is being laid out by another request
    if os.path.exists(path):
        if locked:
            os.remove(lock)
        with open(path, "rb") as handle:
            return handle.read()
    try:
        content = _write_pdf(html, progress)
        for name in os.listdir(folder):  # only the latest version of each document is kept
            if name.startswith(prefix) and name.endswith(".pdf"):
                with contextlib.suppress(OSError):
                    os.remove(os.path.join(folder, name))
        temporary = f"{path}.{os.getpid()}-{threading.get_ident()}.tmp"
        with open(temporary, "wb") as handle:
            handle.write(content)
        os.replace(temporary, path)
        return content
    finally:
        if locked:
            with contextlib.suppress(OSError):
                os.remove(lock)


def render_pdf(
    history: History, language: str, progress: Callable[[str], None] | None = None
) -> bytes:
    """The history as an A4 PDF with the Japanese font embedded.

    Laying out a long history takes a while (thousands of records: over ten seconds), so
    the PDF of a given document is kept in the instance folder: asking again for the
    same document (same records, choices, language and day) answers at once, and a
    request for a document already being laid out waits for it instead of starting again.
    """
    html = render_document_html(history, language)
    if not _cache_enabled():
        return _write_pdf(html, progress)
    path, prefix = _cache_path(history, language, html)
    return _cached_pdf(path, prefix, html, progress)


def prepare_pdf(history: History, language: str) -> threading.Thread | None:
    """Start laying out a long history's PDF in the background, so that it is ready sooner.

    Called when the history's page is opened: by the time the reader asks for the PDF it
    is usually kept already. Does nothing for short histories or without the PDF store.
    """
    if not _cache_enabled() or len(history.entries) < PREPARE_FROM_RECORDS:
        return None
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def work() -> None:
        with app.test_request_context():
            try:
                render_pdf(history, language)
            except Exception:  # a failed preparation only means the request renders it
                app.logger.exception("preparing the history PDF failed")

    thread = threading.Thread(target=work, name="history-pdf", daemon=True)
    thread.start()
    return thread

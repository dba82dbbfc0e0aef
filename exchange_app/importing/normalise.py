"""Turning what people type in spreadsheets into clean values.

Every parser takes the raw cell value (text, number, date or None) and returns the
clean value, or raises ``ValueProblem`` with a message saying what was expected.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from exchange_app.services.dates import ERAS
from exchange_app.services.exports import FORMULA_PREFIXES


class ValueProblem(ValueError):
    """A cell value that cannot be used; the message says what was expected."""


def nfkc(text: str) -> str:
    """Full-width digits, letters and spaces made half-width (NFKC), trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def unquote_exported(text: str) -> str:
    """Undo the apostrophe that exports put before formula-like text (``'=x`` → ``=x``)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


# Free text keeps its Japanese punctuation (（）、「」); only these are made half-width:
# full-width digits, Latin letters and the ideographic space. Half-width katakana
# become full-width.
_FULL_WIDTH_ALNUM = {
    **{0xFF10 + i: 0x30 + i for i in range(10)},
    **{0xFF21 + i: 0x41 + i for i in range(26)},
    **{0xFF41 + i: 0x61 + i for i in range(26)},
    0x3000: 0x20,
}
_HALFWIDTH_KANA = re.compile(r"[\uff61-\uff9f]+")


def normalise_free_text(text: str) -> str:
    """Free text with full-width digits, letters and spaces made half-width, kana made full."""
    text = _HALFWIDTH_KANA.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
    return text.translate(_FULL_WIDTH_ALNUM)


def clean_text(value: Any, *, free_text: bool = False) -> str | None:
    """A cell as text: normalised (NFKC, or only digits/letters/spaces for free text),
    trimmed, ``None`` when blank."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    text = normalise_free_text(str(value)).strip() if free_text else nfkc(str(value))
    # Line breaks inside a cell are kept; other whitespace runs become one space.
    text = "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()).strip()
    return text or None


# --- dates -----------------------------------------------------------------------------------

_ERA_LETTERS = {"R": "令和", "H": "平成", "S": "昭和", "T": "大正", "M": "明治"}
_ERA_START = {name: first_day for first_day, name in ERAS}
# Each era ends the day before the next one begins.
_ERA_END = {
    name: ERAS[index - 1][0] - timedelta(days=1) if index else date.max
    for index, (_first, name) in enumerate(ERAS)
}
_WAREKI = re.compile(
    r"^(令和|平成|昭和|大正|明治|[RHSTM])\s*(元|\d{1,2})\s*(?:年|[./\-])\s*(\d{1,2})\s*(?:月|[./\-])"
    r"\s*(\d{1,2})\s*日?$",
    re.IGNORECASE,
)
_WESTERN = re.compile(r"^(\d{4})\s*(?:年|[./\-])\s*(\d{1,2})\s*(?:月|[./\-])\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# Excel day numbers between 1950 and 2100, for date cells that lost their date format.
_EXCEL_SERIALS = range(18264, 73051)
_EXCEL_EPOCH = date(1899, 12, 30)


def _date_expected() -> str:
    return _("expected a date such as 2024-04-01, 2024/4/1, 令和6年4月1日 or R6.4.1")


def _wareki_date(era_text: str, year_text: str, month: int, day: int) -> date:
    era = _ERA_LETTERS.get(era_text.upper(), era_text)
    year_in_era = 1 if year_text == "元" else int(year_text)
    if year_in_era < 1:
        raise ValueProblem(_date_expected())
    try:
        result = date(_ERA_START[era].year + year_in_era - 1, month, day)
    except ValueError as error:
        raise ValueProblem(_("this day does not exist in the calendar")) from error
    if not _ERA_START[era] <= result <= _ERA_END[era]:
        raise ValueProblem(
            _(
                "%(era)s did not cover this day (%(era)s ran from %(first)s to %(last)s)",
                era=era,
                first=_ERA_START[era].isoformat(),
                last="" if _ERA_END[era] == date.max else _ERA_END[era].isoformat(),
            )
        )
    return result


def parse_date(value: Any) -> date | None:
    """A date from an Excel date, an ISO or slash date, or a 和暦 date (令和6年4月1日, R6.4.1)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and int(value) in _EXCEL_SERIALS:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueProblem(_date_expected())
    text = clean_text(value)
    if text is None:
        return None
    # "2024-04-01 00:00:00" from a text export of a date-time
    text = re.sub(r"[ T]00:00(:00)?$", "", text)
    match = _WAREKI.match(text)
    if match:
        era, year_text, month, day = match.groups()
        return _wareki_date(era, year_text, int(month), int(day))
    match = _WESTERN.match(text) or _COMPACT.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        try:
            return date(year, month, day)
        except ValueError as error:
            raise ValueProblem(_("this day does not exist in the calendar")) from error
    raise ValueProblem(_date_expected())


# --- numbers and yes/no ----------------------------------------------------------------------

# A sign is read so that a negative number gets the field's own message about its range.
_INTEGER = re.compile(r"^([+-]?)(\d{1,3}(,\d{3})+|\d+)(人|名|件|回)?$")


def parse_int(value: Any, minimum: int | None = None) -> int | None:
    """A whole number (``1,200`` and a trailing 人/名/件 are fine)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueProblem(_("expected a whole number"))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueProblem(_("expected a whole number, not a fraction"))
        number = int(value)
    else:
        text = clean_text(value)
        if text is None:
            return None
        match = _INTEGER.match(text.replace(" ", ""))
        if not match:
            raise ValueProblem(_("expected a whole number such as 12"))
        number = int(match.group(1) + match.group(2).replace(",", ""))
    if minimum is not None and number < minimum:
        raise ValueProblem(_("expected a number of at least %(minimum)s", minimum=minimum))
    return number


_TRUE = {"yes", "y", "true", "1", "はい", "○", "◯", "有", "あり", "市内", "対象"}
_FALSE = {"no", "n", "false", "0", "いいえ", "×", "✕", "無", "なし", "市外", "対象外"}


def parse_bool(value: Any) -> bool | None:
    """Yes or no: yes/no, true/false, 1/0, はい/いいえ, ○/×."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = clean_text(value)
    if text is None:
        return None
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueProblem(_("expected yes or no (はい/いいえ)"))


# --- lists and vocabularies ------------------------------------------------------------------

_LIST_SEPARATORS = re.compile(r"[;、\n]")


def split_list(value: Any) -> list[str]:
    """A list typed in one cell, separated by ``;`` or ``、`` (or line breaks)."""
    text = clean_text(value)
    if text is None:
        return []
    return [part.strip() for part in _LIST_SEPARATORS.split(text) if part.strip()]


def lookup_key(text: str) -> str:
    """The form of a name or label used for matching: NFKC, case-folded, single spaces."""
    return re.sub(r"\s+", " ", nfkc(text)).casefold()


def vocabulary_lookup(labels: dict[str, Any]) -> dict[str, str]:
    """Every accepted spelling of a vocabulary's values: key, Japanese label, English label."""
    accepted: dict[str, str] = {}
    for key, label in labels.items():
        accepted[lookup_key(key)] = key
        accepted[lookup_key(key.replace("_", " "))] = key
        with force_locale("en"):
            accepted.setdefault(lookup_key(str(label)), key)
        with force_locale("ja"):
            accepted.setdefault(lookup_key(str(label)), key)
    return accepted


def japanese_labels(labels: dict[str, Any]) -> dict[str, str]:
    """The vocabulary's labels rendered in Japanese."""
    with force_locale("ja"):
        return {key: str(label) for key, label in labels.items()}


def english_labels(labels: dict[str, Any]) -> dict[str, str]:
    """The vocabulary's labels rendered in English."""
    with force_locale("en"):
        return {key: str(label) for key, label in labels.items()}


def parse_choice(
    value: Any, accepted: dict[str, str], allowed: Callable[[], str]
) -> str | None:
    """One value of a vocabulary, given by its English key or its Japanese or English label."""
    text = clean_text(value)
    if text is None:
        return None
    found = accepted.get(lookup_key(text))
    if found is None:
        raise ValueProblem(
            _("expected one of: %(allowed)s", allowed=allowed())
        )
    return found

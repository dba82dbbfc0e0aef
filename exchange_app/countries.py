"""Countries by name, from CLDR through Babel's locale data; records keep ISO 3166 codes.

A page never shows "CN" or "US": it shows 中国 / China, アメリカ合衆国 / United States,
台湾 / Taiwan, as the CLDR data of the page's language names them. Forms offer the
names and store the code.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from babel import Locale
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from exchange_app.forms import OptionalSelectField

# CLDR territory codes that are not countries: unknown, pseudo-locales, EU, UN, eurozone.
NOT_COUNTRIES = frozenset({"ZZ", "XA", "XB", "QO", "EU", "EZ", "UN"})


@cache
def _names(language: str) -> dict[str, str]:
    territories = Locale.parse(language).territories
    return {
        code: name
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    }


def is_country(code: str) -> bool:
    """Whether ``code`` is the ISO 3166 code of a country CLDR knows."""
    return code.upper() in _names("en")


def country_name(code: str | None, language: str) -> str:
    """The country of ISO code ``code`` as ``language`` names it (the code if CLDR has none)."""
    if not code:
        return ""
    return _names(language).get(code.upper(), code)


@cache
def _codes_by_name() -> dict[str, str]:
    from exchange_app.importing.normalise import lookup_key

    codes: dict[str, str] = {}
    for language in ("en", "ja"):
        for code, name in _names(language).items():
            codes.setdefault(lookup_key(name), code)
            codes.setdefault(lookup_key(code), code)
    return codes


def country_code(text: str) -> str | None:
    """The ISO code of the country ``text`` names: the code itself, or its name in Japanese or
    English as CLDR spells it (中国, China, cn); None when it names no country."""
    # Imported here: the import engine reads this module while it is itself being imported.
    from exchange_app.importing.normalise import lookup_key

    return _codes_by_name().get(lookup_key(text))


def country_choices(language: str, blank: Any | None = None) -> list[SelectChoice]:
    """Every country, by name in ``language``; ``blank`` first as the empty choice if given."""
    names = _names(language)
    choices = [SelectChoice(code, name) for code, name in sorted(names.items(), key=lambda i: i[1])]
    if blank is not None:
        choices.insert(0, SelectChoice("", blank))
    return choices


class CountryField(OptionalSelectField):
    """A country chosen by name in the page's language; the form's data is the ISO code."""

    def __init__(self, label: Any = None, validators: Any = None, *, blank: Any = None,
                 **kwargs: Any) -> None:
        def choices() -> list[SelectChoice]:
            from exchange_app import current_language

            return country_choices(current_language(), blank)

        kwargs.setdefault("invalid_choice_message", _l("Choose a country from the list."))
        super().__init__(label, validators, choices=choices, **kwargs)

    def process_data(self, value: Any) -> None:
        super().process_data(value.upper() if isinstance(value, str) else value)

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata([str(v).strip().upper() for v in valuelist])

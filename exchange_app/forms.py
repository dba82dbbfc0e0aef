"""Form building blocks shared by every feature."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted
from wtforms import HiddenField, SelectField, SelectMultipleField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from exchange_app.services import form_tokens


class VersionedForm(FlaskForm):
    """A form for an editable record; ``version`` is the version the user loaded."""

    version = HiddenField()

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            """A submitted form is always bound, even if the request sent no fields at all.

            (Flask-WTF would otherwise fall back to the record's own values and an
            empty POST would save them unchecked.)
            """
            wrapped = super().wrap_formdata(form, formdata)
            if wrapped is None and formdata is _Auto and _is_submitted():
                return request.form
            return wrapped

    def process(
        self, formdata: Any = None, obj: Any = None, data: Any = None, **kwargs: Any
    ) -> None:
        """Fill the fields; a submitted ``version`` is only ever what the browser sent back.

        Without this, a POST that leaves ``version`` out would take the record's current
        version from ``obj`` and silently pass the lost-update check.
        """
        super().process(formdata, obj, data, **kwargs)
        raw = self.version.raw_data
        if raw is not None:
            self.version.data = raw[0] if raw else None

    # Fields that never reach the record, whatever the request contains.
    NOT_POPULATED = frozenset({"version", "csrf_token", "submit", "form_token"})

    def populate_obj(self, obj: Any) -> None:
        """Copy the form's own fields to ``obj``; the version is checked, never copied."""
        for name, field in self._fields.items():
            if name not in self.NOT_POPULATED:
                field.populate_obj(obj, name)


class OneTimeForm:
    """A creation form saved once however often the browser sends it (see ``form_tokens``).

    The token is made when the empty form is shown and travels with it: a double click
    or a resent POST carry it as it is, and when the user comes back to the form with the
    back button (the page is loaded afresh, signed-in pages are never cached) the page
    puts the token it was sent with back in place (static/js/app.js).
    """

    form_token = HiddenField(
        default=lambda: form_tokens.new_token(), validators=[Optional(), Length(max=64)]
    )


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def choices_from(labels: dict[str, Any], *, blank: Any | None = None) -> list[SelectChoice]:
    """WTForms choices from a vocabulary's label mapping, in vocabulary order."""
    items = [SelectChoice(key, label) for key, label in labels.items()]
    if blank is not None:
        items.insert(0, SelectChoice("", blank))
    return items


class OptionalSelectField(SelectField):
    """A select whose empty choice means 'none'."""

    def pre_validate(self, form: Any) -> None:
        if self.data in ("", None):
            return
        super().pre_validate(form)


def optional_int(value: Any) -> int | None:
    """A select's coercion: an id, or None for the blank choice or anything not a number."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def no_control_characters(_form: Any, field: Any) -> None:
    """Refuse text with control characters other than newline and tab."""
    value = field.data or ""
    if isinstance(value, str) and any(ord(c) < 32 and c not in "\n\r\t" for c in value):
        raise ValidationError(_l("This text contains characters that cannot be stored."))


def http_url(_form: Any, field: Any) -> None:
    """Accept only absolute http:// or https:// addresses (no javascript:, data:, ...)."""
    value = (field.data or "").strip()
    if not value:
        return
    parts = urlsplit(value)
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.netloc
        or any(ord(c) < 33 for c in value)
    ):
        raise ValidationError(_l("Enter an address starting with http:// or https://."))

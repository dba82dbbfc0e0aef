"""Form building blocks shared by every feature."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, widgets
from wtforms.validators import ValidationError


class VersionedForm(FlaskForm):
    """A form for an editable record; ``version`` is the version the user loaded."""

    version = HiddenField()

    # Fields that never reach the record, whatever the request contains.
    NOT_POPULATED = frozenset({"version", "csrf_token", "submit"})

    def populate_obj(self, obj: Any) -> None:
        """Copy the form's own fields to ``obj``; the version is checked, never copied."""
        for name, field in self._fields.items():
            if name not in self.NOT_POPULATED:
                field.populate_obj(obj, name)


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def choices_from(labels: dict[str, Any], *, blank: str | None = None) -> list[tuple[str, Any]]:
    """WTForms choices from a vocabulary's label mapping, in vocabulary order."""
    items: list[tuple[str, Any]] = [(key, label) for key, label in labels.items()]
    if blank is not None:
        items.insert(0, ("", blank))
    return items


class OptionalSelectField(SelectField):
    """A select whose empty choice means 'none'."""

    def pre_validate(self, form: Any) -> None:
        if self.data in ("", None):
            return
        super().pre_validate(form)


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

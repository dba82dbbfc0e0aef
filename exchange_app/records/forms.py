"""WTForms forms built from a record kind's declaration.

Each declared field becomes a form field with its label, and one validator that calls
``Field.check``; the kind's rules across fields run after the fields' own checks. So the
form refuses exactly what the import refuses, with the same message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField
from wtforms.validators import StopValidation

from exchange_app.forms import MultiCheckboxField, VersionedForm, choices_from
from exchange_app.records.fields import Field, FieldType, RowKind
from exchange_app.records.kind import RecordKind, RecordValues

# Rows a row list can hold; far more than any record has.
MAX_ROWS = 100
DATE_FORMAT_MESSAGE = _l("Enter the date as YYYY-MM-DD, for example 2025-04-01.")


def _blank(raw: list[Any] | None) -> bool:
    return not raw or all(isinstance(item, str) and not item.strip() for item in raw)


class DeclaredCheck:
    """The validator of a declared field: ``Field.check`` on the field's clean value."""

    def __init__(self, declared: Field) -> None:
        self.declared = declared
        # A required yes/no field is answered either way: its box need not be ticked.
        required = declared.required and declared.type is not FieldType.BOOLEAN
        self.field_flags = {"required": True} if required else {}

    def __call__(self, form: Any, field: Any) -> None:
        empty = _blank(field.raw_data) and self.declared.type is not FieldType.BOOLEAN
        if field.process_errors and not empty:
            raise StopValidation()  # the value could not be read; that message is shown
        if empty:
            field.errors[:] = []  # a blank optional date or number is no error
        value = None if empty else form_value(self.declared, field)
        reference = self.declared.reference
        if reference is not None and value not in (None, []):
            known = {str(choice.value) for choice in field.choices or [] if choice.value != ""}
            unknown = [str(v) for v in (value if isinstance(value, list) else [value])]
            unknown = [v for v in unknown if v not in known]
            if unknown:
                raise StopValidation(
                    str(reference.not_offered_message or reference.unknown_message(unknown[0]))
                )
        message = self.declared.check(value)
        if message:
            raise StopValidation(message)
        if empty:
            raise StopValidation()


def form_value(declared: Field, field: Any) -> Any:
    """The clean value of a bound form field: text trimmed (blank is None), ids as ints."""
    data = field.data
    if declared.type in (FieldType.TEXT, FieldType.LONG_TEXT):
        return (data or "").strip() or None
    if declared.type is FieldType.REFERENCE:
        return int(data) if str(data or "").isdigit() else (data or None)
    if declared.type is FieldType.REFERENCES:
        return [int(v) if str(v).isdigit() else v for v in data or []]
    if declared.type is FieldType.CHOICES:
        return list(data or [])
    if declared.type is FieldType.CHOICE:
        return data or None
    if declared.type is FieldType.COUNTRY:
        return (data or "").strip().upper() or None
    if declared.type is FieldType.ROWS:
        return [entry.form.values() for entry in field if not entry.form.is_blank()]
    return data


def form_field(declared: Field, **kwargs: Any) -> UnboundField:
    """An unbound WTForms field for ``declared``: its label, widget and its one validator."""
    options: dict[str, Any] = {"validators": [DeclaredCheck(declared)], **kwargs}
    if declared.help is not None:
        options.setdefault("description", declared.help)
    label = declared.label
    kind = declared.type
    if kind is FieldType.TEXT:
        return StringField(label, **options)
    if kind is FieldType.LONG_TEXT:
        return TextAreaField(label, **options)
    if kind is FieldType.INTEGER:
        return IntegerField(label, invalid_value_message=declared.invalid_message, **options)
    if kind is FieldType.DATE:
        return DateField(label, invalid_value_message=DATE_FORMAT_MESSAGE, **options)
    if kind is FieldType.BOOLEAN:
        return BooleanField(label, **options)
    if kind is FieldType.COUNTRY:
        from exchange_app.countries import CountryField

        blank = None if declared.required else declared.blank_label
        return CountryField(label, blank=blank, validate_choice=False, **options)
    if kind is FieldType.CHOICE:
        assert declared.vocabulary is not None
        return SelectField(
            label,
            choices=choices_from(declared.vocabulary.labels()),
            validate_choice=False,
            **options,
        )
    if kind is FieldType.CHOICES:
        assert declared.vocabulary is not None
        return MultiCheckboxField(
            label,
            choices=choices_from(declared.vocabulary.labels()),
            validate_choice=False,
            **options,
        )
    if kind is FieldType.REFERENCE:
        return SelectField(label, choices=[], validate_choice=False, **options)
    if kind is FieldType.REFERENCES:
        return MultiCheckboxField(label, choices=[], validate_choice=False, **options)
    assert declared.rows is not None
    return FieldList(FormField(row_form_class(declared.rows)), max_entries=MAX_ROWS)


class RowForm(Form):
    """A repeatable row built from a ``RowKind``; a row left entirely blank is ignored."""

    row_kind: ClassVar[RowKind]

    def is_blank(self) -> bool:
        """Whether nothing was entered in the row's content fields."""
        return all(
            not (field.data or "").strip() if isinstance(field.data, str) else field.data is None
            for name, field in self._fields.items()
            if name not in self.row_kind.not_content
        )

    def validate(self, extra_validators: Any = None) -> bool:
        if self.is_blank():
            # Nothing to check in an empty row, except a date typed in the wrong format.
            for field in self:
                field.errors = list(field.process_errors)
            return not any(field.errors for field in self)
        return super().validate(extra_validators)

    def values(self) -> dict[str, Any]:
        """The row's clean values by field key."""
        return {item.key: form_value(item, self[item.key]) for item in self.row_kind.fields}


_ROW_FORMS: dict[str, type[RowForm]] = {}


def row_form_class(rows: RowKind) -> type[RowForm]:
    """The form class of one row of ``rows`` (made once)."""
    if rows.key not in _ROW_FORMS:
        attrs: dict[str, Any] = {item.key: form_field(item) for item in rows.fields}
        attrs["row_kind"] = rows
        _ROW_FORMS[rows.key] = type(f"{rows.key.title()}RowForm", (RowForm,), attrs)
    return _ROW_FORMS[rows.key]


class KindForm(VersionedForm):
    """A form whose fields are a record kind's declared fields (see ``kind_form``)."""

    # Named so that no declared field (an organisation's ``kind``) can hide it.
    record_kind: ClassVar[RecordKind]
    declared_keys: ClassVar[tuple[str, ...]] = ()

    if TYPE_CHECKING:
        # The fields are made from the declaration, so the type checker cannot list them.
        def __getattr__(self, name: str) -> Any: ...

    def declared(self) -> list[Field]:
        """The declared fields this form holds."""
        return [self.record_kind.field(key) for key in self.declared_keys]

    def set_reference_choices(self, session: Session, language: str) -> None:
        """Offer the records each reference field may point at, in rows too."""
        self.row_choices: dict[str, dict[str, list[SelectChoice]]] = {}
        for item in self.declared():
            if item.type in (FieldType.REFERENCE, FieldType.REFERENCES):
                assert item.reference is not None
                options = reference_options(session, item, language)
                if item.type is FieldType.REFERENCE:
                    self[item.key].choices = [SelectChoice("", item.blank_label), *options]
                else:
                    self[item.key].choices = options
            elif item.type is FieldType.ROWS and item.rows is not None:
                self.row_choices[item.key] = {
                    sub.key: [
                        SelectChoice("", sub.blank_label),
                        *reference_options(session, sub, language),
                    ]
                    for sub in item.rows.fields
                    if sub.type is FieldType.REFERENCE
                }
                for entry in self[item.key]:
                    self._offer_row_choices(item.key, entry.form)

    def _offer_row_choices(self, list_name: str, row: Form) -> None:
        for key, choices in getattr(self, "row_choices", {}).get(list_name, {}).items():
            row[key].choices = choices

    def row_template(self, list_name: str) -> RowForm:
        """An empty row of a row list, its fields named ``<list>-__index__-<field>``, for
        the page's script to copy."""
        rows = self.record_kind.field(list_name).rows
        assert rows is not None
        template = row_form_class(rows)(prefix=f"{list_name}-__index__-")
        self._offer_row_choices(list_name, template)
        return template

    def load_record(self, record: Any) -> None:
        """Fill a form shown for editing with the record's values."""
        self.version.data = str(record.version)
        for item in self.declared():
            field = self[item.key]
            if item.type is FieldType.REFERENCE:
                value = getattr(record, item.model_attribute)
                field.data = "" if value is None else str(value)
            elif item.type is FieldType.REFERENCES:
                field.data = [str(other.id) for other in getattr(record, item.relationship or "")]
            elif item.type is FieldType.CHOICES:
                field.data = list(getattr(record, item.model_attribute))
            elif item.type is FieldType.ROWS and item.rows is not None:
                references = [sub for sub in item.rows.fields if sub.type is FieldType.REFERENCE]
                for entry, row in zip(field, getattr(record, item.model_attribute), strict=False):
                    for sub in references:
                        value = getattr(row, sub.model_attribute)
                        entry.form[sub.key].data = "" if value is None else str(value)

    def values(self) -> RecordValues:
        """What was entered, as clean values by field key (blank rows left out)."""
        return RecordValues(
            {item.key: form_value(item, self[item.key]) for item in self.declared()}
        )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        from exchange_app.db import get_session

        values = self.values()
        values.details.update(reference_details(get_session(), self.record_kind, values))
        for key, message in self.record_kind.rule_problems(values):
            field = self._fields.get(key)
            if field is not None and not field.errors:
                field.errors.append(message)
                valid = False
        return valid

    # Repeatable rows: the add-row and remove-row buttons show the form again, unsaved.

    def row_lists(self) -> list[str]:
        """The keys of this form's row lists."""
        return [item.key for item in self.declared() if item.type is FieldType.ROWS]

    def add_row(self, list_name: str) -> None:
        """One more empty row in a row list."""
        rows = self[list_name]
        if len(rows.entries) < MAX_ROWS:
            self._offer_row_choices(list_name, rows.append_entry().form)

    def remove_row(self, list_name: str, index: int) -> None:
        """Drop one row of a row list."""
        rows = self[list_name]
        if 0 <= index < len(rows.entries):
            rows.pop_entry(index)

    def apply_row_action(self, action: str) -> bool:
        """Apply an ``add:<list>`` or ``remove:<list>:<index>`` button; True when one was."""
        verb, _sep, rest = action.partition(":")
        list_name, _sep, index = rest.partition(":")
        if list_name not in self.row_lists():
            return False
        if verb == "add":
            self.add_row(list_name)
        elif verb == "remove" and index.isdigit():
            self.remove_row(list_name, int(index))
        else:
            return False
        return True


def kind_form(
    kind: RecordKind,
    *,
    exclude: tuple[str, ...] = (),
    submit_label: Any = None,
    mixins: tuple[type, ...] = (),
    **extra: Any,
) -> type[KindForm]:
    """A form class with a field for every declared field of ``kind`` that a form edits."""
    keys = tuple(item.key for item in kind.fields if item.in_form and item.key not in exclude)
    attrs: dict[str, Any] = {key: form_field(kind.field(key)) for key in keys}
    attrs.update(extra)
    attrs["record_kind"] = kind
    attrs["declared_keys"] = keys
    attrs["submit"] = SubmitField(submit_label or _l("Save"))
    return type(f"{kind.model.__name__}Form", (*mixins, KindForm), attrs)


def reference_options(session: Session, item: Field, language: str) -> list[SelectChoice]:
    """The choices of a reference field (value: the record's id), from its declaration."""
    assert item.reference is not None and item.reference.options is not None
    return [
        SelectChoice(str(key), label) for key, label in item.reference.options(session, language)
    ]


def reference_details(
    session: Session, kind: RecordKind, values: RecordValues
) -> dict[str, dict[str, Any]]:
    """The columns the kind's rules need of each record the values reference."""
    details: dict[str, dict[str, Any]] = {}
    for item in kind.fields_of(FieldType.REFERENCE):
        reference = item.reference
        value = values.get(item.key)
        if reference is None or not reference.details or not isinstance(value, int):
            continue
        record = session.get(reference.model, value)
        if record is not None:
            details[item.key] = {name: getattr(record, name) for name in reference.details}
    return details

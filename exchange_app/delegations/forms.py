"""The delegation form, with members, courtesy calls and gifts as repeatable rows."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
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
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from exchange_app import vocab
from exchange_app.forms import (
    MultiCheckboxField,
    VersionedForm,
    choices_from,
    no_control_characters,
)
from exchange_app.services.delegations import DelegationValues

# Rows the form can hold; far more than any visit has.
MAX_ROWS = 100
DATE_FORMAT_MESSAGE = _l("Enter the date as YYYY-MM-DD, for example 2025-04-01.")
TOO_LONG = _l("This text is too long: at most %(max)d characters.")


def _readable(_form: Any, field: Any) -> None:
    """Stop checking a value that could not even be read (its message is already there)."""
    if field.process_errors:
        raise StopValidation()


def _length(maximum: int) -> Length:
    return Length(max=maximum, message=TOO_LONG)


class _Row(Form):
    """A repeatable row; a row left entirely blank is ignored."""

    def is_blank(self) -> bool:
        return all(
            not (field.data or "").strip() if isinstance(field.data, str) else field.data is None
            for name, field in self._fields.items()
            if name not in self.NOT_CONTENT
        )

    NOT_CONTENT: frozenset[str] = frozenset()

    def validate(self, extra_validators: Any = None) -> bool:
        if self.is_blank():
            # Nothing to check in an empty row, except a date typed in the wrong format.
            for field in self:
                field.errors = list(field.process_errors)
            return not any(field.errors for field in self)
        return super().validate(extra_validators)

    def values(self) -> dict[str, Any]:
        return {
            name: (field.data.strip() or None) if isinstance(field.data, str) else field.data
            for name, field in self._fields.items()
        }


class MemberForm(_Row):
    """A member of the delegation."""

    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Enter the member's name.")),
            _length(100),
            no_control_characters,
        ],
    )
    organization = StringField(
        _l("Organisation"), validators=[Optional(), _length(200), no_control_characters]
    )
    title = StringField(
        _l("Job title"), validators=[Optional(), _length(100), no_control_characters]
    )


class CourtesyCallForm(_Row):
    """A courtesy call made or received."""

    visited = StringField(
        _l("Who was visited"),
        validators=[
            DataRequired(message=_l("Enter who was visited.")),
            _length(200),
            no_control_characters,
        ],
    )
    visited_on = DateField(
        _l("Date"), validators=[Optional()], invalid_value_message=DATE_FORMAT_MESSAGE
    )
    notes = StringField(_l("Notes"), validators=[Optional(), _length(2000), no_control_characters])


class GiftForm(_Row):
    """A gift given or received."""

    NOT_CONTENT = frozenset({"direction"})

    direction = SelectField(
        _l("Given or received"), choices=choices_from(vocab.GIFT_DIRECTION_LABELS)
    )
    description = StringField(
        _l("Gift"),
        validators=[
            DataRequired(message=_l("Describe the gift.")),
            _length(500),
            no_control_characters,
        ],
    )
    counterpart = StringField(
        _l("Giver or recipient"), validators=[Optional(), _length(200), no_control_characters]
    )
    given_on = DateField(
        _l("Date"), validators=[Optional()], invalid_value_message=DATE_FORMAT_MESSAGE
    )


# The repeatable row lists of the form, with the row form each one holds.
ROW_LISTS = {"members": MemberForm, "courtesy_calls": CourtesyCallForm, "gifts": GiftForm}


class DelegationForm(VersionedForm):
    """A delegation visit, sent or hosted, with its members, courtesy calls and gifts."""

    direction = SelectField(
        _l("Direction"),
        choices=choices_from(vocab.DIRECTION_LABELS),
        validators=[DataRequired(message=_l("Choose whether the delegation was sent or hosted."))],
    )
    partner_city_id = SelectField(_l("Partner city"), choices=[], validate_choice=False)
    counterpart = StringField(
        _l("Counterpart (if not a partner city)"),
        validators=[Optional(), _length(200), no_control_characters],
    )
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(message=_l("Enter a title.")),
            _length(200),
            no_control_characters,
        ],
    )
    start_date = DateField(
        _l("Start date"),
        validators=[InputRequired(message=_l("Enter the start date."))],
        invalid_value_message=DATE_FORMAT_MESSAGE,
    )
    end_date = DateField(
        _l("End date"),
        validators=[InputRequired(message=_l("Enter the end date."))],
        invalid_value_message=DATE_FORMAT_MESSAGE,
    )
    head_name = StringField(
        _l("Head of delegation"), validators=[Optional(), _length(100), no_control_characters]
    )
    head_title = StringField(
        _l("Head's title"), validators=[Optional(), _length(100), no_control_characters]
    )
    member_count = IntegerField(
        _l("Number of people"),
        validators=[
            InputRequired(message=_l("Enter the number of people (at least 1).")),
            _readable,
            NumberRange(min=1, max=10000, message=_l("The number of people must be at least 1.")),
        ],
        invalid_value_message=_l("Enter the number of people as a whole number."),
    )
    fields = MultiCheckboxField(
        _l("Fields of exchange"), choices=choices_from(vocab.EXCHANGE_FIELD_LABELS)
    )
    purpose = TextAreaField(
        _l("Purpose"), validators=[Optional(), _length(5000), no_control_characters]
    )
    outcome = TextAreaField(
        _l("Outcome"), validators=[Optional(), _length(5000), no_control_characters]
    )
    leading_projects = MultiCheckboxField(_l("Leading projects"), choices=[], validate_choice=False)
    members = FieldList(FormField(MemberForm), max_entries=MAX_ROWS)
    courtesy_calls = FieldList(FormField(CourtesyCallForm), max_entries=MAX_ROWS)
    gifts = FieldList(FormField(GiftForm), max_entries=MAX_ROWS)
    submit = SubmitField(_l("Save"))

    def set_choices(self, cities: list[Any], projects: list[Any], language: str) -> None:
        """Offer the partner cities and leading projects recorded in the database."""
        self.partner_city_id.choices = [("", _l("— not a partner city —"))] + [
            (str(city.id), city.name(language)) for city in cities
        ]
        self.leading_projects.choices = [
            (str(project.id), f"{project.number}. {project.name(language)}") for project in projects
        ]

    def validate_partner_city_id(self, field: Any) -> None:
        known = {value for value, _label in field.choices if value}
        if field.data and field.data not in known:
            raise ValidationError(_l("This partner city is not known. Choose one from the list."))
        if not field.data and not (self.counterpart.data or "").strip():
            raise ValidationError(
                _l("Choose a partner city, or enter the counterpart below if it is not one.")
            )

    def validate_end_date(self, field: Any) -> None:
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end date cannot be before the start date."))

    def validate_leading_projects(self, field: Any) -> None:
        known = {value for value, _label in field.choices}
        if any(value not in known for value in field.data or []):
            raise ValidationError(_l("Choose leading projects from the list."))

    def validate_member_count(self, field: Any) -> None:
        named = sum(1 for entry in self.members if not entry.form.is_blank())
        if field.data and field.data >= 1 and named > field.data:
            raise ValidationError(
                _l(
                    "%(named)d members are listed: the number of people cannot be smaller.",
                    named=named,
                )
            )

    def add_row(self, list_name: str) -> None:
        """One more empty row in a row list (the form is shown again, nothing saved)."""
        rows = getattr(self, list_name)
        if len(rows.entries) < MAX_ROWS:
            rows.append_entry()

    def remove_row(self, list_name: str, index: int) -> None:
        """Drop one row of a row list (the form is shown again, nothing saved)."""
        rows = getattr(self, list_name)
        if 0 <= index < len(rows.entries):
            rows.pop_entry(index)

    def values(self) -> DelegationValues:
        """What was entered, as the service takes it (blank rows left out)."""

        def text(value: str | None) -> str | None:
            return (value or "").strip() or None

        def rows(list_name: str) -> list[dict[str, Any]]:
            return [
                entry.form.values()
                for entry in getattr(self, list_name)
                if not entry.form.is_blank()
            ]

        partner_city_id = int(self.partner_city_id.data) if self.partner_city_id.data else None
        return DelegationValues(
            direction=self.direction.data,
            partner_city_id=partner_city_id,
            counterpart=text(self.counterpart.data),
            title=(self.title.data or "").strip(),
            start_date=self.start_date.data,
            end_date=self.end_date.data,
            head_name=text(self.head_name.data),
            head_title=text(self.head_title.data),
            member_count=self.member_count.data,
            purpose=text(self.purpose.data),
            outcome=text(self.outcome.data),
            fields=list(self.fields.data or []),
            leading_project_ids=[int(value) for value in self.leading_projects.data or []],
            members=rows("members"),
            courtesy_calls=rows("courtesy_calls"),
            gifts=rows("gifts"),
        )


class DeleteForm(VersionedForm):
    """Confirms a deletion; carries the version the user saw."""

    submit = SubmitField(_l("Delete"))

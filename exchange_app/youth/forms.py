"""Youth forms, built from the declarations; what is left here is not a record's field."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError
from wtforms.widgets import EmailInput

from exchange_app.forms import OneTimeForm, VersionedForm, choices_from
from exchange_app.models import YouthProgram
from exchange_app.records.forms import form_field, kind_form
from exchange_app.records.kind import RecordValues
from exchange_app.services.dates import today_in_japan
from exchange_app.vocab import ParticipantStatus
from exchange_app.youth.kind import PARTICIPANTS, YOUTH_PROGRAMS

# A new programme is saved once however often the browser sends the form.
ProgramForm = kind_form(YOUTH_PROGRAMS, mixins=(OneTimeForm,))

_ParticipantForm = kind_form(
    PARTICIPANTS,
    guardian_email=form_field(PARTICIPANTS.field("guardian_email"), widget=EmailInput()),
    # The answer to "is this the person already registered?": "" (not asked), "new", or a
    # person id. Rendered by hand as radio buttons, only when there is something to choose.
    person_choice=StringField(),
)


class ParticipantForm(_ParticipantForm):  # type: ignore[misc,valid-type]
    """A participant's registration on a programme; most fields are personal data.

    The programme is the page's, not a field: its start date is given to the rules
    (a birth date after the start is refused).
    """

    def __init__(self, *args: Any, program: YouthProgram | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.program = program

    def values(self) -> RecordValues:
        values: RecordValues = super().values()
        if self.program is not None:
            values["program_id"] = self.program.id
        return values


class DeleteForm(VersionedForm):
    """Confirm a deletion (with the version the user saw)."""

    submit = SubmitField(_l("Delete"))


class ParticipantDeleteForm(VersionedForm):
    """Delete a wrongly entered participant: the reason goes to the audit trail."""

    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(message=_l("Say why this participant is deleted.")),
            Length(max=500),
        ],
    )
    submit = SubmitField(_l("Delete"))


class MergePersonForm(FlaskForm):
    """Merge another person (by its number) into the one whose page this is."""

    other_person = IntegerField(
        _l("Number of the other person"),
        validators=[
            DataRequired(message=_l("Enter the number of the person to merge.")),
            NumberRange(min=1),
        ],
    )
    submit = SubmitField(_l("Merge into this person"))


class SplitForm(FlaskForm):
    """Split a participation out of its person (the button carries only the CSRF token)."""

    submit = SubmitField(_l("Split out as another person"))


class StatusForm(FlaskForm):
    """One click on the programme page: set one participant's status."""

    status = SelectField(choices=choices_from(ParticipantStatus.labels()))


class PurgeForm(FlaskForm):
    """Anonymise participants of programmes that ended before a date."""

    before = DateField(_l("Programmes that ended before"), validators=[DataRequired()])
    confirm = HiddenField()
    submit = SubmitField(_l("Check how many records"))

    def validate_before(self, field: Any) -> None:
        if field.data and field.data > today_in_japan():
            raise ValidationError(_l("Choose a date that is not in the future."))

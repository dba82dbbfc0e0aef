"""Forms for youth programmes and their participants."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from exchange_app import vocab
from exchange_app.forms import (
    OptionalSelectField,
    VersionedForm,
    choices_from,
    no_control_characters,
)
from exchange_app.services import youth


def _text(label: Any, max_length: int, required: bool = False) -> StringField:
    validators: list[Any] = [DataRequired() if required else Optional()]
    validators += [Length(max=max_length), no_control_characters]
    return StringField(label, validators=validators, filters=[_strip])


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _kana(_form: Any, field: Any) -> None:
    if field.data and not youth.is_kana(field.data):
        raise ValidationError(_l("Write this in kana (hiragana or katakana) only."))


def _romaji(_form: Any, field: Any) -> None:
    if field.data and not youth.is_romaji(field.data):
        raise ValidationError(_l("Write this in Latin letters only."))


def _phone(_form: Any, field: Any) -> None:
    if field.data and not youth.is_phone(field.data):
        raise ValidationError(
            _l("Enter a phone number with digits only (dashes, spaces and a leading + allowed).")
        )


class ProgramForm(VersionedForm):
    """A youth programme: what, with whom, which way, when."""

    title = _text(_l("Title"), 200, required=True)
    kind = SelectField(_l("Kind"), choices=choices_from(vocab.YOUTH_PROGRAM_KIND_LABELS))
    partner_city_id = OptionalSelectField(_l("Partner city"), choices=[], coerce=str)
    counterpart = _text(_l("Counterpart (conference, organisation)"), 200)
    direction = SelectField(_l("Direction"), choices=choices_from(vocab.DIRECTION_LABELS))
    start_date = DateField(_l("Start date"), validators=[DataRequired()])
    end_date = DateField(_l("End date"), validators=[DataRequired()])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=5000), no_control_characters]
    )
    submit = SubmitField(_l("Save"))

    def set_cities(self, cities: list[Any], lang: str) -> None:
        """Offer the partner cities as choices."""
        self.partner_city_id.choices = [("", _l("(none)"))] + [
            (str(city.id), city.name(lang)) for city in cities
        ]

    def validate_end_date(self, field: Any) -> None:
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end date cannot be before the start date."))

    def validate_partner_city_id(self, field: Any) -> None:
        if self.kind.data == "partner_exchange" and not field.data:
            raise ValidationError(_l("An exchange with a partner city needs its partner city."))

    def populate_program(self, program: Any) -> None:
        """Copy the form to ``program``."""
        self.populate_obj(program)
        program.partner_city_id = (
            int(self.partner_city_id.data) if self.partner_city_id.data else None
        )
        program.counterpart = self.counterpart.data or None
        program.description = self.description.data or None


class DeleteForm(VersionedForm):
    """Confirm a deletion (with the version the user saw)."""

    submit = SubmitField(_l("Delete"))


class ParticipantForm(VersionedForm):
    """A participant's registration on a programme; most fields are personal data."""

    family_name = _text(_l("Family name"), 50, required=True)
    given_name = _text(_l("Given name"), 50, required=True)
    family_name_kana = StringField(
        _l("Family name (kana)"),
        validators=[DataRequired(), Length(max=50), _kana],
        filters=[_strip],
    )
    given_name_kana = StringField(
        _l("Given name (kana)"),
        validators=[DataRequired(), Length(max=50), _kana],
        filters=[_strip],
    )
    family_name_romaji = StringField(
        _l("Family name (romaji)"),
        validators=[Optional(), Length(max=50), _romaji],
        filters=[_strip],
    )
    given_name_romaji = StringField(
        _l("Given name (romaji)"),
        validators=[Optional(), Length(max=50), _romaji],
        filters=[_strip],
    )
    birth_date = DateField(_l("Birth date"), validators=[Optional()])
    school = _text(_l("School"), 100)
    grade = _text(_l("Grade"), 20)
    role = SelectField(_l("Role"), choices=choices_from(vocab.PARTICIPANT_ROLE_LABELS))
    resident = BooleanField(_l("Resident of Kumamoto City"), default=True)
    status = SelectField(_l("Status"), choices=choices_from(vocab.PARTICIPANT_STATUS_LABELS))
    guardian_name = _text(_l("Guardian's name"), 100)
    guardian_phone = StringField(
        _l("Guardian's phone"), validators=[Optional(), Length(max=30), _phone], filters=[_strip]
    )
    guardian_email = EmailField(
        _l("Guardian's e-mail"),
        validators=[
            Optional(),
            Length(max=254),
            Email(message=_l("Enter a valid e-mail address.")),
        ],
        filters=[_strip],
    )
    guardian_consent_on = DateField(_l("Guardian's consent received on"), validators=[Optional()])
    emergency_contact = _text(_l("Emergency contact"), 200)
    photo_consent = BooleanField(_l("Photos and publication allowed"))
    notes = TextAreaField(
        _l("Notes"), validators=[Optional(), Length(max=5000), no_control_characters]
    )
    # The answer to "is this the person already registered?": "" (not asked), "new", or a person id.
    # Rendered by hand as radio buttons, only when there is something to choose.
    person_choice = StringField()
    submit = SubmitField(_l("Save"))

    NOT_POPULATED = VersionedForm.NOT_POPULATED | {"person_choice"}

    def __init__(self, *args: Any, program: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.program = program

    def validate_birth_date(self, field: Any) -> None:
        if field.data is None:
            if self.role.data == "youth":
                raise ValidationError(_l("A young participant's birth date is required."))
            return
        if field.data > date.today():
            raise ValidationError(_l("The birth date cannot be in the future."))
        if self.program is not None and field.data > self.program.start_date:
            raise ValidationError(_l("The birth date cannot be after the programme starts."))

    def validate_guardian_consent_on(self, field: Any) -> None:
        if field.data is not None and field.data > date.today():
            raise ValidationError(_l("The consent date cannot be in the future."))

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields' checks, then the consent rule (which an empty date would skip)."""
        valid = super().validate(extra_validators)
        consent = self.guardian_consent_on
        if not consent.errors and youth.needs_consent(
            self.role.data or "", self.status.data or "", consent.data
        ):
            consent.errors = [
                *consent.errors,
                _l(
                    "A young participant cannot be selected or take part before the "
                    "guardian's consent is received: enter the date it was received."
                ),
            ]
            return False
        return valid

    def populate_participant(self, participant: Any) -> None:
        """Copy the form to ``participant``, kana and phone normalised, blanks as NULL."""
        self.populate_obj(participant)
        participant.family_name_kana = youth.normalise_kana(self.family_name_kana.data)
        participant.given_name_kana = youth.normalise_kana(self.given_name_kana.data)
        if self.guardian_phone.data:
            participant.guardian_phone = youth.normalise_phone(self.guardian_phone.data)
        for name in youth.PERSONAL_FIELDS:
            if getattr(participant, name) == "":
                setattr(participant, name, None)
        participant.resident = bool(self.resident.data)
        participant.photo_consent = bool(self.photo_consent.data)


class StatusForm(FlaskForm):
    """One click on the programme page: set one participant's status."""

    status = SelectField(choices=choices_from(vocab.PARTICIPANT_STATUS_LABELS))


class PurgeForm(FlaskForm):
    """Anonymise participants of programmes that ended before a date."""

    before = DateField(_l("Programmes that ended before"), validators=[DataRequired()])
    confirm = HiddenField()
    submit = SubmitField(_l("Check how many records"))

    def validate_before(self, field: Any) -> None:
        if field.data and field.data > date.today():
            raise ValidationError(_l("Choose a date that is not in the future."))

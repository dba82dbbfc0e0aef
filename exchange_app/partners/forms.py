"""The partner city form (admins only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from exchange_app import vocab
from exchange_app.forms import (
    MultiCheckboxField,
    VersionedForm,
    choices_from,
    no_control_characters,
)


class PartnerCityForm(VersionedForm):
    """Names, relationship and establishment of a partner city."""

    name_ja = StringField(
        _l("Name (Japanese)"), validators=[DataRequired(), Length(max=100), no_control_characters]
    )
    name_en = StringField(
        _l("Name (English)"), validators=[DataRequired(), Length(max=100), no_control_characters]
    )
    name_local = StringField(
        _l("Name (local language)"),
        validators=[DataRequired(), Length(max=100), no_control_characters],
    )
    country = StringField(
        _l("Country (ISO 3166 code)"),
        validators=[
            DataRequired(),
            Regexp(r"^[A-Za-z]{2}$", message=_l("Enter a two-letter country code such as CN.")),
        ],
    )
    relationship_type = SelectField(
        _l("Relationship"), choices=choices_from(vocab.RELATIONSHIP_TYPE_LABELS)
    )
    established_on = DateField(_l("Date established"), validators=[DataRequired()])
    established_precision = SelectField(
        _l("Precision of the date"),
        choices=choices_from(
            {"year": _l("Year only"), "month": _l("Year and month"), "day": _l("Exact day")}
        ),
    )
    fields = MultiCheckboxField(
        _l("Fields of exchange"), choices=choices_from(vocab.EXCHANGE_FIELD_LABELS)
    )
    notes = TextAreaField(
        _l("Notes"), validators=[Optional(), Length(max=5000), no_control_characters]
    )
    submit = SubmitField(_l("Save"))

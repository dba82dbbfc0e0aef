"""Forms of the indicators pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from exchange_app.forms import VersionedForm, no_control_characters


class IndicatorValueForm(VersionedForm):
    """A year's figure of an entered indicator, with its source."""

    # Text, not a number field: the figure is checked against the indicator's unit
    # (percent 0–100, whole non-negative counts) with a message of its own.
    value = StringField(_l("Figure"), validators=[DataRequired(message=_l("Enter the figure."))])
    source_note = TextAreaField(
        _l("Source"),
        validators=[
            DataRequired(message=_l("Say where the figure comes from.")),
            Length(max=2000),
            no_control_characters,
        ],
    )
    note = TextAreaField(
        _l("Note"), validators=[Optional(), Length(max=5000), no_control_characters]
    )
    reason = TextAreaField(
        _l("Reason for the revision"),
        validators=[Optional(), Length(max=2000), no_control_characters],
    )
    submit = SubmitField(_l("Save"))


class ConfirmYearForm(FlaskForm):
    """Confirm (確定) a year's figures."""

    year = HiddenField()
    note = StringField(
        _l("Note on the confirmation"),
        validators=[Optional(), Length(max=2000), no_control_characters],
    )
    submit = SubmitField(_l("Confirm this year"))


class RefreezeForm(FlaskForm):
    """Revise a confirmed computed figure to the records counted now."""

    reason = TextAreaField(
        _l("Reason for the revision"),
        validators=[
            DataRequired(message=_l("Give the reason for revising a confirmed figure.")),
            Length(max=2000),
            no_control_characters,
        ],
    )
    submit = SubmitField(_l("Revise to the current records"))

"""Forms of the API token page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from exchange_app.forms import no_control_characters


class NewTokenForm(FlaskForm):
    """Name a new personal API token."""

    name = StringField(
        _l("What the token is for"),
        validators=[
            DataRequired(message=_l("Give the token a name.")),
            Length(max=100),
            no_control_characters,
        ],
    )
    submit = SubmitField(_l("Create a token"))


class RevokeTokenForm(FlaskForm):
    """Revoke a token (the form only carries the CSRF token)."""

    submit = SubmitField(_l("Revoke"))

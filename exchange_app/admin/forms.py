"""Forms for managing user accounts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from exchange_app import vocab
from exchange_app.forms import VersionedForm, choices_from, no_control_characters


class NewUserForm(VersionedForm):
    """A new account with its first password (the user changes it after signing in)."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    display_name = StringField(
        _l("Display name"), validators=[DataRequired(), Length(max=100), no_control_characters]
    )
    role = SelectField(_l("Role"), choices=choices_from(vocab.Role.labels()))
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), Length(max=1024)])
    submit = SubmitField(_l("Create user"))


class EditUserForm(VersionedForm):
    """Role, name and whether the account may sign in."""

    display_name = StringField(
        _l("Display name"), validators=[DataRequired(), Length(max=100), no_control_characters]
    )
    role = SelectField(_l("Role"), choices=choices_from(vocab.Role.labels()))
    active = BooleanField(_l("Active (may sign in)"))
    submit = SubmitField(_l("Save"))


class ResetPasswordForm(VersionedForm):
    """A new password set by an administrator."""

    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)])
    submit = SubmitField(_l("Set password"))

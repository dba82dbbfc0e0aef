"""Translated messages for the password policy's refusals."""

from __future__ import annotations

from flask_babel import gettext as _

from exchange_app.services.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


def password_policy_message(code: str) -> str:
    """The user-facing message for a ``PasswordPolicyError`` code."""
    if code == "too_short":
        return _("Use at least %(count)s characters.", count=MIN_PASSWORD_LENGTH)
    if code == "too_long":
        return _("Use at most %(count)s characters.", count=MAX_PASSWORD_LENGTH)
    if code == "too_weak":
        return _(
            "This password would be guessed too easily (a common pattern, a name of the city "
            "or a date with a few changes). Use a longer passphrase of several unrelated words."
        )
    return _("This password is too common or too easy to guess. Choose another.")

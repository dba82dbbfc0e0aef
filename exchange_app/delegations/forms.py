"""The delegation form, built from the declaration; members, calls and gifts as row lists."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField

from exchange_app.delegations.kind import DELEGATIONS
from exchange_app.forms import OneTimeForm, VersionedForm
from exchange_app.records.forms import KindForm, kind_form

# A new delegation is saved once however often the browser sends the form.
DelegationForm: type[KindForm] = kind_form(DELEGATIONS, mixins=(OneTimeForm,))


class DeleteForm(VersionedForm):
    """Confirms a deletion; carries the version the user saw."""

    submit = SubmitField(_l("Delete"))

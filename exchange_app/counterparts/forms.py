"""The counterpart forms: built from the declaration, private contacts only for those who
may see them; merge and delete."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from exchange_app.counterparts.kind import COUNTERPARTS, PRIVATE_KEYS
from exchange_app.forms import OneTimeForm, VersionedForm, optional_int
from exchange_app.models import Counterpart
from exchange_app.records.forms import KindForm, kind_form
from exchange_app.services.counterparts import counterpart_label

# Coordinators and admins: every field, private contacts included.
CounterpartForm: type[KindForm] = kind_form(COUNTERPARTS, mixins=(OneTimeForm,))
# Staff: business contacts only; a save leaves the private contacts as they are.
CounterpartBusinessForm: type[KindForm] = kind_form(
    COUNTERPARTS, exclude=PRIVATE_KEYS, mixins=(OneTimeForm,)
)


class MergeForm(VersionedForm):
    """Merge this person with a duplicate and choose which record stays."""

    other_id = SelectField(_l("Duplicate record"), coerce=optional_int)
    survivor = RadioField(
        _l("Which one stays?"),
        choices=[
            SelectChoice("this", _l("This record")),
            SelectChoice("other", _l("The other record")),
        ],
        default="this",
    )
    confirm = BooleanField(
        _l("I understand that the visits, meetings and gifts move and the other record is hidden"),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )
    submit = SubmitField(_l("Merge"))

    def load_choices(self, counterparts: list[Counterpart], this: Counterpart, lang: str) -> None:
        """Every other active counterpart can be the duplicate."""
        self.other_id.choices = [
            SelectChoice(c.id, counterpart_label(c, lang)) for c in counterparts if c.id != this.id
        ]


class DeleteForm(VersionedForm):
    """Confirms a deletion; carries the version the user saw."""

    submit = SubmitField(_l("Delete"))

"""The promotion and organisation forms, built from the declarations; the merge form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from exchange_app.forms import OneTimeForm, VersionedForm, optional_int
from exchange_app.models import Organization
from exchange_app.promotions.kind import ORGANIZATIONS, PROMOTIONS
from exchange_app.records.forms import form_field, kind_form
from exchange_app.vocab import OrganizationKind

# A new promotion counts toward 3b unless the user says why not; it is saved once however
# often the browser sends the form.
PromotionForm = kind_form(
    PROMOTIONS,
    mixins=(OneTimeForm,),
    counts_toward_3b=form_field(PROMOTIONS.field("counts_toward_3b"), default=True),
)
OrganizationForm = kind_form(ORGANIZATIONS)


class DeleteForm(VersionedForm):
    """Confirmation that a promotion should be deleted."""

    confirm = BooleanField(
        _l("Yes, delete this promotion"),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )
    submit = SubmitField(_l("Delete"))


class MergeForm(VersionedForm):
    """Merge this organisation with a duplicate and choose which one stays."""

    other_id = SelectField(_l("Duplicate organisation"), coerce=optional_int)
    survivor = RadioField(
        _l("Which one stays?"),
        choices=[
            SelectChoice("this", _l("This organisation")),
            SelectChoice("other", _l("The other organisation")),
        ],
        default="this",
    )
    confirm = BooleanField(
        _l("I understand that the promotions move and the other record is hidden"),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )
    submit = SubmitField(_l("Merge"))

    def load_choices(
        self, organizations: list[Organization], this: Organization, lang: str
    ) -> None:
        """Every other active organisation can be the duplicate."""
        self.other_id.choices = [
            SelectChoice(org.id, f"{org.name(lang)} ({OrganizationKind.label_of(org.kind)})")
            for org in organizations
            if org.id != this.id
        ]

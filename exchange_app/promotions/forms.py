"""Forms for promotions and organisations."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from exchange_app import vocab
from exchange_app.forms import (
    MultiCheckboxField,
    OptionalSelectField,
    VersionedForm,
    choices_from,
    no_control_characters,
)
from exchange_app.models import Organization
from exchange_app.services import promotions as service
from exchange_app.services.partners import list_partner_cities


def _optional_int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class PromotionForm(VersionedForm):
    """One promotion through the international network."""

    start_date = DateField(_l("Date (first day)"), validators=[InputRequired()])
    end_date = DateField(_l("Last day (if more than one day)"), validators=[Optional()])
    title = StringField(
        _l("Title"), validators=[DataRequired(), Length(max=200), no_control_characters]
    )
    channel = SelectField(_l("Channel"), choices=choices_from(vocab.PROMOTION_CHANNEL_LABELS))
    partner_city_id = OptionalSelectField(_l("Partner city"), coerce=_optional_int)
    organization_id = OptionalSelectField(_l("Organisation"), coerce=_optional_int)
    theme = SelectField(_l("Theme"), choices=choices_from(vocab.PROMOTION_THEME_LABELS))
    medium = SelectField(_l("Medium"), choices=choices_from(vocab.PROMOTION_MEDIUM_LABELS))
    reach = IntegerField(_l("Audience reach (people)"), validators=[Optional()])
    leading_project_ids = MultiCheckboxField(_l("Leading projects"), coerce=int)
    counts_toward_3b = BooleanField(_l("Counts toward indicator 3b"), default=True)
    exclusion_reason = TextAreaField(
        _l("Reason it does not count"),
        validators=[Optional(), Length(max=2000), no_control_characters],
    )
    notes = TextAreaField(
        _l("Notes"), validators=[Optional(), Length(max=5000), no_control_characters]
    )
    submit = SubmitField(_l("Save"))

    def load_choices(self, session: Session, lang: str, leading_projects: list[Any]) -> None:
        """Fill the partner city, organisation and leading project choices."""
        self._session = session
        self.partner_city_id.choices = [("", _l("— none —"))] + [
            (city.id, city.name(lang)) for city in list_partner_cities(session)
        ]
        organizations = service.active_organizations(session)
        self.organization_id.choices = [("", _l("— none —"))] + [
            (org.id, f"{org.name(lang)} ({vocab.ORGANIZATION_KIND_LABELS[org.kind]})")
            for org in organizations
        ]
        self.leading_project_ids.choices = [
            (p.id, f"{p.number}. {p.name(lang)}") for p in leading_projects
        ]

    def values(self) -> dict[str, Any]:
        """The submitted values, as the service expects them."""
        return {
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
            "title": (self.title.data or "").strip(),
            "channel": self.channel.data,
            "partner_city_id": self.partner_city_id.data,
            "organization_id": self.organization_id.data,
            "theme": self.theme.data,
            "medium": self.medium.data,
            "reach": self.reach.data,
            "leading_project_ids": list(self.leading_project_ids.data or []),
            "counts_toward_3b": bool(self.counts_toward_3b.data),
            "exclusion_reason": (self.exclusion_reason.data or "").strip() or None,
            "notes": (self.notes.data or "").strip() or None,
        }

    def validate(self, extra_validators: Any = None) -> bool:
        """Field validators, then the promotion rules of the service (counterpart, dates...)."""
        valid = super().validate(extra_validators)
        errors = service.validate_promotion(self._session, self.values())
        for name, message in errors.items():
            field = getattr(self, name, None)
            if field is not None and message not in field.errors:
                field.errors = [*field.errors, message]
                valid = False
        return valid


class DeleteForm(VersionedForm):
    """Confirmation that a record should be deleted."""

    confirm = BooleanField(
        _l("Yes, delete this promotion"),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )
    submit = SubmitField(_l("Delete"))


class OrganizationForm(VersionedForm):
    """An organisation of the network: kind, country and names."""

    kind = SelectField(_l("Kind"), choices=choices_from(vocab.ORGANIZATION_KIND_LABELS))
    country = StringField(
        _l("Country (ISO 3166 code)"),
        validators=[
            Optional(),
            Regexp(r"^[A-Za-z]{2}$", message=_l("Enter a two-letter country code such as CN.")),
        ],
    )
    name_ja = StringField(
        _l("Name (Japanese)"), validators=[DataRequired(), Length(max=200), no_control_characters]
    )
    name_en = StringField(
        _l("Name (English)"), validators=[DataRequired(), Length(max=200), no_control_characters]
    )
    notes = TextAreaField(
        _l("Notes"), validators=[Optional(), Length(max=5000), no_control_characters]
    )
    submit = SubmitField(_l("Save"))

    def values(self) -> dict[str, Any]:
        """The submitted values, as the service expects them."""
        return {name: getattr(self, name).data for name in service.ORGANIZATION_FIELDS}


class MergeForm(VersionedForm):
    """Merge this organisation with a duplicate and choose which one stays."""

    other_id = SelectField(_l("Duplicate organisation"), coerce=_optional_int)
    survivor = RadioField(
        _l("Which one stays?"),
        choices=[("this", _l("This organisation")), ("other", _l("The other organisation"))],
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
            (org.id, f"{org.name(lang)} ({vocab.ORGANIZATION_KIND_LABELS[org.kind]})")
            for org in organizations
            if org.id != this.id
        ]

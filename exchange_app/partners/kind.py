"""Partner cities as a record kind, and the reference every other kind uses to name one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange_app.models import PartnerCity
from exchange_app.records.fields import Field, FieldType, Reference
from exchange_app.records.kind import BOOKKEEPING, RecordKind
from exchange_app.vocab import DatePrecision, EntityType, ExchangeField, RelationshipType

PARTNER_NOTE_JA = (
    "友好姉妹都市等。スラッグ（guilin）、日本語名（桂林市）、英語名（Guilin）のいずれか。"
)
PARTNER_NOTE_EN = (
    "Partner city: its slug (guilin), Japanese name (桂林市) or English name (Guilin)."
)


def _city_options(session: Session, language: str) -> list[tuple[int, str]]:
    cities = session.scalars(
        select(PartnerCity).order_by(PartnerCity.display_order, PartnerCity.id)
    )
    return [(city.id, city.name(language)) for city in cities]


def _short_names(name: str) -> Iterable[str]:
    # 桂林 as well as 桂林市
    return [name[:-1]] if name.endswith("市") and len(name) > 1 else []


PARTNER_CITY = Reference(
    model=PartnerCity,
    names=("slug", "name_ja", "name_en"),
    audit_name="name_ja",
    export_name="slug",
    extra_names=_short_names,
    options=_city_options,
    label=lambda city, language: city.name(language),
    not_offered_message=_l("This partner city is not known. Choose one from the list."),
    type_note=("友好姉妹都市等", "partner city"),
    allowed_values=(
        "guilin (桂林市), san-antonio, heidelberg, rome-ga, ulsan, suzhou-snd, "
        "aix-en-provence, kaohsiung"
    ),
    unknown_message=lambda value: _(
        "unknown partner city '%(value)s': use a slug such as guilin, or the "
        "Japanese or English name",
        value=value,
    ),
)


def partner_city_field(**options: Any) -> Field:
    """The field of a record that names the partner city it is about."""
    defaults: dict[str, Any] = {
        "key": "partner_city_id",
        "type": FieldType.REFERENCE,
        "label": _l("Partner city"),
        "reference": PARTNER_CITY,
        "relationship": "partner_city",
        "audit_key": "partner_city",
        "export_header": "相手都市",
    }
    defaults.update(options)
    return Field(**defaults)


PARTNER_CITIES = RecordKind(
    key="partner-cities",
    entity_type=EntityType.PARTNER_CITY,
    model=PartnerCity,
    label=_l("Partner cities"),
    fields=(
        Field("name_ja", FieldType.TEXT, _l("Name (Japanese)"), required=True, max_length=100),
        Field("name_en", FieldType.TEXT, _l("Name (English)"), required=True, max_length=100),
        Field(
            "name_local", FieldType.TEXT, _l("Name (local language)"), required=True, max_length=100
        ),
        Field("country", FieldType.COUNTRY, _l("Country"), required=True),
        Field(
            "relationship_type",
            FieldType.CHOICE,
            _l("Relationship"),
            required=True,
            vocabulary=RelationshipType,
        ),
        Field("established_on", FieldType.DATE, _l("Date established"), required=True),
        Field(
            "established_precision",
            FieldType.CHOICE,
            _l("Precision of the date"),
            required=True,
            vocabulary=DatePrecision,
        ),
        Field("fields", FieldType.CHOICES, _l("Fields of exchange"), vocabulary=ExchangeField),
        Field("notes", FieldType.LONG_TEXT, _l("Notes"), max_length=5000),
    ),
    # The slug is the city's address in the app and its display order is the strategy's;
    # both are set by the seed, not edited.
    not_declared=BOOKKEEPING | {"slug", "display_order"},
)

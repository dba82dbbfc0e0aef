"""The counterpart person, declared once: the form, the change history, the audit trail
and the purge of private contacts read ``COUNTERPARTS``."""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from exchange_app.models import Counterpart, CounterpartPost
from exchange_app.partners.kind import partner_city_field
from exchange_app.promotions.kind import ORGANIZATION
from exchange_app.records.fields import Field, FieldType, RowKind
from exchange_app.records.kind import BOOKKEEPING, RecordKind, RecordValues
from exchange_app.services.counterparts import COUNTERPART
from exchange_app.vocab import EntityType

POSTS = RowKind(
    key="posts",
    model=CounterpartPost,
    label=_l("Posts"),
    add_label=_l("Add a post"),
    fields=(
        Field(
            "title",
            FieldType.TEXT,
            _l("Job title"),
            required=True,
            max_length=200,
            required_message=_l("Enter the title of the post."),
        ),
        Field("organization", FieldType.TEXT, _l("Organisation"), max_length=200),
        Field("start_date", FieldType.DATE, _l("From")),
        Field("end_date", FieldType.DATE, _l("Until")),
    ),
    not_declared=frozenset({"id", "counterpart_id", "position"}),
)


def _email_field(key: str, label: object, personal: bool = False) -> Field:
    return Field(key, FieldType.TEXT, label, max_length=254, personal=personal)


def partner_or_organization(values: RecordValues) -> Iterator[tuple[str, str]]:
    """A counterpart belongs to a partner city or to an organisation of the network."""
    if (
        "partner_city_id" in values
        and not values.get("partner_city_id")
        and not values.get("organization_id")
    ):
        yield (
            "partner_city_id",
            _("Choose the partner city or the organisation this person belongs to."),
        )


def emails_look_right(values: RecordValues) -> Iterator[tuple[str, str]]:
    """An e-mail address has one @ with text on both sides and no spaces."""
    for key in ("business_email", "private_email"):
        value = values.get(key)
        if not value:
            continue
        local, at, domain = str(value).rpartition("@")
        if not at or not local or "." not in domain or any(c.isspace() for c in str(value)):
            yield key, _("Enter an e-mail address such as name@example.org.")


def posts_in_order(values: RecordValues) -> Iterator[tuple[str, str]]:
    """A post cannot end before it starts."""
    for number, post in enumerate(values.get("posts") or [], start=1):
        start, end = post.get("start_date"), post.get("end_date")
        if start and end and end < start:
            yield "posts", _(
                "Post %(number)d: the end date cannot be before the start date.", number=number
            )


COUNTERPARTS = RecordKind(
    key="counterparts",
    entity_type=EntityType.COUNTERPART,
    model=Counterpart,
    label=_l("Counterpart persons"),
    fields=(
        Field(
            "name_local",
            FieldType.TEXT,
            _l("Name (local script)"),
            required=True,
            max_length=200,
            required_message=_l("Enter the name as it is written locally."),
            help=_l("As the person writes it: 王明, Ursula Schmidt, 김민수."),
        ),
        Field("name_romaji", FieldType.TEXT, _l("Name (romaji)"), max_length=200),
        Field("name_kana", FieldType.TEXT, _l("Name (katakana)"), max_length=200),
        partner_city_field(blank_label=_l("— not a partner city —"), export_header=None),
        Field(
            "organization_id",
            FieldType.REFERENCE,
            _l("Organisation of the network"),
            reference=ORGANIZATION,
            relationship="organization",
            blank_label=_l("— none —"),
        ),
        Field("posts", FieldType.ROWS, _l("Posts"), rows=POSTS),
        Field(
            "languages",
            FieldType.TEXT,
            _l("Languages"),
            max_length=200,
            help=_l("For example: Chinese, English"),
        ),
        _email_field("business_email", _l("Business e-mail")),
        Field("business_phone", FieldType.TEXT, _l("Business phone"), max_length=50),
        Field("business_address", FieldType.TEXT, _l("Business address"), max_length=500),
        Field("notes", FieldType.LONG_TEXT, _l("Notes"), max_length=5000),
        Field(
            "private_address",
            FieldType.TEXT,
            _l("Home address"),
            max_length=500,
            personal=True,
        ),
        Field(
            "private_phone", FieldType.TEXT, _l("Personal phone"), max_length=50, personal=True
        ),
        _email_field("private_email", _l("Personal e-mail"), personal=True),
        # Set by a merge only, never edited.
        Field(
            "merged_into_id",
            FieldType.REFERENCE,
            _l("Merged into"),
            reference=COUNTERPART,
            relationship="merged_into",
            in_form=False,
        ),
    ),
    rules=(partner_or_organization, emails_look_right, posts_in_order),
    not_declared=BOOKKEEPING,
    history_labels={
        "absorbed_counterpart": _l("Absorbed duplicate"),
        "moved_links": _l("Links moved"),
    },
)

# The fields only coordinators and admins see and edit.
PRIVATE_KEYS = tuple(item.key for item in COUNTERPARTS.personal_fields)

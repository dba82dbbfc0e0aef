"""Promotions and organisations of the international network, each declared once.

The promotion form, the import and its template, the list export, the change history
and the audit trail all read ``PROMOTIONS``; the organisation form and history read
``ORGANIZATIONS``. The rule that a channel needs a counterpart of its kind is
``counterpart_fits_channel``: the form, the import, a merge and a change of an
organisation's kind all call it with the details of the organisation.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange_app.delegations.kind import LEADING_PROJECT
from exchange_app.importing.bulk import KindImport, Report, RowContext, chunks
from exchange_app.importing.columns import (
    DATE_NOTE_EN,
    DATE_NOTE_JA,
    external_id_field,
)
from exchange_app.importing.normalise import clean_text
from exchange_app.models import Organization, Promotion
from exchange_app.partners.kind import (
    PARTNER_CITY,
    PARTNER_NOTE_EN,
    PARTNER_NOTE_JA,
    partner_city_field,
)
from exchange_app.records.fields import Field, FieldType, ImportColumn, Reference
from exchange_app.records.kind import ExportColumn, RecordKind, RecordValues
from exchange_app.records.rules import end_not_before_start
from exchange_app.services.dates import fiscal_year_of
from exchange_app.vocab import (
    EntityType,
    OrganizationKind,
    PromotionChannel,
    PromotionMedium,
    PromotionTheme,
)

# The organisation kind each channel goes through; ``None``: any kind (or a partner city).
ORGANIZATION_KIND_FOR_CHANNEL: dict[str, str | None] = {
    PromotionChannel.INTERNATIONAL_ORGANIZATION: OrganizationKind.INTERNATIONAL_ORGANIZATION,
    PromotionChannel.EMBASSY_CONSULATE: OrganizationKind.EMBASSY_CONSULATE,
    PromotionChannel.OVERSEAS_OFFICE: OrganizationKind.OVERSEAS_OFFICE,
    PromotionChannel.TOKYO_OFFICE: OrganizationKind.TOKYO_OFFICE,
    PromotionChannel.FOREIGN_CITY: OrganizationKind.FOREIGN_CITY,
    PromotionChannel.INTERNATIONAL_CONFERENCE: None,
}


def _organization_options(session: Session, language: str) -> list[tuple[int, str]]:
    """Organisations that can be chosen (merged ones are not), by kind and name."""
    organizations = session.scalars(
        select(Organization)
        .where(Organization.merged_into_id.is_(None))
        .order_by(Organization.kind, Organization.name_ja, Organization.id)
    )
    return [
        (org.id, f"{org.name(language)} ({OrganizationKind.label_of(org.kind)})")
        for org in organizations
    ]


ORGANIZATION = Reference(
    model=Organization,
    names=("name_ja", "name_en"),
    # The counterpart rule needs the kind (and the name for its message); a merged
    # organisation is never a promotion's counterpart.
    details=("kind", "name_ja", "merged_into_id"),
    export_name="name_ja",
    merged_into="merged_into_id",
    options=_organization_options,
    label=lambda organization, language: organization.name(language),
    type_note=("機関", "organisation"),
    unknown_message=lambda value: _(
        "unknown organisation '%(value)s': register it first", value=value
    ),
    not_offered_message=_l("Choose an organisation from the list."),
)

# The audit trail of a promotion names its partner city by id, as it always has.
PROMOTION_PARTNER_CITY = replace(PARTNER_CITY, audit_name=None)
# The list export names a promotion's leading projects by number only.
PROMOTION_LEADING_PROJECT = replace(
    LEADING_PROJECT, label=lambda project, _language: str(project.number)
)


def organization_details(organization: Organization | None) -> dict[str, Any]:
    """The columns of ``organization`` that the counterpart rule reads."""
    if organization is None:
        return {}
    return {name: getattr(organization, name) for name in ORGANIZATION.details}


def counterpart_values(
    channel: str | None,
    partner_city_id: int | None,
    organization_id: int | None,
    organization: Mapping[str, Any] | None = None,
) -> RecordValues:
    """A promotion's channel and counterpart, with the details of its organisation."""
    return RecordValues(
        {
            "channel": channel,
            "partner_city_id": partner_city_id,
            "organization_id": organization_id,
        },
        {"organization_id": organization or {}},
    )


def counterpart_fits_channel(values: RecordValues) -> Iterator[tuple[str, str]]:
    """What is wrong with a promotion's counterpart for its channel.

    - ``partner_city``: a partner city, and no organisation;
    - an organisation channel: an organisation of the same kind (an embassy for
      ``embassy_consulate``, ...), and no partner city;
    - ``international_conference``: an organisation of any kind, a partner city, or both
      (a conference can be organised with a UN body, held in a partner city, or both).
    A merged organisation can never be chosen.
    """
    if "channel" not in values:
        return
    channel = values.get("channel")
    partner_city = values.get("partner_city_id")
    organization = values.get("organization_id")
    if partner_city is None and organization is None:
        message = _("Choose the partner city or the organisation the promotion went through.")
        yield "partner_city_id", message
        yield "organization_id", message
        return
    organization_kind = values.detail("organization_id", "kind")
    merged = organization is not None and values.detail("organization_id", "merged_into_id")
    if merged:
        yield (
            "organization_id",
            _("This organisation was merged into another one; choose that one instead."),
        )
    if channel == PromotionChannel.PARTNER_CITY:
        if partner_city is None:
            yield "partner_city_id", _("A promotion through a partner city needs the city.")
        if organization is not None and not merged:
            yield (
                "organization_id",
                _(
                    "A promotion through a partner city names no organisation; "
                    "choose the channel of the organisation instead."
                ),
            )
    elif channel in ORGANIZATION_KIND_FOR_CHANNEL:
        kind = ORGANIZATION_KIND_FOR_CHANNEL[channel]
        if kind is None:
            return
        if partner_city is not None:
            yield (
                "partner_city_id",
                _(
                    "A partner city goes with the channel “partner city” or “international "
                    "conference”, not with this channel."
                ),
            )
        if organization is None:
            yield (
                "organization_id",
                _(
                    "This channel needs an organisation of the kind “%(kind)s”.",
                    kind=OrganizationKind.label_of(kind),
                ),
            )
        elif organization_kind != kind and not merged:
            yield (
                "organization_id",
                _(
                    "“%(name)s” is of the kind “%(actual)s”; this channel needs “%(kind)s”.",
                    name=values.detail("organization_id", "name_ja") or "",
                    actual=OrganizationKind.label_of(organization_kind),
                    kind=OrganizationKind.label_of(kind),
                ),
            )
    else:
        yield "channel", _("Choose a channel.")


def last_day_not_before_first(values: RecordValues) -> Iterator[tuple[str, str]]:
    """A promotion's last day is not before its first (the shared rule, in its words)."""
    for key, _message in end_not_before_start(values):
        yield key, _("The last day cannot be before the first day.")


def reason_when_not_counted(values: RecordValues) -> Iterator[tuple[str, str]]:
    """A promotion left out of indicator 3b says why."""
    left_out = "counts_toward_3b" in values and not values["counts_toward_3b"]
    if left_out and not (values.get("exclusion_reason") or "").strip():
        yield (
                "exclusion_reason",
                _("Say why this promotion does not count toward indicator 3b."),
            )


def channel_for_organization_kind(kind: str | None) -> str:
    """The channel a promotion through an organisation of ``kind`` most likely used."""
    if kind is None:
        return PromotionChannel.PARTNER_CITY
    for channel, channel_kind in ORGANIZATION_KIND_FOR_CHANNEL.items():
        if channel_kind == kind:
            return channel
    return PromotionChannel.INTERNATIONAL_CONFERENCE


PROMOTIONS = RecordKind(
    key="promotions",
    entity_type=EntityType.PROMOTION,
    model=Promotion,
    label=_l("Promotions"),
    fields=(
        external_id_field(("管理番号", "整理番号", "id"), "PR-2024-01"),
        Field(
            "start_date",
            FieldType.DATE,
            _l("Date (first day)"),
            required=True,
            import_column=ImportColumn(
                "date",
                ("日付", "実施日", "開始日", "発信日"),
                DATE_NOTE_JA,
                DATE_NOTE_EN,
                "2024-05-10",
            ),
        ),
        Field(
            "end_date",
            FieldType.DATE,
            _l("Last day (if more than one day)"),
            import_column=ImportColumn(
                "end_date",
                ("終了日",),
                "終了日（任意）。" + DATE_NOTE_JA,
                "End date (optional). " + DATE_NOTE_EN,
                "",
            ),
        ),
        Field(
            "title",
            FieldType.TEXT,
            _l("Title"),
            required=True,
            max_length=200,
            export_header="件名",
            import_column=ImportColumn(
                "title", ("件名", "名称", "内容"), "件名。", "Title.", "桂林市観光展での熊本城PR"
            ),
        ),
        Field(
            "channel",
            FieldType.CHOICE,
            _l("Channel"),
            required=True,
            vocabulary=PromotionChannel,
            export_header="チャネル",
            import_column=ImportColumn(
                "channel",
                ("経路", "発信経路", "チャネル", "ネットワーク"),
                "発信経路。partner_city は partner が必須、"
                "その他は同じ種別の organization が必須。",
                "Channel. partner_city needs a partner; the others need an organisation of "
                "the matching kind.",
                "友好姉妹都市等",
            ),
        ),
        partner_city_field(
            reference=PROMOTION_PARTNER_CITY,
            audit_key="partner_city_id",
            blank_label=_l("— none —"),
            export_header="友好姉妹都市等",
            import_column=ImportColumn(
                "partner",
                ("相手都市", "都市", "友好姉妹都市等"),
                PARTNER_NOTE_JA,
                PARTNER_NOTE_EN,
                "桂林市",
            ),
        ),
        Field(
            "organization_id",
            FieldType.REFERENCE,
            _l("Organisation"),
            reference=ORGANIZATION,
            relationship="organization",
            blank_label=_l("— none —"),
            export_header="機関・団体",
            import_column=ImportColumn(
                "organization",
                ("機関", "相手機関", "団体", "組織"),
                "国際機関・大使館等の日本語名または英語名（登録済みのもの）。",
                "An organisation already registered, by its Japanese or English name.",
                "",
            ),
        ),
        Field(
            "theme",
            FieldType.CHOICE,
            _l("Theme"),
            required=True,
            vocabulary=PromotionTheme,
            export_header="テーマ",
            import_column=ImportColumn(
                "theme", ("テーマ", "発信テーマ"), "テーマ。", "Theme.", "熊本城"
            ),
        ),
        Field(
            "medium",
            FieldType.CHOICE,
            _l("Medium"),
            required=True,
            vocabulary=PromotionMedium,
            export_header="媒体",
            import_column=ImportColumn(
                "medium", ("媒体", "手段", "発信手段"), "媒体。", "Medium.", "展示"
            ),
        ),
        Field(
            "leading_project_ids",
            FieldType.REFERENCES,
            _l("Leading projects"),
            reference=PROMOTION_LEADING_PROJECT,
            relationship="leading_projects",
            audit_key="leading_projects",
            export_header="リーディングプロジェクト",
        ),
        Field(
            "reach",
            FieldType.INTEGER,
            _l("Audience reach (people)"),
            minimum=0,
            range_message=_l("The audience reach cannot be negative."),
            help=_l("Optional: how many people the promotion reached."),
            export_header="発信対象者数",
            import_column=ImportColumn(
                "reach",
                ("到達人数", "参加者数", "来場者数"),
                "到達人数（0以上の整数、任意）。",
                "Reach (a whole number, optional).",
                1200,
            ),
        ),
        Field(
            "counts_toward_3b",
            FieldType.BOOLEAN,
            _l("Counts toward indicator 3b"),
            help=_l("Indicator 3b counts this promotion in the fiscal year of its first day."),
            export_header="指標3bに計上",
            import_column=ImportColumn(
                "counts_toward_3b",
                ("3b計上", "指標3b", "3bに計上"),
                "指標3bに計上するか: はい/いいえ（空欄ははい）。",
                "Counts toward indicator 3b: yes/no (blank means yes).",
                "はい",
            ),
        ),
        Field(
            "exclusion_reason",
            FieldType.LONG_TEXT,
            _l("Reason it does not count"),
            max_length=2000,
            help=_l("Required when the promotion does not count toward 3b."),
            export_header="計上しない理由",
            import_column=ImportColumn(
                "exclusion_reason",
                ("除外理由", "計上しない理由"),
                "3bに計上しない理由（計上しないときは必須）。",
                "Why it does not count toward 3b (required when it does not).",
                "",
            ),
        ),
        Field(
            "notes",
            FieldType.LONG_TEXT,
            _l("Notes"),
            max_length=5000,
            export_header="備考",
            import_column=ImportColumn("notes", ("備考",), "備考。", "Notes.", ""),
        ),
    ),
    rules=(last_day_not_before_first, counterpart_fits_channel, reason_when_not_counted),
    export_prefix=(
        ExportColumn("ID", lambda p: p.id),
        ExportColumn("開始日", lambda p: p.start_date),
        ExportColumn("終了日", lambda p: p.end_date),
        ExportColumn("年度", lambda p: fiscal_year_of(p.start_date)),
    ),
)


ORGANIZATIONS = RecordKind(
    key="organizations",
    entity_type=EntityType.ORGANIZATION,
    model=Organization,
    label=_l("Organisations"),
    fields=(
        external_id_field(("管理番号", "整理番号", "id"), "ORG-UNHABITAT"),
        Field(
            "kind",
            FieldType.CHOICE,
            _l("Kind"),
            required=True,
            vocabulary=OrganizationKind,
            import_column=ImportColumn(
                "kind",
                ("種別", "機関種別"),
                "機関の種別（使える値の一覧から）。発信経路と同じ種別であること。",
                "The kind of organisation (one of the allowed values); a promotion's channel "
                "needs an organisation of its kind.",
                "国際機関",
            ),
        ),
        Field(
            "country",
            FieldType.COUNTRY,
            _l("Country"),
            blank_label=_l("None (international)"),
            import_column=ImportColumn(
                "country",
                ("国", "国・地域", "所在国"),
                "国名（日本語・英語）または ISO コード（CN など）。国際機関は空欄。",
                "The country by name (Japanese or English) or ISO code (CN ...); blank for an "
                "international body.",
                "",
                structured=True,
            ),
        ),
        Field(
            "name_ja",
            FieldType.TEXT,
            _l("Name (Japanese)"),
            required=True,
            max_length=200,
            import_column=ImportColumn(
                "name_ja",
                ("名称", "名称（日本語）", "機関名"),
                "日本語の名称。登録済みの機関と同じ名称は不可。",
                "The Japanese name; not the name of an organisation already registered.",
                "国連人間居住計画（ハビタット）",
            ),
        ),
        Field(
            "name_en",
            FieldType.TEXT,
            _l("Name (English)"),
            required=True,
            max_length=200,
            import_column=ImportColumn(
                "name_en",
                ("英語名", "名称（英語）", "英文名称"),
                "英語の名称。",
                "The English name.",
                "UN-Habitat",
            ),
        ),
        Field(
            "notes",
            FieldType.LONG_TEXT,
            _l("Notes"),
            max_length=5000,
            import_column=ImportColumn("notes", ("備考", "メモ"), "備考（任意）。", "Notes.", ""),
        ),
        # Set by a merge only, never edited.
        Field(
            "merged_into_id",
            FieldType.REFERENCE,
            _l("Merged into"),
            reference=ORGANIZATION,
            relationship="merged_into",
            in_form=False,
        ),
    ),
    # What a merge writes besides ``merged_into_id`` (see ``operations.merge_organizations``).
    history_labels={
        "absorbed_organization": _l("Absorbed organisation"),
        "moved_promotions": _l("Promotions moved"),
    },
)


@dataclass
class OrganizationRowContext(RowContext):
    """An organisation file's lookups, and the names its rows have used so far."""

    # The stored organisations the file's external ids name, loaded once for the file.
    stored: dict[str, Organization] = field(default_factory=dict)
    names_in_file: dict[str, str] = field(default_factory=dict)


class OrganizationImport(KindImport):
    """Organisations in bulk, refused for what the form refuses: a name already registered
    (or already used by another row of the file), or a change of kind that the channels of
    the organisation's promotions would not fit. Merged organisations are not exported: their
    promotions have moved to the one they were merged into."""

    def context(
        self, session: Session, raw_rows: list[tuple[int, dict[str, Any]]]
    ) -> OrganizationRowContext:
        base = super().context(session, raw_rows)
        keys = [key for _line, raw in raw_rows if (key := clean_text(raw.get("external_id")))]
        ids = {key: found["id"] for key, found in self.load_existing(session, keys).items()}
        loaded = {
            organization.id: organization
            for part in chunks(sorted(set(ids.values())))
            for organization in session.scalars(
                select(Organization).where(Organization.id.in_(part))
            )
        }
        stored = {key: loaded[record_id] for key, record_id in ids.items()}
        return OrganizationRowContext(base.references, base.choice_lookups, session, stored)

    def check_row(self, values: dict[str, Any], report: Report, context: RowContext) -> None:
        # The organisation rules read the database and live with the operations, which
        # import this module: imported here so that form and import share them.
        from exchange_app.promotions.operations import organization_problems

        assert isinstance(context, OrganizationRowContext) and context.session is not None
        session = context.session
        record_values = dict(self.record_values(values, context))
        external_id = values.get("external_id") or ""
        organization = context.stored.get(external_id)
        for key, message in organization_problems(session, record_values, organization).items():
            report(key, message)
        for column in ("name_ja", "name_en"):
            name = values.get(column)
            if not name:
                continue
            other = context.names_in_file.setdefault(name.strip().lower(), external_id)
            if other != external_id:
                report(
                    column,
                    _(
                        "The same name is on the row of %(external_id)s in this file.",
                        external_id=other,
                    ),
                )
                break

    def label_text(self, values: dict[str, Any], raw: dict[str, Any]) -> str:
        return str(values.get("name_ja") or clean_text(raw.get("name_ja")) or "")

    def export_conditions(self) -> list[Any]:
        return [Organization.__table__.c.merged_into_id.is_(None)]


ORGANIZATION_IMPORT = OrganizationImport(ORGANIZATIONS)


class PromotionImport(KindImport):
    """Promotions in bulk; a blank ``counts_toward_3b`` means the promotion counts.

    An organisation not registered yet can be created by the import, of the kind its
    row's channel needs (an embassy for the channel "embassy or consulate"), when the
    user asks for it (the wizard shows it in the preview; ``--create-missing``).
    """

    def new_reference_values(
        self, column: str, text: str, values: dict[str, Any]
    ) -> dict[str, Any] | None:
        kind = ORGANIZATION_KIND_FOR_CHANNEL.get(values.get("channel") or "")
        if column != "organization" or kind is None:
            return None
        # The file names it in one language: that name stands in both until edited.
        return {"name_ja": text, "name_en": text, "kind": str(kind)}

    def new_reference_label(self, column: str, text: str, values: dict[str, Any]) -> str:
        return f"{text} ({OrganizationKind.label_of(values['kind'])})"

    def create_reference(
        self, session: Session, column: str, values: dict[str, Any], user_id: int | None
    ) -> int:
        # The operations import this module: imported here, like the organisation rules.
        from exchange_app.promotions.operations import create_organization

        return create_organization(session, values, user_id).id

    def new_reference_problems(
        self, session: Session, column: str, values: dict[str, Any]
    ) -> list[str]:
        from exchange_app.promotions.operations import organization_problems

        # The one name stands in both languages: a message for both is said once.
        return list(dict.fromkeys(organization_problems(session, values).values()))

    def prepare_row(self, values: dict[str, Any]) -> None:
        if values.get("counts_toward_3b") is None:
            values["counts_toward_3b"] = True

    def export_order(self) -> list[Any]:
        table = Promotion.__table__
        return [table.c.start_date, table.c.id]


PROMOTION_IMPORT = PromotionImport(PROMOTIONS)

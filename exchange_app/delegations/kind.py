"""The delegation, declared once: every field's label, limits, import column and export.

The form (``forms.py``), the import and its template, the list export, the change
history and the audit trail all read ``DELEGATIONS``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from exchange_app.importing.bulk import KindImport, Report, RowContext, RowPlan, chunks
from exchange_app.importing.columns import (
    DATE_NOTE_EN,
    DATE_NOTE_JA,
    external_id_field,
)
from exchange_app.importing.rows import RowsImport
from exchange_app.models import (
    CourtesyCall,
    Delegation,
    DelegationField,
    DelegationMember,
    Gift,
    LeadingProject,
)
from exchange_app.partners.kind import PARTNER_NOTE_EN, PARTNER_NOTE_JA, partner_city_field
from exchange_app.records.fields import Field, FieldType, ImportColumn, Reference, RowKind
from exchange_app.records.kind import ExportColumn, RecordKind, RecordValues
from exchange_app.records.rules import end_not_before_start
from exchange_app.services.counterparts import COUNTERPART
from exchange_app.services.dates import fiscal_year_label, fiscal_year_of
from exchange_app.vocab import Direction, EntityType, ExchangeField, GiftDirection


def _joined(parts: Iterable[str | None], separator: str = " ") -> str:
    return separator.join(part for part in parts if part)


def counterpart_link(label: Any) -> Field:
    """A row's link to the person in the counterparts directory (chosen in the form)."""
    return Field(
        "counterpart_id",
        FieldType.REFERENCE,
        label,
        reference=COUNTERPART,
        blank_label=_l("— not listed —"),
    )


def _project_options(session: Session, language: str) -> list[tuple[int, str]]:
    projects = session.scalars(select(LeadingProject).order_by(LeadingProject.number))
    return [(p.id, f"{p.number}. {p.name(language)}") for p in projects]


LEADING_PROJECT = Reference(
    model=LeadingProject,
    audit_name="number",
    options=_project_options,
    sort_key="number",
    label=lambda project, language: f"{project.number} {project.name(language)}",
    not_offered_message=_l("Choose leading projects from the list."),
)

MEMBERS = RowKind(
    key="members",
    model=DelegationMember,
    label=_l("Members"),
    add_label=_l("Add a member"),
    fields=(
        Field(
            "name",
            FieldType.TEXT,
            _l("Full name"),
            required=True,
            max_length=100,
            required_message=_l("Enter the member's name."),
            import_column=ImportColumn(
                "name", ("氏名", "名前"), "団員の氏名。", "The member's full name.", "王 明"
            ),
        ),
        Field(
            "organization",
            FieldType.TEXT,
            _l("Organisation"),
            max_length=200,
            import_column=ImportColumn(
                "organization", ("所属", "所属機関"), "所属（任意）。", "Organisation.",
                "桂林市人民政府",
            ),
        ),
        Field(
            "title",
            FieldType.TEXT,
            _l("Job title"),
            max_length=100,
            import_column=ImportColumn("title", ("役職", "肩書"), "役職（任意）。", "Job title.", "副市長"),
        ),
        counterpart_link(_l("Person in the directory")),
    ),
    not_declared=frozenset({"id", "delegation_id", "position"}),
    export_line=lambda m: _joined([m.name, _joined([m.organization, m.title])], "　"),
)

COURTESY_CALLS = RowKind(
    key="courtesy_calls",
    model=CourtesyCall,
    label=_l("Courtesy calls"),
    add_label=_l("Add a courtesy call"),
    fields=(
        Field(
            "visited",
            FieldType.TEXT,
            _l("Who was visited"),
            required=True,
            max_length=200,
            required_message=_l("Enter who was visited."),
            import_column=ImportColumn(
                "visited", ("表敬先", "訪問先"), "表敬訪問の相手。", "Who was visited.", "熊本市長"
            ),
        ),
        Field(
            "visited_on",
            FieldType.DATE,
            _l("Date"),
            import_column=ImportColumn("date", ("日付", "表敬日"), DATE_NOTE_JA, DATE_NOTE_EN),
        ),
        Field(
            "notes",
            FieldType.TEXT,
            _l("Notes"),
            max_length=2000,
            import_column=ImportColumn("notes", ("備考", "メモ"), "備考（任意）。", "Notes.", ""),
        ),
        counterpart_link(_l("Person met")),
    ),
    not_declared=frozenset({"id", "delegation_id", "position"}),
    export_line=lambda c: _joined([c.visited_on.isoformat() if c.visited_on else None, c.visited]),
)

GIFTS = RowKind(
    key="gifts",
    model=Gift,
    label=_l("Gifts"),
    add_label=_l("Add a gift"),
    fields=(
        Field(
            "direction",
            FieldType.CHOICE,
            _l("Given or received"),
            required=True,
            vocabulary=GiftDirection,
            import_column=ImportColumn(
                "direction", ("贈呈・受領", "区分"), "贈呈したか受領したか。",
                "Given or received.", "given",
            ),
        ),
        Field(
            "description",
            FieldType.TEXT,
            _l("Gift item"),
            required=True,
            max_length=500,
            required_message=_l("Describe the gift."),
            import_column=ImportColumn(
                "description", ("品名", "贈呈品"), "品名。", "The gift.", "肥後象嵌の文鎮"
            ),
        ),
        Field(
            "counterpart",
            FieldType.TEXT,
            _l("Giver or recipient"),
            max_length=200,
            import_column=ImportColumn(
                "counterpart", ("相手", "贈呈先・贈呈者"), "贈った相手・贈ってくれた相手（任意）。",
                "Giver or recipient.", "桂林市長",
            ),
        ),
        Field(
            "given_on",
            FieldType.DATE,
            _l("Date"),
            import_column=ImportColumn("date", ("日付", "贈呈日"), DATE_NOTE_JA, DATE_NOTE_EN),
        ),
        counterpart_link(_l("Person in the directory")),
    ),
    not_content=frozenset({"direction"}),
    not_declared=frozenset({"id", "delegation_id", "position"}),
    export_line=lambda g: _joined(
        [
            f"[{GiftDirection.label_of(g.direction)}]",
            g.description,
            g.counterpart,
            g.given_on.isoformat() if g.given_on else None,
        ]
    ),
)


def partner_or_counterpart(values: RecordValues) -> Iterator[tuple[str, str]]:
    """A visit is with a partner city, or names its counterpart."""
    if (
        "partner_city_id" in values
        and not values.get("partner_city_id")
        and not values.get("counterpart")
    ):
        yield (
            "partner_city_id",
            _("Choose a partner city, or enter the counterpart below if it is not one."),
        )


def members_within_count(values: RecordValues) -> Iterator[tuple[str, str]]:
    """The number of people is at least the number of members listed."""
    named, count = len(values.get("members") or []), values.get("member_count")
    if isinstance(count, int) and count >= 1 and named > count:
        yield (
            "member_count",
            _("%(named)d members are listed: the number of people cannot be smaller.", named=named),
        )


DELEGATIONS = RecordKind(
    key="delegations",
    entity_type=EntityType.DELEGATION,
    model=Delegation,
    label=_l("Delegations"),
    fields=(
        external_id_field(("管理番号", "整理番号", "id"), "GL-2024-01"),
        Field(
            "direction",
            FieldType.CHOICE,
            _l("Direction"),
            required=True,
            vocabulary=Direction,
            required_message=_l("Choose whether the delegation was sent or hosted."),
            export_header="区分",
            import_column=ImportColumn(
                "direction",
                ("方向", "区分", "受入/派遣", "受入・派遣"),
                "受入（inbound）または派遣（outbound）。",
                "inbound (受入, hosted) or outbound (派遣, sent).",
                "受入",
            ),
        ),
        partner_city_field(
            blank_label=_l("— not a partner city —"),
            import_column=ImportColumn(
                "partner",
                ("相手都市", "都市", "友好姉妹都市", "友好姉妹都市等"),
                PARTNER_NOTE_JA + "友好姉妹都市等以外の相手は counterpart に記入。",
                PARTNER_NOTE_EN + " For any other counterpart use the counterpart column.",
                "桂林市",
            ),
        ),
        Field(
            "counterpart",
            FieldType.TEXT,
            _l("Counterpart (if not a partner city)"),
            max_length=200,
            export_header="相手先（友好姉妹都市等以外）",
            import_column=ImportColumn(
                "counterpart",
                ("相手方", "相手先", "相手機関"),
                "相手方（partner が空のときは必須）。",
                "The counterpart (required when partner is empty).",
                "桂林市人民政府",
            ),
        ),
        Field(
            "title",
            FieldType.TEXT,
            _l("Title"),
            required=True,
            max_length=200,
            required_message=_l("Enter a title."),
            export_header="件名",
            import_column=ImportColumn(
                "title",
                ("件名", "名称", "事業名"),
                "件名。",
                "Title of the visit.",
                "桂林市友好代表団の受入",
            ),
        ),
        Field(
            "start_date",
            FieldType.DATE,
            _l("Start date"),
            required=True,
            required_message=_l("Enter the start date."),
            help=_l("YYYY-MM-DD"),
            export_header="開始日",
            import_column=ImportColumn(
                "start_date",
                ("開始日", "訪問開始日", "期間（開始）", "期間(開始)"),
                DATE_NOTE_JA,
                DATE_NOTE_EN,
                "令和6年4月1日",
            ),
        ),
        Field(
            "end_date",
            FieldType.DATE,
            _l("End date"),
            required=True,
            required_message=_l("Enter the end date."),
            help=_l("YYYY-MM-DD"),
            export_header="終了日",
            import_column=ImportColumn(
                "end_date",
                ("終了日", "訪問終了日", "期間（終了）", "期間(終了)"),
                DATE_NOTE_JA + "開始日以降。",
                DATE_NOTE_EN + " Not before start_date.",
                "2024-04-05",
            ),
        ),
        Field(
            "head_name",
            FieldType.TEXT,
            _l("Head of delegation"),
            max_length=100,
            export_header="団長",
            import_column=ImportColumn(
                "head_name",
                ("団長名", "団長", "代表者名"),
                "団長の氏名。",
                "Name of the head of the delegation.",
                "王 明",
            ),
        ),
        Field(
            "head_title",
            FieldType.TEXT,
            _l("Head's title"),
            max_length=100,
            export_header="団長役職",
            import_column=ImportColumn(
                "head_title",
                ("団長役職", "役職", "代表者役職"),
                "団長の役職。",
                "Title of the head of the delegation.",
                "副市長",
            ),
        ),
        Field(
            "member_count",
            FieldType.INTEGER,
            _l("Number of people"),
            required=True,
            minimum=1,
            maximum=10_000,
            required_message=_l("Enter the number of people (at least 1)."),
            range_message=_l("The number of people must be from 1 to 10,000."),
            invalid_message=_l("Enter the number of people as a whole number."),
            export_header="人数",
            import_column=ImportColumn(
                "member_count",
                ("人数", "団員数", "訪問人数"),
                "団員数（整数。範囲は「使える値」の列）。",
                "Number of members (a whole number, 1 or more).",
                8,
            ),
        ),
        Field(
            "fields",
            FieldType.CHOICES,
            _l("Fields of exchange"),
            vocabulary=ExchangeField,
            export_header="交流分野",
            import_column=ImportColumn(
                "fields",
                ("分野", "交流分野"),
                "交流分野。複数は「;」または「、」で区切る。",
                "Fields of exchange; separate several with ';' or '、'.",
                "観光、青少年",
            ),
        ),
        Field(
            "leading_projects",
            FieldType.REFERENCES,
            _l("Leading projects"),
            reference=LEADING_PROJECT,
            relationship="leading_projects",
            export_header="リーディングプロジェクト",
        ),
        Field(
            "purpose",
            FieldType.LONG_TEXT,
            _l("Purpose"),
            max_length=5000,
            export_header="目的",
            import_column=ImportColumn(
                "purpose", ("目的", "訪問目的"), "目的。", "Purpose.", "友好交流45周年記念"
            ),
        ),
        Field(
            "outcome",
            FieldType.LONG_TEXT,
            _l("Outcome"),
            max_length=5000,
            export_header="成果",
            import_column=ImportColumn("outcome", ("成果", "結果"), "成果。", "Outcome.", ""),
        ),
        Field("members", FieldType.ROWS, _l("Members"), rows=MEMBERS, export_header="団員"),
        Field(
            "courtesy_calls",
            FieldType.ROWS,
            _l("Courtesy calls"),
            rows=COURTESY_CALLS,
            export_header="表敬訪問",
        ),
        Field("gifts", FieldType.ROWS, _l("Gifts"), rows=GIFTS, export_header="贈呈品"),
    ),
    rules=(end_not_before_start, partner_or_counterpart, members_within_count),
    export_prefix=(
        ExportColumn("ID", lambda d: d.id),
        ExportColumn("年度", lambda d: fiscal_year_label(fiscal_year_of(d.start_date), "ja")),
    ),
)


class DelegationImport(KindImport):
    """Delegations in bulk; their fields of exchange live in a table of their own."""

    def export_order(self) -> list[Any]:
        table = Delegation.__table__
        return [table.c.start_date, table.c.id]

    def load_extras(self, session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
        fields: dict[int, list[str]] = {i: [] for i in ids}
        for part in chunks(ids):
            for row in session.execute(
                select(DelegationField.delegation_id, DelegationField.field)
                .where(DelegationField.delegation_id.in_(part))
                .order_by(DelegationField.field)
            ):
                fields[row.delegation_id].append(row.field)
        return {i: {"fields": sorted(f)} for i, f in fields.items()}

    def _insert_fields(self, session: Session, rows: list[RowPlan]) -> None:
        params = [
            {"delegation_id": row.record_id, "field": field}
            for row in rows
            for field in row.values.get("fields") or []
        ]
        for part in chunks(params, 1000):
            session.execute(insert(DelegationField), part)

    def after_insert(self, session: Session, rows: list[RowPlan]) -> None:
        self._insert_fields(session, rows)

    def after_update(self, session: Session, rows: list[RowPlan]) -> None:
        changed = [row for row in rows if "fields" in row.changed]
        for part in chunks([row.record_id for row in changed]):
            session.execute(delete(DelegationField).where(DelegationField.delegation_id.in_(part)))
        self._insert_fields(session, changed)


DELEGATION_IMPORT = DelegationImport(DELEGATIONS)

DELEGATION = Reference(
    model=Delegation,
    external_id_prefix="delegation",
    details=("member_count",),
    export_name="external_id",
    type_note=("訪問団の管理番号", "delegation external_id"),
    unknown_message=lambda value: _(
        "no delegation has the external_id '%(value)s': import the delegations first",
        value=value,
    ),
)


def _rows_kind(rows: RowKind, key: str, label: Any) -> RecordKind:
    """A delegation's child rows as a kind of their own, for files: its delegation, then
    the rows' own fields as the form declares them."""
    return RecordKind(
        key=key,
        entity_type=EntityType.DELEGATION,
        model=rows.model,
        label=label,
        fields=(
            Field(
                "delegation_id",
                FieldType.REFERENCE,
                _l("Delegation"),
                required=True,
                reference=DELEGATION,
                in_form=False,
                import_column=ImportColumn(
                    "delegation_external_id",
                    ("訪問団管理番号", "訪問団番号"),
                    "訪問団の管理番号（訪問団の external_id）。先に訪問団を取り込むこと。"
                    "同じ訪問団の行は上から順に1件目、2件目…として登録・更新されます。",
                    "The external_id of the delegation; import the delegations first. A "
                    "delegation's rows are its first, second, ... in the order of the file.",
                    "GL-2024-01",
                    structured=True,
                ),
            ),
            *rows.fields,
        ),
        not_declared=rows.not_declared - {"delegation_id"},
    )


class DelegationRowsImport(RowsImport):
    """A delegation's members, courtesy calls or gifts, in the delegations' order."""

    def parent_order(self) -> list[Any]:
        return DELEGATION_IMPORT.export_order()


class DelegationMembersImport(DelegationRowsImport):
    """Members, no more than the delegation's number of people (the form's rule)."""

    def check_count(
        self, values: dict[str, Any], rows: int, report: Report, context: RowContext
    ) -> None:
        details = context.references[self.parent_column].details.get(
            values[self.parent_column], {}
        )
        counted = RecordValues(
            {"members": [None] * rows, "member_count": details.get("member_count")}
        )
        for _key, message in members_within_count(counted):
            report(self.parent_column, message)


DELEGATION_MEMBER_IMPORT = DelegationMembersImport(
    _rows_kind(MEMBERS, "delegation-members", _l("Delegation members")), "delegation_id"
)
COURTESY_CALL_IMPORT = DelegationRowsImport(
    _rows_kind(COURTESY_CALLS, "courtesy-calls", _l("Courtesy calls")), "delegation_id"
)
GIFT_IMPORT = DelegationRowsImport(_rows_kind(GIFTS, "gifts", _l("Gifts")), "delegation_id")

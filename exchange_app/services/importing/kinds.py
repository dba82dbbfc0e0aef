"""The four kinds of import: how a row maps to a record, and back for the export.

Reads and writes are done in bulk (a few statements per file, never one per row),
so ten thousand rows take seconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from exchange_app.db import utcnow
from exchange_app.models import (
    Delegation,
    DelegationField,
    Organization,
    Participant,
    PartnerCity,
    Promotion,
    YouthPerson,
    YouthProgram,
)
from exchange_app.services import youth
from exchange_app.services.importing import rules
from exchange_app.services.importing.columns import (
    DELEGATION_COLUMNS,
    PARTICIPANT_COLUMNS,
    PROMOTION_COLUMNS,
    YOUTH_PROGRAM_COLUMNS,
    Column,
)
from exchange_app.services.importing.normalise import clean_text, lookup_key, vocabulary_lookup
from exchange_app.services.importing.plan import RowContext, RowPlan

CHUNK = 500
Report = Callable[[str | None, str], None]


def chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    """``items`` in slices of ``size`` (keeps IN lists within every database's limits)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ImportKind:
    """What every kind shares: lookups, the external_id upsert, bulk insert and update."""

    key = ""
    entity_type = ""
    label: Any = ""
    model: Any = None
    columns: tuple[Column, ...] = ()
    personal = False
    key_column = "external_id"
    # column key -> model attribute, where they differ
    attributes: dict[str, str] = {}
    # columns not stored on the model's own table
    extra_columns: tuple[str, ...] = ()

    @property
    def compared_columns(self) -> list[str]:
        """The columns compared with the stored record to tell update from unchanged."""
        return [c.key for c in self.columns]

    # --- reading ---------------------------------------------------------------------------

    def context(self, session: Session, raw_rows: list[tuple[int, dict[str, Any]]]) -> RowContext:
        """Load, once per file, every lookup the rows need."""
        types = {c.type for c in self.columns}
        partners: dict[str, int] = {}
        if "partner" in types:
            for city in session.execute(
                select(PartnerCity.id, PartnerCity.slug, PartnerCity.name_ja, PartnerCity.name_en)
            ):
                for name in (city.slug, city.name_ja, city.name_en):
                    partners[lookup_key(name)] = city.id
                # 桂林 as well as 桂林市
                if city.name_ja.endswith("市"):
                    partners.setdefault(lookup_key(city.name_ja[:-1]), city.id)
        organizations: dict[str, tuple[int, str]] = {}
        if "organization" in types:
            rows = list(
                session.execute(
                    select(
                        Organization.id,
                        Organization.kind,
                        Organization.name_ja,
                        Organization.name_en,
                        Organization.merged_into_id,
                    )
                )
            )
            by_id = {row.id: row for row in rows}
            for row in rows:
                target = row
                # A merged organisation stands for the one it was merged into.
                for _step in range(10):
                    if target.merged_into_id is None or target.merged_into_id not in by_id:
                        break
                    target = by_id[target.merged_into_id]
                for name in (row.name_ja, row.name_en):
                    organizations.setdefault(lookup_key(name), (target.id, target.kind))
        programs: dict[str, int] = {}
        if "program" in types:
            wanted = {
                text
                for _line, raw in raw_rows
                if (text := clean_text(raw.get("program_external_id"))) is not None
            }
            programs = resolve_external_ids(session, YouthProgram, "youth-program", sorted(wanted))
        choice_lookups = {
            c.key: vocabulary_lookup(c.labels or {})
            for c in self.columns
            if c.type in ("choice", "choices")
        }
        return RowContext(partners, organizations, programs, choice_lookups)

    def check_row(self, values: dict[str, Any], report: Report, context: RowContext) -> None:
        """Rules across columns of one row (after each cell was read)."""

    def natural_key(self, values: dict[str, Any]) -> Any:
        """What identifies the record a row stands for."""
        return values.get("external_id")

    def key_text(self, values: dict[str, Any], raw: dict[str, Any]) -> str:
        """The row's identifier as shown in the preview."""
        return str(values.get("external_id") or clean_text(raw.get("external_id")) or "")

    def label_text(self, values: dict[str, Any], raw: dict[str, Any]) -> str:
        """A short description of the row for the preview."""
        return str(values.get("title") or clean_text(raw.get("title")) or "")

    # --- the stored records --------------------------------------------------------------------

    def record_columns(self, values: dict[str, Any]) -> dict[str, Any]:
        """The model's own columns for a row's values."""
        return {
            self.attributes.get(key, key): value
            for key, value in values.items()
            if key not in self.extra_columns
        }

    def values_from_record(self, row: Any) -> dict[str, Any]:
        """A stored record's values keyed like the import's columns."""
        mapping = row._mapping
        return {
            c.key: mapping[self.attributes.get(c.key, c.key)]
            for c in self.columns
            if c.key not in self.extra_columns
        }

    def record_select(self) -> Any:
        """The statement reading the columns the import compares."""
        table = self.model.__table__
        names = {"id", "version"} | ({"external_id"} & set(table.c.keys())) | {
            self.attributes.get(c.key, c.key)
            for c in self.columns
            if c.key not in self.extra_columns
        }
        return select(*[table.c[name] for name in sorted(names)])

    def load_extras(self, session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
        """Values kept outside the record's table (e.g. a delegation's fields)."""
        return {}

    def load_existing(self, session: Session, keys: list[Any]) -> dict[Any, dict[str, Any]]:
        """The stored records the rows' external_ids point at, in a few queries."""
        table = self.model.__table__
        found: dict[Any, dict[str, Any]] = {}
        rows: list[Any] = []
        wanted = [k for k in keys if k]
        for part in chunks(wanted):
            rows.extend(session.execute(self.record_select().where(table.c.external_id.in_(part))))
        generated = {
            int(match.group(1)): key
            for key in wanted
            if (match := re.fullmatch(rf"{self.entity_prefix}-(\d+)", key))
        }
        for part in chunks(sorted(generated)):
            rows.extend(
                session.execute(
                    self.record_select().where(table.c.id.in_(part), table.c.external_id.is_(None))
                )
            )
        extras = self.load_extras(session, [row.id for row in rows])
        for row in rows:
            key = row.external_id or generated.get(row.id)
            values = self.values_from_record(row)
            values.update(extras.get(row.id, {}))
            values["external_id"] = key
            found[key] = {"id": row.id, "version": row.version, "values": values}
        return found

    @property
    def entity_prefix(self) -> str:
        """The prefix of external ids made up by the export for records that have none."""
        return self.entity_type.replace("_", "-")

    # --- writing ---------------------------------------------------------------------------

    def insert(self, session: Session, rows: list[RowPlan], user_id: int | None) -> list[int]:
        """Insert every new row in one bulk statement; returns the new ids in row order."""
        now = utcnow()
        params = [
            {
                **self.record_columns(row.values),
                "version": 1,
                "created_at": now,
                "updated_at": now,
                "created_by_id": user_id,
                "updated_by_id": user_id,
            }
            for row in rows
        ]
        table = self.model.__table__
        # Rows come back in no guaranteed order (asking for one makes SQLite insert row by
        # row), so new ids are matched to rows by external_id where the kind has one.
        has_external_id = "external_id" in table.c
        returning = [table.c.id, table.c.external_id] if has_external_id else [table.c.id]
        new_ids: dict[Any, int] = {}
        ids: list[int] = []
        for part in chunks(params, 1000):
            for returned in session.connection().execute(
                table.insert().returning(*returning), part
            ):
                ids.append(returned.id)
                if has_external_id:
                    new_ids[returned.external_id] = returned.id
        if has_external_id:
            for row in rows:
                row.record_id = new_ids[row.values["external_id"]]
        self.after_insert(session, rows)
        return sorted(ids)

    def after_insert(self, session: Session, rows: list[RowPlan]) -> None:
        """Write what lives outside the record's table, for new records."""

    def update(self, session: Session, rows: list[RowPlan], user_id: int | None) -> list[int]:
        """Update every changed row in one executemany, checking each record's version."""
        table = self.model.__table__
        now = utcnow()
        params = [
            {
                **self.record_columns(row.values),
                "version": (row.version or 0) + 1,
                "updated_at": now,
                "updated_by_id": user_id,
                "b_id": row.record_id,
                "b_version": row.version,
            }
            for row in rows
        ]
        statement = table.update().where(
            table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version")
        )
        updated = 0
        for part in chunks(params, 1000):
            result = session.connection().execute(statement, part)
            updated += result.rowcount
        dialect = session.get_bind().dialect
        if dialect.supports_sane_multi_rowcount and updated != len(params):
            raise StaleDataError("a record changed while the file was being imported")
        self.after_update(session, rows)
        return [row.record_id for row in rows if row.record_id is not None]

    def after_update(self, session: Session, rows: list[RowPlan]) -> None:
        """Write what lives outside the record's table, for updated records."""

    # --- export ----------------------------------------------------------------------------

    def export_order(self) -> list[Any]:
        """How exported records are ordered."""
        return [self.model.__table__.c.id]

    def export_values(self, session: Session) -> Iterable[dict[str, Any]]:
        """Every stored record's values keyed like the import's columns."""
        rows = list(session.execute(self.record_select().order_by(*self.export_order())))
        extras = self.load_extras(session, [row.id for row in rows])
        for row in rows:
            values = self.values_from_record(row)
            values.update(extras.get(row.id, {}))
            values["external_id"] = row.external_id or f"{self.entity_prefix}-{row.id}"
            yield values


def resolve_external_ids(
    session: Session, model: Any, prefix: str, keys: list[str]
) -> dict[str, int]:
    """Record ids by external_id (or by the ``prefix-<id>`` the export makes up)."""
    found: dict[str, int] = {}
    for part in chunks(keys):
        for row in session.execute(
            select(model.id, model.external_id).where(model.external_id.in_(part))
        ):
            found[row.external_id] = row.id
    generated = {
        int(m.group(1)): key for key in keys if (m := re.fullmatch(rf"{prefix}-(\d+)", key))
    }
    for part in chunks(sorted(generated)):
        for row in session.execute(
            select(model.id).where(model.id.in_(part), model.external_id.is_(None))
        ):
            found.setdefault(generated[row.id], row.id)
    return found


def _end_not_before_start(values: dict[str, Any], start: str, report: Report) -> None:
    end_date, start_date = values.get("end_date"), values.get(start)
    if end_date and start_date and end_date < start_date:
        report(
            "end_date",
            _(
                "the end date %(end)s is before the start date %(start)s",
                end=end_date.isoformat(),
                start=start_date.isoformat(),
            ),
        )


class DelegationKind(ImportKind):
    """Delegation visits, both ways."""

    key = "delegations"
    entity_type = "delegation"
    label = _l("Delegations")
    model = Delegation
    columns = DELEGATION_COLUMNS
    attributes = {"partner": "partner_city_id"}
    extra_columns = ("fields",)

    def check_row(self, values: dict[str, Any], report: Report, context: RowContext) -> None:
        _end_not_before_start(values, "start_date", report)
        if values.get("partner") is None and not values.get("counterpart"):
            report("partner", _("give a partner city or a counterpart"))

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


class YouthProgramKind(ImportKind):
    """Youth exchange programmes."""

    key = "youth-programs"
    entity_type = "youth_program"
    label = _l("Youth programmes")
    model = YouthProgram
    columns = YOUTH_PROGRAM_COLUMNS
    attributes = {"partner": "partner_city_id"}

    def check_row(self, values: dict[str, Any], report: Report, context: RowContext) -> None:
        _end_not_before_start(values, "start_date", report)
        if values.get("kind") == "partner_exchange" and values.get("partner") is None:
            report("partner", _("an exchange with a partner city needs the partner city"))

    def export_order(self) -> list[Any]:
        table = YouthProgram.__table__
        return [table.c.start_date, table.c.id]


class PromotionKind(ImportKind):
    """Promotions through the international network (indicator 3b)."""

    key = "promotions"
    entity_type = "promotion"
    label = _l("Promotions")
    model = Promotion
    columns = PROMOTION_COLUMNS
    attributes = {
        "partner": "partner_city_id",
        "organization": "organization_id",
        "date": "start_date",
    }

    def check_row(self, values: dict[str, Any], report: Report, context: RowContext) -> None:
        _end_not_before_start(values, "date", report)
        if values.get("counts_toward_3b") is None:
            values["counts_toward_3b"] = True
        if values.get("partner") is None and values.get("organization") is None:
            report("partner", _("give a partner city or an organisation"))
            return
        organization_kind = organization_name = None
        if values.get("organization") is not None:
            organization_kind = context.organization_kinds.get(values["organization"])
            organization_name = context.organization_names.get(values["organization"])
        problem = rules.channel_problem(
            values.get("channel"),
            values.get("partner") is not None,
            organization_kind,
            organization_name or "",
        )
        if problem:
            report(*problem)
        message = rules.exclusion_reason_problem(
            values["counts_toward_3b"], values.get("exclusion_reason")
        )
        if message:
            report("exclusion_reason", message)

    def export_order(self) -> list[Any]:
        table = Promotion.__table__
        return [table.c.start_date, table.c.id]


class ParticipantKind(ImportKind):
    """The people registered on youth programmes (personal data)."""

    key = "participants"
    entity_type = "participant"
    label = _l("Youth participants")
    model = Participant
    columns = PARTICIPANT_COLUMNS
    personal = True
    key_column = "family_name"
    attributes = {"program_external_id": "program_id"}

    def check_row(self, values: dict[str, Any], report: Report, context: RowContext) -> None:
        for key in ("family_name_kana", "given_name_kana"):
            message = rules.kana_problem(values.get(key))
            if message:
                report(key, message)
        message = rules.phone_problem(values.get("guardian_phone"))
        if message:
            report("guardian_phone", message)
        message = rules.youth_consent_problem(
            values.get("role"), values.get("status"), values.get("guardian_consent_on")
        )
        if message:
            report("guardian_consent_on", message)
        birth = values.get("birth_date")
        if birth and birth > date.today():
            report("birth_date", _("the birth date is in the future"))

    @staticmethod
    def identity(values: dict[str, Any]) -> Any:
        """Who the row is: the person-matching key, else the written name and birth date."""
        match = rules.person_match_key(
            values.get("family_name_kana"), values.get("given_name_kana"), values.get("birth_date")
        )
        if match is not None:
            return ("kana", *match)
        return (
            "name",
            values.get("family_name"),
            values.get("given_name"),
            values.get("birth_date"),
        )

    def natural_key(self, values: dict[str, Any]) -> Any:
        return (values.get("program_external_id"), self.identity(values))

    def key_text(self, values: dict[str, Any], raw: dict[str, Any]) -> str:
        return str(clean_text(raw.get("program_external_id")) or "")

    def label_text(self, values: dict[str, Any], raw: dict[str, Any]) -> str:
        names = [clean_text(raw.get("family_name")), clean_text(raw.get("given_name"))]
        return " ".join(n for n in names if n)

    def record_select(self) -> Any:
        return super().record_select().add_columns(Participant.__table__.c.person_id)

    def load_existing(self, session: Session, keys: list[Any]) -> dict[Any, dict[str, Any]]:
        program_ids = sorted({key[0] for key in keys if key[0] is not None})
        found: dict[Any, dict[str, Any]] = {}
        table = Participant.__table__
        for part in chunks(program_ids):
            for row in session.execute(
                self.record_select().where(
                    table.c.program_id.in_(part), table.c.anonymized_at.is_(None)
                )
            ):
                values = self.values_from_record(row)
                found.setdefault(
                    self.natural_key(values),
                    {"id": row.id, "version": row.version, "values": values},
                )
        return found

    def record_columns(self, values: dict[str, Any]) -> dict[str, Any]:
        # Rows carry the matched youth person and the age band under private keys.
        own = {k: v for k, v in values.items() if not k.startswith("_")}
        columns = super().record_columns(own)
        if "_person_id" in values:
            columns["person_id"] = values["_person_id"]
        if "_age_band" in values:
            columns["age_band"] = values["_age_band"]
        return columns

    def _set_age_bands(self, session: Session, rows: list[RowPlan]) -> None:
        """The age band at the programme's start, kept after anonymisation (youth's rule)."""
        program_ids = {row.values["program_external_id"] for row in rows}
        starts: dict[int, date] = {}
        for part in chunks(sorted(program_ids)):
            starts.update(
                session.execute(
                    select(YouthProgram.id, YouthProgram.start_date).where(
                        YouthProgram.id.in_(part)
                    )
                ).all()
            )
        for row in rows:
            start = starts.get(row.values["program_external_id"])
            birth = row.values.get("birth_date")
            row.values["_age_band"] = (
                youth.age_band(youth.age_on(birth, start)) if start and birth else None
            )

    def insert(self, session: Session, rows: list[RowPlan], user_id: int | None) -> list[int]:
        persons = self._persons_for(session, rows)
        for row in rows:
            row.values["_person_id"] = persons.get(self.identity(row.values))
        self._set_age_bands(session, rows)
        return super().insert(session, rows, user_id)

    def update(self, session: Session, rows: list[RowPlan], user_id: int | None) -> list[int]:
        self._set_age_bands(session, rows)
        return super().update(session, rows, user_id)

    def _persons_for(self, session: Session, rows: list[RowPlan]) -> dict[Any, int]:
        """The youth person of each identity: an existing one (same kana and birth date), or new."""
        identities = {self.identity(row.values) for row in rows}
        wanted = {i for i in identities if i[0] == "kana"}
        persons: dict[Any, int] = {}
        births = sorted({i[3] for i in wanted})
        table = Participant.__table__
        for part in chunks(births):
            for row in session.execute(
                select(
                    table.c.family_name_kana,
                    table.c.given_name_kana,
                    table.c.birth_date,
                    table.c.person_id,
                ).where(table.c.birth_date.in_(part), table.c.person_id.is_not(None))
            ):
                match = rules.person_match_key(
                    row.family_name_kana, row.given_name_kana, row.birth_date
                )
                if match is not None and ("kana", *match) in wanted:
                    persons.setdefault(("kana", *match), row.person_id)
        missing = [i for i in identities if i not in persons]
        now = utcnow()
        new_ids: list[int] = []
        table = YouthPerson.__table__
        for part in chunks([{"created_at": now} for _person in missing], 1000):
            # New persons hold nothing but their id, so any id may go to any identity.
            new_ids.extend(
                session.connection().execute(table.insert().returning(table.c.id), part).scalars()
            )
        persons.update(zip(missing, new_ids, strict=True))
        return persons

    def export_order(self) -> list[Any]:
        table = Participant.__table__
        return [table.c.program_id, table.c.id]

    def export_values(self, session: Session) -> Iterable[dict[str, Any]]:
        programs = {
            row.id: row.external_id or f"youth-program-{row.id}"
            for row in session.execute(select(YouthProgram.id, YouthProgram.external_id))
        }
        table = Participant.__table__
        rows = session.execute(
            self.record_select()
            .where(table.c.anonymized_at.is_(None))
            .order_by(*self.export_order())
        )
        for row in rows:
            values = self.values_from_record(row)
            values["program_external_id"] = programs.get(values["program_external_id"])
            yield values


KINDS: dict[str, ImportKind] = {
    kind.key: kind
    for kind in (DelegationKind(), YouthProgramKind(), ParticipantKind(), PromotionKind())
}


def get_kind(key: str) -> ImportKind:
    """The import kind called ``key`` (``delegations``, ``youth-programs``, ...)."""
    try:
        return KINDS[key]
    except KeyError:
        raise ValueError(f"unknown import kind: {key}") from None

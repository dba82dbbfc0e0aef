"""Records of one kind in from a file and out again, in bulk, from the kind's declaration.

``KindImport`` knows no feature: it reads a ``RecordKind``'s import columns and writes
their values to the kind's table in a few statements per file (never one per row), so
ten thousand rows take seconds. A feature whose records keep values outside their own
table (a delegation's fields of exchange) subclasses it in its own ``kind.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from exchange_app.db import utcnow
from exchange_app.importing.normalise import clean_text, lookup_key, vocabulary_lookup
from exchange_app.records.fields import Field, FieldType, Reference
from exchange_app.records.kind import RecordKind, RecordValues

CHUNK = 500
Report = Callable[[str | None, str], None]


def chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    """``items`` in slices of ``size`` (keeps IN lists within every database's limits)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class RowPlan:
    """What will happen to one row of the file."""

    line: int
    action: str  # create, update, unchanged, error
    key: str
    label: str
    values: dict[str, Any]
    record_id: int | None = None
    version: int | None = None
    changed: list[str] = field(default_factory=list)
    # Reference columns naming a record the import will create: column -> the name.
    new_references: dict[str, str] = field(default_factory=dict)
    # What the user should know before confirming (a person linked or possibly the same).
    notes: list[str] = field(default_factory=list)
    # Records the user may link a new row to (a person who may be the same), best first,
    # and the one the user chose (None: the row makes a record of its own).
    offers: list[int] = field(default_factory=list)
    linked: int | None = None


@dataclass
class NewReference:
    """A record a row names that does not exist yet: what is known of it, to create it."""

    text: str
    values: dict[str, Any]


@dataclass
class ReferenceLookup:
    """The records one reference field may name in a file: by name (or external id)."""

    by_name: dict[str, int] = field(default_factory=dict)
    details: dict[int, dict[str, Any]] = field(default_factory=dict)
    export_names: dict[int, Any] = field(default_factory=dict)


@dataclass
class RowContext:
    """What a kind needs to turn cells into values: the lookups loaded once for a file."""

    references: dict[str, ReferenceLookup]
    choice_lookups: dict[str, dict[str, str]]
    session: Session | None = None


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


def load_reference(
    session: Session, reference: Reference, wanted: Iterable[str] = ()
) -> ReferenceLookup:
    """Every record a reference may name (by its names), or the external ids ``wanted``."""
    model = reference.model
    lookup = ReferenceLookup()
    columns = [
        model.id,
        *(getattr(model, name) for name in reference.names),
        *(getattr(model, name) for name in reference.details),
    ]
    if reference.merged_into:
        columns.append(getattr(model, reference.merged_into))
    if reference.export_name:
        columns.append(getattr(model, reference.export_name))
    if reference.external_id_prefix is not None:
        lookup.by_name = resolve_external_ids(
            session, model, reference.external_id_prefix, sorted(set(wanted))
        )
        ids = sorted(set(lookup.by_name.values()))
        rows = [
            r
            for part in chunks(ids)
            for r in session.execute(select(*columns).where(model.id.in_(part)))
        ]
    else:
        rows = list(session.execute(select(*columns).order_by(model.id)))
    by_id = {row.id: row for row in rows}
    for row in rows:
        target = row
        if reference.merged_into:
            # A merged record stands for the one it was merged into.
            for _step in range(10):
                next_id = getattr(target, reference.merged_into)
                if next_id is None or next_id not in by_id:
                    break
                target = by_id[next_id]
        for name in reference.names:
            text = getattr(row, name)
            if text:
                lookup.by_name.setdefault(lookup_key(text), target.id)
                for extra in reference.extra_names(text) if reference.extra_names else ():
                    lookup.by_name.setdefault(lookup_key(extra), target.id)
        lookup.details[row.id] = {name: getattr(row, name) for name in reference.details}
        if reference.export_name:
            lookup.export_names[row.id] = getattr(row, reference.export_name)
    return lookup


class KindImport:
    """How records of one kind come in from a file, and go out in the same form."""

    key_column = "external_id"

    def __init__(self, kind: RecordKind) -> None:
        self.kind = kind
        self.fields: list[Field] = kind.import_fields
        self.by_column: dict[str, Field] = {self.column(f): f for f in self.fields}
        table = kind.model.__table__
        # Import fields kept outside the record's own table (e.g. a set of fields).
        self.extra_columns = tuple(
            self.column(f) for f in self.fields if f.model_attribute not in table.c
        )

    @staticmethod
    def column(item: Field) -> str:
        """The column key of an import field."""
        assert item.import_column is not None
        return item.import_column.key

    @property
    def key(self) -> str:
        return self.kind.key

    @property
    def entity_type(self) -> str:
        return str(self.kind.entity_type)

    @property
    def label(self) -> Any:
        return self.kind.label

    @property
    def personal(self) -> bool:
        return self.kind.personal

    @property
    def compared_columns(self) -> list[str]:
        """The columns compared with the stored record to tell update from unchanged."""
        return list(self.by_column)

    # --- reading ---------------------------------------------------------------------------

    def context(self, session: Session, raw_rows: list[tuple[int, dict[str, Any]]]) -> RowContext:
        """Load, once per file, every lookup the rows need."""
        references: dict[str, ReferenceLookup] = {}
        for item in self.fields:
            if item.type is FieldType.REFERENCE and item.reference is not None:
                column = self.column(item)
                wanted = [text for _line, raw in raw_rows if (text := clean_text(raw.get(column)))]
                references[column] = load_reference(session, item.reference, wanted)
        choice_lookups = {
            self.column(item): vocabulary_lookup(item.vocabulary.labels())
            for item in self.fields
            if item.vocabulary is not None
        }
        return RowContext(references, choice_lookups, session)

    def record_values(self, values: dict[str, Any], context: RowContext) -> RecordValues:
        """A row's values keyed by field, with the details of the records it references."""
        result = RecordValues(
            {self.by_column[c].key: v for c, v in values.items() if c in self.by_column}
        )
        for column, lookup in context.references.items():
            record_id = values.get(column)
            if isinstance(record_id, NewReference):
                result.details[self.by_column[column].key] = record_id.values
            elif record_id is not None:
                result.details[self.by_column[column].key] = lookup.details.get(record_id, {})
        return result

    def check_row(self, values: dict[str, Any], report: Report, context: RowContext) -> None:
        """The kind's checks on one row: each field's, then its rules across fields.

        The messages are the form's, reported on the column that holds the field.
        """
        columns = {f.key: self.column(f) for f in self.fields}
        for key, messages in self.kind.check(self.record_values(values, context)).items():
            for message in messages:
                report(columns.get(key), message)

    def annotate(self, session: Session, plan: Any) -> None:
        """Notes (or problems) on the classified rows of ``plan`` that need the database."""

    def new_reference_values(
        self, column: str, text: str, values: dict[str, Any]
    ) -> dict[str, Any] | None:
        """What is known, from its row, of a record named in ``column`` that does not exist
        yet; None when the import cannot create it (it must be registered first)."""
        return None

    def new_reference_problems(
        self, session: Session, column: str, values: dict[str, Any]
    ) -> list[str]:
        """What is wrong with a record ``new_reference_values`` described (checked once per
        record, however many rows name it)."""
        return []

    def new_reference_label(self, column: str, text: str, values: dict[str, Any]) -> str:
        """A record the import will create, as the preview and the command list it."""
        return text

    def create_reference(
        self, session: Session, column: str, values: dict[str, Any], user_id: int | None
    ) -> int:
        """Create a record ``new_reference_values`` described; its id."""
        raise NotImplementedError(column)

    def prepare_row(self, values: dict[str, Any]) -> None:
        """Fill what a blank cell means before the checks (a default)."""

    def natural_key(self, values: dict[str, Any]) -> Any:
        """What identifies the record a row stands for."""
        return values.get("external_id")

    def keep_stored(self, values: dict[str, Any], stored: Mapping[str, Any]) -> None:
        """Fill, from the stored record a row updates, what a blank cell keeps."""

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
            self.by_column[column].model_attribute: value
            for column, value in values.items()
            if column in self.by_column and column not in self.extra_columns
        }

    def values_from_record(self, row: Any) -> dict[str, Any]:
        """A stored record's values keyed like the import's columns."""
        mapping = row._mapping
        return {
            column: mapping[item.model_attribute]
            for column, item in self.by_column.items()
            if column not in self.extra_columns
        }

    def record_select(self) -> Any:
        """The statement reading the columns the import compares."""
        table = self.kind.model.__table__
        names = (
            {"id", "version"}
            | ({"external_id"} & set(table.c.keys()))
            | {
                item.model_attribute
                for column, item in self.by_column.items()
                if column not in self.extra_columns
            }
        )
        return select(*[table.c[name] for name in sorted(names)])

    def load_extras(self, session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
        """Values kept outside the record's table (e.g. a delegation's fields)."""
        return {}

    def load_existing(self, session: Session, keys: list[Any]) -> dict[Any, dict[str, Any]]:
        """The stored records the rows' external_ids point at, in a few queries."""
        table = self.kind.model.__table__
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
        table = self.kind.model.__table__
        # Rows come back in no guaranteed order (asking for one makes SQLite insert row by
        # row), so new ids are matched to rows by external_id where the kind names its rows
        # by one (an optional number, as a participant's, cannot).
        has_external_id = self.key_column == "external_id" and "external_id" in table.c
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
        table = self.kind.model.__table__
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
        return [self.kind.model.__table__.c.id]

    def export_conditions(self) -> list[Any]:
        """Which stored records are exported (all of them unless a kind says otherwise)."""
        return []

    def export_values(self, session: Session) -> Iterable[dict[str, Any]]:
        """Every stored record's values keyed like the import's columns."""
        statement = self.record_select().where(*self.export_conditions())
        rows = list(session.execute(statement.order_by(*self.export_order())))
        extras = self.load_extras(session, [row.id for row in rows])
        for row in rows:
            values = self.values_from_record(row)
            values.update(extras.get(row.id, {}))
            values["external_id"] = row.external_id or f"{self.entity_prefix}-{row.id}"
            yield values

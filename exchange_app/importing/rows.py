"""A record's child rows (a delegation's members) in from a file and out again, in bulk.

Child rows have no external id of their own: a row of the file stands for the n-th row of
the record its parent column names, counting that record's rows from the top of the file,
as the form lists them. Importing the same file twice changes nothing; a file holding
fewer rows of a record than are stored leaves the others as they are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from exchange_app.db import utcnow
from exchange_app.importing.bulk import CHUNK, KindImport, Report, RowContext, RowPlan, chunks
from exchange_app.records.kind import RecordKind


@dataclass
class ChildRowContext(RowContext):
    """A file's lookups, and how many rows of each parent the rows above have named."""

    seen: Counter[int] = field(default_factory=Counter)
    stored_counts: dict[int, int] = field(default_factory=dict)


class RowsImport(KindImport):
    """Child rows of a record kind, keyed by (parent, position among the parent's rows)."""

    key_column = "position"

    def __init__(self, kind: RecordKind, parent: str) -> None:
        super().__init__(kind)
        self.parent = parent  # the field (and model attribute) naming the parent record
        self.parent_column = self.column(kind.field(parent))

    def context(self, session: Session, raw_rows: list[tuple[int, dict[str, Any]]]) -> RowContext:
        base = super().context(session, raw_rows)
        parents = sorted(set(base.references[self.parent_column].by_name.values()))
        table = self.kind.model.__table__
        parent_id = table.c[self.parent]
        counts = {
            row[0]: row[1]
            for part in chunks(parents)
            for row in session.execute(
                select(parent_id, func.count()).where(parent_id.in_(part)).group_by(parent_id)
            )
        }
        return ChildRowContext(base.references, base.choice_lookups, session, Counter(), counts)

    def check_row(self, values: dict[str, Any], report: Report, context: RowContext) -> None:
        assert isinstance(context, ChildRowContext)
        parent = values.get(self.parent_column)
        if parent is not None:
            values["position"] = context.seen[parent]
            context.seen[parent] += 1
            rows = max(context.seen[parent], context.stored_counts.get(parent, 0))
            self.check_count(values, rows, report, context)
        super().check_row(values, report, context)

    def check_count(
        self, values: dict[str, Any], rows: int, report: Report, context: RowContext
    ) -> None:
        """A rule on how many rows a parent may have: ``rows`` once this row is imported."""

    def natural_key(self, values: dict[str, Any]) -> Any:
        return (values.get(self.parent_column), values.get("position"))

    def key_text(self, values: dict[str, Any], raw: dict[str, Any]) -> str:
        position = values.get("position")
        number = "" if position is None else f" #{position + 1}"
        return f"{raw.get(self.parent_column) or ''}{number}"

    def label_text(self, values: dict[str, Any], raw: dict[str, Any]) -> str:
        first = self.fields[1] if len(self.fields) > 1 else self.fields[0]
        return str(values.get(self.column(first)) or "")

    @property
    def compared_columns(self) -> list[str]:
        return [column for column in self.by_column if column != self.parent_column]

    def record_columns(self, values: dict[str, Any]) -> dict[str, Any]:
        return {**super().record_columns(values), "position": values["position"]}

    def record_select(self) -> Any:
        table = self.kind.model.__table__
        names = {"id", "position"} | {item.model_attribute for item in self.by_column.values()}
        return select(*[table.c[name] for name in sorted(names)])

    def _stored_rows(self, session: Session, parents: Iterable[int]) -> dict[tuple[int, int], Any]:
        """The stored rows of ``parents`` by (parent, n-th row), as the form orders them."""
        table = self.kind.model.__table__
        parent_id = table.c[self.parent]
        found: dict[tuple[int, int], Any] = {}
        for part in chunks(sorted(set(parents))):
            rows = session.execute(
                self.record_select()
                .where(parent_id.in_(part))
                .order_by(parent_id, table.c.position, table.c.id)
            )
            counts: Counter[int] = Counter()
            for row in rows:
                parent = row._mapping[self.parent]
                found[(parent, counts[parent])] = row
                counts[parent] += 1
        return found

    def load_existing(self, session: Session, keys: list[Any]) -> dict[Any, dict[str, Any]]:
        stored = self._stored_rows(session, [parent for parent, _n in keys if parent is not None])
        return {
            key: {"id": row.id, "version": None, "values": self.values_from_record(row)}
            for key, row in stored.items()
        }

    # Child rows keep no version or bookkeeping columns: their record's edit form saves them.

    def insert(self, session: Session, rows: list[RowPlan], user_id: int | None) -> list[int]:
        table = self.kind.model.__table__
        parent_id = table.c[self.parent]
        new_ids: dict[tuple[int, int], int] = {}
        for part in chunks([self.record_columns(row.values) for row in rows], 1000):
            # The rows come back in no guaranteed order: matched by (parent, position).
            for returned in session.connection().execute(
                table.insert().returning(table.c.id, parent_id, table.c.position), part
            ):
                new_ids[(returned[1], returned.position)] = returned.id
        for row in rows:
            row.record_id = new_ids[(row.values[self.parent_column], row.values["position"])]
        self.touch_parents(session, rows, user_id)
        return sorted(new_ids.values())

    def update(self, session: Session, rows: list[RowPlan], user_id: int | None) -> list[int]:
        table = self.kind.model.__table__
        params = [{**self.record_columns(row.values), "b_id": row.record_id} for row in rows]
        statement = table.update().where(table.c.id == bindparam("b_id"))
        for part in chunks(params, 1000):
            session.connection().execute(statement, part)
        self.touch_parents(session, rows, user_id)
        return [row.record_id for row in rows if row.record_id is not None]

    def touch_parents(self, session: Session, rows: list[RowPlan], user_id: int | None) -> None:
        """A new version of each parent whose rows changed: a form open on it is then stale
        (its save would otherwise put back the rows it was loaded with)."""
        parent_table = self._parent_model().__table__
        parents = sorted({row.values[self.parent_column] for row in rows})
        for part in chunks(parents, CHUNK):
            session.connection().execute(
                parent_table.update()
                .where(parent_table.c.id.in_(part))
                .values(
                    version=parent_table.c.version + 1,
                    updated_at=utcnow(),
                    updated_by_id=user_id,
                )
            )

    def _parent_model(self) -> Any:
        reference = self.kind.field(self.parent).reference
        assert reference is not None
        return reference.model

    def export_order(self) -> list[Any]:
        table = self.kind.model.__table__
        return [table.c.position, table.c.id]

    def parent_order(self) -> list[Any]:
        """How the parents are ordered in their own export (their rows follow that order)."""
        return []

    def export_values(self, session: Session) -> Iterable[dict[str, Any]]:
        table = self.kind.model.__table__
        parent_table = self._parent_model().__table__
        statement = (
            self.record_select()
            .join(parent_table, parent_table.c.id == table.c[self.parent])
            .order_by(*self.parent_order(), parent_table.c.id, *self.export_order())
        )
        for row in session.execute(statement):
            yield self.values_from_record(row)

"""Checking a whole file before anything is written: the import plan.

``plan_import`` reads the file, maps each row to clean values, reports every
problem by row and column, and classifies every good row as create, update or
unchanged. ``apply_plan`` then writes all rows in bulk, or refuses if there is
any problem, so an import never half-writes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from exchange_app.countries import country_code
from exchange_app.db import refresh_planner_statistics
from exchange_app.importing.bulk import KindImport, NewReference, RowContext, RowPlan
from exchange_app.importing.columns import header_key, header_map
from exchange_app.importing.limits import UploadLimits
from exchange_app.importing.normalise import (
    ValueProblem,
    clean_text,
    japanese_labels,
    lookup_key,
    parse_bool,
    parse_choice,
    parse_date,
    parse_int,
    split_list,
    unquote_exported,
)
from exchange_app.importing.readers import FileProblem, Formula, Table, read_table
from exchange_app.records.fields import Field, FieldType
from exchange_app.services import audit
from exchange_app.vocab import AuditAction

# ``progress`` hears how far the check is every this many rows.
PROGRESS_EVERY = 200


@dataclass
class Problem:
    """Something wrong, with where: the row number and column as the user sees them."""

    line: int | None
    column: str | None
    header: str | None
    message: str
    sheet: str | None = None

    def location(self) -> str:
        """``Row 5, column 開始日 (start_date)`` in the current language (sheet first if any)."""
        if self.sheet is None:
            return self._place()
        if self.line is None and not self.column:
            return _("Sheet %(sheet)s", sheet=self.sheet)
        return _("Sheet %(sheet)s, %(place)s", sheet=self.sheet, place=self._place())

    def _place(self) -> str:
        column = None
        if self.column:
            column = (
                f"{self.header} ({self.column})"
                if self.header and header_key(self.header) != self.column
                else self.column
            )
        if self.line is not None and column:
            return _("Row %(row)s, column %(column)s", row=self.line, column=column)
        if self.line is not None:
            return _("Row %(row)s", row=self.line)
        if column:
            return _("Column %(column)s", column=column)
        return _("File")

    def text(self) -> str:
        """The whole problem in one line."""
        return f"{self.location()}: {self.message}"


@dataclass
class ImportPlan:
    """The result of checking a file: every row's action and every problem."""

    kind: str
    filename: str
    rows: list[RowPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # Records the rows name that do not exist yet and the import will create, in the
    # order first named: {"column", "name", "values", "label", "lines", "problems"}.
    new_records: list[dict[str, Any]] = field(default_factory=list)
    # Unknown records the import could have created, had it been asked to.
    creatable_unknowns: int = 0
    # The user's choices in the preview: file line -> the offered record to link it to.
    links: dict[int, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the file can be imported as it is."""
        return not self.problems

    @property
    def counts(self) -> Counter[str]:
        """How many rows will be created, updated, left unchanged, or are in error."""
        return Counter(row.action for row in self.rows)


NEW_RECORD_CHOICE = "new"


def choose_links(
    plan: ImportPlan, choices: Mapping[int, str], *, link_all: bool = False
) -> dict[int, int]:
    """The links a preview's choices make: ``choices`` maps a row's line to an offered
    record's id or ``NEW_RECORD_CHOICE``; ``link_all`` links every offered row not linked
    yet to its first (best) offer. Anything not offered for its row is ignored."""
    links = dict(plan.links)
    for row in plan.rows:
        if not row.offers:
            links.pop(row.line, None)
            continue
        choice = choices.get(row.line)
        if choice == NEW_RECORD_CHOICE:
            links.pop(row.line, None)
        elif choice is not None and choice.isdigit() and int(choice) in row.offers:
            links[row.line] = int(choice)
        if link_all and row.line not in links:
            links[row.line] = row.offers[0]
    return links


class ImportRefused(Exception):
    """Raised by ``apply_plan`` for a plan with problems: nothing was written."""


class UnknownReference(ValueProblem):
    """A cell names a record that does not exist (the import may offer to create it)."""

    def __init__(self, message: str, text: str) -> None:
        super().__init__(message)
        self.text = text


def _allowed_text(item: Field) -> str:
    assert item.vocabulary is not None
    labels = japanese_labels(item.vocabulary.labels())
    return ", ".join(f"{key} ({label})" for key, label in labels.items())


def parse_cell(item: Field, column: str, raw: Any, context: RowContext) -> Any:
    """The clean value of one cell for the import field ``item``, or ``ValueProblem``."""
    if isinstance(raw, str):
        raw = unquote_exported(raw)
    assert item.import_column is not None
    if item.type in (FieldType.TEXT, FieldType.LONG_TEXT):
        return clean_text(raw, free_text=not item.import_column.structured)
    if item.type is FieldType.DATE:
        return parse_date(raw)
    if item.type is FieldType.INTEGER:
        return parse_int(raw)
    if item.type is FieldType.BOOLEAN:
        return parse_bool(raw)
    if item.type is FieldType.CHOICE:
        return parse_choice(raw, context.choice_lookups[column], lambda: _allowed_text(item))
    if item.type is FieldType.CHOICES:
        accepted = context.choice_lookups[column]
        values = [
            parse_choice(part, accepted, lambda: _allowed_text(item)) for part in split_list(raw)
        ]
        return sorted(dict.fromkeys(v for v in values if v))
    if item.type is FieldType.COUNTRY:
        text = clean_text(raw)
        if text is None:
            return None
        code = country_code(text)
        if code is None:
            raise ValueProblem(_("Choose a country from the list."))
        return code
    if item.type is FieldType.REFERENCE:
        assert item.reference is not None
        text = clean_text(raw)
        if text is None:
            return None
        lookup = context.references[column]
        key = text if item.reference.external_id_prefix is not None else lookup_key(text)
        found = lookup.by_name.get(key)
        if found is None:
            raise UnknownReference(item.reference.unknown_message(text), text)
        return found
    raise AssertionError(item.type)


def plan_import(
    session: Session,
    kind: KindImport,
    filename: str,
    content: bytes,
    max_bytes: int | None = None,
    *,
    limits: UploadLimits | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    create_missing: bool = False,
    links: Mapping[int, int] | None = None,
) -> ImportPlan:
    """Check a whole file and say what importing it would do. Writes nothing.

    ``progress(done, total)`` hears the rows read (total None) and then the rows checked;
    it may raise to stop the check (a job over its time budget). ``create_missing``: a
    record the rows name that does not exist is to be created where the kind knows how
    (listed in ``new_records``) instead of being a problem. ``links``: the records the
    user chose in the preview for rows that were offered some (``RowPlan.offers``).
    """
    plan = ImportPlan(kind=kind.key, filename=filename, links=dict(links or {}))
    tick = (lambda rows: progress(rows, None)) if progress else None
    try:
        table = read_table(filename, content, max_bytes, limits=limits, tick=tick)
    except FileProblem as error:
        plan.problems.append(Problem(None, None, None, str(error)))
        return plan
    plan_table(session, kind, table, plan, progress=progress, create_missing=create_missing)
    return plan


def plan_table(
    session: Session,
    kind: KindImport,
    table: Table,
    plan: ImportPlan,
    *,
    progress: Callable[[int, int | None], None] | None = None,
    unknown_columns_refused: bool = False,
    empty_allowed: bool = False,
    create_missing: bool = False,
) -> None:
    """Check the rows of a table already read into ``plan`` (see ``plan_import``).

    ``unknown_columns_refused``: a column the kind does not know is a problem rather
    than a warning (a workbook made by another version of the app); ``empty_allowed``:
    a header without rows is no problem (a kind with no records in a whole workbook).
    """
    positions = _resolve_headers(table, kind.fields, plan, unknown_columns_refused)
    if plan.problems:
        return
    if not table.rows or all(_blank(cells) for _line, cells in table.rows):
        if empty_allowed:
            return
        plan.problems.append(Problem(None, None, None, _("The file has no data rows.")))
        return

    raw_rows = [
        (line, {key: (cells[i] if i < len(cells) else None) for key, i in positions.items()})
        for line, cells in table.rows
        if not _blank(cells)
    ]
    context = kind.context(session, raw_rows)
    headers = {key: table.headers[i] for key, i in positions.items()}
    columns = kind.by_column
    new_records: dict[tuple[str, str], dict[str, Any]] = {}
    for checked, (line, raw) in enumerate(raw_rows):
        if progress and checked % PROGRESS_EVERY == 0:
            progress(checked, len(raw_rows))
        values: dict[str, Any] = {}
        row_problems: list[Problem] = []
        unknown: dict[str, tuple[str, str]] = {}  # column -> (the name, the problem)

        def report(
            column: str | None,
            message: str,
            line: int = line,
            row_problems: list[Problem] = row_problems,
        ) -> None:
            row_problems.append(Problem(line, column, headers.get(column or ""), message))

        for key, column in columns.items():
            cell = raw.get(key)
            if isinstance(cell, Formula):
                report(
                    key,
                    _(
                        "the cell holds a formula (%(formula)s); formulas are not imported. "
                        "Type the value itself.",
                        formula=cell.text[:60],
                    ),
                )
                values[key] = None
                continue
            if isinstance(cell, str) and cell.lstrip().startswith(("=", "＝")):
                report(
                    key,
                    _("the cell starts with '=' like a formula; formulas are not imported"),
                )
                values[key] = None
                continue
            try:
                values[key] = parse_cell(column, key, cell, context)
            except ValueProblem as error:
                shown = clean_text(cell) if not isinstance(cell, str) else cell.strip()
                message = (
                    _("%(problem)s (found: %(value)s)", problem=str(error), value=shown)
                    if shown
                    else str(error)
                )
                values[key] = None
                if isinstance(error, UnknownReference):
                    # Whether it can be created depends on the row's other cells.
                    unknown[key] = (error.text, message)
                else:
                    report(key, message)
                continue
        for key, (name, message) in unknown.items():
            known = kind.new_reference_values(key, name, values)
            if known is not None and create_missing:
                values[key] = NewReference(name, known)
                continue
            plan.creatable_unknowns += known is not None
            report(key, message)
        kind.prepare_row(values)
        # The declaration's checks; a column already reported is not reported twice.
        failed = {p.column for p in row_problems}

        def report_rule(
            column: str | None,
            message: str,
            failed: set[str | None] = failed,
            report: Callable[[str | None, str], None] = report,
        ) -> None:
            if column not in failed:
                report(column, message)

        kind.check_row(values, report_rule, context)
        new_references = _new_references(session, kind, line, values, new_records, report)
        plan.problems.extend(row_problems)
        plan.rows.append(
            RowPlan(
                line=line,
                action="error" if row_problems else "pending",
                key=kind.key_text(values, raw),
                label=kind.label_text(values, raw),
                values=values,
                new_references=new_references,
            )
        )
    plan.new_records = list(new_records.values())

    _classify(session, kind, plan)
    kind.annotate(session, plan)
    plan.problems.sort(key=lambda p: p.line or 0)
    if progress:
        progress(len(raw_rows), len(raw_rows))


def _new_references(
    session: Session,
    kind: KindImport,
    line: int,
    values: dict[str, Any],
    new_records: dict[tuple[str, str], dict[str, Any]],
    report: Callable[[str | None, str], None],
) -> dict[str, str]:
    """Take the records to create out of a row's values into ``new_records`` (one per name,
    checked when first named); every row naming one that cannot be created is refused."""
    found: dict[str, str] = {}
    for column, value in list(values.items()):
        if not isinstance(value, NewReference):
            continue
        values[column] = None
        found[column] = value.text
        key = (column, lookup_key(value.text))
        if key not in new_records:
            new_records[key] = {
                "column": column,
                "name": value.text,
                "values": value.values,
                "label": kind.new_reference_label(column, value.text, value.values),
                "lines": [],
                "problems": kind.new_reference_problems(session, column, value.values),
            }
        record = new_records[key]
        for message in record["problems"]:
            report(column, message)
        if record["values"] != value.values:
            report(
                column,
                _(
                    "'%(name)s' is to be created from row %(row)s as %(first)s, and this "
                    "row would make it %(other)s: register it first.",
                    name=value.text,
                    row=record["lines"][0],
                    first=record["label"],
                    other=kind.new_reference_label(column, value.text, value.values),
                ),
            )
            continue
        record["lines"].append(line)
    return found


def _blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _resolve_headers(
    table: Table, fields: list[Field], plan: ImportPlan, unknown_refused: bool = False
) -> dict[str, int]:
    accepted = header_map(fields)
    positions: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        header_text = "" if header is None else str(header)
        if not header_text.strip():
            continue
        key = accepted.get(header_key(header_text))
        if key is None and unknown_refused:
            plan.problems.append(
                Problem(
                    None,
                    header_text,
                    None,
                    _(
                        "this column is not one this version of the system knows; the "
                        "workbook was made by another version. Remove the column or "
                        "update the system."
                    ),
                )
            )
            continue
        if key is None:
            plan.warnings.append(
                Problem(
                    None,
                    None,
                    None,
                    _(
                        "The column '%(header)s' is not one this import knows; it was ignored.",
                        header=header_text,
                    ),
                )
            )
            continue
        if key in positions:
            plan.problems.append(
                Problem(None, key, header_text, _("this column appears twice in the header row"))
            )
            continue
        positions[key] = index
    for item in fields:
        assert item.import_column is not None
        column = item.import_column
        if item.required and column.key not in positions:
            aliases = "、".join(column.aliases[:3])
            plan.problems.append(
                Problem(
                    None,
                    column.key,
                    None,
                    _(
                        "required column missing: add a column named %(key)s (or %(aliases)s)",
                        key=column.key,
                        aliases=aliases,
                    ),
                )
            )
    return positions


def _classify(session: Session, kind: KindImport, plan: ImportPlan) -> None:
    """Mark each good row create, update or unchanged; report duplicates within the file."""
    seen: dict[Any, int] = {}
    pending = [row for row in plan.rows if row.action == "pending"]
    for row in pending:
        key = kind.natural_key(row.values)
        if key in seen:
            row.action = "error"
            plan.problems.append(
                Problem(
                    row.line,
                    kind.key_column,
                    None,
                    _("the same record is already on row %(row)s of this file", row=seen[key]),
                )
            )
        else:
            seen[key] = row.line
    pending = [row for row in pending if row.action == "pending"]
    existing = kind.load_existing(session, [kind.natural_key(row.values) for row in pending])
    for row in pending:
        current = existing.get(kind.natural_key(row.values))
        if current is None:
            row.action = "create"
            continue
        row.record_id = current["id"]
        row.version = current["version"]
        kind.keep_stored(row.values, current["values"])
        row.changed = [
            key
            for key in kind.compared_columns
            if key in row.new_references
            or _comparable(row.values.get(key)) != _comparable(current["values"].get(key))
        ]
        row.action = "update" if row.changed else "unchanged"


def _create_new_records(
    session: Session, kind: KindImport, plan: ImportPlan, user_id: int | None
) -> dict[tuple[str, str], int]:
    """Create the records the plan's rows name that do not exist yet; their ids by name."""
    created = {
        (record["column"], lookup_key(record["name"])): kind.create_reference(
            session, record["column"], record["values"], user_id
        )
        for record in plan.new_records
    }
    if created:
        session.flush()
    return created


def _comparable(value: Any) -> Any:
    if isinstance(value, list):
        return sorted(value)
    if value == "":
        return None
    return value


def apply_plan(
    session: Session,
    kind: KindImport,
    plan: ImportPlan,
    *,
    user_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, list[int]]:
    """Write every row of a problem-free plan in bulk (adds and flushes, never commits).

    Records one ``import`` audit entry listing the records created and updated.
    """
    if not plan.ok or plan.kind != kind.key:
        raise ImportRefused(plan.problems[0].text() if plan.problems else plan.kind)
    creates = [row for row in plan.rows if row.action == "create"]
    updates = [row for row in plan.rows if row.action == "update"]
    referenced = _create_new_records(session, kind, plan, user_id)
    for row in (*creates, *updates):
        for column, name in row.new_references.items():
            row.values[column] = referenced[(column, lookup_key(name))]
    created_ids = kind.insert(session, creates, user_id) if creates else []
    if progress:
        progress(len(creates), len(creates) + len(updates))
    updated_ids = kind.update(session, updates, user_id) if updates else []
    session.flush()
    counts = plan.counts
    audit.record(
        session,
        AuditAction.IMPORT,
        kind.entity_type,
        None,
        summary=(
            f"{plan.filename}: {counts['create']} created, {counts['update']} updated, "
            f"{counts['unchanged']} unchanged"
        ),
        changes={
            "file": plan.filename,
            "created": created_ids,
            "updated": updated_ids,
            **({"referenced_created": sorted(referenced.values())} if referenced else {}),
        },
        user_id=user_id,
    )
    session.flush()
    refresh_planner_statistics(session, rows_written=len(created_ids) + len(updated_ids))
    # Bulk statements bypass the identity map: make later reads see the new state.
    session.expire_all()
    return {"created": created_ids, "updated": updated_ids}

"""The whole office in one workbook: every kind's sheet, out and back in, all or nothing.

The sheets are the kinds' own exports, in the order of ``KINDS`` (what is referred to
comes first), so each sheet is checked against the database as the sheets before it
left it. Participants' personal data is a sheet of its own, written only when asked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from exchange_app.importing import ImportPlan, KindImport, Problem, apply_plan
from exchange_app.importing.limits import UploadLimits
from exchange_app.importing.plan import plan_table
from exchange_app.importing.readers import FileProblem, SheetProblem, Table, read_xlsx_sheets
from exchange_app.importing.spreadsheets import export_table
from exchange_app.imports.kinds import KINDS
from exchange_app.services import audit, exports
from exchange_app.vocab import AuditAction


def workbook_kinds(include_personal: bool) -> list[KindImport]:
    """The kinds a whole-office workbook holds, in the order they are imported."""
    return [kind for kind in KINDS.values() if include_personal or not kind.personal]


def export_workbook(
    session: Session,
    *,
    include_personal: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """Every record of every kind, one sheet per kind named by its key, as ``import all`` reads."""
    kinds = workbook_kinds(include_personal)
    sheets = []
    for done, kind in enumerate(kinds):
        if progress:
            progress(done, len(kinds) + 1)
        sheets.append((kind.key, *export_table(session, kind)))
    if progress:
        progress(len(kinds), len(kinds) + 1)
    return exports.xlsx_workbook_bytes(sheets)


def record_personal_export(session: Session, summary: str, **changes: Any) -> None:
    """Audit a whole-office workbook asked for with personal data: one entry per such sheet."""
    for kind in workbook_kinds(include_personal=True):
        if kind.personal:
            audit.record(
                session,
                AuditAction.EXPORT,
                kind.entity_type,
                None,
                summary=summary,
                changes={"format": "xlsx", **changes, "sheet": kind.key},
            )


@dataclass
class WorkbookImport:
    """What importing a workbook did or would do: each sheet's plan, every problem."""

    filename: str
    plans: list[ImportPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def import_workbook(
    session: Session,
    filename: str,
    content: bytes,
    *,
    user_id: int | None = None,
    limits: UploadLimits | None = None,
) -> WorkbookImport:
    """Check every sheet and write it, in order, in the session's transaction.

    Nothing is committed: the caller commits when ``ok`` (and not a dry run) and rolls
    back otherwise, so a workbook is imported whole or not at all. Checking stops at the
    first sheet with problems, since the sheets after it may refer to its rows.
    """
    result = WorkbookImport(filename=filename)
    try:
        sheets = read_xlsx_sheets(content, limits)
    except SheetProblem as error:
        result.problems.append(Problem(None, None, None, str(error), sheet=error.sheet))
        return result
    except FileProblem as error:
        result.problems.append(Problem(None, None, None, str(error)))
        return result
    tables = _sheets_in_order(sheets, result)
    if not result.ok:
        return result
    for index, (kind, table) in enumerate(tables):
        plan = ImportPlan(kind=kind.key, filename=filename)
        plan_table(session, kind, table, plan, unknown_columns_refused=True, empty_allowed=True)
        for problem in (*plan.problems, *plan.warnings):
            problem.sheet = kind.key
        result.plans.append(plan)
        result.warnings.extend(plan.warnings)
        if not plan.ok:
            result.problems.extend(plan.problems)
            result.unchecked = [later.key for later, _table in tables[index + 1 :]]
            return result
        if plan.rows:
            apply_plan(session, kind, plan, user_id=user_id)
    return result


def _sheets_in_order(
    sheets: list[tuple[str, Table | None]], result: WorkbookImport
) -> list[tuple[KindImport, Table]]:
    """The workbook's sheets as kinds, or problems: a sheet unknown, missing or out of order."""
    order = ", ".join(KINDS)
    found: list[tuple[KindImport, Table]] = []
    for title, table in sheets:
        kind = KINDS.get(title.strip())
        if kind is None:
            result.problems.append(
                Problem(
                    None,
                    None,
                    None,
                    _(
                        "this sheet is not a kind this system knows (the workbook was made "
                        "by another version?): a whole-office workbook has the sheets %(order)s.",
                        order=order,
                    ),
                    sheet=title,
                )
            )
        elif table is not None:
            found.append((kind, table))
    present = {kind.key for kind, _table in found}
    for kind in workbook_kinds(include_personal=False):
        if kind.key not in present:
            result.problems.append(
                Problem(
                    None,
                    None,
                    None,
                    _(
                        "the workbook has no sheet %(sheet)s (or it is blank): a whole-office "
                        "workbook has the sheets %(order)s; a kind without records keeps "
                        "its header row.",
                        sheet=kind.key,
                        order=order,
                    ),
                    sheet=kind.key,
                )
            )
    position = {key: index for index, key in enumerate(KINDS)}
    for (before, _table), (after, _other) in pairwise(found):
        if position[before.key] > position[after.key]:
            result.problems.append(
                Problem(
                    None,
                    None,
                    None,
                    _(
                        "this sheet comes before %(other)s but must follow it: the sheets go "
                        "in the order %(order)s (what is referred to first).",
                        other=after.key,
                        order=order,
                    ),
                    sheet=before.key,
                )
            )
    return found

"""``flask import`` and ``flask export``: the wizard's checks and files, from the command line."""

from __future__ import annotations

import os
import sys

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_babel import force_locale

from exchange_app.db import begin_write, get_session, write_session
from exchange_app.importing import apply_plan, plan_import
from exchange_app.importing.plan import choose_links
from exchange_app.importing.spreadsheets import export_bytes
from exchange_app.imports import workbook
from exchange_app.imports.kinds import KINDS, get_kind
from exchange_app.services import audit, exports
from exchange_app.vocab import AuditAction


def register(app: Flask) -> None:
    """Add the import and export commands to the app's CLI."""
    app.cli.add_command(import_command)
    app.cli.add_command(export_command)


WHOLE_OFFICE = "all"


@click.command("import")
@with_appcontext
@click.argument("kind", type=click.Choice([WHOLE_OFFICE, *sorted(KINDS)]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True)
@click.option(
    "--create-missing",
    is_flag=True,
    help="Create the organisations the rows name that are not registered yet (listed).",
)
@click.option(
    "--link-suggested",
    is_flag=True,
    help="Link every row offered a registered person to that person (as the preview's "
    "'link all suggested'); without it such a row becomes a new person.",
)
def import_command(
    kind: str, file: str, dry_run: bool, lang: str, create_missing: bool, link_suggested: bool
) -> None:
    """Import FILE (.xlsx or .csv) as KIND; a wrong row: errors printed, nothing written, exit 1.

    KIND ``all`` reads a whole-office workbook (``flask export all``): every sheet in
    order, all of them or none.
    """
    with open(file, "rb") as handle:
        content = handle.read()
    if kind == WHOLE_OFFICE:
        if create_missing:
            raise click.UsageError("a whole-office workbook holds the organisations itself")
        with force_locale(lang):
            _import_workbook(file, content, dry_run)
        return
    # An import plans against what it will change: it holds the write lock from the start.
    session = get_session() if dry_run else write_session()
    with force_locale(lang):
        import_kind = get_kind(kind)
        plan = plan_import(
            session, import_kind, os.path.basename(file), content, create_missing=create_missing
        )
        links = choose_links(plan, {}, link_all=True) if link_suggested else {}
        if links:
            # Checked again with the links, as the preview checks a file after a choice.
            plan = plan_import(
                session,
                import_kind,
                os.path.basename(file),
                content,
                create_missing=create_missing,
                links=links,
            )
        for warning in plan.warnings:
            click.echo(f"warning: {warning.text()}", err=True)
        for record in plan.new_records:
            lines = ", ".join(str(line) for line in record["lines"])
            click.echo(f"to create: {record['label']} (rows {lines})")
        # What the preview shows beside a row (the person it is linked to, or may be) is
        # never silent on the command line either.
        for row in plan.rows:
            for note in row.notes:
                click.echo(f"row {row.line}: {row.label}: {note}")
            if row.linked is not None:
                click.echo(f"row {row.line}: {row.label}: linked to person {row.linked}")
        counts = plan.counts
        summary = (
            f"{counts['create']} to create, {counts['update']} to update, "
            f"{counts['unchanged']} unchanged, {counts['error']} with errors"
        )
        if not plan.ok:
            for problem in plan.problems:
                click.echo(problem.text(), err=True)
            click.echo(
                f"{len(plan.problems)} problem(s); nothing was written. ({summary})", err=True
            )
            if plan.creatable_unknowns:
                click.echo(
                    f"{plan.creatable_unknowns} of them name what is not registered yet: "
                    "--create-missing creates it with the import.",
                    err=True,
                )
            sys.exit(1)
        if dry_run:
            click.echo(f"dry run: {summary}; nothing was written.")
            return
        result = apply_plan(session, import_kind, plan)
        session.commit()
    click.echo(
        f"imported {file}: {len(result['created'])} created, {len(result['updated'])} updated, "
        f"{counts['unchanged']} unchanged"
        + (f"; {len(plan.new_records)} referenced record(s) created." if plan.new_records else ".")
    )


def _import_workbook(file: str, content: bytes, dry_run: bool) -> None:
    # Later sheets are checked against the rows of earlier ones: even a dry run writes,
    # then rolls back, so it holds the write lock too.
    session = write_session()
    result = workbook.import_workbook(session, os.path.basename(file), content)
    for warning in result.warnings:
        click.echo(f"warning: {warning.text()}", err=True)
    for plan in result.plans:
        counts = plan.counts
        click.echo(
            f"{plan.kind}: {counts['create']} to create, {counts['update']} to update, "
            f"{counts['unchanged']} unchanged, {counts['error']} with errors"
        )
    if not result.ok:
        session.rollback()
        for problem in result.problems:
            click.echo(problem.text(), err=True)
        if result.unchecked:
            click.echo(f"not checked: {', '.join(result.unchecked)}", err=True)
        click.echo(f"{len(result.problems)} problem(s); nothing was written.", err=True)
        sys.exit(1)
    if dry_run:
        session.rollback()
        click.echo("dry run: nothing was written.")
        return
    session.commit()
    click.echo(f"imported {file}: {len(result.plans)} sheets.")


@click.command("export")
@with_appcontext
@click.argument("kind", type=click.Choice([WHOLE_OFFICE, *sorted(KINDS)]))
@click.option("--format", "file_format", type=click.Choice(["xlsx", "csv"]), default="xlsx")
@click.option(
    "--encoding", type=click.Choice(["utf-8-sig", "cp932"]), default="utf-8-sig", show_default=True
)
@click.option(
    "--substitute",
    is_flag=True,
    help=f"In cp932, write {exports.SUBSTITUTE} for each character it cannot hold (listed) "
    "instead of refusing.",
)
@click.option(
    "--include-personal",
    is_flag=True,
    help="With KIND all: add the participants' sheet, with their personal data (audited).",
)
@click.option("--output", required=True, type=click.Path(dir_okay=False, writable=True))
def export_command(
    kind: str,
    file_format: str,
    encoding: str,
    substitute: bool,
    include_personal: bool,
    output: str,
) -> None:
    """Write every KIND record to OUTPUT in the form ``flask import`` reads.

    KIND ``all`` writes a whole-office workbook (.xlsx): one sheet per kind, in the
    order ``flask import all`` reads them; participants only with --include-personal.
    A cp932 CSV of records holding characters cp932 cannot write is refused (exit 1,
    nothing written) with the records and characters listed, unless --substitute.
    """
    session = get_session()
    if kind == WHOLE_OFFICE:
        if file_format != "xlsx":
            raise click.UsageError("a whole-office export is an .xlsx workbook")
        content = workbook.export_workbook(session, include_personal=include_personal)
        _write_export(output, content, personal=include_personal)
        if include_personal:
            begin_write(session)
            workbook.record_personal_export(
                session,
                "whole-office workbook with personal data exported from the command line",
                output=output,
            )
            session.commit()
        click.echo(f"wrote {output}")
        return
    if include_personal:
        raise click.UsageError("--include-personal goes with KIND all")
    spec = get_kind(kind)
    substituted: list[exports.Unencodable] = []
    try:
        content = export_bytes(
            session, spec, file_format, encoding, substitute=substitute, substitutions=substituted
        )
    except exports.UnencodableText as refused:
        for finding in refused.findings:
            click.echo(f"  {_finding_line(finding)}", err=True)
        click.echo(
            f"{len(refused.findings)} value(s) hold characters Shift_JIS (cp932) cannot write; "
            f"nothing was written. Use --encoding utf-8-sig (UTF-8 with BOM, opens in Excel) "
            f"or --substitute to write {exports.SUBSTITUTE} in their place.",
            err=True,
        )
        sys.exit(1)
    for finding in substituted:
        click.echo(f"substituted {exports.SUBSTITUTE}: {_finding_line(finding)}", err=True)
    _write_export(output, content, personal=spec.personal)
    if spec.personal:
        begin_write(session)
        audit.record(
            session,
            AuditAction.EXPORT,
            spec.entity_type,
            None,
            summary=f"{kind} exported as {file_format} from the command line",
            changes={
                "format": file_format,
                "encoding": encoding,
                "output": output,
                **exports.substitution_audit(substituted),
            },
        )
        session.commit()
    click.echo(f"wrote {output}")


def _write_export(output: str, content: bytes, *, personal: bool) -> None:
    # Personal data is written owner-readable only, also over a file that was not.
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if personal else 0o644)
    if personal:
        os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def _finding_line(finding: exports.Unencodable) -> str:
    return (
        f"row {finding.row} ({finding.record}), column {finding.column}: "
        f"{finding.characters} ({finding.code_points()})"
    )

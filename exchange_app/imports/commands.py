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
from exchange_app.importing.spreadsheets import export_bytes
from exchange_app.imports.kinds import KINDS, get_kind
from exchange_app.services import audit, exports
from exchange_app.vocab import AuditAction


def register(app: Flask) -> None:
    """Add the import and export commands to the app's CLI."""
    app.cli.add_command(import_command)
    app.cli.add_command(export_command)


@click.command("import")
@with_appcontext
@click.argument("kind", type=click.Choice(sorted(KINDS)))
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True)
def import_command(kind: str, file: str, dry_run: bool, lang: str) -> None:
    """Import FILE (.xlsx or .csv) as KIND; a wrong row: errors printed, nothing written, exit 1."""
    with open(file, "rb") as handle:
        content = handle.read()
    # An import plans against what it will change: it holds the write lock from the start.
    session = get_session() if dry_run else write_session()
    with force_locale(lang):
        import_kind = get_kind(kind)
        plan = plan_import(session, import_kind, os.path.basename(file), content)
        for warning in plan.warnings:
            click.echo(f"warning: {warning.text()}", err=True)
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
            sys.exit(1)
        if dry_run:
            click.echo(f"dry run: {summary}; nothing was written.")
            return
        result = apply_plan(session, import_kind, plan)
        session.commit()
    click.echo(
        f"imported {file}: {len(result['created'])} created, {len(result['updated'])} updated, "
        f"{counts['unchanged']} unchanged."
    )


@click.command("export")
@with_appcontext
@click.argument("kind", type=click.Choice(sorted(KINDS)))
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
@click.option("--output", required=True, type=click.Path(dir_okay=False, writable=True))
def export_command(
    kind: str, file_format: str, encoding: str, substitute: bool, output: str
) -> None:
    """Write every KIND record to OUTPUT in the form ``flask import`` reads.

    A cp932 CSV of records holding characters cp932 cannot write is refused (exit 1,
    nothing written) with the records and characters listed, unless --substitute.
    """
    session = get_session()
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
    # Personal data is written owner-readable only.
    mode = 0o600 if spec.personal else 0o644
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
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


def _finding_line(finding: exports.Unencodable) -> str:
    return (
        f"row {finding.row} ({finding.record}), column {finding.column}: "
        f"{finding.characters} ({finding.code_points()})"
    )

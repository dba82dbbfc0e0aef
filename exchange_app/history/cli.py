"""Commands: ``flask anniversaries`` and ``flask history``."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from exchange_app.db import get_session
from exchange_app.services import anniversaries, exports, partners
from exchange_app.services import history as history_service
from exchange_app.services.dates import today_in_japan

FORMATS = ("pdf", "html", "xlsx")


def init_app(app: Flask) -> None:
    """Register the anniversary and history commands."""
    app.cli.add_command(anniversaries_command)
    app.cli.add_command(history_command)


def _progress_printer() -> Callable[[str], None]:
    """Print the PDF engine's progress on one line of stderr (pages laid out so far)."""
    interactive = sys.stderr.isatty()

    def report(message: str) -> None:
        if "Page" in message and not interactive:
            return  # one line per page would flood a log; a terminal gets them in place
        end = "\r" if interactive else "\n"
        click.echo(f"  {message:<60}", err=True, nl=False)
        click.echo(end, err=True, nl=False)

    return report


@click.command("anniversaries")
@with_appcontext
@click.option("--within", default=10, show_default=True, type=click.IntRange(0, 100),
              help="How many years ahead to look.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (partner, year, ordinal, date).")
def anniversaries_command(within: int, as_json: bool) -> None:
    """List the partnerships' anniversaries coming up in the next WITHIN years."""
    today = today_in_japan()
    milestones = anniversaries.upcoming_for_all(get_session(), today, within)
    if as_json:
        click.echo(json.dumps([m.as_dict() for m in milestones], ensure_ascii=False, indent=2))
        return
    for m in milestones:
        planning = "  plan now" if m.in_planning_window(today) else ""
        click.echo(f"{m.date_text():<10}  {m.city.name_en:<28} {m.ordinal:>3}th{planning}")


@click.command("history")
@with_appcontext
@click.argument("slug")
@click.option("--lang", "language", default="ja", show_default=True,
              help="ja, en, or both (side by side).")
@click.option("--format", "file_format", type=click.Choice(FORMATS), default="pdf",
              show_default=True)
@click.option("--ordinal", type=int, default=None, help="Which anniversary (default: the next).")
@click.option("--output", "output", type=click.Path(dir_okay=False, writable=True),
              required=True, help="File to write ('-' for standard output).")
def history_command(
    slug: str, language: str, file_format: str, ordinal: int | None, output: str
) -> None:
    """Write the history of the partnership with SLUG (e.g. guilin) as PDF, HTML or xlsx."""
    from exchange_app.history.document import render_document_html, render_pdf

    session = get_session()
    city = partners.get_partner_city_by_slug(session, slug)
    if city is None:
        known = ", ".join(c.slug for c in partners.list_partner_cities(session))
        raise click.ClickException(f"no partner city {slug!r}; known: {known}")
    try:
        history_service.check_language(language)
    except history_service.UnsupportedLanguage as error:
        raise click.ClickException(str(error)) from error
    if ordinal is not None and not anniversaries.is_offered(city, ordinal, today_in_japan()):
        offered = anniversaries.offered_ordinals(city, today_in_japan())
        raise click.ClickException(
            f"--ordinal must be one of {city.name_en}'s anniversaries: "
            f"{', '.join(map(str, offered))}"
        )

    started = time.perf_counter()
    click.echo(f"reading the records of {city.name_en} ...", err=True)
    history = history_service.build_history(session, city, ordinal)
    click.echo(
        f"{len(history.entries)} records for the {history.milestone.ordinal}th anniversary; "
        f"writing {file_format} ...",
        err=True,
    )
    if file_format in ("pdf", "html"):
        # Templates read the UI language from the request; the document sets its own.
        with current_app.test_request_context():
            if file_format == "pdf":
                content = render_pdf(history, language, progress=_progress_printer())
            else:
                content = render_document_html(history, language, inline_css=True).encode()
    else:
        sheet_language = "en" if language == "en" else "ja"
        entries = history_service.all_entries(session, city, history.milestone)
        content = exports.xlsx_workbook_bytes(
            history_service.appendix_sheets(history, entries, sheet_language)
        )
    if output == "-":
        sys.stdout.buffer.write(content)
    else:
        with open(output, "wb") as handle:
            handle.write(content)
    click.echo(f"done in {time.perf_counter() - started:.2f} s: {output}", err=True)

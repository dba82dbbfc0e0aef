"""``flask --app exchange_app purge-personal-data``: the retention rule from the command line."""

from __future__ import annotations

from datetime import date, datetime

import click
from flask.cli import with_appcontext

from exchange_app.db import begin_write, get_db, get_session
from exchange_app.importing import uploads
from exchange_app.services.dates import today_in_japan
from exchange_app.youth import operations, queries


@click.command("purge-personal-data")
@click.option(
    "--before",
    "before",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Anonymise participants of programmes that ended before this date (YYYY-MM-DD).",
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def purge_personal_data_command(before: datetime, yes: bool) -> None:
    """Remove minors' personal data from programmes that ended before a date; counts stay."""
    day: date = before.date()
    if day > today_in_japan():
        raise click.BadParameter("the date cannot be in the future", param_hint="--before")
    session = get_session()
    preview = queries.purge_preview(session, day)
    if not preview.anything:
        # Pending uploads may hold personal data whatever the date: they go in any case.
        begin_write(session)
        uploads.discard_all(session)
        session.commit()
        click.echo(
            f"No participant records of programmes ended before {day.isoformat()}, and no "
            "private contacts of counterparts to remove."
        )
        return
    click.echo(
        f"{preview.participants} participant records of {preview.programs} programmes "
        f"ended before {day.isoformat()} will be anonymised (names, contacts, birth dates, "
        "schools removed; counts kept)."
    )
    click.echo(
        f"{preview.counterparts} counterparts not met since {day.isoformat()} will lose "
        "their private contacts."
    )
    if not yes and not click.confirm("Continue?", default=False):
        click.echo("Nothing changed.")
        return
    # The write lock is taken after the confirmation (a prompt must not hold it).
    begin_write(session)
    count = operations.purge_personal_data(session, day)
    session.commit()
    compacted = operations.compact_storage(get_db().engine)
    click.echo(f"Anonymised {count} participant records.")
    if not compacted:
        click.echo("The database file could not be compacted now; run the command again later.")

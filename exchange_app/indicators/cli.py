"""``flask --app exchange_app kpi``: every indicator for a year, as the dashboard shows it."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from exchange_app.db import get_session
from exchange_app.indicators import queries


@click.command("kpi")
@click.option("--year", type=str, default=None, help="Year (default: the current fiscal year).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the same as the API).")
@with_appcontext
def kpi_command(year: str | None, as_json: bool) -> None:
    """Print every indicator's figure for a year."""
    try:
        checked = queries.check_year(year if year is not None else queries.default_year())
    except queries.IndicatorInputError as error:
        raise click.BadParameter(str(error), param_hint="--year") from error
    report = queries.indicator_report(get_session(), checked)
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
        return
    for figure in report.figures:
        value = queries.plain_number(figure.value)
        persons = "" if figure.unique_persons is None else f"\tpersons={figure.unique_persons}"
        click.echo(
            f"{figure.code}\t{'' if value is None else value}\t{figure.status}\t"
            f"{figure.indicator.basis}\t{figure.indicator.source}{persons}"
        )

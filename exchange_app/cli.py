"""Command-line tools: ``flask --app exchange_app <command>``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from exchange_app import migrate
from exchange_app.db import begin_write, get_session, write_session
from exchange_app.history import cli as history_cli
from exchange_app.imports.commands import register as register_import_commands
from exchange_app.indicators import cli as indicators_cli
from exchange_app.jobs import cli as jobs_cli
from exchange_app.vocab import Role
from exchange_app.youth import cli as youth_cli


def main() -> None:
    """``exchange-app``: the app's commands (as ``flask --app exchange_app``), from anywhere."""
    from flask.cli import FlaskGroup

    from exchange_app import create_app

    cli = FlaskGroup(
        name="exchange-app",
        create_app=lambda: create_app(),
        load_dotenv=False,
        help="Kumamoto City's partner-city exchanges: database, accounts, imports, reports.",
    )
    cli.main(prog_name="exchange-app")


def init_app(app: Flask) -> None:
    """Register the commands with the app."""
    app.cli.add_command(db_group)
    app.cli.add_command(seed_command)
    app.cli.add_command(users_group)
    app.cli.add_command(ensure_admin_command)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(youth_cli.purge_personal_data_command)
    app.cli.add_command(indicators_cli.kpi_command)
    register_import_commands(app)
    history_cli.init_app(app)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(jobs_cli.jobs_group)


@click.group("db", cls=AppGroup)
def db_group() -> None:
    """Database schema migrations (Alembic)."""


@contextmanager
def _alembic_errors() -> Iterator[None]:
    """An unknown revision or a model/migration difference: a message and exit status 1."""
    from alembic.util import CommandError

    try:
        yield
    except CommandError as error:
        raise click.ClickException(str(error)) from error


def _echo_revision() -> None:
    revision = migrate.current_revision(current_app.config["DATABASE_URL"])
    click.echo(f"database at revision {revision or 'base (no tables)'}")


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate the database up to REVISION: an id, +N for N steps, or head (the default)."""
    with _alembic_errors():
        migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    _echo_revision()


# "-1" (steps back) is a revision, not an option.
@db_group.command("downgrade", context_settings={"ignore_unknown_options": True})
@click.argument("revision", default="-1")
def db_downgrade(revision: str) -> None:
    """Migrate the database down to REVISION: an id, -N for N steps back, or base.

    Without REVISION, one step back.
    """
    with _alembic_errors():
        migrate.downgrade(current_app.config["DATABASE_URL"], revision)
    _echo_revision()


@db_group.command("current")
def db_current() -> None:
    """Show the database's revision."""
    revision = migrate.current_revision(current_app.config["DATABASE_URL"])
    head = " (head)" if revision in migrate.head_revisions() else ""
    click.echo(f"{revision or 'base (no tables)'}{head}")


@db_group.command("check")
def db_check() -> None:
    """Fail if the models differ from what the migrations create."""
    with _alembic_errors():
        migrate.check(current_app.config["DATABASE_URL"])


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Add the partner cities, indicators and leading projects (idempotent)."""
    from exchange_app.services.seed import seed_reference_data

    session = write_session()
    report = seed_reference_data(session)
    session.commit()
    if report.created:
        for kind, count in sorted(report.created.items()):
            click.echo(f"added {count} {kind}")
    else:
        click.echo("reference data already present; nothing changed")


@click.group("users", cls=AppGroup)
def users_group() -> None:
    """User accounts."""


def _read_password(prompt: bool) -> str:
    if not sys.stdin.isatty() and not prompt:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(Role.values()), required=True)
@click.option("--name", "display_name", default=None, help="Display name (default: the e-mail)")
def users_create(email: str, role: str, display_name: str | None) -> None:
    """Create a user. The password is read from stdin or prompted, never an argument."""
    from exchange_app.admin.operations import create_account
    from exchange_app.services import accounts

    session = get_session()
    if accounts.find_user_by_email(session, email) is not None:
        raise click.ClickException(f"a user with e-mail {email} already exists")
    password = _read_password(prompt=False)
    # The write lock is taken after the password was read (a prompt must not hold it).
    begin_write(session)
    try:
        user = create_account(
            session,
            email=email,
            display_name=display_name or email,
            role=role,
            password=password,
            summary="created from the command line",
        )
    except accounts.PasswordPolicyError as error:
        from exchange_app.services.passwords_messages import password_policy_message

        raise click.ClickException(password_policy_message(str(error))) from error
    session.commit()
    click.echo(f"created {user.email} ({user.role})")


@users_group.command("list")
def users_list() -> None:
    """List users."""
    from sqlalchemy import select

    from exchange_app.models import User

    for user in get_session().scalars(select(User).order_by(User.email)):
        state = "active" if user.active else "disabled"
        click.echo(f"{user.email}\t{user.role}\t{state}")


@click.command("ensure-admin")
@with_appcontext
@click.option("--email", envvar="ADMIN_EMAIL", default="admin@example.org", show_default=True)
def ensure_admin_command(email: str) -> None:
    """Make sure an administrator can sign in; creates one with a random password if none exists.

    The password is printed once and never stored in clear; change it after signing in.
    """
    import secrets

    from sqlalchemy import select

    from exchange_app.admin.operations import create_account
    from exchange_app.models import User

    session = write_session()
    admin = session.scalar(select(User).where(User.role == "admin", User.active.is_(True)).limit(1))
    if admin is not None:
        click.echo(f"An administrator account exists ({admin.email}); sign in with it.")
        return
    password = secrets.token_urlsafe(15)
    user = create_account(
        session,
        email=email,
        display_name="Administrator",
        role="admin",
        password=password,
        summary="first administrator",
    )
    session.commit()
    click.echo("=" * 64)
    click.echo("First administrator created. Sign in at http://127.0.0.1:5000 with")
    click.echo(f"  e-mail:   {user.email}")
    click.echo(f"  password: {password}")
    click.echo("This password is shown only once. Change it after signing in.")
    click.echo("=" * 64)


@click.command("demo-data")
@with_appcontext
@click.option("--scale", default=1, show_default=True, type=click.IntRange(1, 1000))
@click.option("--force", is_flag=True, help="Add demo data even if real records exist.")
@click.option("--seed", default=2029, show_default=True, help="Random seed (same seed, same data).")
def demo_data_command(scale: int, force: bool, seed: int) -> None:
    """Add a synthetic dataset marked as demo data ([デモ], external ids demo-...)."""
    from exchange_app.services import demo_data

    session = write_session()
    with click.progressbar(length=100, label="Generating demo data") as bar:
        done = {"n": 0}

        def progress(value: int) -> None:
            if value > done["n"]:
                bar.update(value - done["n"])
                done["n"] = value

        try:
            counts = demo_data.generate(session, scale, force=force, seed=seed, progress=progress)
        except demo_data.DemoDataRefused as error:
            raise click.ClickException(
                "This database holds real records; demo data would mix with them. "
                "Use --force to add it anyway."
            ) from error
    session.commit()
    click.echo(
        ", ".join(f"{count:,} {kind}" for kind, count in counts.items()) + " added (demo data)"
    )
@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(target: str) -> None:
    """Write a consistent copy of the database to TARGET (safe while the app is serving)."""
    from exchange_app.services import backups

    try:
        backups.backup(current_app.config["DATABASE_URL"], target)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"backup written to {target}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(source: str, yes: bool) -> None:
    """Replace the database's contents with the backup SOURCE."""
    from exchange_app.services import backups

    if not yes:
        click.confirm("This replaces every record in the database. Continue?", abort=True)
    try:
        backups.restore(current_app.config["DATABASE_URL"], source)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"database restored from {source}")

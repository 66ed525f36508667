"""Flask commands: `flask --app webapp demo-data`, `programmes check`, `outbox deliver`, `create-organisation`,
`send-reminders`, `worker`, `scheduler`, `jobs failed`, `jobs retry`, `export`, `import`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from . import demo
from .extensions import db

programmes_cli = AppGroup("programmes", help="Programme definitions in workflows/.")
outbox_cli = AppGroup("outbox", help="Mail and other messages waiting to leave.")


@programmes_cli.command("check")
def check_programmes():
    """Validate every definition in WORKFLOWS_DIR again and print what was loaded.

    Start-up already validated them, so this needs the app's configuration (a secret key);
    `python -m webapp.programmes.check` (or `make check-workflows`) runs the same check without it."""
    from pathlib import Path

    from .programmes.check import report

    status = report(Path(current_app.config["WORKFLOWS_DIR"]))
    if status:
        raise SystemExit(status)


@outbox_cli.command("deliver")
def deliver_outbox():
    """Deliver what is still pending (a delivery that failed after its request is retried here)."""
    from .core import outbox

    sent = outbox.deliver(outbox.pending())
    click.echo(f"{sent} delivered, {len(outbox.pending())} still pending.")


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database has users.")
@click.option(
    "--scale",
    type=click.IntRange(0, 1_000_000),
    default=0,
    help="After the demo, this many more applications over 200 more schools (bulk inserted), to try the lists at scale.",
)
def demo_data(if_empty: bool, scale: int):
    """Load the demo municipality with its four demo users (password: grantpath-demo)."""
    if not demo.is_empty():
        if if_empty:
            click.echo("The database already has data; demo data not loaded.")
            return
        raise click.ClickException("The database is not empty; demo data is only loaded into an empty database.")
    organisation = demo.load()
    if scale:
        from .demo import scale as scaled

        scaled.add(organisation, scale)
    counts = demo.demo_counts()
    click.echo(f"Demo data loaded: {counts['users']} users, {counts['applications']} applications.")


@click.command("create-organisation")
@click.argument("name")
@click.argument("admin_email")
@click.argument("admin_name")
def create_organisation(name: str, admin_email: str, admin_name: str):
    """Create an organisation and its first administrator, and print the invitation link."""
    from .auth import services as accounts
    from .auth.models import Membership, Role, User
    from .organisations.models import Organisation

    if accounts.find_user(admin_email):
        raise click.ClickException(f"{admin_email} already has an account.")
    organisation = Organisation(name=name)
    user = User(email=accounts.normalise_email(admin_email), name=admin_name, language="sv")
    user.memberships.append(Membership(organisation=organisation, role=Role.ADMIN))
    db.session.add_all([organisation, user])
    db.session.commit()
    link = accounts.public_link("auth.accept_invitation", token=accounts.make_token(user, accounts.INVITATION))
    click.echo(f"Created {name}. {admin_name} sets a password here: {link}")


@click.command("send-reminders")
def send_reminders():
    """Mail each person their coming deadlines, milestones and tasks, each once (for cron)."""

    from .reminders.services import send_and_deliver

    people, items, sent = send_and_deliver()
    click.echo(f"{people} people reminded of {items} items; {sent} mails delivered.")


jobs_cli = AppGroup("jobs", help="The job queue on Redis (REDIS_URL): its dead letters.")


def _needs_redis() -> None:
    from .core import jobs

    if not jobs.enabled():
        raise click.ClickException("No job queue: set REDIS_URL (without it, jobs run in the web process).")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
def worker(burst: bool):
    """Run queued jobs (mail; with REDIS_URL set), retrying failed ones on their schedule."""
    from .core import jobs

    _needs_redis()
    jobs.work(burst=burst)


#: What the scheduler puts in line, when (cron, Stockholm time): the reminders at 06:00 every day,
#: mail that is still pending (its job failed for good, or Redis was down) every five minutes, and
#: the exports past their seven days at 03:00.
SCHEDULE = (
    ("webapp.reminders.services.reminders_job", "0 6 * * *"),
    ("webapp.core.outbox.deliver_pending_job", "*/5 * * * *"),
    ("webapp.exports.services.remove_expired_job", "0 3 * * *"),
)


@click.command("scheduler")
def scheduler():
    """Put the daily reminders and the pending mail in the job queue when due (instead of cron)."""
    from .core import jobs

    _needs_redis()
    jobs.cron_scheduler(scheduled_jobs(), "Europe/Stockholm").start()


def scheduled_jobs() -> list[tuple]:
    from .core.jobs import function_at

    return [(function_at(path), cron) for path, cron in SCHEDULE]


@jobs_cli.command("failed")
def failed_jobs():
    """List the jobs that ran out of tries."""
    from .core import jobs

    _needs_redis()
    found = jobs.failed()
    for job in found:
        click.echo(f"{job['id']}  {job['function']}  {job['ended_at']}  {job['error']}")
    click.echo(f"{len(found)} failed.")


@jobs_cli.command("retry")
def retry_jobs():
    """Put every failed job back in line."""
    from .core import jobs

    _needs_redis()
    click.echo(f"{jobs.retry_failed()} back in the queue.")


@click.command("export")
@click.option(
    "--org", "organisation", required=True, help="The organisation: its id, or its name as a slug (solna-stad)."
)
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False, writable=True), help="The zip file to write."
)
def export_organisation(organisation: str, out: str):
    """Write an organisation's data and uploaded files to a zip file (webapp/archive)."""
    from pathlib import Path

    from .archive import services as archive

    try:
        found = archive.find_organisation(organisation)
        rows = archive.export_organisation(found, Path(out))
    except archive.ArchiveError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Wrote {found.name} to {out}: {sum(rows.values())} rows in {len(rows)} tables.")


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_organisation(path: str):
    """Restore an organisation from the zip `export` wrote, into an empty database at the same migration."""
    from pathlib import Path

    from sqlalchemy.exc import DBAPIError

    from .archive import services as archive
    from .core import database

    try:
        with database.writes():
            rows = archive.import_organisation(Path(path))
            db.session.commit()
    except archive.ArchiveError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    except DBAPIError as exc:  # rows that do not fit together (a reference to a row not in the file)
        db.session.rollback()
        raise click.ClickException(f"the file's rows do not fit together: {str(exc.orig).splitlines()[0]}") from None
    click.echo(f"Imported {sum(rows.values())} rows in {len(rows)} tables from {path}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(scheduler)
    app.cli.add_command(export_organisation)
    app.cli.add_command(import_organisation)
    app.cli.add_command(worker)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(programmes_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(demo_data)
    app.cli.add_command(create_organisation)
    app.cli.add_command(send_reminders)

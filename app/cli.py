"""Flask commands: ``flask --app wsgi seed-demo | create-user | create-token | rebuild-insights | export |
purge-expired``."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext

from . import demo, facts
from .auth import services as auth_services
from .database import refresh_statistics
from .exports import services as exports
from .extensions import db
from .models import Project, ThemeFact, User
from .models.types import utcnow
from .residents import retention


@click.command("seed-demo")
@with_appcontext
@click.option("--interviews", type=click.IntRange(0, 1_000_000), default=40, show_default=True, help="Synthetic interviews to create.")
@click.option("--seed", type=int, default=2027, show_default=True, help="Random seed: the same seed gives the same demo.")
@click.option("--force-production", is_flag=True, help="Allow demo accounts on a production database.")
def seed_demo(interviews: int, seed: int, force_production: bool) -> None:
    """Load the Almere demo (users, projects, areas) into an empty database."""
    if current_app.config["APP_ENV"] == "production" and not force_production:
        raise click.ClickException("seed-demo creates accounts with known passwords; not in production.")
    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        click.echo("The database already has users; demo data not loaded.")
    else:
        data = demo.seed(interviews=interviews, seed=seed)
        db.session.commit()
        refresh_statistics()
        click.echo(f"Demo loaded: {len(data.users)} users, {len(data.projects)} projects, {interviews} interviews.")
    click.echo("Demo logins (email / password):")
    for email, name, password, _admin in demo.DEMO_USERS:
        click.echo(f"  {email:<36} {password:<24} {name}")


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--admin", is_flag=True, help="Make the user an administrator.")
@click.option("--language", type=click.Choice(["nl", "en"]), default="nl")
def create_user(email: str, name: str, password: str, admin: bool, language: str) -> None:
    """Create a user account."""
    if auth_services.get_user_by_email(email) is not None:
        raise click.ClickException(f"A user with email {email} already exists.")
    if len(password) < auth_services.MIN_PASSWORD_LENGTH:
        raise click.ClickException(f"The password needs at least {auth_services.MIN_PASSWORD_LENGTH} characters.")
    user = auth_services.create_user(email, name, password, language=language, is_admin=admin)
    db.session.commit()
    click.echo(f"Created user {user.id} <{user.email}>{' (admin)' if admin else ''}.")


@click.command("create-token")
@with_appcontext
@click.option("--email", required=True, help="The user the token acts as.")
@click.option("--name", required=True, help="What the token is for.")
@click.option("--days", type=click.IntRange(1, 730), default=None, help="Expire after this many days.")
def create_token(email: str, name: str, days: int | None) -> None:
    """Create an API token; it is shown once."""
    user = auth_services.get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with email {email}.")
    expires = utcnow() + timedelta(days=days) if days else None
    _token, plain = auth_services.create_token(user, name, expires)
    db.session.commit()
    click.echo(plain)


@click.command("rebuild-insights")
@with_appcontext
@click.option("--project", "project_id", type=int, default=None, help="Only this project (default: all).")
def rebuild_insights(project_id: int | None) -> None:
    """Rebuild the dashboards' theme facts from the coding (after a bulk load, or to repair)."""
    if project_id is not None and db.session.get(Project, project_id) is None:
        raise click.ClickException(f"No project {project_id}.")
    # After a bulk load PostgreSQL has no statistics yet, and reads each chunk of 500 interviews by
    # scanning every coding (1.7 s a chunk at 1M codings, 37 ms with statistics): gather them first.
    refresh_statistics()
    facts.rebuild(db.session.connection(), project_id)
    db.session.commit()
    refresh_statistics()
    where = [ThemeFact.project_id == project_id] if project_id else []
    count = db.session.scalar(sa.select(sa.func.count()).select_from(ThemeFact).where(*where))
    click.echo(f"Theme facts rebuilt: {count} rows.")


@click.command("export")
@with_appcontext
@click.argument("project_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv", "geojson", "qdc"]), default="xlsx", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True), required=True, help="The file to write.")
@click.option(
    "--filter",
    "filters",
    multiple=True,
    metavar="KEY=VALUE",
    help="A dashboard filter, as in its URL: round=3, area=12, from=2027-01-01, to=..., respondent, age, question, version, interviewer.",
)
@click.option("--level", type=click.Choice(["stadsdeel", "wijk", "buurt"]), default=None, help="Area level of the columns per area.")
@click.option("--version", "version_id", type=int, default=None, help="Guide version of the wide answers sheet.")
@click.option("--delimiter", type=click.Choice([";", ","]), default=";", show_default=True, help="CSV column separator.")
@click.option("--language", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--personal", is_flag=True, help="Include personal data (contact details, names, house numbers); needs --reason.")
@click.option("--reason", default="", help="Why personal data is needed; logged.")
def export(
    project_id: int,
    fmt: str,
    output: str,
    filters: tuple[str, ...],
    level: str | None,
    version_id: int | None,
    delimiter: str,
    language: str,
    personal: bool,
    reason: str,
) -> None:
    """Export a project (pseudonymised unless --personal) to a workbook, CSV zip, GeoJSON or REFI-QDA codebook."""
    project = db.session.get(Project, project_id)
    if project is None:
        raise click.ClickException(f"No project {project_id}.")
    args = {}
    for item in filters:
        key, sep, value = item.partition("=")
        if not sep or key not in exports.SHARED_FILTERS:
            raise click.ClickException(f"Not a filter: {item!r} (use KEY=VALUE with one of {', '.join(sorted(exports.SHARED_FILTERS))}).")
        args[key] = value
    options = exports.ExportOptions(
        format=fmt, args=args, personal=personal, reason=reason, version_id=version_id, level=level, delimiter=delimiter
    )
    try:
        options = exports.check(options, may_see_people=True)  # whoever runs commands on the server is trusted with the data
    except exports.ExportError as error:
        raise click.ClickException(str(error)) from error
    target = Path(output)
    partial = target.with_name(target.name + ".part")
    with open(partial, "wb") as out:
        result = exports.write(project, options, out, actor=None, language=language)
    partial.replace(target)
    db.session.commit()  # the audit row
    click.echo(f"Exported {result.rows} rows to {target} ({'personal data included' if personal else 'pseudonymised'}).")


COUNT_LABELS = {
    "interviews": "interviews erased",
    "contributions": "contributions erased",
    "codings": "codings erased with them",
    "actions_unlinked": "action items lost a link",
    "contact_details": "contact details deleted",
    "named_contacts": "names of who was heard deleted",
    "gps_points": "GPS points rounded to ~100 m",
    "streets": "house numbers removed from streets",
    "texts": "texts with addresses, e-mail addresses or phone numbers blotted out",
    "export_files": "export files removed",
}


@click.command("purge-expired")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="Show what would go; change nothing.")
@click.option("--project", "project_id", type=int, default=None, help="Only this project (default: all).")
def purge_expired(dry_run: bool, project_id: int | None) -> None:
    """Delete or anonymise personal data and input past their project's retention periods."""
    report = retention.purge(dry_run=dry_run, project_id=project_id)
    verb = "Would purge" if dry_run else "Purged"
    for result in report.projects:
        click.echo(
            f"Project {result.project_id} {result.name!r}: personal data recorded before "
            f"{result.personal_before:%Y-%m-%d}, input recorded before {result.input_before:%Y-%m-%d}"
        )
        found = [f"  {count} {COUNT_LABELS.get(key, key)}" for key, count in result.counts.items() if count]
        click.echo("\n".join(found) if found else "  nothing has expired")
    if project_id is None:
        click.echo(
            f"{report.export_jobs} old export jobs and {report.sessions} ended sessions {'would be' if dry_run else 'were'} forgotten."
        )
    if not dry_run:
        refresh_statistics()  # many rows changed: the planner's figures follow
    click.echo(
        f"{verb}: {sum(1 for r in report.projects if r.anything)} of {len(report.projects)} projects had expired data."
        + (" Nothing was changed (dry run)." if dry_run else " This run is in the audit log.")
    )


@click.command("analyze")
@with_appcontext
def analyze() -> None:
    """Refresh the query planner's statistics (after loading data by other means than the app)."""
    click.echo(f"Statistics refreshed ({refresh_statistics()}).")


def init_app(app: Flask) -> None:
    for command in (seed_demo, create_user, create_token, rebuild_insights, export, purge_expired, analyze):
        app.cli.add_command(command)

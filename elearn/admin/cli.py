"""`flask users ...`: account administration from the command line."""

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

users = AppGroup("users", help="Manage user accounts.")


@users.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Check the file and report, but save nothing.")
def import_command(file, dry_run):
    """Create or update people from a CSV FILE: every row is imported, or none.

    Columns: nip, nama, email, unit, jabatan, golongan, roles; optional: jenis, atasan_nip,
    jenis_jabatan (position kind, by code or name).
    """
    from ..tabular import import_command as run
    from .importer import import_users

    result = run(lambda data, name: import_users(data, filename=name, via="cli"), file, dry_run)
    if result is not None and result.setup_batch is not None:
        click.echo(
            f"{result.setup_batch.total} new people have no password: "
            "`flask users send-setup-links` mails them a password setup link"
        )


@users.command("send-setup-links")
@click.option("--batch", "batch_id", type=int, default=None, help="Only this batch (its number).")
@click.option(
    "--retry-failed", is_flag=True, help="First put the failed and interrupted links back in line."
)
@click.option(
    "--per-round", type=click.IntRange(1, 200), default=None,
    help="Mails per round (default: SETUP_LINKS_PER_ROUND).",
)  # fmt: skip
def send_setup_links_command(batch_id, retry_failed, per_round):
    """Mail every password setup link still waiting (after an import, or prepared on the users
    page). A second run sends nobody a second link; failures are reported with their reason and
    tried again with --retry-failed. Exits with status 1 when a mail failed."""
    from sqlalchemy import select

    from ..extensions import db
    from ..models import InvitationStatus, SetupBatch, SetupInvitation
    from .setup_links import problem_invitations, send_setup_links
    from .setup_links import retry_failed as retry

    per_round = per_round or current_app.config["SETUP_LINKS_PER_ROUND"]
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        if batch_id is not None:
            batch = db.session.get(SetupBatch, batch_id)
            if batch is None:
                raise click.ClickException(f"no batch {batch_id}")
            batches = [batch]
        else:
            batches = db.session.scalars(select(SetupBatch).order_by(SetupBatch.id)).all()
        failed = rounds = 0
        for batch in batches:
            if retry_failed and retry(None, batch):
                db.session.commit()
            waiting = db.session.scalar(
                select(SetupInvitation.id)
                .where(
                    SetupInvitation.batch_id == batch.id,
                    SetupInvitation.status == InvitationStatus.PENDING,
                )
                .limit(1)
            )
            if waiting is None:
                continue
            rounds += 1
            while True:
                progress = send_setup_links(batch.id, per_round)
                if progress.pending == 0:
                    break
            failed += progress.failed
            click.echo(
                f"batch {batch.id}: {progress.sent} sent, {progress.failed} failed, "
                f"{progress.skipped} skipped, {progress.interrupted} interrupted"
            )
            for inv in problem_invitations(batch, limit=1000):
                reason = inv.error or "interrupted"
                click.echo(f"  failed: {inv.user.email}: {reason}", err=True)
        if not rounds:
            click.echo("no setup link is waiting")
        if failed:
            click.echo(f"{failed} mail(s) failed: run again with --retry-failed", err=True)
            raise click.exceptions.Exit(1)

"""`flask reminders send`: reminder mails of assigned courses and the supervisors' weekly digest.

Meant for cron, e.g. every morning: `0 7 * * * flask --app wsgi reminders send`. Running it
more than once a day sends nothing twice (see reminders.py).
"""

import smtplib

import click
from flask import current_app

from ..extensions import db
from ..timeutil import utcnow
from .reminders import learners_with_due_items, send_digest, send_learner_reminder, supervisors
from .services import today


@click.group()
def reminders():
    """Reminders of assigned courses."""


@reminders.command("send")
@click.option(
    "--day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Act as if today were this day (YYYY-MM-DD); default: today in the instance's zone.",
)
@click.option("--no-digest", is_flag=True, help="Skip the supervisors' weekly digest.")
def send(day, no_digest):
    """Mail learners their assigned courses due soon or overdue, and supervisors their digest."""
    now = utcnow()
    on_day = day.date() if day else today(now)
    counts = {"learners": 0, "items": 0, "digests": 0, "failed": 0}

    def attempt(action, *args):
        try:
            result = action(*args, on_day, now)
        except (OSError, smtplib.SMTPException) as exc:
            db.session.rollback()
            counts["failed"] += 1
            current_app.logger.error("reminder mail failed: %s", exc)
            return None
        db.session.commit()
        return result

    for learner in learners_with_due_items(on_day):
        sent = attempt(send_learner_reminder, learner)
        if sent:
            counts["learners"] += 1
            counts["items"] += sent
    if not no_digest:
        for supervisor in supervisors():
            if attempt(send_digest, supervisor):
                counts["digests"] += 1
    click.echo(
        f"{on_day.isoformat()}: reminders sent to {counts['learners']} learners "
        f"({counts['items']} courses), {counts['digests']} weekly digests, "
        f"{counts['failed']} failed"
    )
    if counts["failed"]:
        raise click.exceptions.Exit(1)

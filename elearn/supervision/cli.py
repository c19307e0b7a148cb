"""`flask reminders send`: reminder mails of assigned courses and the supervisors' weekly digest.

The job worker runs the same round every morning (DAILY_ROUND_AT); cron is no longer needed, but
`0 7 * * * flask --app wsgi reminders send` still works. Running it more than once a day sends
nothing twice (see reminders.py).
"""

import smtplib
from functools import partial

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from ..notifications.services import notify_due_items, notify_team_digest, purge_read
from ..surveys import followup
from ..timeutil import utcnow
from .reminders import (
    digest_for,
    learners_with_due_items,
    send_digest,
    send_learner_reminder,
    supervisors,
    week_start,
)
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
    """Mail learners their assigned courses due soon or overdue, and supervisors their digest;
    the same events as in-app notifications."""
    now = utcnow()
    on_day = day.date() if day else today(now)
    lines, failed = daily_round(on_day, now, no_digest=no_digest)
    for line in lines:
        click.echo(line)
    if failed:
        raise click.exceptions.Exit(1)


def daily_round(on_day, now, no_digest=False):
    """The day's round: notifications, reminder mails, digests, survey mails, low ratings and
    badges. Safe to run more than once a day. Returns (lines of a report, failed mails); run by
    the job worker each morning (elearn/jobs/tasks.py) and by `flask reminders send`."""
    out = []
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

    # In-app notifications first, committed on their own: a mail server that is down does not
    # keep them from the bell. Their unique keys make a second run add nothing.
    learners = learners_with_due_items(on_day)
    notified = sum(notify_due_items(learner, on_day, now) for learner in learners)
    digests = []
    if not no_digest:
        for supervisor in supervisors():
            digest = digest_for(supervisor, on_day)
            if not digest.empty:
                notified += notify_team_digest(supervisor, digest, week_start(on_day), now)
                digests.append((supervisor, digest))
    purged = purge_read(now)
    db.session.commit()

    for learner in learners:
        sent = attempt(send_learner_reminder, learner)
        if sent:
            counts["learners"] += 1
            counts["items"] += sent
    for supervisor, digest in digests:
        if attempt(partial(send_digest, digest=digest), supervisor):
            counts["digests"] += 1
    out.append(
        f"{on_day.isoformat()}: reminders sent to {counts['learners']} learners "
        f"({counts['items']} courses), {counts['digests']} weekly digests, "
        f"{counts['failed']} failed"
    )
    out.append(f"in-app notifications: {notified} new, {purged} old read ones deleted")

    # Evaluation surveys: the follow-ups due today, their mails (and the reaction surveys that
    # hold a certificate), then the low ratings of the courses.
    invited = followup.schedule(on_day)
    db.session.commit()
    failed_before = counts["failed"]
    mailed = followup.send(on_day, now, run=attempt)
    flagged = 0
    try:
        from ..surveys.reports import flag_low_ratings
    except ImportError:  # the reports part is not installed
        flag_low_ratings = None
    if flag_low_ratings is not None:
        flagged = flag_low_ratings(now) or 0
        db.session.commit()
    out.append(
        f"surveys: {invited} follow-up invitations created, {mailed['invitation']} invitations "
        f"and {mailed['reminder']} reminders mailed, {counts['failed'] - failed_before} failed, "
        f"{flagged} low ratings flagged"
    )
    # Badges earned by rule (a completion or an approval awards them at once; this catches
    # what changed otherwise, e.g. a late approval of last year's activity).
    from ..activities.cli import award_everyone

    badges = award_everyone(now)
    db.session.commit()
    out.append(f"badges: {badges} awarded")
    return out, counts["failed"]


@click.command("team-figures")
@with_appcontext
def team_figures_command():
    """Count the kept summary per unit of the team dashboards now (the worker does it every
    TEAM_FIGURES_REFRESH_MINUTES on an instance of TEAM_FIGURES_MIN_PEOPLE people or more)."""
    from . import figures

    rows = figures.refresh(force=True)
    if rows:
        click.echo(f"summary per unit counted: {rows} units")
    else:
        click.echo(f"fewer than {figures.min_people()} active people: the dashboards count live")

"""`flask activities ...`: the shipped kinds of development activity, and the badges earned by
rule (meant for the daily cron with the reminders; running it twice awards nothing twice)."""

import click

from ..extensions import db
from ..timeutil import local_time, utcnow
from .badges import award_badges
from .kinds import ensure_kinds


@click.group()
def activities():
    """Development activities beyond courses."""


@activities.command("kinds")
def kinds():
    """Add the shipped kinds of activity the instance does not have yet (edited ones stay)."""
    added = ensure_kinds()
    db.session.commit()
    click.echo(f"{added} kinds of activity added")


def award_everyone(now=None, year=None):
    """Award the badges the rules give every active person: for `year`, or this year and the
    last one (an activity of December approved in January still earns last year's target).
    Returns how many were awarded. Flushes."""
    now = now or utcnow()
    this = local_time(now).year
    return award_badges(None, now=now, years=[year] if year else [this, this - 1])


@activities.command("badges")
@click.option(
    "--year",
    type=click.IntRange(2000, 2100),
    default=None,
    help="Award the yearly badges of this year only (default: this year and the last).",
)
def badges(year):
    """Award every active person the badges the rules give them and they do not have yet."""
    awarded = award_everyone(year=year)
    db.session.commit()
    click.echo(f"{awarded} badges awarded")

"""The team dashboard's summary per unit, kept for large instances.

On a small instance every summary is computed when the page is asked for (one GROUP BY over the
people in view). Over hundreds of thousands of people that GROUP BY reads every enrolment,
completion and activity of the year: tens of seconds. So, once the instance has at least
TEAM_FIGURES_MIN_PEOPLE active people, the worker keeps the summary of every unit (the very
statement the dashboard runs, for the whole instance, TeamQuery.by_unit) in `unit_figures`,
refreshed every TEAM_FIGURES_REFRESH_MINUTES. A dashboard view over at least that many people,
without filters other than the year's current one and a unit, reads those rows instead, and the
page says when they were counted. Everything else (smaller views, filters, one person's page,
the list's rows themselves, exports) stays live.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, insert, select

from ..extensions import db
from ..models import Role, User
from ..models.figures import UnitFigures
from ..timeutil import as_utc, utcnow


class _WholeInstance:
    """The viewer of the kept figures: everyone, as an admin sees them."""

    id = None
    supervised = ()

    def has_role(self, role):
        return role == Role.ADMIN


@dataclass
class Kept:
    """The kept rows of a year: {unit id: UnitStats}, and when they were counted."""

    by_unit: dict
    counted_at: object


def min_people():
    return int(current_app.config["TEAM_FIGURES_MIN_PEOPLE"])


def refresh(now=None, force=False):
    """Count the summary of every unit again when it is due (or `force`): the number of rows
    written, 0 when not due or when the instance is below the size that needs it (then any kept
    rows are removed: the dashboard is live). One transaction: readers see the old rows until
    the new ones are committed."""
    from .services import TeamFilter, TeamQuery, today

    now = now or utcnow()
    day = today(now)
    people = db.session.scalar(select(func.count(User.id)).where(User.active.is_(True)))
    if people < min_people():
        removed = db.session.execute(delete(UnitFigures)).rowcount
        if removed:
            db.session.commit()
        return 0
    last = db.session.execute(
        select(UnitFigures.day, func.max(UnitFigures.computed_at))
        .where(UnitFigures.year == day.year)
        .group_by(UnitFigures.day)
    ).first()
    every = timedelta(minutes=int(current_app.config["TEAM_FIGURES_REFRESH_MINUTES"]))
    if not force and last is not None and last[0] == day and as_utc(last[1]) > now - every:
        return 0
    stats = TeamQuery(_WholeInstance(), TeamFilter(year=day.year), on_day=day).by_unit()
    rows = [
        {
            "year": day.year, "day": day, "unit_id": unit_id, "head": s.head,
            "at_target": s.at_target, "assigned": s.assigned, "done": s.done,
            "overdue": s.overdue, "overdue_people": s.overdue_people, "computed_at": now,
        }
        for unit_id, s in stats.items()
    ]  # fmt: skip
    db.session.execute(delete(UnitFigures))
    if rows:
        db.session.execute(insert(UnitFigures), rows)
    db.session.commit()
    return len(rows)


def kept(year, day, now=None):
    """The kept figures of `year` counted on `day` and not older than twice the refresh time,
    or None (then the dashboard counts live)."""
    from .services import UnitStats

    of_day = (UnitFigures.year == year, UnitFigures.day == day)
    # The latest count only: two workers refreshing at once may each have written theirs.
    latest = select(func.max(UnitFigures.computed_at)).where(*of_day).scalar_subquery()
    rows = db.session.scalars(
        select(UnitFigures).where(*of_day, UnitFigures.computed_at == latest)
    ).all()
    if not rows:
        return None
    computed = as_utc(rows[0].computed_at)
    every = int(current_app.config["TEAM_FIGURES_REFRESH_MINUTES"])
    if computed < (now or utcnow()) - timedelta(minutes=2 * every):
        return None
    by_unit = {
        r.unit_id: UnitStats(
            head=r.head, at_target=r.at_target, assigned=r.assigned, done=r.done,
            overdue=r.overdue, overdue_people=r.overdue_people,
        )
        for r in rows
    }  # fmt: skip
    return Kept(by_unit, computed)

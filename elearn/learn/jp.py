"""The one place that counts a person's JP of a year; every view and export reads it.

A person's JP of a year are the JP of the courses completed in that year (the instance's
calendar year) plus the JP of the approved development activities that ended in it, each
kind's yearly cap applied. Nothing else counts: a pending or returned activity, an activity
of another year. The counting is SQL (`jp_parts`, `jp_per_person`) so that a supervisor's
list of ten thousand people is still one GROUP BY; `jp_earned` and `jp_by_source` are its
Python faces.
"""

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, bindparam, case, func, literal, select, union_all

from ..extensions import db
from ..models import Activity, ActivityKind, ActivitySource, ActivityStatus, Completion

COURSES = "course"  # the source of course completions in jp_parts
SOURCES = (COURSES, ActivitySource.FORMAL, ActivitySource.SOCIAL, ActivitySource.WORKPLACE)


def year_bounds(year):
    """[start, end) of a calendar year in the instance's zone, as UTC datetimes."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    start = datetime(year, 1, 1, tzinfo=zone).astimezone(UTC)
    end = datetime(year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    return start, end


def _in(column, who):
    return True if who is None else column.in_(who)


def jp_parts(year, who=None):
    """A subquery (user_id, source, jp): per person, the JP of the year's completions (source
    "course") and of the approved activities per kind (the kind's source), capped per year.
    `who`: user ids or a select of them; None: everyone."""
    start, end = year_bounds(year)
    return _parts(start, end, date(year, 1, 1), date(year, 12, 31), who)


def _parts(start, end, first_day, last_day, who):
    """jp_parts with the year given as its bounds: values, or bound parameters (below)."""
    courses = (
        select(
            Completion.user_id.label("user_id"),
            literal(COURSES).label("source"),
            func.sum(Completion.jp).label("jp"),
        )
        .where(
            _in(Completion.user_id, who),
            Completion.completed_at >= start,
            Completion.completed_at < end,
        )
        .group_by(Completion.user_id)
    )
    total = func.sum(Activity.jp)
    over_cap = and_(ActivityKind.cap_per_year.is_not(None), total > ActivityKind.cap_per_year)
    capped = case((over_cap, ActivityKind.cap_per_year), else_=total)
    activities = (
        select(
            Activity.user_id.label("user_id"),
            ActivityKind.source.label("source"),
            capped.label("jp"),
        )
        .join(ActivityKind, ActivityKind.id == Activity.kind_id)
        .where(
            _in(Activity.user_id, who),
            Activity.status == ActivityStatus.APPROVED.value,
            Activity.end_date >= first_day,
            Activity.end_date <= last_day,
        )
        .group_by(
            Activity.user_id, Activity.kind_id, ActivityKind.source, ActivityKind.cap_per_year
        )
    )
    return union_all(courses, activities).subquery("jp_parts")


def jp_per_person(year, who=None, name="jp"):
    """A subquery (user_id, jp) of the year's JP per person with any: join it to people with
    an outer join and read `coalesce(jp, 0)`."""
    parts = jp_parts(year, who)
    return (
        select(parts.c.user_id, func.sum(parts.c.jp).label("jp"))
        .group_by(parts.c.user_id)
        .subquery(name)
    )


# The statements of jp_earned and jp_by_source, built once per process with the people and the
# year as bound parameters: building them costs more than running them for one person.
@functools.cache
def _per_person_statement(by_source):
    parts = _parts(
        bindparam("start"),
        bindparam("end"),
        bindparam("first_day"),
        bindparam("last_day"),
        bindparam("user_ids", expanding=True),
    )
    if by_source:
        return select(parts.c.user_id, parts.c.source, func.sum(parts.c.jp)).group_by(
            parts.c.user_id, parts.c.source
        )
    return select(parts.c.user_id, func.sum(parts.c.jp)).group_by(parts.c.user_id)


def _run_per_person(user_ids, year, by_source):
    start, end = year_bounds(year)
    params = {
        "start": start,
        "end": end,
        "first_day": date(year, 1, 1),
        "last_day": date(year, 12, 31),
        "user_ids": user_ids,
    }
    return db.session.execute(_per_person_statement(by_source), params)


def jp_earned(user_ids, year):
    """{user id: JP of `year`} for the given people, in one query."""
    user_ids = list(user_ids)
    out = dict.fromkeys(user_ids, 0)
    if user_ids:
        out.update({uid: int(jp or 0) for uid, jp in _run_per_person(user_ids, year, False)})
    return out


@dataclass
class JPBySource:
    """A person's (or a unit's) JP of a year split by the 10:20:70 model."""

    courses: int = 0  # e-learning courses of this platform
    formal: int = 0  # other formal learning: seminars, workshops, technical guidance
    social: int = 0  # coaching, mentoring, communities of practice
    workplace: int = 0  # on the job: projects, secondment, shadowing, self-study

    @property
    def total(self):
        return self.courses + self.formal + self.social + self.workplace

    def add(self, source, jp):
        name = "courses" if source == COURSES else str(source)
        setattr(self, name, getattr(self, name) + int(jp or 0))

    def shares(self):
        """[(key, JP, percent of the total)] in the model's order: formal (courses and other
        formal learning) 10, social 20, workplace 70."""
        total = self.total
        parts = [
            ("formal", self.courses + self.formal),
            ("social", self.social),
            ("workplace", self.workplace),
        ]
        return [(k, v, round(100 * v / total) if total else 0) for k, v in parts]


def jp_by_source(user_ids, year):
    """{user id: JPBySource} for the given people, in one query."""
    user_ids = list(user_ids)
    out = {uid: JPBySource() for uid in user_ids}
    if user_ids:
        for uid, source, jp in _run_per_person(user_ids, year, True):
            out[uid].add(source, jp)
    return out


def jp_by_source_of(who, year):
    """The JP of everyone in `who` (ids or a select of them) together, by source: a unit's
    10:20:70 picture, in one query."""
    parts = jp_parts(year, who)
    total = JPBySource()
    for source, jp in db.session.execute(
        select(parts.c.source, func.sum(parts.c.jp)).group_by(parts.c.source)
    ):
        total.add(source, jp)
    return total


def jp_of_years(user_id, years):
    """{year: JP} of one person for the given years, in one query (the person view's table)."""
    years = sorted(set(years))
    out = dict.fromkeys(years, 0)
    if not years:
        return out
    per_year = []
    for year in years:
        parts = jp_parts(year, [user_id])
        per_year.append(select(literal(year).label("year"), func.coalesce(func.sum(parts.c.jp), 0)))
    for year, jp in db.session.execute(union_all(*per_year)):
        out[int(year)] = int(jp or 0)
    return out

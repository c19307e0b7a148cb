"""Recognition of learning: the 10:20:70 picture of a person or a team, the yearly list of the
people of a unit who reached the JP target, and the ranking of units by the share of their
people at target.

JP are always read from learn/jp.py (never summed here). Lists and rankings are a fixed number
of GROUP BY queries whatever the size of the agency. A person who chose not to be named
(User.hide_from_recognition) is counted in every figure but never listed by name. Services
flush, never commit, and take people and units as arguments.
"""

from dataclasses import dataclass
from fractions import Fraction

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..learn.jp import JPBySource, jp_by_source, jp_per_person
from ..models import Unit, User
from ..supervision.services import Page

# The 10:20:70 model (BKN): its three parts, what counts in each, the model's share.
SOURCES = (
    ("formal", _l("Formal learning"), 10),
    ("social", _l("Coaching and mentoring"), 20),
    ("workplace", _l("On the job and other activities"), 70),
)
SOURCE_HINTS = {
    "formal": _l("courses, seminars, workshops, technical guidance"),
    "social": _l("coaching, mentoring, communities of practice"),
    "workplace": _l("projects, secondment, job shadowing, self-study"),
}
BAR_WIDTH = 300  # SVG units of the whole bar


def jp_target():
    return int(current_app.config["YEARLY_JP_TARGET"])


# The 10:20:70 picture ---------------------------------------------------------------------------
@dataclass
class SourceRow:
    key: str
    label: object
    hint: object
    jp: int
    percent: int
    model: int  # the model's percent
    x: float  # where its segment starts on the bar (SVG units)
    width: float


@dataclass
class SourcePicture:
    year: int
    parts: JPBySource
    rows: list  # [SourceRow] formal, social, workplace
    marks: list  # [(x, percent)] of the model's boundaries (10 and 30 percent)
    reference: list  # [(key, x, width)] of the model's bar

    @property
    def total(self):
        return self.parts.total

    @property
    def courses(self):
        return self.parts.courses

    @property
    def other_formal(self):
        return self.parts.formal

    @property
    def width(self):
        return BAR_WIDTH


def source_picture(parts, year):
    """What templates/activities/_jp_sources.html draws for a JPBySource of `year`."""
    shares = {key: (jp, pct) for key, jp, pct in parts.shares()}
    total = parts.total
    rows, x = [], 0.0
    for key, label, model in SOURCES:
        jp, pct = shares[key]
        width = round(BAR_WIDTH * jp / total, 2) if total else 0
        rows.append(SourceRow(key, label, SOURCE_HINTS[key], jp, pct, model, round(x, 2), width))
        x += width
    reference, rx, marks, cumulative = [], 0.0, [], 0
    for key, _label, model in SOURCES:
        width = BAR_WIDTH * model / 100
        reference.append((key, rx, width))
        rx += width
        cumulative += model
        if cumulative < 100:
            marks.append((round(rx, 2), cumulative))
    return SourcePicture(year, parts, rows, marks, reference)


def person_picture(user_id, year):
    """A person's JP of `year` by source: one query."""
    return source_picture(jp_by_source([user_id], year)[user_id], year)


# Who may see which unit's list -------------------------------------------------------------------
def unit_choices(viewer, scope):
    """[(unit, depth)] whose list `viewer` may open: everything for an admin (`scope` is
    scope_units(viewer)); a supervisor's units in scope and their own unit; a learner their
    own unit only."""
    out = list(scope) if viewer.has_role("admin", "supervisor") else []
    if viewer.unit is not None and all(u.id != viewer.unit_id for u, _d in out):
        out.insert(0, (viewer.unit, 0))
    return out


def _members(unit):
    """The people a unit's figures count: active people of the unit and its sub-units."""
    return and_(User.active.is_(True), User.unit_id.in_(unit.subtree_ids_select()))


# The yearly list of a unit -----------------------------------------------------------------------
@dataclass
class RecognitionList:
    unit: Unit
    year: int
    target: int
    people: int  # everyone counted in the unit
    at_target: int  # of whom at or above the target (named or not)
    page: Page  # the named ones: (id, full_name, position, unit name)

    @property
    def share(self):
        return round(100 * self.at_target / self.people) if self.people else 0

    @property
    def unnamed(self):
        return self.at_target - self.page.total


def recognition_list(unit, year, page=1, per_page=25):
    """The people of `unit` (with its sub-units) at or above the JP target in `year`, by name,
    without those who chose not to be named: two queries (the figures, one page)."""
    target = jp_target()
    jp = jp_per_person(year, select(User.id).where(_members(unit)))
    reached = func.coalesce(jp.c.jp, 0) >= target
    named = and_(reached, User.hide_from_recognition.is_(False))
    head, at_target, shown = db.session.execute(
        select(
            func.count(User.id),
            func.coalesce(func.sum(case((reached, 1), else_=0)), 0),
            func.coalesce(func.sum(case((named, 1), else_=0)), 0),
        )
        .select_from(User)
        .outerjoin(jp, jp.c.user_id == User.id)
        .where(_members(unit))
    ).one()
    shown = int(shown)
    pages = max(1, -(-shown // per_page))
    page = min(max(1, page), pages)
    rows = []
    if shown:
        rows = db.session.execute(
            select(User.id, User.full_name, User.position, Unit.name.label("unit_name"))
            .join(jp, jp.c.user_id == User.id)
            .outerjoin(Unit, Unit.id == User.unit_id)
            .where(_members(unit), jp.c.jp >= target, User.hide_from_recognition.is_(False))
            .order_by(func.lower(User.full_name), User.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).all()
    return RecognitionList(
        unit, year, target, int(head), int(at_target), Page(rows, page, per_page, shown)
    )


def set_recognition_hidden(user, hidden):
    """Whether `user` is left out of the recognition lists (their choice). Returns True when
    this changed it."""
    hidden = bool(hidden)
    if bool(user.hide_from_recognition) == hidden:
        return False
    user.hide_from_recognition = hidden
    db.session.flush()
    return True


# The ranking of units ----------------------------------------------------------------------------
@dataclass
class RankRow:
    unit: Unit
    people: int
    at_target: int
    rank: int | None  # None: nobody counted in the unit

    @property
    def share(self):
        return round(100 * self.at_target / self.people) if self.people else None


def levels(scope):
    """{level: [units]} of the units in scope by their depth in the agency's tree (1: the
    shallowest level in scope), each in name order."""
    by_depth = {}
    for unit, _d in scope:
        by_depth.setdefault(unit.depth, []).append(unit)
    out = {}
    for n, depth in enumerate(sorted(by_depth), start=1):
        out[n] = sorted(by_depth[depth], key=lambda u: u.name.lower())
    return out


def default_level(by_level):
    """The first level where there is something to compare (two units or more)."""
    return next((n for n, units in by_level.items() if len(units) > 1), min(by_level, default=1))


def unit_ranking(units, year):
    """The units, each with everyone of it and its sub-units (named or not), ranked by the
    share of people at or above the JP target in `year` (equal shares, equal rank); units
    without people last, unranked. One query."""
    if not units:
        return []
    target = jp_target()
    ids = [u.id for u in units]
    ranked, member = aliased(Unit, name="ranked"), aliased(Unit, name="member")
    who = (
        select(User.id)
        .join(member, member.id == User.unit_id)
        .join(ranked, member.path.startswith(ranked.path))
        .where(ranked.id.in_(ids), User.active.is_(True))
    )
    jp = jp_per_person(year, who)
    counted = db.session.execute(
        select(
            ranked.id,
            func.count(User.id),
            func.coalesce(func.sum(case((func.coalesce(jp.c.jp, 0) >= target, 1), else_=0)), 0),
        )
        .select_from(ranked)
        .join(member, member.path.startswith(ranked.path))
        .join(User, and_(User.unit_id == member.id, User.active.is_(True)))
        .outerjoin(jp, jp.c.user_id == User.id)
        .where(ranked.id.in_(ids))
        .group_by(ranked.id)
    )
    figures = {uid: (int(n), int(at)) for uid, n, at in counted}
    rows = [RankRow(u, *figures.get(u.id, (0, 0)), rank=None) for u in units]
    with_people = sorted(
        (r for r in rows if r.people),
        key=lambda r: (-Fraction(r.at_target, r.people), -r.people, r.unit.name.lower(), r.unit.id),
    )
    previous, rank = None, 0
    for n, row in enumerate(with_people, start=1):
        key = Fraction(row.at_target, row.people)
        if key != previous:
            rank, previous = n, key
        row.rank = rank
    empty = sorted((r for r in rows if not r.people), key=lambda r: r.unit.name.lower())
    return with_people + empty


def paged_rows(rows, page, per_page):
    pages = max(1, -(-len(rows) // per_page))
    page = min(max(1, page), pages)
    return Page(rows[(page - 1) * per_page : page * per_page], page, per_page, len(rows))

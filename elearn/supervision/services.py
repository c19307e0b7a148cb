"""The team of a supervisor (or, for admins, everyone): dashboard, summary per unit, person view.

Every figure comes from aggregate SQL over the people in scope (`User.scope_filter()`): the
number of queries of a page is fixed, whatever the size of the team. Services never read
`request` or `current_user`; the viewer and the filters are arguments.
"""

import math
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app, g, has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, and_, case, false, func, literal, or_, select, true, union
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..learn.jp import jp_of_years, jp_per_person, year_bounds  # noqa: F401 (year_bounds: read from here)
from ..models import (
    Activity,
    ActivityStatus,
    Assignment,
    AssignmentPerson,
    Attempt,
    Certificate,
    Completion,
    Course,
    CourseVersion,
    Enrollment,
    Quiz,
    Role,
    Unit,
    User,
)
from ..timeutil import local_time, utcnow

NOT_STARTED, IN_PROGRESS, COMPLETED, OVERDUE = "not_started", "in_progress", "completed", "overdue"
STATUSES = (NOT_STARTED, IN_PROGRESS, OVERDUE, COMPLETED)
STATUS_LABELS = {
    NOT_STARTED: _l("Not started"),
    IN_PROGRESS: _l("In progress"),
    OVERDUE: _l("Overdue"),
    COMPLETED: _l("Completed"),
}
SORTS = {
    "name": _l("Name"),
    "unit": _l("Unit"),
    "jp": _l("JP, lowest first"),
    "-jp": _l("JP, highest first"),
    "activity": _l("Last activity, most recent first"),
    "-activity": _l("Last activity, oldest first"),
}
JP_FILTERS = {"below": _l("Below the yearly target"), "reached": _l("Target reached")}


def today(now=None):
    """The calendar day in the instance's zone (due dates are days there)."""
    return local_time(now or utcnow()).date()


def jp_target():
    return int(current_app.config["YEARLY_JP_TARGET"])


# Scope -------------------------------------------------------------------------------------------
def is_admin(viewer):
    return viewer.has_role(Role.ADMIN)


def scope_condition(viewer):
    """The SQL condition on User for the people `viewer` may see (as User.scope_filter).

    In a request that has loaded scope_units(viewer) (every team page does, for its filter
    form), the units' ids are spelled out, `unit_id IN (ids)`: the same people, but PostgreSQL
    estimates that from its statistics of users.unit_id, where the OR of a subquery on the
    units' paths was guessed at a fixed share of everyone (52,771 people expected, 5,523 found
    at 100,000 people), which made the team queries read every enrolment."""
    if is_admin(viewer):
        return true()
    ids = _known_scope_unit_ids(viewer)
    if ids is None:
        return viewer.scope_filter()
    return scope_condition_of_units(viewer, ids)


def scope_condition_of_units(viewer, unit_ids):
    """scope_condition(viewer) given the ids of its units (those of scope_units(viewer))."""
    if is_admin(viewer):
        return true()
    conditions = [User.id == viewer.id, User.supervisor_id == viewer.id]
    if unit_ids:
        conditions.append(User.unit_id.in_(sorted(unit_ids)))
    return or_(*conditions)


def _scope_key(viewer):
    return viewer.id, tuple(sorted(u.path for u in viewer.supervised))


def _known_scope_unit_ids(viewer):
    """The unit ids scope_units(viewer) found earlier in this request, else None. Only
    within a request: the unit tree does not change under a page, but may between calls of
    a longer-lived app context (the CLI, tests)."""
    if not has_request_context():
        return None
    return g.get("_scope_unit_ids", {}).get(_scope_key(viewer))


def unit_scope_condition(viewer):
    """The SQL condition on Unit for the units a viewer may filter and assign by: every unit
    for an admin, the supervised units and their sub-units for a supervisor."""
    if is_admin(viewer):
        return true()
    paths = [u.path for u in viewer.supervised]
    return or_(*[Unit.path.startswith(p) for p in paths]) if paths else false()


def scope_units(viewer):
    """[(unit, depth)] of unit_scope_condition, in tree order. One query (none for a viewer
    who supervises no unit)."""
    if not is_admin(viewer) and not viewer.supervised:
        return []
    units = db.session.scalars(select(Unit).where(unit_scope_condition(viewer))).all()
    ids = {u.id for u in units}
    children = {}
    for u in units:
        children.setdefault(u.parent_id if u.parent_id in ids else None, []).append(u)
    for siblings in children.values():
        siblings.sort(key=lambda u: u.name.lower())
    out = []

    def walk(parent_id, depth):
        for u in children.get(parent_id, []):
            out.append((u, depth))
            walk(u.id, depth + 1)

    walk(None, 0)
    if has_request_context() and not is_admin(viewer):
        g.setdefault("_scope_unit_ids", {})[_scope_key(viewer)] = frozenset(ids)
    return out


def person_in_scope(viewer, person_id):
    """The person if `viewer` may see them, else None (the route answers 404 either way)."""
    person = db.session.scalar(
        select(User).options(joinedload(User.unit)).where(User.id == person_id)
    )
    if person is None or not viewer.can_see(person):
        return None
    return person


def course_choices():
    """(id, title) of the courses that have a published version, by title. One query."""
    rows = db.session.execute(
        select(Course.id, CourseVersion.title)
        .join(CourseVersion, CourseVersion.id == Course.current_version_id)
        .order_by(func.lower(CourseVersion.title), Course.id)
    )
    return [(cid, title) for cid, title in rows]


# Filters -----------------------------------------------------------------------------------------
@dataclass
class TeamFilter:
    year: int
    unit: Unit | None = None  # only a unit of the viewer's scope (see scope_units)
    course_id: int | None = None
    status: str = ""  # one of STATUSES
    jp: str = ""  # "below" | "reached"
    search: str = ""
    sort: str = "name"


class TeamQuery:
    """The team's figures as SQL subqueries over a set of people (`who`: a SELECT of ids, or a
    list of ids), from which the dashboard and the exports are built.

    items:    one row per (person, course) the figures are about: the courses assigned to the
              person, or with a course filter, that course for everyone assigned, enrolled in or
              having completed it; with the earliest due date of its assignments.
    per_user: the items' counts by status, assignment completion and mean progress per person.
    jp:       JP of the courses each person completed in the year.

    A dashboard page is computed in two steps: the ids of the page (joining only the figures
    the sort and the filters need), then every figure for those 25 people only; the summary
    per unit is one GROUP BY over everyone who matches.
    """

    def __init__(self, viewer, filters, on_day=None, units=None):
        self.viewer = viewer
        self.f = filters
        self.day = on_day or today()
        self.target = jp_target()
        if units is None:
            scope = scope_condition(viewer)
        else:
            scope = scope_condition_of_units(viewer, {u.id for u, _depth in units})
        conditions = [scope, User.active.is_(True)]
        if filters.unit is not None:
            conditions.append(User.unit_id.in_(filters.unit.subtree_ids_select()))
        term = (filters.search or "").strip().lower()
        if term:
            conditions.append(
                or_(
                    func.lower(User.full_name).contains(term, autoescape=True),
                    User.nip.contains(term, autoescape=True),
                )
            )
        self.people_condition = and_(*conditions)
        self.people = select(User.id).where(self.people_condition)
        self.course_mode = filters.course_id is not None
        self.status_filter = filters.status if filters.status in STATUSES else ""
        self.jp_filter = filters.jp if filters.jp in JP_FILTERS else ""

    # Subqueries, for the people `who` ------------------------------------------------------------
    def items(self, who):
        ap, a = AssignmentPerson, Assignment
        if not self.course_mode:
            return (
                select(
                    ap.user_id.label("user_id"),
                    a.course_id.label("course_id"),
                    func.min(a.due_date).label("due_date"),
                )
                .join(a, a.id == ap.assignment_id)
                .where(ap.user_id.in_(who))
                .group_by(ap.user_id, a.course_id)
                .subquery("items")
            )
        course_id = self.f.course_id
        due = (
            select(ap.user_id.label("user_id"), func.min(a.due_date).label("due_date"))
            .join(a, a.id == ap.assignment_id)
            .where(a.course_id == course_id, ap.user_id.in_(who))
            .group_by(ap.user_id)
            .subquery("due")
        )
        takers = union(
            select(ap.user_id.label("user_id"))
            .join(a, a.id == ap.assignment_id)
            .where(a.course_id == course_id, ap.user_id.in_(who)),
            select(Enrollment.user_id).where(
                Enrollment.course_id == course_id, Enrollment.user_id.in_(who)
            ),
            select(Completion.user_id).where(
                Completion.course_id == course_id, Completion.user_id.in_(who)
            ),
        ).subquery("takers")
        return (
            select(
                takers.c.user_id.label("user_id"),
                literal(course_id).label("course_id"),
                due.c.due_date.label("due_date"),
            )
            .select_from(takers)
            .outerjoin(due, due.c.user_id == takers.c.user_id)
            .subquery("items")
        )

    def status_rows(self, who):
        items = self.items(who)
        done = Completion.id.is_not(None)
        status = case(
            (done, COMPLETED),
            (items.c.due_date < literal(self.day, Date), OVERDUE),
            (
                or_(Enrollment.progress_percent > 0, Enrollment.last_activity_at.is_not(None)),
                IN_PROGRESS,
            ),
            else_=NOT_STARTED,
        )
        progress = case((done, 100), else_=func.coalesce(Enrollment.progress_percent, 0))
        return (
            select(
                items.c.user_id,
                items.c.course_id,
                items.c.due_date,
                status.label("status"),
                progress.label("progress"),
                Enrollment.last_activity_at.label("last_activity_at"),
            )
            .select_from(items)
            .outerjoin(
                Enrollment,
                and_(
                    Enrollment.user_id == items.c.user_id,
                    Enrollment.course_id == items.c.course_id,
                ),
            )
            .outerjoin(
                Completion,
                and_(
                    Completion.user_id == items.c.user_id,
                    Completion.course_id == items.c.course_id,
                ),
            )
            .subquery("st")
        )

    def per_user(self, who):
        st = self.status_rows(who)

        def count(cond):
            return func.sum(case((cond, 1), else_=0))

        assigned = st.c.due_date.is_not(None)
        return (
            select(
                st.c.user_id,
                count(assigned).label("assigned"),
                count(and_(assigned, st.c.status == COMPLETED)).label("assigned_done"),
                count(st.c.status == NOT_STARTED).label(NOT_STARTED),
                count(st.c.status == IN_PROGRESS).label(IN_PROGRESS),
                count(st.c.status == OVERDUE).label(OVERDUE),
                count(st.c.status == COMPLETED).label(COMPLETED),
                func.avg(st.c.progress).label("progress"),
                func.max(st.c.last_activity_at).label("last_activity_at"),
            )
            .group_by(st.c.user_id)
            .subquery("per_user")
        )

    def jp(self, who):
        return jp_per_person(self.f.year, who)

    def activity(self, who):
        return (
            select(
                Enrollment.user_id,
                func.max(Enrollment.last_activity_at).label("last_activity_at"),
            )
            .where(Enrollment.user_id.in_(who))
            .group_by(Enrollment.user_id)
            .subquery("activity")
        )

    def certificates(self, who):
        return (
            select(Certificate.user_id, func.count(Certificate.id).label("n"))
            .where(Certificate.revoked_at.is_(None), Certificate.user_id.in_(who))
            .group_by(Certificate.user_id)
            .subquery("certs")
        )

    # Statements --------------------------------------------------------------------------------
    def _figure_conditions(self, jp, per_user):
        conds = []
        if self.course_mode:
            conds.append(per_user.c.user_id.is_not(None))
        if self.status_filter:
            conds.append(getattr(per_user.c, self.status_filter) > 0)
        if self.jp_filter == "below":
            conds.append(func.coalesce(jp.c.jp, 0) < self.target)
        elif self.jp_filter == "reached":
            conds.append(func.coalesce(jp.c.jp, 0) >= self.target)
        return conds

    def _order(self, jp_value, last_activity):
        """ORDER BY of the chosen sort (the figures it needs must be given), ties by name."""
        name = func.lower(User.full_name)
        sort = self.f.sort
        if sort == "unit":
            first = [func.lower(func.coalesce(Unit.name, ""))]
        elif sort == "jp":
            first = [jp_value]
        elif sort == "-jp":
            first = [jp_value.desc()]
        elif sort == "activity":
            first = [last_activity.desc().nulls_last()]
        elif sort == "-activity":
            first = [last_activity.asc().nulls_first()]
        else:
            first = []
        return [*first, name, User.id]

    def page_ids(self, limit, offset):
        """The ids of one page of people, in order; only the figures that the sort and the
        filters need are computed (for everyone in scope)."""
        sort = self.f.sort if self.f.sort in SORTS else "name"
        needs_jp = sort in ("jp", "-jp") or bool(self.jp_filter)
        needs_items = self.course_mode or bool(self.status_filter)
        by_activity = sort in ("activity", "-activity")
        stmt = select(User.id).select_from(User)
        if sort == "unit":
            stmt = stmt.outerjoin(Unit, Unit.id == User.unit_id)
        jp = self.jp(self.people) if needs_jp else None
        if jp is not None:
            stmt = stmt.outerjoin(jp, jp.c.user_id == User.id)
        pu = (
            self.per_user(self.people)
            if needs_items or (by_activity and self.course_mode)
            else None
        )
        if pu is not None:
            stmt = stmt.outerjoin(pu, pu.c.user_id == User.id)
        last = None
        if by_activity and self.course_mode:
            last = pu.c.last_activity_at
        elif by_activity:
            act = self.activity(self.people)
            stmt = stmt.outerjoin(act, act.c.user_id == User.id)
            last = act.c.last_activity_at
        jp_value = func.coalesce(jp.c.jp, 0) if jp is not None else None
        stmt = stmt.where(self.people_condition, *self._figure_conditions(jp, pu))
        stmt = stmt.order_by(*self._order(jp_value, last)).limit(limit).offset(offset)
        return list(db.session.scalars(stmt))

    def rows(self, ids=None):
        """People with every figure: those of `ids` (in that order is the caller's business),
        else everyone matching, in the chosen order (exports: a statement to stream)."""
        who = self.people if ids is None else list(ids)
        jp, pu, certs = self.jp(who), self.per_user(who), self.certificates(who)
        if self.course_mode:
            activity, last_activity = None, pu.c.last_activity_at
        else:
            activity = self.activity(who)
            last_activity = activity.c.last_activity_at
        jp_value = func.coalesce(jp.c.jp, 0)
        zero = 0
        stmt = select(
            User.id,
            User.full_name,
            User.nip,
            User.position,
            User.unit_id,
            Unit.name.label("unit_name"),
            Unit.code.label("unit_code"),
            jp_value.label("jp"),
            last_activity.label("last_activity_at"),
            func.coalesce(certs.c.n, zero).label("certificates"),
            func.coalesce(pu.c.assigned, zero).label("assigned"),
            func.coalesce(pu.c.assigned_done, zero).label("assigned_done"),
            func.coalesce(getattr(pu.c, NOT_STARTED), zero).label(NOT_STARTED),
            func.coalesce(getattr(pu.c, IN_PROGRESS), zero).label(IN_PROGRESS),
            func.coalesce(getattr(pu.c, OVERDUE), zero).label(OVERDUE),
            func.coalesce(getattr(pu.c, COMPLETED), zero).label(COMPLETED),
            pu.c.progress.label("progress"),
        ).select_from(User)
        stmt = stmt.outerjoin(Unit, Unit.id == User.unit_id)
        stmt = stmt.outerjoin(jp, jp.c.user_id == User.id)
        stmt = stmt.outerjoin(pu, pu.c.user_id == User.id)
        if activity is not None:
            stmt = stmt.outerjoin(activity, activity.c.user_id == User.id)
        stmt = stmt.outerjoin(certs, certs.c.user_id == User.id)
        if ids is not None:
            return stmt.where(User.id.in_(who))
        stmt = stmt.where(self.people_condition, *self._figure_conditions(jp, pu))
        return stmt.order_by(*self._order(jp_value, last_activity))

    def page(self, ids):
        """The rows of `ids`, in the order of `ids`. One query."""
        if not ids:
            return []
        position = {uid: n for n, uid in enumerate(ids)}
        rows = db.session.execute(self.rows(ids)).all()
        return sorted(rows, key=lambda r: position[r.id])

    def by_unit(self, *extra):
        """{unit id (None = no unit): UnitStats} of the people matching (and the `extra`
        conditions on User), in one GROUP BY."""
        jp, pu = self.jp(self.people), self.per_user(self.people)
        jp_value = func.coalesce(jp.c.jp, 0)
        reached = func.sum(case((jp_value >= self.target, 1), else_=0))
        stmt = (
            select(
                User.unit_id,
                func.count(User.id),
                reached,
                func.coalesce(func.sum(pu.c.assigned), 0),
                func.coalesce(func.sum(pu.c.assigned_done), 0),
                func.coalesce(func.sum(getattr(pu.c, OVERDUE)), 0),
                func.sum(case((getattr(pu.c, OVERDUE) > 0, 1), else_=0)),
            )
            .select_from(User)
            .outerjoin(jp, jp.c.user_id == User.id)
            .outerjoin(pu, pu.c.user_id == User.id)
            .where(self.people_condition, *extra, *self._figure_conditions(jp, pu))
            .group_by(User.unit_id)
        )
        out = {}
        for unit_id, head, at_target, assigned, done, overdue, late_people in db.session.execute(
            stmt
        ):
            out[unit_id] = UnitStats(
                head=int(head),
                at_target=int(at_target or 0),
                assigned=int(assigned or 0),
                done=int(done or 0),
                overdue=int(overdue or 0),
                overdue_people=int(late_people or 0),
            )
        return out


# Results -----------------------------------------------------------------------------------------
@dataclass
class UnitStats:
    head: int = 0
    at_target: int = 0
    assigned: int = 0
    done: int = 0
    overdue: int = 0
    overdue_people: int = 0

    def add(self, other):
        self.head += other.head
        self.at_target += other.at_target
        self.assigned += other.assigned
        self.done += other.done
        self.overdue += other.overdue
        self.overdue_people += other.overdue_people

    @property
    def below_target(self):
        return self.head - self.at_target

    @property
    def target_share(self):
        """Percent of the people at or above the JP target."""
        return round(100 * self.at_target / self.head) if self.head else 0

    @property
    def completion_rate(self):
        """Percent of the assigned courses completed; None when nothing is assigned."""
        return round(100 * self.done / self.assigned) if self.assigned else None


@dataclass
class SummaryRow:
    label: str
    stats: UnitStats
    unit: Unit | None = None  # the row's unit (with its sub-units), to drill down to
    direct: bool = False  # only the people directly in `unit`, not its sub-units


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self):
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages

    @property
    def prev_num(self):
        return self.page - 1

    @property
    def next_num(self):
        return self.page + 1


def paged(stmt, page, per_page):
    """A Page of the rows of `stmt` (two queries: count, rows); past the end: the last page."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(rows, page, per_page, total)


@dataclass
class Dashboard:
    page: Page
    summary: list  # [SummaryRow]
    totals: UnitStats
    target: int
    year: int
    day: object
    units: list = field(default_factory=list)  # [(unit, depth)] of the scope
    counted_at: object = None  # when the summary was counted, if kept (figures.py), not live


def team_dashboard(viewer, filters, units, page=1, per_page=25, on_day=None):
    """The dashboard: one page of people with their figures, and the summary per unit.

    `units` is scope_units(viewer), passed in because the filter form needs it too.
    Queries: the summary by unit (whose head counts also give the total), the page's ids,
    the page's figures (plus what the viewer's scope itself loads)."""
    q = TeamQuery(viewer, filters, on_day, units)
    by_unit, counted_at = _summary(q, viewer, filters, units)
    totals = UnitStats()
    for stats in by_unit.values():
        totals.add(stats)
    pages = max(1, math.ceil(totals.head / per_page))
    page = min(max(1, page), pages)
    rows = q.page(q.page_ids(per_page, (page - 1) * per_page)) if totals.head else []
    return Dashboard(
        page=Page(rows, page, per_page, totals.head),
        summary=summarize(viewer, filters.unit, units, by_unit),
        totals=totals,
        target=q.target,
        year=filters.year,
        day=q.day,
        units=units,
        counted_at=counted_at,
    )


def _summary(q, viewer, filters, units):
    """(figures per unit, when they were counted): the kept figures of a large view without
    filters (elearn/supervision/figures.py), else (live, None)."""
    from . import figures

    filtered = q.course_mode or q.status_filter or q.jp_filter or (filters.search or "").strip()
    kept = None if filtered or filters.year != q.day.year else figures.kept(filters.year, q.day)
    if kept is None:
        return q.by_unit(), None
    outside = None  # a supervisor's people in scope outside the scope's units (direct reports)
    if filters.unit is not None:
        ids = {u.id for u, _depth in units if u.path.startswith(filters.unit.path)}
    elif is_admin(viewer):
        ids = set(kept.by_unit)
    else:
        ids = {u.id for u, _depth in units}
        outside = or_(User.unit_id.is_(None), User.unit_id.not_in(sorted(ids) or [-1]))
    rows = {uid: stats for uid, stats in kept.by_unit.items() if uid in ids}
    if sum(s.head for s in rows.values()) < figures.min_people():
        return q.by_unit(), None  # a small view: live
    if outside is not None:
        for uid, stats in q.by_unit(outside).items():
            rows.setdefault(uid, UnitStats()).add(stats)
    return rows, kept.counted_at


def summarize(viewer, chosen, units, by_unit):
    """Roll the per-unit figures up the unit tree into the rows of the summary.

    The rows are the units one level under the view: the chosen unit's sub-units, else the
    supervised units (for admins, the top-level units); a single such unit is opened to its
    sub-units. People in scope outside those units (direct reports elsewhere, no unit) get
    one row of their own. Pure Python over at most one row per unit."""
    by_id = {u.id: u for u, _depth in units}
    children = {}
    for u, _depth in units:
        children.setdefault(u.parent_id, []).append(u)
    if chosen is not None:
        roots = [chosen]
    elif is_admin(viewer):
        roots = [u for u, _depth in units if u.parent_id not in by_id]
    else:
        paths = sorted({u.path for u in viewer.supervised})
        top = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
        roots = [u for u, _depth in units if u.path in top]

    def subtree(unit):
        stats = UnitStats()
        for uid, s in by_unit.items():
            member = by_id.get(uid)
            if member is not None and member.path.startswith(unit.path):
                stats.add(s)
        return stats

    covered = set()
    for root in roots:
        covered |= {u.id for u, _d in units if u.path.startswith(root.path)}
    others = UnitStats()
    for uid, s in by_unit.items():
        if uid not in covered:
            others.add(s)

    rows = []
    while len(roots) == 1 and children.get(roots[0].id):
        root = roots[0]
        direct = by_unit.get(root.id)
        kids = [k for k in children[root.id] if subtree(k).head]
        if (direct is None or not direct.head) and len(kids) == 1:
            roots = kids  # nobody directly in it and one sub-unit with people: open that
            continue
        if direct is not None and direct.head:
            rows.append(
                SummaryRow(_("%(unit)s (directly)", unit=root.name), direct, unit=root, direct=True)
            )
        roots = children[root.id]
        break
    for unit in sorted(roots, key=lambda u: u.name.lower()):
        stats = subtree(unit)
        if stats.head:
            rows.append(SummaryRow(unit.name, stats, unit=unit))
    if others.head:
        rows.append(SummaryRow(_("Other people in scope"), others))
    return rows


def chart_rows(summary, width=300):
    """Bars of the completion chart: (row, percent, bar width in SVG units)."""
    out = []
    for row in summary:
        rate = row.stats.completion_rate
        out.append((row, rate, round(width * (rate or 0) / 100)))
    return out


# One person ---------------------------------------------------------------------------------------
@dataclass
class CourseLine:
    course_id: int
    slug: str
    title: str
    source: str | None  # enrolment source, None when assigned but not enrolled
    progress: int
    last_activity_at: object
    completed_at: object
    due_date: object
    status: str | None  # for assigned courses


@dataclass
class PersonView:
    person: User
    courses: list
    attempts: list
    completions: list
    jp_by_year: list  # [(year, jp)] newest first
    certificates: list
    target: int
    day: object


def person_view(person, on_day=None):
    """Everything the person page shows, in a fixed number of queries."""
    day = on_day or today()
    title = func.coalesce(CourseVersion.title, Course.slug)
    enrolled = db.session.execute(
        select(
            Course.id,
            Course.slug,
            title,
            Enrollment.source,
            Enrollment.progress_percent,
            Enrollment.last_activity_at,
            Completion.completed_at,
        )
        .select_from(Enrollment)
        .join(Course, Course.id == Enrollment.course_id)
        .outerjoin(CourseVersion, CourseVersion.id == Course.current_version_id)
        .outerjoin(
            Completion,
            and_(Completion.user_id == person.id, Completion.course_id == Course.id),
        )
        .where(Enrollment.user_id == person.id)
    ).all()
    assigned = db.session.execute(
        select(Course.id, Course.slug, title, func.min(Assignment.due_date))
        .select_from(AssignmentPerson)
        .join(Assignment, Assignment.id == AssignmentPerson.assignment_id)
        .join(Course, Course.id == Assignment.course_id)
        .outerjoin(CourseVersion, CourseVersion.id == Course.current_version_id)
        .where(AssignmentPerson.user_id == person.id)
        .group_by(Course.id, Course.slug, title)
    ).all()
    lines = {}
    for cid, slug, name, source, progress, last, completed_at in enrolled:
        lines[cid] = CourseLine(
            cid, slug, name, source, 100 if completed_at else progress, last, completed_at,
            None, None,
        )  # fmt: skip
    for cid, slug, name, due in assigned:
        line = lines.setdefault(cid, CourseLine(cid, slug, name, None, 0, None, None, None, None))
        line.due_date = due
        line.status = line_status(line, day)
    courses = sorted(
        lines.values(),
        key=lambda c: (
            c.due_date is None,
            c.completed_at is not None,
            c.due_date or day,
            c.title.lower(),
        ),
    )
    attempts = db.session.execute(
        select(
            Attempt.started_at,
            Attempt.submitted_at,
            Attempt.number,
            Attempt.score_percent,
            Attempt.passed,
            Quiz.title,
            Quiz.role,
            func.coalesce(CourseVersion.title, Course.slug).label("course_title"),
        )
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(Course, Course.id == Attempt.course_id)
        .outerjoin(CourseVersion, CourseVersion.id == Course.current_version_id)
        .where(Attempt.user_id == person.id)
        .order_by(Attempt.started_at.desc(), Attempt.id.desc())
        .limit(200)
    ).all()
    completions = db.session.execute(
        select(
            Completion.id,
            CourseVersion.title,
            Completion.completed_at,
            Completion.jp,
            Completion.final_score,
        )
        .join(CourseVersion, CourseVersion.id == Completion.version_id)
        .where(Completion.user_id == person.id)
        .order_by(Completion.completed_at.desc())
    ).all()
    activity_years = db.session.scalars(
        select(Activity.end_date)
        .where(Activity.user_id == person.id, Activity.status == ActivityStatus.APPROVED.value)
        .distinct()
    )
    years = {local_time(row.completed_at).year for row in completions} | {day.year}
    years = jp_of_years(person.id, years | {d.year for d in activity_years})
    certificates = db.session.scalars(
        select(Certificate)
        .where(Certificate.user_id == person.id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    ).all()
    return PersonView(
        person=person,
        courses=courses,
        attempts=attempts,
        completions=completions,
        jp_by_year=sorted(years.items(), reverse=True),
        certificates=certificates,
        target=jp_target(),
        day=day,
    )


def line_status(line, day):
    """The status of an assigned course, as the dashboard computes it in SQL."""
    if line.completed_at is not None:
        return COMPLETED
    if line.due_date is not None and line.due_date < day:
        return OVERDUE
    if line.progress or line.last_activity_at:
        return IN_PROGRESS
    return NOT_STARTED


def due_soon_limit(day):
    return day + timedelta(days=int(current_app.config["REMINDER_DAYS_BEFORE"]))

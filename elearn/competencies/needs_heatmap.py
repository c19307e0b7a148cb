"""The unit view of the training-needs analysis: units x competencies, the share of people below
their position's standard and the mean gap, this year against the previous one; the people
behind a cell; the needs-analysis table for export.

All figures come from one GROUP BY over the people in the viewer's scope (the team dashboard's
scope rule): who is required what, and their effective levels of the year and the previous one
against it (CompetencyLevelEffective, kept by every write of an assessment); they are rolled up
the unit tree in Python over at most one row per unit and competency:
the number of queries does not grow with the number of people or competencies.

Effective level = the supervisor's level for the competency, else the self level. A person
whose position requires a competency but who has no level for it is counted as "not assessed":
not below standard, and outside the mean gap (which is over the people assessed).
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, literal_column, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import (
    Competency,
    Course,
    CourseCompetency,
    CourseVersion,
    DevelopmentPlan,
    DevelopmentPlanItem,
    PositionKind,
    Unit,
    User,
)
from ..models.competency import CompetencyLevelEffective, position_key_sql
from ..supervision.services import is_admin, scope_condition
from .standards import required_levels_select


@dataclass
class HeatFilter:
    year: int
    unit: Unit | None = None  # a unit of the viewer's scope (with its sub-units)
    position_kind: str = ""
    direct: bool = False  # only the people directly in `unit` (the "(directly)" row)


def people_condition(viewer, filters):
    """The SQL condition on User for the people the view is about."""
    conditions = [scope_condition(viewer), User.active.is_(True)]
    if filters.unit is not None and filters.direct:
        conditions.append(User.unit_id == filters.unit.id)
    elif filters.unit is not None:
        conditions.append(User.unit_id.in_(filters.unit.subtree_ids_select()))
    if filters.position_kind:
        conditions.append(User.position_kind == filters.position_kind)
    return and_(*conditions)


def required_by_position(cond):
    """CTE (kind, key, competency_id, required): the required levels of each position (position
    kind and jabatan) held by the people matching `cond`.

    required_levels_select() reads only a person's position kind and jabatan, so everyone with
    the same pair needs the same levels: it is asked for one person per pair (a few dozen
    rows) instead of for everyone (a row per person and competency), and people are matched
    to their position's row in the aggregates below."""
    reps = (
        select(func.min(User.id).label("id"))
        .where(cond)
        .group_by(User.position_kind, position_key_sql(User.position))
        .cte("position_reps")
        .prefix_with("MATERIALIZED", dialect="sqlite")  # asked twice below: found once
    )
    req = required_levels_select(User.id.in_(select(reps.c.id))).subquery("rep_req")
    rep = aliased(User, name="rep")
    return (
        select(
            rep.position_kind.label("kind"),
            position_key_sql(rep.position).label("key"),
            req.c.competency_id,
            req.c.required,
        )
        .join(rep, rep.id == req.c.user_id)
        .cte("position_req")
        .prefix_with("MATERIALIZED", dialect="sqlite")  # else SQLite may recompute it per row
    )


def _matches_position(rr):
    return and_(rr.c.kind == User.position_kind, rr.c.key == position_key_sql(User.position))


CELL_KEY = 1 << 32  # above any competency id


def _level_of(rr, period, name):
    """The person's effective level in the row's competency and `period` (outer-joined)."""
    eff = aliased(CompetencyLevelEffective, name=name)
    on = and_(eff.user_id == User.id, eff.period == period, eff.competency_id == rr.c.competency_id)
    return eff, on


def needs_rows(viewer, filters, by_unit=True):
    """{(unit id or None, competency id): Cell} of the view. One query: every person in the
    view with each competency their position requires, and their effective levels of this
    year and the previous one (CompetencyLevelEffective: one row per person and competency)."""
    cond = people_condition(viewer, filters)
    rr = required_by_position(cond)
    # One integer per cell: SQLite sorts the rows of a GROUP BY, and one integer key sorts
    # them a fifth faster than the two columns (unit, competency). Decoded below.
    cell = rr.c.competency_id
    if by_unit:
        cell = func.coalesce(User.unit_id, 0) * literal_column(str(CELL_KEY)) + cell
    now, now_on = _level_of(rr, filters.year, "eff_now")
    prev, prev_on = _level_of(rr, filters.year - 1, "eff_prev")
    below, below_prev = now.level < rr.c.required, prev.level < rr.c.required
    rows = db.session.execute(
        select(
            cell.label("cell"),
            func.count().label("required"),
            func.count(now.level).label("assessed"),
            func.sum(case((below, 1), else_=0)).label("below"),
            func.sum(case((below, rr.c.required - now.level), else_=0)).label("gap"),
            func.min(case((below, rr.c.required))).label("min_needed"),
            func.count(prev.level).label("assessed_prev"),
            func.sum(case((below_prev, 1), else_=0)).label("below_prev"),
            func.sum(case((below_prev, rr.c.required - prev.level), else_=0)).label("gap_prev"),
        )
        .select_from(User)
        .join(rr, _matches_position(rr))
        .outerjoin(now, now_on)
        .outerjoin(prev, prev_on)
        .where(cond)
        .group_by(cell)
    ).all()
    out = {}
    for row in rows:
        unit_id, competency_id = divmod(row.cell, CELL_KEY)
        out[(unit_id or None, competency_id)] = Cell.of(row)
    return out


@dataclass
class Cell:
    required: int = 0
    assessed: int = 0
    below: int = 0
    gap: int = 0  # sum of the gaps of those below
    assessed_prev: int = 0
    below_prev: int = 0
    gap_prev: int = 0
    min_needed: int | None = None

    @classmethod
    def of(cls, row):
        """The cell of one row of needs_rows()' aggregate."""
        return cls(
            required=row.required,
            assessed=row.assessed,
            below=row.below or 0,
            gap=row.gap or 0,
            assessed_prev=row.assessed_prev,
            below_prev=row.below_prev or 0,
            gap_prev=row.gap_prev or 0,
            min_needed=row.min_needed,
        )

    def merge(self, other):
        self.required += other.required
        self.assessed += other.assessed
        self.below += other.below
        self.gap += other.gap
        self.assessed_prev += other.assessed_prev
        self.below_prev += other.below_prev
        self.gap_prev += other.gap_prev
        if other.min_needed is not None:
            self.min_needed = (
                other.min_needed
                if self.min_needed is None
                else min(self.min_needed, other.min_needed)
            )

    @property
    def not_assessed(self):
        return self.required - self.assessed

    @property
    def share(self):
        """% of the assessed people below standard (None: nobody assessed)."""
        return round(100 * self.below / self.assessed) if self.assessed else None

    @property
    def mean_gap(self):
        """Mean gap over the people assessed (0 for those at or above the standard)."""
        return round(self.gap / self.assessed, 1) if self.assessed else None

    @property
    def share_prev(self):
        return round(100 * self.below_prev / self.assessed_prev) if self.assessed_prev else None

    @property
    def mean_gap_prev(self):
        return round(self.gap_prev / self.assessed_prev, 1) if self.assessed_prev else None

    @property
    def trend(self):
        """Change of the share below standard against the previous year, in percentage
        points (None when either year has nobody assessed)."""
        if self.share is None or self.share_prev is None:
            return None
        return self.share - self.share_prev

    @property
    def heat(self):
        """0-5: the colour class of the cell (None: nobody assessed)."""
        if self.share is None:
            return None
        return min(5, (self.share + 19) // 20)


@dataclass
class HeatRow:
    label: str
    unit: Unit | None
    cells: dict = field(default_factory=dict)  # competency id -> Cell
    direct: bool = False

    def cell(self, cid):
        return self.cells.get(cid)


@dataclass
class Heatmap:
    rows: list
    competencies: list  # [Competency], columns
    total: HeatRow
    year: int


def _roots(viewer, chosen, units):
    by_id = {u.id: u for u, _depth in units}
    if chosen is not None:
        return [chosen]
    if is_admin(viewer):
        return [u for u, _depth in units if u.parent_id not in by_id]
    paths = sorted({u.path for u in viewer.supervised})
    top = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    return [u for u, _depth in units if u.path in top]


def heatmap(viewer, filters, units):
    """The heatmap of `viewer`'s scope. `units` is scope_units(viewer). Two queries (the
    aggregate and the competencies' names)."""
    cells = needs_rows(viewer, filters)
    by_id = {u.id: u for u, _depth in units}
    children = {}
    for u, _depth in units:
        children.setdefault(u.parent_id, []).append(u)
    roots = _roots(viewer, filters.unit, units)
    # A single root with sub-units is opened (as the team dashboard's summary).
    direct_of = None
    if len(roots) == 1 and children.get(roots[0].id):
        direct_of = roots[0]
        roots = sorted(children[roots[0].id], key=lambda u: u.name.lower())
    out_rows = []
    if direct_of is not None:
        out_rows.append(
            HeatRow(_("%(unit)s (directly)", unit=direct_of.name), direct_of, direct=True)
        )
    out_rows += [HeatRow(u.name, u) for u in sorted(roots, key=lambda u: u.name.lower())]
    others = HeatRow(_("Other people in scope"), None)
    total = HeatRow(_("All"), filters.unit)
    seen = set()
    for (unit_id, cid), cell in cells.items():
        seen.add(cid)
        total.cells.setdefault(cid, Cell()).merge(cell)
        member = by_id.get(unit_id)
        target = None
        for hr in out_rows:
            if hr.direct:
                if member is not None and member.id == hr.unit.id:
                    target = hr
                    break
            elif member is not None and member.path.startswith(hr.unit.path):
                target = hr
                break
        target = target or others
        target.cells.setdefault(cid, Cell()).merge(cell)
    if others.cells:
        out_rows.append(others)
    out_rows = [r for r in out_rows if r.cells]
    comps = (
        db.session.scalars(
            select(Competency)
            .where(Competency.id.in_(seen))
            .order_by(Competency.kind, Competency.code, func.lower(Competency.name))
        ).all()
        if seen
        else []
    )
    return Heatmap(rows=out_rows, competencies=list(comps), total=total, year=filters.year)


def position_kind_choices():
    return db.session.execute(
        select(PositionKind.code, PositionKind.name).order_by(
            PositionKind.position, PositionKind.name
        )
    ).all()


# Drill-down --------------------------------------------------------------------------------------
def below_standard_select(viewer, filters, competency_id):
    """The people in scope (and filters) below standard in `competency_id` in the year:
    id, name, NIP, position, unit, required, effective level, gap, by the largest gap."""
    cond = people_condition(viewer, filters)
    rr = required_by_position(cond)
    eff = CompetencyLevelEffective
    gap = (rr.c.required - eff.level).label("gap")
    return (
        select(
            User.id,
            User.full_name,
            User.nip,
            User.position,
            Unit.name.label("unit_name"),
            rr.c.required,
            eff.level,
            gap,
        )
        .select_from(User)
        .join(rr, _matches_position(rr))
        .join(
            eff,
            and_(
                eff.user_id == User.id,
                eff.period == filters.year,
                eff.competency_id == rr.c.competency_id,
            ),
        )
        .outerjoin(Unit, Unit.id == User.unit_id)
        .where(cond, rr.c.competency_id == competency_id, eff.level < rr.c.required)
        .order_by(gap.desc(), func.lower(User.full_name), User.id)
    )


# The needs-analysis table (export) ---------------------------------------------------------------
def needs_table(viewer, filters):
    """[(competency, Cell, [recommended course titles], planned JP)] of the view, by the
    largest share below standard. Four queries whatever the size."""
    cells = {cid: cell for (_unit, cid), cell in needs_rows(viewer, filters, False).items()}
    if not cells:
        return []
    comps = {
        c.id: c for c in db.session.scalars(select(Competency).where(Competency.id.in_(cells)))
    }
    courses = db.session.execute(
        select(CourseCompetency.competency_id, CourseCompetency.level, CourseVersion.title)
        .select_from(Course)
        .join(CourseVersion, CourseVersion.id == Course.current_version_id)
        .join(CourseCompetency, CourseCompetency.version_id == CourseVersion.id)
        .where(CourseCompetency.competency_id.in_(list(cells)))
        .order_by(func.lower(CourseVersion.title))
    ).all()
    recs = {}
    for cid, level, title in courses:
        needed = cells[cid].min_needed
        if needed is None:
            continue
        if level is None:
            recs.setdefault(cid, ([], []))[1].append(title)
        elif level >= needed:
            recs.setdefault(cid, ([], []))[0].append(title)
    cond = people_condition(viewer, filters)
    planned = dict(
        db.session.execute(
            select(DevelopmentPlanItem.competency_id, func.sum(DevelopmentPlanItem.planned_jp))
            .join(DevelopmentPlan, DevelopmentPlan.id == DevelopmentPlanItem.plan_id)
            .where(
                DevelopmentPlan.year == filters.year,
                DevelopmentPlan.user_id.in_(select(User.id).where(cond)),
                DevelopmentPlanItem.competency_id.in_(list(cells)),
            )
            .group_by(DevelopmentPlanItem.competency_id)
        ).all()
    )
    out = []
    for cid, cell in cells.items():
        levelled, unlevelled = recs.get(cid, ([], []))
        titles = levelled + [_("%(title)s (level not given)", title=t) for t in unlevelled]
        out.append((comps[cid], cell, titles, int(planned.get(cid) or 0)))
    out.sort(key=lambda r: (-(r[1].share or 0), -(r[1].mean_gap or 0), r[0].name.lower()))
    return out

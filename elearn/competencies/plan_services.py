"""Individual development plans (rencana pengembangan): a person's planned courses and
activities for a year, the supervisor's decision, and progress that follows completions.

Every change checks the plan's `revision` (the page it was made from) with a conditional
UPDATE, so a save from an older page (a second tab, a decision taken meanwhile) is refused
instead of overwriting. Services flush, never commit, and take people as arguments.
"""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, exists, func, literal, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from ..activities.badges import award_badges
from ..extensions import db
from ..learn.services import current_year, jp_earned, year_bounds
from ..models import (
    Assignment,
    AssignmentPerson,
    Competency,
    Completion,
    Course,
    CourseVersion,
    Unit,
    User,
)
from ..models.competency import DevelopmentPlan, DevelopmentPlanItem, PlanStatus
from ..models.user import audit
from ..notifications.services import internal_path, notify_approval_needed, resolve_approval
from ..supervision.services import scope_condition
from ..timeutil import local_time, utcnow
from .needs import gap_lines, recommended_courses

MAX_JP = 500  # planned JP of one item; more is a typing mistake
MAX_ITEMS = 50
YEARS_BACK, YEARS_AHEAD = 5, 1

STATUS_LABELS = {
    PlanStatus.DRAFT: _l("Draft"),
    PlanStatus.SUBMITTED: _l("Awaiting approval"),
    PlanStatus.APPROVED: _l("Approved"),
    PlanStatus.RETURNED: _l("Returned for changes"),
}
# The supervisor's list: plans awaiting a decision first.
STATUS_ORDER = (PlanStatus.SUBMITTED, PlanStatus.RETURNED, PlanStatus.DRAFT, PlanStatus.APPROVED)
EDITABLE = (PlanStatus.DRAFT, PlanStatus.RETURNED)


class PlanError(Exception):
    """A change refused; `message` says why (in the user's language), nothing was changed."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class StalePlan(PlanError):
    """The plan changed since the page was loaded."""

    def __init__(self):
        super().__init__(
            _l(
                "The plan was changed meanwhile (in another tab or by your supervisor). "
                "Nothing was saved: check the plan as it is now, then try again."
            )
        )


def plan_years(now=None):
    """The years a plan can be opened for: a few back, and next year (plans are made ahead)."""
    this = current_year(now)
    return list(range(this + YEARS_AHEAD, this - YEARS_BACK - 1, -1))


def jp_target():
    return int(current_app.config["YEARLY_JP_TARGET"])


# Reading -----------------------------------------------------------------------------------------
def _with_items():
    return selectinload(DevelopmentPlan.items).options(
        joinedload(DevelopmentPlanItem.course).joinedload(Course.current_version),
        joinedload(DevelopmentPlanItem.competency),
    )


def plan_of(user_id, year):
    """The person's plan for `year` with its items, courses and competencies (two queries),
    or None."""
    return db.session.scalar(
        select(DevelopmentPlan)
        .options(_with_items(), joinedload(DevelopmentPlan.decided_by))
        .where(DevelopmentPlan.user_id == user_id, DevelopmentPlan.year == year)
    )


def completions_in_year(user_id, course_ids, year):
    """{course id: completed_at} of the person's completions of these courses in `year`, in
    one query (a completion in another year does not count for this year's plan)."""
    course_ids = [c for c in set(course_ids) if c is not None]
    if not course_ids:
        return {}
    start, end = year_bounds(year)
    rows = db.session.execute(
        select(Completion.course_id, Completion.completed_at).where(
            Completion.user_id == user_id,
            Completion.course_id.in_(course_ids),
            Completion.completed_at >= start,
            Completion.completed_at < end,
        )
    )
    return dict(rows.all())


@dataclass
class ItemView:
    item: DevelopmentPlanItem
    title: str
    course_slug: str | None
    done_at: object  # when the course was completed in the plan's year, or None

    @property
    def is_course(self):
        return self.item.course_id is not None


@dataclass
class PlanView:
    user: User
    year: int
    plan: DevelopmentPlan | None
    items: list
    planned_jp: int
    earned_jp: int
    target: int
    done_count: int
    done_jp: int

    @property
    def status(self):
        return self.plan.status if self.plan is not None else PlanStatus.DRAFT

    @property
    def revision(self):
        return self.plan.revision if self.plan is not None else 0

    @property
    def editable(self):
        return self.status in EDITABLE

    @property
    def course_count(self):
        return sum(1 for i in self.items if i.is_course)

    def percent(self, value):
        if self.target <= 0:
            return 100
        return min(100, (100 * value) // self.target)


def _title(item):
    if item.course is not None and item.course.current_version is not None:
        return item.course.current_version.title
    if item.course is not None:
        return item.course.slug
    return item.title


def plan_view(user, year):
    """Everything a plan page shows, in a fixed number of queries whatever the number of
    items: the plan and its items, the completions in the year, the JP earned in it."""
    plan = plan_of(user.id, year)
    items = list(plan.items) if plan is not None else []
    done = completions_in_year(user.id, [i.course_id for i in items], year)
    views = [
        ItemView(
            item=i,
            title=_title(i),
            course_slug=i.course.slug if i.course is not None else None,
            done_at=done.get(i.course_id) if i.course_id is not None else None,
        )
        for i in items
    ]
    return PlanView(
        user=user,
        year=year,
        plan=plan,
        items=views,
        planned_jp=sum(i.planned_jp for i in items),
        earned_jp=jp_earned([user.id], year)[user.id],
        target=jp_target(),
        done_count=sum(1 for v in views if v.done_at is not None),
        done_jp=sum(v.item.planned_jp for v in views if v.done_at is not None),
    )


def _open_to(person_id):
    """The courses a person can take: any but a restricted one, which only when assigned to
    them (the needs analysis' recommendations follow the same rule)."""
    assigned = exists(
        select(AssignmentPerson.user_id)
        .join(Assignment, Assignment.id == AssignmentPerson.assignment_id)
        .where(Assignment.course_id == Course.id, AssignmentPerson.user_id == person_id)
    )
    return or_(Course.restricted.is_(False), assigned)


def course_choices(person=None):
    """(id, title, JP) of the published courses (those with a current version) `person` can
    take, by title: a restricted course they were not assigned would be a plan they cannot
    carry out."""
    stmt = select(Course.id, CourseVersion.title, CourseVersion.jp).join(
        CourseVersion, CourseVersion.id == Course.current_version_id
    )
    if person is not None:
        stmt = stmt.where(_open_to(person.id))
    return db.session.execute(stmt.order_by(func.lower(CourseVersion.title), Course.id)).all()


def competency_choices():
    """(id, name) of the dictionary's active competencies, by kind and name."""
    return db.session.execute(
        select(Competency.id, Competency.name)
        .where(Competency.active.is_(True))
        .order_by(Competency.kind, func.lower(Competency.name))
    ).all()


@dataclass
class Suggestion:
    course_id: int
    title: str
    jp: int
    competency_id: int
    competency_name: str
    gap: int


def suggested_courses(person, year, planned=(), limit=5):
    """Published courses that close the person's largest gaps of `year` (the needs analysis'
    recommendations), without the courses already planned. A fixed number of queries.
    A plan made ahead (next year) follows this year's gaps: no one is assessed for a year
    that has not begun."""
    lines, _has_self = gap_lines(person.id, min(year, current_year()))
    gaps = sorted((ln for ln in lines if ln.gap), key=lambda ln: -ln.gap)
    if not gaps:
        return []
    recs = recommended_courses(person.id, {ln.competency.id: ln.required for ln in gaps})
    seen, out = set(planned), []
    for ln in gaps:
        for row in recs.get(ln.competency.id, ([], []))[0]:
            if row.id in seen:
                continue
            seen.add(row.id)
            out.append(
                Suggestion(row.id, row.title, row.jp, ln.competency.id, ln.competency.name, ln.gap)
            )
    return out[:limit]


# Changing ----------------------------------------------------------------------------------------
def _claim(plan, revision):
    """Move the plan to the next revision if it is still at `revision` (one conditional
    UPDATE, so two saves at once cannot both pass); else StalePlan."""
    if plan is None or revision != plan.revision:
        raise StalePlan()
    result = db.session.execute(
        update(DevelopmentPlan)
        .where(DevelopmentPlan.id == plan.id, DevelopmentPlan.revision == revision)
        .values(revision=revision + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StalePlan()
    db.session.refresh(plan, ["revision", "updated_at", "status"])
    return plan


def _editable(plan, revision):
    if plan is None or revision != plan.revision:
        raise StalePlan()
    if plan.status == PlanStatus.APPROVED:
        raise PlanError(
            _l(
                "This plan has been approved and can no longer be changed. Ask your "
                "supervisor to reopen it if it needs changes."
            )
        )
    if plan.status == PlanStatus.SUBMITTED:
        raise PlanError(
            _l("This plan is awaiting your supervisor's decision. Withdraw it first to change it.")
        )
    return _claim(plan, revision)


def _planned_jp(value):
    if value is None:
        return None
    if not isinstance(value, int) or value < 0 or value > MAX_JP:
        raise PlanError(
            _l("Planned JP must be a whole number from 0 to %(max)d.", max=MAX_JP), "planned_jp"
        )
    return value


def _competency(competency_id):
    if not competency_id:
        return None
    found = db.session.get(Competency, competency_id)
    if found is None or not found.active:
        raise PlanError(_l("Choose a competency from the dictionary."), "competency_id")
    return found


def _get_or_start(user, year, revision):
    """The plan to change: the existing one (checked against `revision`), or a new one when
    there is none yet and the page showed none (revision 0)."""
    if year not in plan_years():
        raise PlanError(_l("Plans can be made for %(first)d to %(last)d.",
                           first=plan_years()[-1], last=plan_years()[0]))  # fmt: skip
    plan = db.session.scalar(
        select(DevelopmentPlan).where(
            DevelopmentPlan.user_id == user.id, DevelopmentPlan.year == year
        )
    )
    if plan is None:
        if revision != 0:
            raise StalePlan()
        plan = DevelopmentPlan(user_id=user.id, year=year, status=PlanStatus.DRAFT, revision=1)
        db.session.add(plan)
        db.session.flush()
        return plan
    return _editable(plan, revision)


def add_course_item(user, year, revision, course_id, planned_jp=None, competency_id=None):
    """Plan a published course; its JP is the planned JP unless another is given."""
    planned_jp = _planned_jp(planned_jp)
    course = db.session.get(Course, course_id) if course_id else None
    if course is None or course.current_version is None:
        raise PlanError(_l("Choose a published course."), "course_id")
    if course.restricted and not db.session.scalar(
        select(_open_to(user.id)).select_from(Course).where(Course.id == course.id)
    ):
        raise PlanError(
            _l("This course is open only to the people it is assigned to."), "course_id"
        )
    competency = _competency(competency_id)
    if competency is None:  # the competency the course teaches first (counted per competency)
        links = sorted(course.current_version.competency_links, key=lambda link: link.position)
        competency = next((link.competency for link in links if link.competency.active), None)
    plan = _get_or_start(user, year, revision)
    items = plan.items
    if any(i.course_id == course.id for i in items):
        raise PlanError(_l("This course is already in the plan."), "course_id")
    _room(items)
    jp = course.current_version.jp if planned_jp is None else planned_jp
    plan.items.append(
        DevelopmentPlanItem(
            course_id=course.id,
            competency_id=competency.id if competency else None,
            title=course.current_version.title[:200],
            planned_jp=jp,
            position=_next_position(items),
        )
    )
    db.session.flush()
    return plan


def add_activity_item(user, year, revision, title, planned_jp, competency_id=None):
    """Plan a free-text activity (coaching, a workshop...) with its planned JP."""
    title = " ".join((title or "").split())
    if not title:
        raise PlanError(_l("Write what the activity is."), "title")
    if len(title) > 200:
        raise PlanError(_l("The title can be at most 200 characters long."), "title")
    if planned_jp is None:
        raise PlanError(_l("Enter the planned JP."), "planned_jp")
    planned_jp = _planned_jp(planned_jp)
    competency = _competency(competency_id)
    plan = _get_or_start(user, year, revision)
    _room(plan.items)
    plan.items.append(
        DevelopmentPlanItem(
            course_id=None,
            competency_id=competency.id if competency else None,
            title=title,
            planned_jp=planned_jp,
            position=_next_position(plan.items),
        )
    )
    db.session.flush()
    return plan


def _room(items):
    if len(items) >= MAX_ITEMS:
        raise PlanError(_l("A plan can have at most %(max)d items.", max=MAX_ITEMS))


def _next_position(items):
    return max((i.position for i in items), default=0) + 1


def _item(plan, item_id):
    found = next((i for i in plan.items if i.id == item_id), None) if plan else None
    if found is None:
        raise StalePlan()
    return found


def remove_item(user, year, revision, item_id):
    plan = plan_of(user.id, year)
    _item(plan, item_id)
    _editable(plan, revision)
    plan.items.remove(_item(plan, item_id))
    db.session.flush()
    return plan


def move_item(user, year, revision, item_id, direction):
    """Swap the item with its neighbour above (direction -1) or below (+1)."""
    plan = plan_of(user.id, year)
    item = _item(plan, item_id)
    _editable(plan, revision)
    items = sorted(plan.items, key=lambda i: (i.position, i.id))
    at = items.index(item)
    to = at + (-1 if direction < 0 else 1)
    if 0 <= to < len(items):
        items[at], items[to] = items[to], items[at]
    for position, i in enumerate(items, start=1):
        i.position = position
    db.session.flush()
    return plan


def submit_plan(user, year, revision, now=None):
    """Send the plan for approval and tell the people who decide."""
    plan = plan_of(user.id, year)
    if plan is None or not plan.items:
        if plan is None and revision != 0:
            raise StalePlan()
        raise PlanError(_l("Add at least one item before sending the plan for approval."))
    _editable(plan, revision)
    now = now or utcnow()
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_at = now
    audit(user, "plan.submit", plan, year=year, items=len(plan.items))
    db.session.flush()
    notify_approval_needed(
        user,
        "plan",
        str(_l("Development plan %(year)d", year=year)),
        internal_path("competencies.person_plan", user_id=user.id, year=year),
        f"plan:{plan.id}:r{plan.revision}",
        now=now,
    )
    return plan


def withdraw_plan(user, year, revision):
    """Take a plan awaiting a decision back to draft (to change it)."""
    plan = plan_of(user.id, year)
    if plan is None:
        raise StalePlan()
    if revision != plan.revision:
        raise StalePlan()
    if plan.status != PlanStatus.SUBMITTED:
        raise PlanError(_l("Only a plan awaiting approval can be withdrawn."))
    _claim(plan, revision)
    plan.status = PlanStatus.DRAFT
    audit(user, "plan.withdraw", plan, year=year)
    resolve_approval(f"plan:{plan.id}:")  # nothing awaits the supervisor any more
    db.session.flush()
    return plan


def request_reopen(user, year, revision, now=None):
    """Ask the people who decide to reopen an approved plan (only they can: an approved plan
    stays as approved until then). Announced once per revision of the plan."""
    plan = plan_of(user.id, year)
    if plan is None or revision != plan.revision:
        raise StalePlan()
    if plan.status != PlanStatus.APPROVED:
        raise PlanError(_l("Only an approved plan can be reopened."))
    audit(user, "plan.reopen_request", plan, year=year)
    db.session.flush()
    return notify_approval_needed(
        user,
        "plan",
        str(_l("Development plan %(year)d: request to reopen", year=year)),
        internal_path("competencies.person_plan", user_id=user.id, year=year),
        f"plan:{plan.id}:reopen:r{plan.revision}",
        now=now,
    )


# Deciding ----------------------------------------------------------------------------------------
APPROVE, RETURN, REOPEN = "approve", "return", "reopen"


def plan_in_scope(viewer, plan_id):
    """The plan if `viewer` may decide on it (a person in their scope, never their own),
    else None (answered 404)."""
    plan = db.session.scalar(
        select(DevelopmentPlan)
        .options(joinedload(DevelopmentPlan.user).joinedload(User.unit))
        .where(DevelopmentPlan.id == plan_id)
    )
    if plan is None or plan.user_id == viewer.id or not viewer.can_see(plan.user):
        return None
    return plan


def decider_for(viewer, person):
    """None when `viewer` (who has `person` in scope) may decide on the person's plan; else the
    person who decides. The direct supervisor decides when the person has an active one (a
    colleague supervising the same unit does not: supervisors would approve each other's
    plans); without one, any supervisor whose scope includes the person. Admins always may."""
    if viewer.id == person.id:
        return person
    boss = person.supervisor
    if viewer.has_role("admin") or boss is None or not boss.active or boss.id == viewer.id:
        return None
    return boss


def decide(viewer, plan, action, revision, note="", now=None):
    """Approve or return a submitted plan (a note is required to return it), or reopen an
    approved one (back to draft, so the person can change it). Audited."""
    boss = decider_for(viewer, plan.user)
    if boss is not None:
        raise PlanError(
            _l("%(name)s, the direct supervisor, decides on this plan.", name=boss.full_name)
        )
    note = (note or "").strip()
    if len(note) > 2000:
        raise PlanError(_l("The note can be at most 2000 characters long."), "note")
    if action == RETURN and not note:
        raise PlanError(_l("Write a note saying what to change."), "note")
    if action not in (APPROVE, RETURN, REOPEN):
        raise PlanError(_l("Choose a decision."))
    if revision != plan.revision:
        raise StalePlan()
    wanted = PlanStatus.APPROVED if action == REOPEN else PlanStatus.SUBMITTED
    if plan.status != wanted:
        raise PlanError(
            _l("Only an approved plan can be reopened.")
            if action == REOPEN
            else _l("This plan is not awaiting a decision.")
        )
    _claim(plan, revision)
    now = now or utcnow()
    plan.status = {
        APPROVE: PlanStatus.APPROVED,
        RETURN: PlanStatus.RETURNED,
        REOPEN: PlanStatus.DRAFT,
    }[action]
    plan.decided_by_id = viewer.id
    plan.decided_at = now
    plan.decision_note = note
    audit(viewer, f"plan.{action}", plan, person=plan.user_id, year=plan.year, note=note)
    resolve_approval(f"plan:{plan.id}:", now)  # decided: the request no longer waits unread
    db.session.flush()
    if action == APPROVE:  # an approved plan already carried out earns its badge
        award_badges([plan.user_id], now=now, years=[plan.year])
    return plan


# The supervisor's list and the export ------------------------------------------------------------
def _plans_select(viewer, year, status="", unit=None):
    conditions = [DevelopmentPlan.year == year, scope_condition(viewer)]
    if status in STATUS_LABELS:
        conditions.append(DevelopmentPlan.status == status)
    if unit is not None:
        conditions.append(User.unit_id.in_(unit.subtree_ids_select()))
    return conditions


def plans_query(viewer, year, status="", unit=None):
    """Plans of the people in scope for `year` (pending first, then by name), with their
    item count and planned JP: one SELECT to page."""
    totals = (
        select(
            DevelopmentPlanItem.plan_id.label("plan_id"),
            func.count().label("item_count"),
            func.sum(DevelopmentPlanItem.planned_jp).label("jp"),
        )
        .group_by(DevelopmentPlanItem.plan_id)
        .subquery("plan_totals")
    )
    order = case(
        *((DevelopmentPlan.status == s, literal(i)) for i, s in enumerate(STATUS_ORDER)),
        else_=literal(len(STATUS_ORDER)),
    )
    return (
        select(
            DevelopmentPlan,
            User,
            Unit.name,
            func.coalesce(totals.c.item_count, 0),
            func.coalesce(totals.c.jp, 0),
        )
        .join(User, User.id == DevelopmentPlan.user_id)
        .outerjoin(Unit, Unit.id == User.unit_id)
        .outerjoin(totals, totals.c.plan_id == DevelopmentPlan.id)
        .where(*_plans_select(viewer, year, status, unit))
        .order_by(order, DevelopmentPlan.submitted_at, func.lower(User.full_name), User.id)
    )


def export_header():
    return [
        _l("NIP"), _l("Name"), _l("Unit"), _l("Year"), _l("Status"), _l("Item"),
        _l("Course"), _l("Competency"), _l("Planned JP"), _l("Done on"),
    ]  # fmt: skip


def export_rows(viewer, year, status="", unit=None):
    """One row per item of every plan in scope (a plan without items: one row), streamed from
    one query; "done" is the completion date of a planned course in the plan's year."""
    start, end = year_bounds(year)
    done = (
        select(Completion.user_id, Completion.course_id, Completion.completed_at)
        .where(Completion.completed_at >= start, Completion.completed_at < end)
        .subquery("done")
    )
    item = DevelopmentPlanItem
    stmt = (
        select(
            User.nip,
            User.full_name,
            Unit.name,
            DevelopmentPlan.year,
            DevelopmentPlan.status,
            item.title,
            item.course_id,
            CourseVersion.title,
            Competency.name,
            item.planned_jp,
            done.c.completed_at,
        )
        .join(User, User.id == DevelopmentPlan.user_id)
        .outerjoin(Unit, Unit.id == User.unit_id)
        .outerjoin(item, item.plan_id == DevelopmentPlan.id)
        .outerjoin(Course, Course.id == item.course_id)
        .outerjoin(CourseVersion, CourseVersion.id == Course.current_version_id)
        .outerjoin(Competency, Competency.id == item.competency_id)
        .outerjoin(
            done,
            (done.c.user_id == DevelopmentPlan.user_id) & (done.c.course_id == item.course_id),
        )
        .where(*_plans_select(viewer, year, status, unit))
        .order_by(func.lower(User.full_name), User.id, item.position, item.id)
    )
    for (
        nip,
        name,
        unit_name,
        y,
        st,
        title,
        course_id,
        course_title,
        comp,
        jp,
        done_at,
    ) in db.session.execute(stmt.execution_options(yield_per=500)):
        yield [
            nip or "",
            name,
            unit_name or "",
            y,
            str(STATUS_LABELS.get(st, st)),
            (course_title or title or "") if course_id else (title or ""),
            (course_title or title or "") if course_id else "",
            comp or "",
            jp if jp is not None else "",
            local_time(done_at).date() if done_at is not None else "",
        ]


def plan_status_of(user_id, year):
    """(status or None) of the person's plan for `year`: one query, for the person page."""
    return db.session.scalar(
        select(DevelopmentPlan.status).where(
            DevelopmentPlan.user_id == user_id, DevelopmentPlan.year == year
        )
    )

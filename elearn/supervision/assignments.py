"""Assigning courses to people and units, with a due date; who an assignment reaches.

An assignment reaches people through `assignment_people` rows and gives each of them an
enrolment with source `assigned` (a person already enrolled keeps their enrolment; the
assignment applies to them all the same). People who join a unit later get its open
assignments that say so: the admin services and the CSV import call
`apply_unit_assignments`, and My learning does too, so that nothing is missed.

Assigning goes in two steps: `plan_assignment` says what would happen (who receives the
course, who already has it, which existing assignments of the same course to the same unit or
person are merged into instead of duplicated) without writing anything, and
`create_assignments` does it, in the caller's transaction. The picker of units and people
searches with `search_units` / `search_people`, within the viewer's scope only.
"""

import functools
import hashlib
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import and_, bindparam, case, exists, false, func, literal, or_, select
from sqlalchemy.orm import aliased

from ..dbutil import insert_many_if_absent
from ..extensions import db
from ..models import (
    Assignment,
    AssignmentPerson,
    Completion,
    Course,
    CourseVersion,
    Enrollment,
    EnrollmentSource,
    Unit,
    User,
    audit,
)
from ..nip import clean_nip
from ..notifications.services import notify_assigned
from ..timeutil import utcnow
from .services import is_admin, scope_condition, today, unit_scope_condition

_CHUNK = 500  # rows per multi-row INSERT: well under every database's parameter limit
PICKER_PAGE_SIZE = 10  # results per page of the picker's search
MAX_UNITS = 100  # units chosen in one go
MAX_PEOPLE = 500  # people chosen in one go (a larger group is a unit)
MAX_TERM = 100


class InvalidAssignment(ValueError):
    """`errors` maps a form field name to a message for the user."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


class PlanChanged(Exception):
    """What an assignment would do changed since the preview the user confirmed (someone
    joined a unit, another supervisor assigned the course): nothing was written; `plan` is
    the new preview."""

    def __init__(self, plan):
        super().__init__("the assignment plan changed since the preview")
        self.plan = plan


@dataclass
class AssignResult:
    assignments: int  # assignments created
    people: int  # people who received the course (not those who already had it or completed it)
    enrolled: int  # enrolments created (people already enrolled keep theirs)
    merged: int = 0  # existing assignments kept (and extended) instead of duplicated
    due_dates_changed: int = 0
    changed: bool = True  # False: everyone already had it as asked; nothing was written


@dataclass(frozen=True)
class PickerItem:
    id: int
    label: str
    detail: str


@dataclass
class PickerPage:
    items: list
    page: int
    more: bool
    term: str = ""


def _terms(text):
    return [t for t in (text or "").strip().lower()[:MAX_TERM].split() if t][:5]


def _page_of(rows, per_page):
    """The page's rows and whether there are more (a query of per_page + 1 rows)."""
    return rows[:per_page], len(rows) > per_page


def _member_count(unit):
    """Active people of a unit and its sub-units, as a correlated scalar subquery."""
    member_unit = aliased(Unit)
    return (
        select(func.count(User.id))
        .join(member_unit, member_unit.id == User.unit_id)
        .where(User.active.is_(True), member_unit.path.startswith(unit.path))
        .scalar_subquery()
    )


def search_units(viewer, text, page=1, per_page=PICKER_PAGE_SIZE):
    """A page of the units of the viewer's scope whose name or code contains every word of
    `text` (all of them when empty), by name, with their parent and head count. One query."""
    page = max(1, min(int(page or 1), 1000))
    parent = aliased(Unit)
    conditions = [unit_scope_condition(viewer)]
    for term in _terms(text):
        conditions.append(
            or_(
                func.lower(Unit.name).contains(term, autoescape=True),
                func.lower(Unit.code).contains(term, autoescape=True),
            )
        )
    rows = db.session.execute(
        select(Unit.id, Unit.name, Unit.code, parent.name, _member_count(Unit))
        .outerjoin(parent, parent.id == Unit.parent_id)
        .where(*conditions)
        .order_by(func.lower(Unit.name), Unit.id)
        .limit(per_page + 1)
        .offset((page - 1) * per_page)
    ).all()
    rows, more = _page_of(rows, per_page)
    return PickerPage([_unit_item(*r) for r in rows], page, more, (text or "").strip())


def _unit_item(uid, name, code, parent_name, members):
    people = ngettext("%(num)d person", "%(num)d people", members or 0)
    detail = " · ".join(p for p in (parent_name, code, people) if p)
    return PickerItem(uid, name, detail)


def _person_item(uid, name, nip, email, unit_name):
    who = f"NIP {nip}" if nip else email
    return PickerItem(uid, name, " · ".join(p for p in (who, unit_name) if p))


def _people_select():
    return select(User.id, User.full_name, User.nip, User.email, Unit.name).outerjoin(
        Unit, Unit.id == User.unit_id
    )


def search_people(viewer, text, page=1, per_page=PICKER_PAGE_SIZE):
    """A page of the active people of the viewer's scope whose name, NIP or email contains
    every word of `text`, by name, with their unit. Nothing for an empty text. One query."""
    terms = _terms(text)
    page = max(1, min(int(page or 1), 1000))
    if not terms:
        return PickerPage([], 1, False, "")
    conditions = [scope_condition(viewer), User.active.is_(True)]
    for term in terms:
        digits = term.replace(".", "")
        conditions.append(
            or_(
                func.lower(User.full_name).contains(term, autoescape=True),
                func.lower(User.email).contains(term, autoescape=True),
                User.nip.contains(digits, autoescape=True) if digits.isdigit() else false(),
            )
        )
    rows = db.session.execute(
        _people_select()
        .where(*conditions)
        .order_by(func.lower(User.full_name), User.id)
        .limit(per_page + 1)
        .offset((page - 1) * per_page)
    ).all()
    rows, more = _page_of(rows, per_page)
    return PickerPage([_person_item(*r) for r in rows], page, more, (text or "").strip())


def chosen_units(viewer, unit_ids):
    """PickerItems of the chosen units that are in the viewer's scope, in the order given
    (others are left out). One query, none when nothing is chosen."""
    ids = list(dict.fromkeys(unit_ids or []))[:MAX_UNITS]
    if not ids:
        return []
    parent = aliased(Unit)
    rows = db.session.execute(
        select(Unit.id, Unit.name, Unit.code, parent.name, _member_count(Unit))
        .outerjoin(parent, parent.id == Unit.parent_id)
        .where(Unit.id.in_(ids), unit_scope_condition(viewer))
    ).all()
    by_id = {r[0]: _unit_item(*r) for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def chosen_people(viewer, user_ids):
    """PickerItems of the chosen people who are active and in the viewer's scope, in the
    order given. One query, none when nothing is chosen."""
    ids = list(dict.fromkeys(user_ids or []))[:MAX_PEOPLE]
    if not ids:
        return []
    rows = db.session.execute(
        _people_select().where(User.id.in_(ids), User.active.is_(True), scope_condition(viewer))
    ).all()
    by_id = {r[0]: _person_item(*r) for r in rows}
    return [by_id[i] for i in ids if i in by_id]


# NIPs and emails typed in a box (the CLI, the demo, older callers) -------------------------------
def split_people(text):
    """The NIPs and email addresses typed in a box, one per line or separated by , ; or spaces."""
    return [t for t in re.split(r"[\s,;]+", text or "") if t]


def _find_people(viewer, tokens):
    """({token: person}, [tokens not found in the viewer's scope]) in one query."""
    nips, emails = {}, {}
    for token in tokens:
        if "@" in token:
            emails[token.lower()] = token
        else:
            nips[clean_nip(token)] = token
    if not tokens:
        return {}, []
    people = db.session.scalars(
        select(User).where(
            scope_condition(viewer),
            User.active.is_(True),
            or_(User.nip.in_(list(nips)), func.lower(User.email).in_(list(emails))),
        )
    ).all()
    found = {}
    for person in people:
        if person.nip in nips:
            found[nips[person.nip]] = person
        if person.email.lower() in emails:
            found[emails[person.email.lower()]] = person
    missing = [t for t in tokens if t not in found]
    return found, missing


# The plan: what assigning would do ---------------------------------------------------------------
@dataclass
class Reached:
    """A person the assignment reaches, and where they stand with the course."""

    id: int
    name: str
    nip: str | None
    email: str
    unit_name: str | None
    unit_path: str | None
    completed: bool  # completed the course already: nothing to do for them
    assigned: bool  # already has the course through an assignment: kept as it is
    enrolled: bool  # enrolled (self or otherwise): keeps their progress

    @property
    def receives(self):
        return not self.completed and not self.assigned


@dataclass
class Merge:
    """An existing assignment of the course to a chosen unit or person: kept and extended
    instead of duplicated."""

    assignment: Assignment
    label: str  # the unit's or the person's name
    unit: Unit | None = None
    person: User | None = None

    @property
    def target(self):
        return self.unit if self.unit is not None else self.person


SKIP_COVERED, SKIP_ASSIGNED, SKIP_COMPLETED = "covered", "assigned", "completed"


@dataclass
class AssignmentPlan:
    course: Course
    due_date: object
    include_future_members: bool
    units: list  # [Unit] chosen
    people: list  # [User] chosen
    new_units: list  # [Unit] getting a new assignment
    new_people: list  # [User] getting a new personal assignment
    merges: list  # [Merge]
    skipped: list  # [(User, reason)] chosen people who get no assignment of their own
    reached: list  # [Reached], by name
    fingerprint: str = ""
    _by_id: dict = field(default_factory=dict, repr=False)

    @property
    def receiving(self):
        return [r for r in self.reached if r.receives]

    @property
    def already_assigned(self):
        return [r for r in self.reached if r.assigned and not r.completed]

    @property
    def completed(self):
        return [r for r in self.reached if r.completed]

    @property
    def enrolled_receiving(self):
        return [r for r in self.receiving if r.enrolled]

    @property
    def past_due_merges(self):
        return [m for m in self.merges if m.assignment.due_date < today()]

    def due_date_differs(self):
        return any(m.assignment.due_date != self.due_date for m in self.merges)

    def changes_anything(self, update_due_date):
        return bool(
            self.new_units
            or self.new_people
            or self.receiving
            or (update_due_date and self.due_date_differs())
            or any(
                self.include_future_members and not m.assignment.include_future_members
                for m in self.merges
                if m.unit is not None
            )
        )

    def members_of(self, target):
        """Reached people a target (Unit or User) covers."""
        if isinstance(target, Unit):
            return [r for r in self.reached if r.unit_path and r.unit_path.startswith(target.path)]
        row = self._by_id.get(target.id)
        return [row] if row is not None else []


def _fingerprint(plan):
    """Changes when what the preview showed changes (a digest, not a secret: the server
    recomputes everything when the user confirms)."""
    parts = [
        plan.course.id,
        plan.due_date.isoformat(),
        plan.include_future_members,
        sorted(u.id for u in plan.units),
        sorted(p.id for p in plan.people),
        sorted(r.id for r in plan.receiving),
        sorted((m.assignment.id, m.assignment.due_date.isoformat()) for m in plan.merges),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


def _published_course(course_id, lock):
    if not course_id:
        return None
    stmt = select(Course).where(Course.id == course_id)
    if lock:
        # Two supervisors confirming the same course at once: the second waits here and then
        # sees the first one's assignment, so it merges instead of duplicating (PostgreSQL;
        # SQLite has one writer at a time anyway).
        stmt = stmt.with_for_update()
    course = db.session.scalar(stmt)
    return course if course is not None and course.current_version_id is not None else None


def plan_assignment(
    viewer,
    course_id,
    unit_ids,
    user_ids=(),
    due_date=None,
    include_future_members=True,
    people_text="",
    now=None,
    lock=False,
):
    """What assigning the course to these units (with their sub-units) and people would do,
    without writing anything. Raises InvalidAssignment naming every problem. A fixed number
    of queries whatever the number of people reached."""
    now = now or utcnow()
    errors = {}
    course = _published_course(course_id, lock)
    if course is None:
        errors["course_id"] = _l("Choose a published course.")
    if due_date is None:
        errors["due_date"] = _l("Enter the due date.")
    elif due_date < today(now):
        errors["due_date"] = _l("The due date cannot be in the past.")

    wanted_units = list(dict.fromkeys(unit_ids or []))
    units = []
    if len(wanted_units) > MAX_UNITS:
        errors["unit_ids"] = _l("Choose at most %(num)d units at once.", num=MAX_UNITS)
    elif wanted_units:
        by_id = {
            u.id: u
            for u in db.session.scalars(
                select(Unit).where(Unit.id.in_(wanted_units), unit_scope_condition(viewer))
            )
        }
        if any(uid not in by_id for uid in wanted_units):
            errors["unit_ids"] = _l("Choose units of your team.")
        units = [by_id[uid] for uid in wanted_units if uid in by_id]

    wanted_people = list(dict.fromkeys(user_ids or []))
    tokens = list(dict.fromkeys(split_people(people_text)))
    if tokens:
        found, missing = _find_people(viewer, tokens)
        if missing:
            errors["people"] = _l(
                "Not found among the active people of your team: %(list)s",
                list=", ".join(missing[:20]) + (" …" if len(missing) > 20 else ""),
            )
        wanted_people += [p.id for p in found.values() if p.id not in wanted_people]
    people = []
    if len(wanted_people) > MAX_PEOPLE:
        errors["user_ids"] = _l(
            "Choose at most %(num)d people at once; for more, choose their unit.", num=MAX_PEOPLE
        )
    elif wanted_people:
        by_id = {
            p.id: p
            for p in db.session.scalars(
                select(User).where(
                    User.id.in_(wanted_people), User.active.is_(True), scope_condition(viewer)
                )
            )
        }
        if any(uid not in by_id for uid in wanted_people):
            errors["user_ids"] = _l("Choose active people of your team.")
        people = [by_id[uid] for uid in wanted_people if uid in by_id]
    if not wanted_units and not wanted_people and not tokens:
        errors["user_ids"] = _l("Choose at least one unit or person.")
    if errors:
        raise InvalidAssignment(errors)

    reached = _reached(viewer, course, units, [p.id for p in people])
    plan = AssignmentPlan(
        course=course,
        due_date=due_date,
        include_future_members=bool(include_future_members),
        units=units,
        people=people,
        new_units=[],
        new_people=[],
        merges=[],
        skipped=[],
        reached=reached,
        _by_id={r.id: r for r in reached},
    )
    existing = _existing(course, units, people)
    for unit in units:
        if unit.id in existing["unit"]:
            plan.merges.append(Merge(existing["unit"][unit.id], unit.name, unit))
        else:
            plan.new_units.append(unit)
    for person in people:
        row = plan._by_id.get(person.id)
        if person.id in existing["user"]:
            plan.merges.append(Merge(existing["user"][person.id], person.full_name, person=person))
        elif row is not None and any(row.unit_path and row.unit_path.startswith(u.path)
                                     for u in units):  # fmt: skip
            plan.skipped.append((person, SKIP_COVERED))
        elif row is not None and row.completed:
            plan.skipped.append((person, SKIP_COMPLETED))
        elif row is not None and row.assigned:
            plan.skipped.append((person, SKIP_ASSIGNED))
        else:
            plan.new_people.append(person)
    plan.fingerprint = _fingerprint(plan)
    return plan


def _reached(viewer, course, units, user_ids):
    """[Reached] of the active people in scope of the units' subtrees and of `user_ids`,
    by name, with their standing in the course. One query."""
    member_unit = aliased(Unit)
    targets = [member_unit.path.startswith(u.path) for u in units]
    if user_ids:
        targets.append(User.id.in_(user_ids))
    if not targets:
        return []
    completed = exists().where(Completion.user_id == User.id, Completion.course_id == course.id)
    assigned = exists().where(
        AssignmentPerson.user_id == User.id,
        AssignmentPerson.assignment_id == Assignment.id,
        Assignment.course_id == course.id,
    )
    enrolled = exists().where(Enrollment.user_id == User.id, Enrollment.course_id == course.id)
    rows = db.session.execute(
        select(
            User.id,
            User.full_name,
            User.nip,
            User.email,
            member_unit.name,
            member_unit.path,
            completed,
            assigned,
            enrolled,
        )
        .outerjoin(member_unit, member_unit.id == User.unit_id)
        .where(User.active.is_(True), scope_condition(viewer), or_(*targets))
        .order_by(func.lower(User.full_name), User.id)
    ).all()
    return [Reached(*r[:6], bool(r[6]), bool(r[7]), bool(r[8])) for r in rows]


def _existing(course, units, people):
    """{"unit": {unit id: assignment}, "user": {user id: assignment}}: the existing assignment
    of the course to each chosen unit or person (the latest due date if there are several,
    made before duplicates were merged). One query."""
    found = {"unit": {}, "user": {}}
    conditions = []
    if units:
        conditions.append(Assignment.unit_id.in_([u.id for u in units]))
    if people:
        conditions.append(Assignment.user_id.in_([p.id for p in people]))
    if not conditions:
        return found
    rows = db.session.scalars(
        select(Assignment)
        .where(Assignment.course_id == course.id, or_(*conditions))
        .order_by(Assignment.due_date, Assignment.id)
    )
    for a in rows:  # later (later due date) overwrites earlier
        if a.unit_id is not None:
            found["unit"][a.unit_id] = a
        elif a.user_id is not None:
            found["user"][a.user_id] = a
    return found


# Doing it ----------------------------------------------------------------------------------------
def create_assignments(
    viewer,
    course_id,
    unit_ids,
    people_text="",
    due_date=None,
    include_future_members=True,
    now=None,
    *,
    user_ids=(),
    update_due_date=False,
    expect=None,
):
    """Assign a course to units (with their sub-units) and to people of the viewer's scope.

    One Assignment per new unit and person; a unit or person that already has an assignment
    of the course keeps it, extended to the new members (and to the new due date when
    `update_due_date`), instead of getting a second one. People reached get an enrolment with
    source `assigned` unless they have one. Raises InvalidAssignment naming every problem, or
    PlanChanged when `expect` (the fingerprint of the preview confirmed) no longer matches;
    both before writing anything. Flushes; the caller commits once."""
    now = now or utcnow()
    plan = plan_assignment(
        viewer, course_id, unit_ids, user_ids, due_date, include_future_members,
        people_text=people_text, now=now, lock=True,
    )  # fmt: skip
    if expect is not None and expect != plan.fingerprint:
        raise PlanChanged(plan)
    if not plan.changes_anything(update_due_date):
        return AssignResult(0, 0, 0, merged=len(plan.merges), changed=False)
    course = plan.course
    common = {
        "course_id": course.id,
        "due_date": due_date,
        "assigned_by_id": viewer.id,
        "created_at": now,
    }
    targets = []  # (assignment, unit or person)
    for unit in plan.new_units:
        a = Assignment(unit_id=unit.id, include_future_members=plan.include_future_members,
                       **common)  # fmt: skip
        db.session.add(a)
        targets.append((a, unit))
    for person in plan.new_people:
        a = Assignment(user_id=person.id, include_future_members=False, **common)
        db.session.add(a)
        targets.append((a, person))
    changed_due = []
    for merge in plan.merges:
        a = merge.assignment
        if update_due_date and a.due_date != due_date:
            a.due_date = due_date
            changed_due.append(merge)
        if merge.unit is not None and plan.include_future_members:
            a.include_future_members = True
        targets.append((a, merge.target))
    db.session.flush()

    rows, told = [], {}
    changed_ids = {m.assignment.id for m in changed_due}
    for a, target in targets:
        for r in plan.members_of(target):
            rows.append({"assignment_id": a.id, "user_id": r.id, "added_at": now})
            # Who is told, with the due date that applies to them: people receiving the
            # course, and everyone of an assignment whose due date moved.
            if not r.completed and (r.receives or a.id in changed_ids):
                told.setdefault(a.due_date, set()).add(r.id)
    insert_many_if_absent(AssignmentPerson, rows, ["assignment_id", "user_id"])
    user_ids_reached = sorted({r["user_id"] for r in rows})
    enrolled = _enrol([(uid, course.id, course.current_version_id) for uid in user_ids_reached],
                      now)  # fmt: skip
    audit(
        viewer,
        "assignment.create",
        course,
        slug=course.slug,
        due_date=due_date.isoformat(),
        units=[u.code for u in plan.new_units],
        people=len(plan.new_people),
        reached=len(plan.receiving),
        merged=[m.assignment.id for m in plan.merges],
        due_date_updated=[m.assignment.id for m in changed_due],
    )
    for due, ids in sorted(told.items()):
        notify_assigned(viewer, course, sorted(ids), due, now)
    return AssignResult(
        assignments=len(plan.new_units) + len(plan.new_people),
        people=len(plan.receiving),
        enrolled=enrolled,
        merged=len(plan.merges),
        due_dates_changed=len(changed_due),
    )


def _enrol(triples, now):
    """Enrolments with source `assigned` for (user id, course id, version id); people already
    enrolled keep theirs. Returns how many were created."""
    rows = [
        {
            "user_id": uid,
            "course_id": cid,
            "version_id": vid,
            "source": str(EnrollmentSource.ASSIGNED),
            "enrolled_at": now,
            "progress_percent": 0,
        }
        for uid, cid, vid in triples
        if vid is not None
    ]
    return insert_many_if_absent(Enrollment, rows, ["user_id", "course_id"])


def pending_unit_assignments(user_ids, on_day):
    """(assignment id, user id, course id, version id) of the open unit assignments for
    newcomers that reach these people (their unit or a parent unit) but do not have them yet.
    One query; open means not yet past the due date."""
    params = {"user_ids": list(user_ids), "on_day": on_day}
    return db.session.execute(_pending_statement(), params).all()


@functools.cache
def _pending_statement():
    """The statement of pending_unit_assignments, built once per process (My learning runs it
    on every visit; building it cost more than running it)."""
    member_unit, target_unit = aliased(Unit), aliased(Unit)
    return (
        select(Assignment.id, User.id, Assignment.course_id, Course.current_version_id)
        .select_from(User)
        .join(member_unit, member_unit.id == User.unit_id)
        .join(target_unit, member_unit.path.startswith(target_unit.path))
        .join(Assignment, Assignment.unit_id == target_unit.id)
        .join(Course, Course.id == Assignment.course_id)
        .where(
            User.id.in_(bindparam("user_ids", expanding=True)),
            User.active.is_(True),
            Assignment.include_future_members.is_(True),
            Assignment.due_date >= bindparam("on_day"),
            ~exists().where(
                AssignmentPerson.assignment_id == Assignment.id,
                AssignmentPerson.user_id == User.id,
            ),
        )
    )


def apply_unit_assignments(users, now=None):
    """Give people who joined a unit (created in it, moved into it) the unit's open
    assignments for newcomers. Accepts one user or several; idempotent. Returns the number of
    (assignment, person) pairs added. One query when there is nothing to add."""
    now = now or utcnow()
    if isinstance(users, User):
        users = [users]
    ids = [u.id for u in users if u.id is not None and u.unit_id is not None]
    if not ids:
        return 0
    pending = []
    for start in range(0, len(ids), _CHUNK):
        pending += pending_unit_assignments(ids[start : start + _CHUNK], today(now))
    if not pending:
        return 0
    added = insert_many_if_absent(
        AssignmentPerson,
        [{"assignment_id": aid, "user_id": uid, "added_at": now} for aid, uid, _c, _v in pending],
        ["assignment_id", "user_id"],
    )
    _enrol(sorted({(uid, cid, vid) for _a, uid, cid, vid in pending}), now)
    return added


def assignments_for(user_id):
    """{course id: earliest due date} of the courses assigned to a person. One query."""
    rows = db.session.execute(
        select(Assignment.course_id, func.min(Assignment.due_date))
        .join(AssignmentPerson, AssignmentPerson.assignment_id == Assignment.id)
        .where(AssignmentPerson.user_id == user_id)
        .group_by(Assignment.course_id)
    )
    return dict(rows.all())


# The list of assignments -------------------------------------------------------------------------
def visible_assignments(viewer):
    """Assignments a viewer manages: all for admins; for supervisors those of units in their
    scope and of people in their scope."""
    if is_admin(viewer):
        return True
    return or_(
        Assignment.unit_id.in_(select(Unit.id).where(unit_scope_condition(viewer))),
        Assignment.user_id.in_(select(User.id).where(scope_condition(viewer))),
    )


def assignment_list_query(viewer, on_day):
    """Assignments with their course, target and counts (people reached, completed, overdue),
    newest first: one grouped statement, to be paged."""
    reached = func.count(AssignmentPerson.user_id)
    done = func.sum(case((Completion.id.is_not(None), 1), else_=0))
    late = func.sum(
        case(
            (
                and_(
                    AssignmentPerson.user_id.is_not(None),
                    Completion.id.is_(None),
                    Assignment.due_date < literal(on_day),
                ),
                1,
            ),
            else_=0,
        )
    )
    target_user = aliased(User)
    by = aliased(User)
    return (
        select(
            Assignment.id,
            Assignment.due_date,
            Assignment.include_future_members,
            Assignment.created_at,
            func.coalesce(CourseVersion.title, Course.slug).label("course_title"),
            Unit.name.label("unit_name"),
            target_user.full_name.label("person_name"),
            by.full_name.label("assigned_by"),
            reached.label("reached"),
            func.coalesce(done, 0).label("done"),
            func.coalesce(late, 0).label("overdue"),
        )
        .select_from(Assignment)
        .join(Course, Course.id == Assignment.course_id)
        .outerjoin(CourseVersion, CourseVersion.id == Course.current_version_id)
        .outerjoin(Unit, Unit.id == Assignment.unit_id)
        .outerjoin(target_user, target_user.id == Assignment.user_id)
        .outerjoin(by, by.id == Assignment.assigned_by_id)
        .outerjoin(AssignmentPerson, AssignmentPerson.assignment_id == Assignment.id)
        .outerjoin(
            Completion,
            and_(
                Completion.user_id == AssignmentPerson.user_id,
                Completion.course_id == Assignment.course_id,
            ),
        )
        .where(visible_assignments(viewer))
        .group_by(
            Assignment.id,
            Assignment.due_date,
            Assignment.include_future_members,
            Assignment.created_at,
            CourseVersion.title,
            Course.slug,
            Unit.name,
            target_user.full_name,
            by.full_name,
        )
        .order_by(Assignment.created_at.desc(), Assignment.id.desc())
    )


def assignment_in_scope(viewer, assignment_id):
    return db.session.scalar(
        select(Assignment).where(Assignment.id == assignment_id, visible_assignments(viewer))
    )


def withdraw_assignment(assignment, actor=None):
    """Delete an assignment and whom it reached; enrolments and progress stay as they are."""
    audit(
        actor,
        "assignment.withdraw",
        assignment,
        slug=assignment.course.slug,
        due_date=assignment.due_date.isoformat(),
    )
    db.session.delete(assignment)
    db.session.flush()

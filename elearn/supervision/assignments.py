"""Assigning courses to people and units, with a due date; who an assignment reaches.

An assignment reaches people through `assignment_people` rows and gives each of them an
enrolment with source `assigned` (a person already enrolled keeps their enrolment; the
assignment applies to them all the same). People who join a unit later get its open
assignments that say so: the admin services and the CSV import call
`apply_unit_assignments`, and My learning does too, so that nothing is missed.
"""

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, literal, or_, select
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
from ..timeutil import utcnow
from .services import is_admin, scope_condition, scope_units, today

_CHUNK = 500  # rows per multi-row INSERT: well under every database's parameter limit


class InvalidAssignment(ValueError):
    """`errors` maps a form field name to a message for the user."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


@dataclass
class AssignResult:
    assignments: int
    people: int  # people the assignments reached (new ones; already reached are not counted)
    enrolled: int  # enrolments created (people already enrolled keep theirs)


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


def create_assignments(
    viewer, course_id, unit_ids, people_text, due_date, include_future_members, now=None
):
    """Assign a course to units (with their sub-units) and to people of the viewer's scope.

    One Assignment per unit and per person; the people reached get an enrolment with source
    `assigned` unless they already have one. Raises InvalidAssignment naming every problem."""
    now = now or utcnow()
    errors = {}
    course = db.session.get(Course, course_id) if course_id else None
    if course is None or course.current_version_id is None:
        errors["course_id"] = _l("Choose a published course.")
    if due_date is None:
        errors["due_date"] = _l("Enter the due date.")
    elif due_date < today(now):
        errors["due_date"] = _l("The due date cannot be in the past.")
    allowed = {u.id: u for u, _depth in scope_units(viewer)}
    wanted = list(dict.fromkeys(unit_ids or []))
    if any(uid not in allowed for uid in wanted):
        errors["unit_ids"] = _l("Choose units of your team.")
    units = [allowed[uid] for uid in wanted if uid in allowed]
    tokens = list(dict.fromkeys(split_people(people_text)))
    found, missing = _find_people(viewer, tokens)
    if missing:
        errors["people"] = _l(
            "Not found among the active people of your team: %(list)s",
            list=", ".join(missing[:20]) + (" …" if len(missing) > 20 else ""),
        )
    if not units and not tokens and "unit_ids" not in errors:
        errors["people"] = _l("Choose at least one unit or person.")
    if errors:
        raise InvalidAssignment(errors)

    common = {
        "course_id": course.id,
        "due_date": due_date,
        "assigned_by_id": viewer.id,
        "created_at": now,
    }
    made = []
    for unit in units:
        a = Assignment(
            unit_id=unit.id, include_future_members=bool(include_future_members), **common
        )
        db.session.add(a)
        made.append(a)
    people = list({p.id: p for p in found.values()}.values())
    for person in people:
        a = Assignment(user_id=person.id, include_future_members=False, **common)
        db.session.add(a)
        made.append(a)
    db.session.flush()

    rows = []
    for a in made:
        if a.unit_id is not None:
            unit = allowed[a.unit_id]
            members = db.session.scalars(
                select(User.id).where(
                    User.unit_id.in_(unit.subtree_ids_select()),
                    User.active.is_(True),
                    scope_condition(viewer),
                )
            ).all()
            rows += [{"assignment_id": a.id, "user_id": uid, "added_at": now} for uid in members]
        else:
            rows.append({"assignment_id": a.id, "user_id": a.user_id, "added_at": now})
    reached = insert_many_if_absent(AssignmentPerson, rows, ["assignment_id", "user_id"])
    user_ids = sorted({r["user_id"] for r in rows})
    enrolled = _enrol([(uid, course.id, course.current_version_id) for uid in user_ids], now)
    audit(
        viewer,
        "assignment.create",
        course,
        slug=course.slug,
        due_date=due_date.isoformat(),
        units=[u.code for u in units],
        people=len(people),
        reached=reached,
    )
    return AssignResult(len(made), reached, enrolled)


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
    member_unit, target_unit = aliased(Unit), aliased(Unit)
    return db.session.execute(
        select(Assignment.id, User.id, Assignment.course_id, Course.current_version_id)
        .select_from(User)
        .join(member_unit, member_unit.id == User.unit_id)
        .join(target_unit, member_unit.path.startswith(target_unit.path))
        .join(Assignment, Assignment.unit_id == target_unit.id)
        .join(Course, Course.id == Assignment.course_id)
        .where(
            User.id.in_(user_ids),
            User.active.is_(True),
            Assignment.include_future_members.is_(True),
            Assignment.due_date >= on_day,
            ~exists().where(
                AssignmentPerson.assignment_id == Assignment.id,
                AssignmentPerson.user_id == User.id,
            ),
        )
    ).all()


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
    unit_ids = [u.id for u, _depth in scope_units(viewer)]
    return or_(
        Assignment.unit_id.in_(unit_ids),
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

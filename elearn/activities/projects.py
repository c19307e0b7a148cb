"""Strategic projects of a unit and their members. A membership is the member's activity of
the kind "proyek-strategis" (JP by its rule, capped per activity), waiting for the decision of
the member's supervisor like any activity the person records.

Who manages a project: admins, and supervisors of its unit (or of a unit above it). Who sees
it: its managers, and whoever may see one of its members (the members themselves included),
read-only. Services take the actor and the day as arguments, flush and never commit.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, true
from sqlalchemy.orm import aliased, joinedload, selectinload

from ..extensions import db
from ..i18n import local_date
from ..models import (
    Activity,
    ActivityKind,
    ActivityOrigin,
    ActivityStatus,
    Competency,
    DurationUnit,
    Project,
    ProjectMember,
    Role,
    Unit,
    User,
    audit,
)
from ..notifications.services import internal_path, notify_approval_needed, resolve_approval
from ..supervision.services import today as local_today
from ..supervision.services import unit_scope_condition
from ..timeutil import utcnow
from .kinds import credit, kind_label
from .mentoring import TITLE_MAX, activity_kind, find_person

KIND_CODE = "proyek-strategis"
NAME_MIN, NAME_MAX = 3, 200
DESCRIPTION_MAX = 4000
ROLE_MIN, ROLE_MAX = 3, 120
MAX_COMPETENCIES = 5
MAX_HOURS = Decimal("99999")  # what Activity.duration_amount holds


class ProjectError(Exception):
    """A change refused; `message` says why, `field` names the form field (or None)."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field


# Access ------------------------------------------------------------------------------------------
def is_manager(viewer):
    return viewer.has_role(Role.SUPERVISOR, Role.ADMIN)


def can_manage(viewer, project):
    """Admins, and supervisors of the project's unit or of a unit above it."""
    if viewer.has_role(Role.ADMIN):
        return True
    if not viewer.has_role(Role.SUPERVISOR) or project.unit is None:
        return False
    return any(project.unit.is_within(u) for u in viewer.supervised)


def _people_condition(viewer):
    """SQL on User: the people `viewer` may see (learners: only themselves)."""
    if viewer.has_role(Role.ADMIN):
        return True
    if not viewer.has_role(Role.SUPERVISOR):
        return User.id == viewer.id
    return viewer.scope_filter()


def _visible_projects(viewer):
    """SQL on Project: the projects `viewer` may open."""
    if viewer.has_role(Role.ADMIN):
        return True
    # Subqueries of their own (correlate(None)): the lists join `units` and `users` too.
    with_member = Project.id.in_(
        select(ProjectMember.project_id)
        .join(User, User.id == ProjectMember.user_id)
        .where(_people_condition(viewer))
        .correlate(None)
    )
    if not viewer.has_role(Role.SUPERVISOR):
        return with_member
    units = select(Unit.id).where(unit_scope_condition(viewer)).correlate(None)
    return or_(Project.unit_id.in_(units), with_member)


def project_for(viewer, project_id):
    """The project if `viewer` may open it, else None (the route answers 404 either way)."""
    project = db.session.scalar(
        select(Project)
        .options(joinedload(Project.unit))
        .where(Project.id == project_id, _visible_projects(viewer))
    )
    return project


def project_units(viewer):
    """[(unit, depth)] a project of `viewer` can belong to (their scope, in tree order)."""
    from ..supervision.services import scope_units

    return scope_units(viewer) if is_manager(viewer) else []


# Projects ----------------------------------------------------------------------------------------
def _text(value):
    return (value or "").strip()


def _check_project(actor, name, unit_id, starts_on, ends_on, description):
    name = " ".join(_text(name).split())
    if not NAME_MIN <= len(name) <= NAME_MAX:
        raise ProjectError(
            _l("Name the project in %(min)d to %(max)d characters.", min=NAME_MIN, max=NAME_MAX),
            "name",
        )
    unit = None
    if unit_id:
        unit = db.session.scalar(
            select(Unit).where(Unit.id == unit_id, unit_scope_condition(actor))
        )
    if unit is None:
        raise ProjectError(_l("Choose one of the units you supervise."), "unit_id")
    if starts_on is None:
        raise ProjectError(_l("Enter the first day of the project."), "starts_on")
    if ends_on is None:
        raise ProjectError(_l("Enter the last day of the project."), "ends_on")
    if ends_on < starts_on:
        raise ProjectError(_l("The project cannot end before it starts."), "ends_on")
    description = _text(description)
    if len(description) > DESCRIPTION_MAX:
        raise ProjectError(
            _l("Write the description in at most %(num)d characters.", num=DESCRIPTION_MAX),
            "description",
        )
    return name, unit, description


def create_project(actor, name, unit_id, starts_on, ends_on, description):
    """Record a project of a unit of the actor's scope. Audited "project.create"."""
    if not is_manager(actor):
        raise ProjectError(_l("Only supervisors and admins record projects."))
    name, unit, description = _check_project(actor, name, unit_id, starts_on, ends_on, description)
    project = Project(
        name=name,
        unit=unit,
        starts_on=starts_on,
        ends_on=ends_on,
        description=description,
        created_by_id=actor.id,
    )
    db.session.add(project)
    db.session.flush()
    audit(
        actor, "project.create", project, name=name, unit_id=unit.id,
        starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat(),
    )  # fmt: skip
    db.session.flush()
    return project


def activity_period(starts_on, ends_on, day):
    """The dates of a member's activity: the project's period, its end no later than `day`
    (a running project's activity ends on the day the membership was recorded)."""
    return starts_on, min(ends_on, day)


def max_hours(start, end):
    """At most 24 hours a day of the activity's period (and what the record holds)."""
    return min(Decimal(24 * ((end - start).days + 1)), MAX_HOURS)


def update_project(actor, project, name, unit_id, starts_on, ends_on, description, on_day=None):
    """Change a project. The members' activities still waiting for a decision (or returned)
    follow its new name, unit and period; approved ones keep what was approved. Audited
    "project.edit"."""
    day = on_day or local_today()
    if not can_manage(actor, project):
        raise ProjectError(_l("Only a supervisor of the project's unit or an admin changes it."))
    name, unit, description = _check_project(actor, name, unit_id, starts_on, ends_on, description)
    members = db.session.scalars(
        select(ProjectMember)
        .options(joinedload(ProjectMember.activity), joinedload(ProjectMember.user))
        .where(ProjectMember.project_id == project.id)
    ).all()
    open_ = [m for m in members if m.activity is not None]
    open_ = [m for m in open_ if m.activity.status != ActivityStatus.APPROVED]
    start, end = activity_period(starts_on, ends_on, day)
    if open_ and start > end:
        raise ProjectError(
            _l("The project has members: its start cannot move after today."), "starts_on"
        )
    limit = max_hours(start, end) if start <= end else Decimal(0)
    for m in open_:
        if Decimal(m.activity.duration_amount) > limit:
            raise ProjectError(
                _l(
                    "This period is too short for the %(hours)s hours of %(name)s (at most "
                    "24 hours a day).",
                    hours=hours_text(m.activity.duration_amount),
                    name=m.user.full_name,
                ),
                "ends_on",
            )
    before = {
        "name": project.name,
        "unit_id": project.unit_id,
        "starts_on": project.starts_on.isoformat(),
        "ends_on": project.ends_on.isoformat(),
    }
    project.name, project.unit = name, unit
    project.starts_on, project.ends_on, project.description = starts_on, ends_on, description
    now = utcnow()
    for m in open_:
        activity = m.activity
        activity.title = _title(name, m.role)
        activity.organiser_unit_id = unit.id
        activity.start_date, activity.end_date = start, end
        activity.updated_at = now
        # A decision taken on the page as it was before is refused (activities' revision).
        activity.revision = (activity.revision or 0) + 1
    after = {
        "name": name,
        "unit_id": unit.id,
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
    }
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    audit(actor, "project.edit", project, changed=changed, activities=len(open_))
    db.session.flush()
    return project


def _title(name, role):
    title = f"{name} — {role}"
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…"


def hours_text(value, grouped=True):
    """Hours as the interface writes numbers ("1.234,5" in Indonesian; `grouped` False for a
    form field: "1234,5")."""
    return format_decimal(Decimal(value).normalize(), format="#,##0.##" if grouped else "0.##")


# Lists -------------------------------------------------------------------------------------------
@dataclass
class ProjectRow:
    project: Project
    unit_name: str
    members: int


def projects_query(viewer, search=""):
    """The projects `viewer` may open with their unit and number of members, the latest
    first. One statement (to be paged)."""
    counts = (
        select(ProjectMember.project_id, func.count().label("members"))
        .group_by(ProjectMember.project_id)
        .subquery("member_counts")
    )
    stmt = (
        select(Project, Unit.name, func.coalesce(counts.c.members, 0))
        .join(Unit, Unit.id == Project.unit_id)
        .outerjoin(counts, counts.c.project_id == Project.id)
        .where(_visible_projects(viewer))
    )
    for term in _text(search).lower().split()[:5]:
        stmt = stmt.where(
            or_(
                func.lower(Project.name).contains(term, autoescape=True),
                func.lower(Unit.name).contains(term, autoescape=True),
            )
        )
    return stmt.order_by(Project.ends_on.desc(), Project.id.desc())


def project_rows(rows):
    return [ProjectRow(*row) for row in rows]


@dataclass
class MemberRow:
    member: ProjectMember
    name: str
    nip: str | None
    unit_name: str | None
    activity: Activity | None
    visible: bool  # the viewer may see this person's record (status, hours, JP)


def members_query(viewer, project, manage):
    """The project's members with their activity, in the order they were added. A viewer who
    does not manage the project sees the activities of the people they may see only. One
    statement (to be paged); the activities' competencies come with one more."""
    person = aliased(User)
    if manage or viewer.has_role(Role.ADMIN):
        visible = true()
    else:
        visible = person.id.in_(select(User.id).where(_people_condition(viewer)).correlate(None))
    return (
        select(ProjectMember, person.full_name, person.nip, Unit.name, Activity, visible)
        .join(person, person.id == ProjectMember.user_id)
        .outerjoin(Unit, Unit.id == person.unit_id)
        .outerjoin(Activity, Activity.id == ProjectMember.activity_id)
        .options(selectinload(Activity.competencies).load_only(Competency.name))
        .where(ProjectMember.project_id == project.id)
        .order_by(ProjectMember.id)
    )


def member_rows(rows):
    out = []
    for member, name, nip, unit_name, activity, visible in rows:
        visible = bool(visible)
        out.append(MemberRow(member, name, nip, unit_name, activity if visible else None, visible))
    return out


# Members -----------------------------------------------------------------------------------------
def parse_hours(value):
    """Hours typed with a comma or a point ("12,5"), as a Decimal of two places, or None."""
    text = "".join(_text(value).split())
    if "," in text:  # Indonesian: 1.234,5 (a point groups thousands, a comma is decimal)
        text = text.replace(".", "").replace(",", ".")
    if not text or len(text) > 12:
        return None
    try:
        hours = Decimal(text)
    except InvalidOperation:
        return None
    if not hours.is_finite():
        return None
    return hours.quantize(Decimal("0.01"))


@dataclass
class MemberData:
    role: str
    hours: Decimal
    competencies: list
    start: object
    end: object


def _check_member(project, role, hours, competency_ids, day):
    """The membership's fields checked, with the dates of its activity (the project's
    period, its end no later than `day`)."""
    role = " ".join(_text(role).split())
    if not ROLE_MIN <= len(role) <= ROLE_MAX:
        raise ProjectError(
            _l("Name the role in %(min)d to %(max)d characters.", min=ROLE_MIN, max=ROLE_MAX),
            "role",
        )
    start, end = activity_period(project.starts_on, project.ends_on, day)
    if start > day:
        raise ProjectError(
            _l(
                "The project starts on %(date)s: add its members once it has started.",
                date=local_date(project.starts_on),
            )
        )
    hours = parse_hours(hours) if not isinstance(hours, Decimal) else hours
    limit = max_hours(start, end)
    if hours is None or hours <= 0:
        raise ProjectError(_l("Enter the hours of involvement, such as 12 or 12,5."), "hours")
    if hours > limit:
        raise ProjectError(
            _l(
                "At most %(max)s hours: 24 hours a day from %(start)s to %(end)s.",
                max=hours_text(limit),
                start=local_date(start),
                end=local_date(end),
            ),
            "hours",
        )
    ids = list(dict.fromkeys(int(i) for i in competency_ids or () if i))
    if len(ids) > MAX_COMPETENCIES:
        raise ProjectError(
            _l("Choose at most %(num)d competencies.", num=MAX_COMPETENCIES), "competency_ids"
        )
    competencies = []
    if ids:
        competencies = db.session.scalars(
            select(Competency).where(Competency.id.in_(ids), Competency.active.is_(True))
        ).all()
        if len(competencies) != len(ids):
            raise ProjectError(_l("Choose competencies from the list."), "competency_ids")
    return MemberData(role, hours, list(competencies), start, end)


def _fill(activity, project, data, kind, now):
    activity.title = _title(project.name, data.role)
    activity.organiser_unit_id = project.unit_id
    activity.start_date, activity.end_date = data.start, data.end
    activity.duration_amount = data.hours
    activity.duration_unit = DurationUnit.HOUR
    activity.jp = credit(kind, data.hours, DurationUnit.HOUR).jp
    activity.competencies = list(data.competencies)
    activity.updated_at = now


def _ask_deciders(person, activity, now):
    """The member's deciders are asked (the key names the activity's revision, as for the
    activities a person records: a decision resolves every revision's request)."""
    return notify_approval_needed(
        person,
        "activity",
        activity.title,
        internal_path("activities.detail", activity_id=activity.id),
        f"activity:{activity.id}:r{activity.revision}",
        now=now,
    )


def add_member(actor, project, who, role, hours, competency_ids, on_day=None, now=None):
    """Add a person of the actor's scope (admins: any active account) to the project. Their
    membership becomes their activity, waiting for their supervisor's decision. Audited
    "project.member_add". Returns the member."""
    day = on_day or local_today()
    now = now or utcnow()
    if not can_manage(actor, project):
        raise ProjectError(_l("Only a supervisor of the project's unit or an admin adds members."))
    person = find_person(who, _people_condition(actor))
    if person is None:
        raise ProjectError(
            _l("Nobody with this NIP or email was found among the people you supervise."), "who"
        )
    taken = db.session.scalar(
        select(ProjectMember.id).where(
            ProjectMember.project_id == project.id, ProjectMember.user_id == person.id
        )
    )
    if taken is not None:
        raise ProjectError(
            _l("%(name)s is already a member of this project.", name=person.full_name), "who"
        )
    data = _check_member(project, role, hours, competency_ids, day)
    kind = activity_kind(KIND_CODE)
    activity = Activity(
        user_id=person.id,
        kind_id=kind.id,
        origin=ActivityOrigin.PROJECT,
        status=ActivityStatus.PENDING,
        revision=1,
        created_at=now,
    )
    _fill(activity, project, data, kind, now)
    db.session.add(activity)
    db.session.flush()
    member = ProjectMember(
        project_id=project.id, user_id=person.id, role=data.role, activity=activity
    )
    db.session.add(member)
    db.session.flush()
    audit(
        actor, "project.member_add", project, member_id=member.id, user_id=person.id,
        role=data.role, hours=str(data.hours), activity_id=activity.id, jp=activity.jp,
    )  # fmt: skip
    _ask_deciders(person, activity, now)
    db.session.flush()
    return member


def update_member(actor, project, member, role, hours, competency_ids, on_day=None, now=None):
    """Change a member's role, hours or competencies (a supervisor returned the activity, or
    the involvement grew). The activity waits for a decision again, an approved one
    included (it stops counting until approved again, as any edited activity). Audited
    "project.member_edit". Returns False when nothing changed."""
    day = on_day or local_today()
    now = now or utcnow()
    if not can_manage(actor, project):
        raise ProjectError(
            _l("Only a supervisor of the project's unit or an admin changes members.")
        )
    data = _check_member(project, role, hours, competency_ids, day)
    activity = member.activity
    kind = activity_kind(KIND_CODE) if activity is None else activity.kind
    if activity is not None and (
        member.role == data.role
        and Decimal(activity.duration_amount) == data.hours
        and {c.id for c in activity.competencies} == {c.id for c in data.competencies}
        and activity.status == ActivityStatus.PENDING
    ):
        return False
    was = activity.status if activity is not None else None
    jp_before = activity.jp if activity is not None else None
    if activity is None:  # deleted meanwhile: the membership gets a new one
        activity = Activity(
            user_id=member.user_id, kind_id=kind.id, origin=ActivityOrigin.PROJECT,
            revision=0, created_at=now,
        )  # fmt: skip
        db.session.add(activity)
        member.activity = activity
    member.role = data.role
    _fill(activity, project, data, kind, now)
    activity.revision = (activity.revision or 0) + 1
    activity.status = ActivityStatus.PENDING
    activity.decided_by_id = None
    activity.decided_at = None
    activity.decision_note = ""
    db.session.flush()
    audit(
        actor, "project.member_edit", project, member_id=member.id, user_id=member.user_id,
        role=data.role, hours=str(data.hours), activity_id=activity.id, was=was,
        jp_before=jp_before, jp=activity.jp,
    )  # fmt: skip
    resolve_approval(f"activity:{activity.id}:", now)
    _ask_deciders(member.user, activity, now)
    db.session.flush()
    return True


def member_of(project, member_id):
    return db.session.scalar(
        select(ProjectMember)
        .options(joinedload(ProjectMember.activity), joinedload(ProjectMember.user))
        .where(ProjectMember.id == member_id, ProjectMember.project_id == project.id)
    )


def remove_member(actor, project, member):
    """Remove a member. A pending or returned activity goes with the membership; an approved
    one stays in the person's record (it was checked and counted). Audited
    "project.member_remove". Returns True if the activity was kept, False if it was deleted,
    None if the membership had none (deleted by the person meanwhile)."""
    if not can_manage(actor, project):
        raise ProjectError(
            _l("Only a supervisor of the project's unit or an admin removes members.")
        )
    activity = member.activity
    kept = activity is not None and activity.status == ActivityStatus.APPROVED
    detail = {"member_id": member.id, "user_id": member.user_id, "role": member.role}
    db.session.delete(member)
    db.session.flush()
    if activity is not None and not kept:
        # Conditional: approved meanwhile (another tab of the supervisor), it stays.
        gone = db.session.execute(
            delete(Activity)
            .where(Activity.id == activity.id, Activity.status != ActivityStatus.APPROVED)
            .execution_options(synchronize_session=False)
        ).rowcount
        kept = not gone
        if gone:
            db.session.expunge(activity)
            resolve_approval(f"activity:{activity.id}:")
    if activity is not None:
        detail["activity_kept" if kept else "activity_deleted"] = activity.id
    audit(actor, "project.member_remove", project, **detail)
    db.session.flush()
    return kept if activity is not None else None


def kind_name():
    """The name of the project assignments' kind as the interface shows it (None: not loaded
    yet). One query."""
    kind = db.session.scalar(select(ActivityKind).where(ActivityKind.code == KIND_CODE))
    return kind_label(kind) if kind is not None else None


def competency_choices():
    """(id, name) of the dictionary's active competencies, by kind and name."""
    return db.session.execute(
        select(Competency.id, Competency.name)
        .where(Competency.active.is_(True))
        .order_by(Competency.kind, func.lower(Competency.name))
    ).all()

"""Assessments and gaps: a person's levels per year (by themselves and by their supervisor),
the gap to what their position requires, and the published courses that close it.

Rules: the supervisor's level counts when both exist (per competency); a course completion is
evidence beside a competency, it never changes a level. Services flush, never commit, and take
the viewer and the person as arguments.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from ..extensions import db
from ..models import (
    AssessorRole,
    Assignment,
    AssignmentPerson,
    Competency,
    CompetencyAssessment,
    CompetencyAssessmentItem,
    CompetencyLevel,
    Completion,
    Course,
    CourseCompetency,
    CourseVersion,
    Unit,
    User,
    audit,
)
from ..supervision.services import scope_condition
from ..timeutil import utcnow
from .standards import required_levels

LEVELS = (1, 2, 3, 4, 5)
NOTE_MAX = 2000


class AssessmentRefused(Exception):
    """A save that changed nothing; `message` says why, in the user's language."""

    def __init__(self, message, stale=False):
        super().__init__(message)
        self.message = message
        self.stale = stale


def assessor_role(viewer, person):
    """The role `viewer` assesses `person` in (the caller has checked the scope)."""
    return AssessorRole.SELF if viewer.id == person.id else AssessorRole.SUPERVISOR


def assessments_of(user_id, period):
    """{role: CompetencyAssessment} of one person and period, items loaded. One query."""
    rows = db.session.scalars(
        select(CompetencyAssessment)
        .options(selectinload(CompetencyAssessment.items))
        .where(CompetencyAssessment.user_id == user_id, CompetencyAssessment.period == period)
    ).all()
    return {a.role: a for a in rows}


def _levels_of(assessment):
    return {i.competency_id: i for i in assessment.items} if assessment is not None else {}


def competencies_by_id(ids):
    """{id: Competency} with their levels (two queries, none for no ids)."""
    ids = set(ids)
    if not ids:
        return {}
    rows = db.session.scalars(
        select(Competency).options(selectinload(Competency.levels)).where(Competency.id.in_(ids))
    ).all()
    return {c.id: c for c in rows}


def addable_competencies(exclude):
    """(id, name) of the active competencies not in `exclude`, for "add a competency"."""
    rows = db.session.execute(
        select(Competency.id, Competency.name, Competency.kind)
        .where(Competency.active.is_(True))
        .order_by(Competency.kind, func.lower(Competency.name))
    ).all()
    return [(cid, name) for cid, name, _kind in rows if cid not in exclude]


def evidence(user_id, competency_ids):
    """{competency id: [row(title, slug, level, completed_at)]}: the person's completed courses
    whose completed version is tagged with the competency. One query."""
    competency_ids = list(competency_ids)
    if not competency_ids:
        return {}
    rows = db.session.execute(
        select(
            CourseCompetency.competency_id,
            CourseVersion.title,
            Course.slug,
            CourseCompetency.level,
            Completion.completed_at,
        )
        .select_from(Completion)
        .join(CourseCompetency, CourseCompetency.version_id == Completion.version_id)
        .join(CourseVersion, CourseVersion.id == Completion.version_id)
        .join(Course, Course.id == Completion.course_id)
        .where(Completion.user_id == user_id, CourseCompetency.competency_id.in_(competency_ids))
        .order_by(Completion.completed_at.desc())
    ).all()
    out = {}
    for row in rows:
        out.setdefault(row.competency_id, []).append(row)
    return out


# The assessment page -----------------------------------------------------------------------------
@dataclass
class AssessLine:
    competency: Competency
    required: int | None
    level: int | None  # as stored (or as typed, when a save is refused)
    note: str
    indicator: str  # the text stored with the level (history), "" if none
    other_level: int | None  # the other assessor's level (the self level for a supervisor)
    evidence: list = field(default_factory=list)

    @property
    def indicator_changed(self):
        """The dictionary's text for the stored level has changed since the assessment."""
        if not self.level or not self.indicator:
            return False
        levels = {lv.level: lv.indicator for lv in self.competency.levels}
        return levels.get(self.level, "") != self.indicator


@dataclass
class AssessPage:
    person: object
    period: int
    role: str
    assessment: CompetencyAssessment | None
    other: CompetencyAssessment | None
    lines: list
    addable: list

    @property
    def revision(self):
        return self.assessment.revision if self.assessment is not None else 0


def assess_page(person, period, role, typed=None, extra_ids=()):
    """What the assessment form shows: the position's competencies, those already assessed and
    those the assessor added (`extra_ids`), each with its level, note and evidence. `typed`
    ({competency id: (level, note)}) replaces the stored values (a refused save keeps them)."""
    mine = assessments_of(person.id, period)
    assessment = mine.get(role)
    other_role = AssessorRole.SELF if role == AssessorRole.SUPERVISOR else AssessorRole.SUPERVISOR
    other = mine.get(other_role)
    required = required_levels(person.id)
    stored = _levels_of(assessment)
    other_levels = _levels_of(other)
    ids = list(required) + [c for c in stored if c not in required]
    ids += [c for c in extra_ids if c not in ids]
    if typed:
        ids += [c for c in typed if c not in ids]
    by_id = competencies_by_id(ids)
    found = evidence(person.id, ids)
    lines = []
    for cid in ids:
        comp = by_id.get(cid)
        if comp is None:
            continue
        item = stored.get(cid)
        level, note = (item.level, item.note) if item is not None else (None, "")
        if typed is not None and cid in typed:
            level, note = typed[cid]
        lines.append(
            AssessLine(
                competency=comp,
                required=required.get(cid),
                level=level,
                note=note or "",
                indicator=item.indicator if item is not None else "",
                other_level=other_levels[cid].level if cid in other_levels else None,
                evidence=found.get(cid, []),
            )
        )
    lines.sort(key=lambda ln: (ln.required is None, ln.competency.kind, ln.competency.name.lower()))
    return AssessPage(
        person=person,
        period=period,
        role=role,
        assessment=assessment,
        other=other,
        lines=lines,
        addable=addable_competencies({ln.competency.id for ln in lines}),
    )


def parse_levels(form, allowed_ids):
    """{competency id: (level or None, note)} from the posted form (`level-<id>`, `note-<id>`
    for each posted `competency`). Raises AssessmentRefused on a level outside 1-5, an unknown
    competency or a note too long: nothing is saved then."""
    out = {}
    for raw in form.getlist("competency"):
        if not raw.isdigit() or int(raw) not in allowed_ids:
            raise AssessmentRefused(_("Unknown competency. Nothing was saved."))
        cid = int(raw)
        value = (form.get(f"level-{cid}") or "").strip()
        note = (form.get(f"note-{cid}") or "").strip()
        if value == "":
            level = None
        elif value.isdigit() and int(value) in LEVELS:
            level = int(value)
        else:
            raise AssessmentRefused(_("A level must be between 1 and 5. Nothing was saved."))
        if len(note) > NOTE_MAX:
            raise AssessmentRefused(
                _("A note may have at most %(num)d characters. Nothing was saved.", num=NOTE_MAX)
            )
        out[cid] = (level, note)
    return out


def allowed_competencies(person_id, period, role):
    """The competency ids an assessor may post: the position's, those already in the
    assessment, and any other active competency."""
    required = set(required_levels(person_id))
    stored = set(
        db.session.scalars(
            select(CompetencyAssessmentItem.competency_id)
            .join(CompetencyAssessment)
            .where(
                CompetencyAssessment.user_id == person_id,
                CompetencyAssessment.period == period,
                CompetencyAssessment.role == role,
            )
        )
    )
    active = set(db.session.scalars(select(Competency.id).where(Competency.active.is_(True))))
    return required | stored | active


def save_assessment(viewer, person, period, role, typed, revision, now=None):
    """Store the levels `typed` ({competency id: (level or None, note)}) as `role`'s assessment
    of `person` for `period`, if `revision` is still the stored one (else AssessmentRefused,
    stale). A competency without a level is left out. Returns the assessment (flushed)."""
    now = now or utcnow()
    chosen = {cid: v for cid, v in typed.items() if v[0] is not None}
    indicators = {}
    if chosen:
        indicators = {
            (cid, level): text
            for cid, level, text in db.session.execute(
                select(
                    CompetencyLevel.competency_id, CompetencyLevel.level, CompetencyLevel.indicator
                ).where(CompetencyLevel.competency_id.in_(chosen))
            )
        }
    stale = AssessmentRefused(
        _(
            "This assessment was changed in the meantime (another tab or person). Your levels "
            "and notes are still on the page: check them and save again."
        ),
        stale=True,
    )
    assessment = db.session.scalar(
        select(CompetencyAssessment).where(
            CompetencyAssessment.user_id == person.id,
            CompetencyAssessment.period == period,
            CompetencyAssessment.role == role,
        )
    )
    if assessment is None:
        if revision != 0:
            raise stale
        assessment = CompetencyAssessment(
            user_id=person.id, period=period, role=role, assessor_id=viewer.id, revision=1,
            created_at=now, updated_at=now,
        )  # fmt: skip
        try:
            with db.session.begin_nested():
                db.session.add(assessment)
        except IntegrityError:
            raise stale from None  # created by another request at the same moment
    else:
        # Compare and bump in one statement: two saves of one revision cannot both win.
        done = db.session.execute(
            update(CompetencyAssessment)
            .where(CompetencyAssessment.id == assessment.id)
            .where(CompetencyAssessment.revision == revision)
            .values(revision=revision + 1, assessor_id=viewer.id, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if done.rowcount != 1:
            raise stale
        db.session.refresh(assessment)
    existing = {i.competency_id: i for i in assessment.items}
    for cid, item in existing.items():
        if cid not in chosen:
            assessment.items.remove(item)
    for cid, (level, note) in chosen.items():
        text = indicators.get((cid, level), "")
        item = existing.get(cid)
        if item is None:
            assessment.items.append(
                CompetencyAssessmentItem(competency_id=cid, level=level, note=note, indicator=text)
            )
        elif item.level != level or item.note != note or item.indicator != text:
            item.level, item.note, item.indicator = level, note, text
    if role == AssessorRole.SUPERVISOR:
        audit(
            viewer, "competency.assess", assessment, user_id=person.id, period=period,
            levels={str(cid): v[0] for cid, v in chosen.items()},
        )  # fmt: skip
    db.session.flush()
    return assessment


# "Kompetensi saya" -------------------------------------------------------------------------------
@dataclass
class GapLine:
    competency: Competency
    required: int | None
    self_level: int | None
    supervisor_level: int | None
    indicator: str = ""  # stored with the effective level
    evidence: list = field(default_factory=list)
    courses: list = field(default_factory=list)  # recommendations (level >= required)
    courses_unlevelled: list = field(default_factory=list)  # courses that name no level

    @property
    def effective(self):
        return self.supervisor_level if self.supervisor_level is not None else self.self_level

    @property
    def assessed(self):
        return self.effective is not None

    @property
    def gap(self):
        """required - effective when positive, else 0 (None: not assessed or not required)."""
        if self.required is None or self.effective is None:
            return None
        return max(0, self.required - self.effective)


@dataclass
class MyCompetencies:
    person: object
    period: int
    gaps: list  # [GapLine] with a gap > 0, largest first
    met: list  # required and at or above the standard
    not_assessed: list  # required, no level yet
    other: list  # assessed, not required by the position
    has_self: bool


def gap_lines(person_id, period):
    """[GapLine] of the position's competencies and any other assessed one (fixed queries)."""
    mine = assessments_of(person_id, period)
    selfs = _levels_of(mine.get(AssessorRole.SELF))
    sups = _levels_of(mine.get(AssessorRole.SUPERVISOR))
    required = required_levels(person_id)
    ids = set(required) | set(selfs) | set(sups)
    by_id = competencies_by_id(ids)
    lines = []
    for cid in ids:
        if cid not in by_id:
            continue
        s, v = selfs.get(cid), sups.get(cid)
        effective = v or s
        lines.append(
            GapLine(
                competency=by_id[cid],
                required=required.get(cid),
                self_level=s.level if s else None,
                supervisor_level=v.level if v else None,
                indicator=effective.indicator if effective else "",
            )
        )
    return lines, bool(selfs)


def recommended_courses(person_id, needed):
    """{competency id: ([at or above the level], [level not given])} of the published courses
    teaching each competency of `needed` ({competency id: required level}). Published = the
    catalog's (a current version); a restricted course only when assigned to the person.
    One query."""
    if not needed:
        return {}
    assigned = exists(
        select(AssignmentPerson.user_id)
        .join(Assignment, Assignment.id == AssignmentPerson.assignment_id)
        .where(Assignment.course_id == Course.id, AssignmentPerson.user_id == person_id)
    )
    rows = db.session.execute(
        select(
            CourseCompetency.competency_id,
            CourseCompetency.level,
            Course.id,
            Course.slug,
            CourseVersion.title,
            CourseVersion.jp,
        )
        .select_from(Course)
        .join(CourseVersion, CourseVersion.id == Course.current_version_id)
        .join(CourseCompetency, CourseCompetency.version_id == CourseVersion.id)
        .where(
            CourseCompetency.competency_id.in_(list(needed)),
            or_(Course.restricted.is_(False), assigned),
        )
        .order_by(func.lower(CourseVersion.title), Course.id)
    ).all()
    out = {cid: ([], []) for cid in needed}
    for row in rows:
        levelled, unlevelled = out[row.competency_id]
        if row.level is None:
            unlevelled.append(row)
        elif row.level >= needed[row.competency_id]:
            levelled.append(row)
    for levelled, _unlevelled in out.values():
        levelled.sort(key=lambda r: (r.level, r.title.lower()))
    return out


def my_competencies(person, period):
    lines, has_self = gap_lines(person.id, period)
    gaps = [ln for ln in lines if ln.gap]
    found = evidence(person.id, [ln.competency.id for ln in lines])
    recs = recommended_courses(person.id, {ln.competency.id: ln.required for ln in gaps})
    for ln in lines:
        ln.evidence = found.get(ln.competency.id, [])
    for ln in gaps:
        ln.courses, ln.courses_unlevelled = recs.get(ln.competency.id, ([], []))

    def by_name(ln):
        return (ln.competency.kind, ln.competency.name.lower())

    return MyCompetencies(
        person=person,
        period=period,
        gaps=sorted(gaps, key=lambda ln: (-ln.gap, *by_name(ln))),
        met=sorted((ln for ln in lines if ln.gap == 0), key=by_name),
        not_assessed=sorted(
            (ln for ln in lines if ln.required is not None and not ln.assessed), key=by_name
        ),
        other=sorted((ln for ln in lines if ln.required is None), key=by_name),
        has_self=has_self,
    )


# The supervisor's list ---------------------------------------------------------------------------
STATUS_NONE, STATUS_SELF, STATUS_SUPERVISOR = "none", "self", "supervisor"


def assessment_status_select(viewer, period, unit=None, status="", search=""):
    """The people in `viewer`'s scope with the dates of their self and supervisor assessments
    of `period`: id, name, NIP, position, unit, self_at, supervisor_at; by name. `status`
    keeps only those assessed by the supervisor, only by themselves, or not at all."""
    own = aliased(CompetencyAssessment, name="own")
    sup = aliased(CompetencyAssessment, name="sup")
    stmt = (
        select(
            User.id,
            User.full_name,
            User.nip,
            User.position,
            Unit.name.label("unit_name"),
            own.updated_at.label("self_at"),
            sup.updated_at.label("supervisor_at"),
        )
        .outerjoin(Unit, Unit.id == User.unit_id)
        .outerjoin(
            own,
            and_(own.user_id == User.id, own.period == period, own.role == AssessorRole.SELF),
        )
        .outerjoin(
            sup,
            and_(sup.user_id == User.id, sup.period == period, sup.role == AssessorRole.SUPERVISOR),
        )
        .where(scope_condition(viewer), User.active.is_(True))
        .order_by(func.lower(User.full_name), User.id)
    )
    if unit is not None:
        stmt = stmt.where(User.unit_id.in_(unit.subtree_ids_select()))
    term = (search or "").strip().lower()
    if term:
        stmt = stmt.where(
            or_(
                func.lower(User.full_name).contains(term, autoescape=True),
                User.nip.contains(term, autoescape=True),
            )
        )
    if status == STATUS_SUPERVISOR:
        stmt = stmt.where(sup.id.is_not(None))
    elif status == STATUS_SELF:
        stmt = stmt.where(own.id.is_not(None), sup.id.is_(None))
    elif status == STATUS_NONE:
        stmt = stmt.where(own.id.is_(None), sup.id.is_(None))
    return stmt

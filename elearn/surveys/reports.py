"""Survey reports: who may read what, the course list, one course's figures, the exports, the
catalog's rating. Aggregates in SQL, a fixed number of queries whatever the number of answers.

Anonymity (see elearn/models/survey.py): no query here joins a response to a person, except the
per-person lists of non-anonymous answers for viewers allowed to see those people. Results of a
group (course, version, year, unit as filtered) that holds an anonymous answer are shown only
from SURVEY_MIN_ANSWERS answers on; so are the aggregates of a unit (a filtered unit, or a
supervisor's scope), whether anonymous or not.
"""

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import and_, case, false, func, or_, select, true

from ..authoring.access import may_edit, partner_limited
from ..extensions import db
from ..models import (
    Course,
    CourseVersion,
    InvitationState,
    Role,
    SurveyAnswer,
    SurveyAudience,
    SurveyInstrument,
    SurveyInstrumentVersion,
    SurveyInvitation,
    SurveyLevel,
    SurveyQuestion,
    SurveyQuestionKind,
    SurveyResponse,
    Unit,
    User,
    course_owners,
)
from ..supervision.services import paged, today
from .flags import flag_low_ratings  # noqa: F401 (called by `flask reminders send`)
from .instruments import SCALE_LABELS

SCALES = (SurveyQuestionKind.LIKERT4.value, SurveyQuestionKind.LIKERT5.value)
CHOICES = (SurveyQuestionKind.SINGLE.value, SurveyQuestionKind.MULTIPLE.value)
TEXTS = (SurveyQuestionKind.SHORT_TEXT.value, SurveyQuestionKind.LONG_TEXT.value)
TOP = {SurveyQuestionKind.LIKERT4.value: 4, SurveyQuestionKind.LIKERT5.value: 5}
# The sections of a report, in order.
GROUPS = (
    (SurveyLevel.REACTION.value, SurveyAudience.LEARNER.value),
    (SurveyLevel.BEHAVIOUR.value, SurveyAudience.LEARNER.value),
    (SurveyLevel.BEHAVIOUR.value, SurveyAudience.SUPERVISOR.value),
)


def min_answers():
    return int(current_app.config["SURVEY_MIN_ANSWERS"])


# The catalog's rating ----------------------------------------------------------------------------
def course_rating(course_id):
    """(mean on a 1-5 scale, number of answers) of the "overall" question of the course's
    reaction surveys (every version), or None below the minimum. One query."""
    on_five = case(
        (SurveyQuestion.kind == SurveyQuestionKind.LIKERT4.value, SurveyAnswer.choice * 5.0 / 4),
        else_=SurveyAnswer.choice * 1.0,
    )
    mean, count = db.session.execute(
        select(func.avg(on_five), func.count(SurveyAnswer.id))
        .select_from(SurveyAnswer)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .where(
            SurveyResponse.course_id == course_id,
            SurveyResponse.level == SurveyLevel.REACTION.value,
            SurveyQuestion.code == "overall",
            SurveyQuestion.kind.in_(SCALES),
            SurveyAnswer.choice.is_not(None),
        )
    ).one()
    if not count or count < min_answers():
        return None
    return float(mean), int(count)


# Who may read what -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Access:
    full: bool  # admin or an editor of the course: every answer, per-person lists
    viewer: User


def access_for(viewer, course):
    """Access of `viewer` to the reports of `course`, None when refused (the teaching rule of
    authoring/access.py: a partner's person reads only the courses they are invited to)."""
    if may_edit(viewer, course):
        return Access(True, viewer)
    if _as_supervisor(viewer):
        return Access(False, viewer)
    return None


def _as_supervisor(viewer):
    """Reads a supervisor's part of the reports (their scope); never a partner's person."""
    return viewer.has_role(Role.SUPERVISOR) and not partner_limited(viewer)


def _scope_units_select(viewer):
    paths = [u.path for u in viewer.supervised]
    if not paths:
        return None
    return select(Unit.id).where(or_(*[Unit.path.startswith(p) for p in paths]))


def _people_select(viewer):
    return select(User.id).where(viewer.scope_filter())


def response_scope(access):
    """Condition on SurveyResponse: for a supervisor, the answers of people of their units
    (the respondent's unit when answering) and, when named, about people in their scope."""
    if access.full:
        return true()
    conditions = [SurveyResponse.subject_id.in_(_people_select(access.viewer))]
    units = _scope_units_select(access.viewer)
    if units is not None:
        conditions.append(SurveyResponse.unit_id.in_(units))
    return or_(*conditions)


def invitation_scope(access):
    if access.full:
        return true()
    return SurveyInvitation.subject_id.in_(_people_select(access.viewer))


# Filters -----------------------------------------------------------------------------------------
@dataclass
class ReportFilter:
    version_id: int | None = None  # a version of the course
    year: int | None = None
    unit: Unit | None = None  # with its sub-units
    q: str = ""  # search in comments


def _response_conditions(course, filters, access):
    cond = [SurveyResponse.course_id == course.id, response_scope(access)]
    if filters.version_id:
        cond.append(SurveyResponse.version_id == filters.version_id)
    if filters.year:
        cond.append(SurveyResponse.submitted_on >= date(filters.year, 1, 1))
        cond.append(SurveyResponse.submitted_on <= date(filters.year, 12, 31))
    if filters.unit is not None:
        cond.append(SurveyResponse.unit_id.in_(filters.unit.subtree_ids_select()))
    return cond


def _invitation_conditions(course, filters, access, day):
    cond = [
        SurveyInvitation.course_id == course.id,
        SurveyInvitation.opens_on <= day,
        invitation_scope(access),
    ]
    if filters.version_id:
        cond.append(SurveyInvitation.version_id == filters.version_id)
    if filters.year:
        cond.append(SurveyInvitation.opens_on >= date(filters.year, 1, 1))
        cond.append(SurveyInvitation.opens_on <= date(filters.year, 12, 31))
    if filters.unit is not None:
        people = select(User.id).where(User.unit_id.in_(filters.unit.subtree_ids_select()))
        cond.append(SurveyInvitation.subject_id.in_(people))
    return cond


def filter_units(access):
    """[(unit, depth)] the viewer may filter by: every unit for full access, else the scope."""
    from ..supervision.services import scope_units

    if access.full:
        units = db.session.scalars(select(Unit)).all()
        by_parent = {}
        for u in units:
            by_parent.setdefault(u.parent_id, []).append(u)
        out = []

        def walk(parent_id, depth):
            for u in sorted(by_parent.get(parent_id, []), key=lambda u: u.name.lower()):
                out.append((u, depth))
                walk(u.id, depth + 1)

        walk(None, 0)
        return out
    return scope_units(access.viewer)


def course_versions(course):
    """(id, label) of the course's versions, newest first. One query."""
    rows = db.session.execute(
        select(CourseVersion.id, CourseVersion.number, CourseVersion.title)
        .where(CourseVersion.course_id == course.id)
        .order_by(CourseVersion.number.desc())
    ).all()
    return [(vid, number, title) for vid, number, title in rows]


# One course's report -----------------------------------------------------------------------------
@dataclass
class QuestionStats:
    code: str
    kind: str
    text: str
    position: int
    options: list
    counts: list = field(default_factory=list)  # [(label, n)] per point or option
    answers: int = 0  # answers (scale, single) or responses (multiple)
    total: float = 0.0

    @property
    def is_scale(self):
        return self.kind in SCALES

    @property
    def top(self):
        return TOP.get(self.kind)

    @property
    def mean(self):
        return self.total / self.answers if self.answers and self.is_scale else None

    @property
    def percent(self):
        mean = self.mean
        return None if mean is None else mean / self.top * 100

    @property
    def largest(self):
        return max((n for _label, n in self.counts), default=0)


@dataclass
class Group:
    level: int
    audience: str
    responses: int = 0
    anonymous: bool = False  # holds an anonymous answer
    invited: int = 0
    answered: int = 0  # invitations answered
    hidden: bool = False  # below the minimum: nothing shown
    needed: int = 0  # how many more answers until it is shown
    comments_shown: bool = False
    questions: list = field(default_factory=list)  # [QuestionStats] of scale/choice kinds

    @property
    def rate(self):
        return self.answered / self.invited if self.invited else None

    @property
    def key(self):
        return f"{self.level}-{self.audience}"


@dataclass
class Report:
    groups: list
    minimum: int
    comments: object = None  # Page of (level, audience, question text, text)
    pairs: object = None  # Page of Pair, non-anonymous level 3
    gain: object = None  # authoring.results.Summary (full access)

    def group(self, level, audience):
        return next(g for g in self.groups if (g.level, g.audience) == (level, audience))


@dataclass
class Pair:
    name: str
    nip: str
    learner_applied: int | None = None
    learner_example: str = ""
    supervisor_applied: int | None = None
    supervisor_example: str = ""


def _groups(course, filters, access, day):
    """Groups with counts and the minimum rule applied: two queries."""
    groups = {key: Group(*key) for key in GROUPS}
    for level, audience, anonymous, n in db.session.execute(
        select(
            SurveyResponse.level,
            SurveyResponse.audience,
            SurveyResponse.anonymous,
            func.count(SurveyResponse.id),
        )
        .where(*_response_conditions(course, filters, access))
        .group_by(SurveyResponse.level, SurveyResponse.audience, SurveyResponse.anonymous)
    ):
        g = groups.get((level, audience))
        if g is not None:
            g.responses += n
            g.anonymous = g.anonymous or bool(anonymous)
    for level, audience, state, n in db.session.execute(
        select(
            SurveyInvitation.level,
            SurveyInvitation.audience,
            SurveyInvitation.state,
            func.count(SurveyInvitation.id),
        )
        .where(*_invitation_conditions(course, filters, access, day))
        .group_by(SurveyInvitation.level, SurveyInvitation.audience, SurveyInvitation.state)
    ):
        g = groups.get((level, audience))
        if g is not None:
            g.invited += n
            if state == InvitationState.ANSWERED:
                g.answered += n
    minimum = min_answers()
    for g in groups.values():
        strict = g.anonymous or filters.unit is not None or not access.full
        g.hidden = strict and g.responses < minimum
        g.needed = max(0, minimum - g.responses) if g.hidden else 0
        # Supervisors read only aggregates of anonymous answers, never the comments.
        g.comments_shown = g.responses > 0 and not g.hidden and (access.full or not g.anonymous)
    return [groups[key] for key in GROUPS]


def _questions(course, filters, access):
    """{(level, audience): {code: QuestionStats}} of the instrument versions answered, each
    code with its latest text and options. One query."""
    versions = (
        select(SurveyResponse.instrument_version_id)
        .where(*_response_conditions(course, filters, access))
        .distinct()
    )
    rows = db.session.execute(
        select(
            SurveyInstrument.level,
            SurveyInstrument.audience,
            SurveyQuestion.code,
            SurveyQuestion.kind,
            SurveyQuestion.text,
            SurveyQuestion.position,
            SurveyQuestion.options,
        )
        .join(SurveyInstrumentVersion, SurveyInstrumentVersion.id == SurveyQuestion.version_id)
        .join(SurveyInstrument, SurveyInstrument.id == SurveyInstrumentVersion.instrument_id)
        .where(SurveyQuestion.version_id.in_(versions))
        .order_by(SurveyQuestion.id)
    ).all()
    out = {}
    for level, audience, code, kind, text, position, options in rows:
        # Later rows are later versions: their text and options win.
        out.setdefault((level, audience), {})[code] = QuestionStats(
            code, kind, text, position, list(options or [])
        )
    return out


def _distribution(course, filters, access, questions):
    """Fill the counts of scale and choice questions: one query."""
    rows = db.session.execute(
        select(
            SurveyResponse.level,
            SurveyResponse.audience,
            SurveyQuestion.code,
            SurveyAnswer.choice,
            func.count(SurveyAnswer.id),
        )
        .select_from(SurveyAnswer)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .where(
            *_response_conditions(course, filters, access),
            SurveyQuestion.kind.in_(SCALES + CHOICES),
            SurveyAnswer.choice.is_not(None),
        )
        .group_by(
            SurveyResponse.level, SurveyResponse.audience, SurveyQuestion.code, SurveyAnswer.choice
        )
    ).all()
    counts = {}
    for level, audience, code, choice, n in rows:
        counts.setdefault((level, audience, code), {})[choice] = n
    for key, by_code in questions.items():
        for code, q in by_code.items():
            got = counts.get((*key, code), {})
            if q.is_scale:
                labels = SCALE_LABELS[SurveyQuestionKind(q.kind)]
                q.counts = [(f"{i} {labels[i - 1]}", got.get(i, 0)) for i in range(1, q.top + 1)]
                q.answers = sum(q.counts[i - 1][1] for i in range(1, q.top + 1))
                q.total = sum(i * got.get(i, 0) for i in range(1, q.top + 1))
            elif q.kind in CHOICES:
                q.counts = [(label, got.get(i, 0)) for i, label in enumerate(q.options)]
                q.answers = sum(n for _l, n in q.counts)


def _visible_keys(groups, what):
    return [(g.level, g.audience) for g in groups if getattr(g, what)]


def _comments_select(course, filters, access, keys):
    cond = _response_conditions(course, filters, access)
    stmt = (
        select(
            SurveyResponse.level, SurveyResponse.audience, SurveyQuestion.text, SurveyAnswer.text
        )
        .select_from(SurveyAnswer)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .where(
            *cond,
            SurveyQuestion.kind.in_(TEXTS),
            SurveyAnswer.text.is_not(None),
            SurveyAnswer.text != "",
            or_(
                *[
                    and_(SurveyResponse.level == lv, SurveyResponse.audience == au)
                    for lv, au in keys
                ]
            )
            if keys
            else false(),
        )
    )
    if filters.q:
        pattern = "%" + filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(SurveyAnswer.text.ilike(pattern + "%", escape="\\"))
    return stmt.order_by(SurveyResponse.level, SurveyResponse.audience, SurveyAnswer.id.desc())


def _pairs(course, filters, access, page, per_page):
    """Level-3 answers per person of non-anonymous responses: the learner's and the
    supervisor's "applied" and "example" side by side. Three queries."""
    cond = [
        *_response_conditions(course, filters, access),
        SurveyResponse.level == SurveyLevel.BEHAVIOUR.value,
        SurveyResponse.anonymous.is_(False),
        SurveyResponse.subject_id.is_not(None),
    ]
    if not access.full:  # named answers only about people the supervisor may see
        cond.append(SurveyResponse.subject_id.in_(_people_select(access.viewer)))
    subjects = (
        select(User.id, User.full_name, User.nip)
        .where(User.id.in_(select(SurveyResponse.subject_id).where(*cond)))
        .order_by(func.lower(User.full_name), User.id)
    )
    people = paged(subjects, page, per_page)
    pairs = {uid: Pair(name, nip or "") for uid, name, nip in people.items}
    if pairs:
        for subject_id, audience, code, choice, text in db.session.execute(
            select(
                SurveyResponse.subject_id,
                SurveyResponse.audience,
                SurveyQuestion.code,
                SurveyAnswer.choice,
                SurveyAnswer.text,
            )
            .select_from(SurveyAnswer)
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
            .where(
                *cond,
                SurveyResponse.subject_id.in_(list(pairs)),
                SurveyQuestion.code.in_(("applied", "example")),
            )
        ):
            p = pairs[subject_id]
            prefix = "learner" if audience == SurveyAudience.LEARNER else "supervisor"
            if code == "applied":
                setattr(p, f"{prefix}_applied", choice)
            elif text:
                setattr(p, f"{prefix}_example", text)
    people.items = list(pairs.values())
    return people


def course_report(course, filters, access, comments_page=1, pairs_page=1, per_page=20, day=None):
    """Everything the course's report page shows."""
    day = day or today()
    groups = _groups(course, filters, access, day)
    questions = _questions(course, filters, access)
    _distribution(course, filters, access, questions)
    for g in groups:
        by_code = questions.get((g.level, g.audience), {})
        g.questions = sorted(
            (q for q in by_code.values() if q.kind in SCALES + CHOICES), key=lambda q: q.position
        )
    report = Report(groups, min_answers())
    keys = _visible_keys(groups, "comments_shown")
    report.comments = paged(
        _comments_select(course, filters, access, keys), comments_page, per_page
    )
    behaviour = [g for g in groups if g.level == SurveyLevel.BEHAVIOUR.value]
    if any(g.responses and not g.anonymous for g in behaviour):
        report.pairs = _pairs(course, filters, access, pairs_page, per_page)
    if access.full:
        from ..authoring import results

        report.gain = results.summary(course)
    return report


# Exports -----------------------------------------------------------------------------------------
def aggregate_rows(course, filters, access, day=None):
    """Rows of the aggregates export: groups below the minimum are left out."""
    day = day or today()
    groups = _groups(course, filters, access, day)
    questions = _questions(course, filters, access)
    _distribution(course, filters, access, questions)
    rows = []
    for g in groups:
        rows.append((g, None))
        if g.hidden:
            continue
        for q in sorted(
            questions.get((g.level, g.audience), {}).values(), key=lambda q: q.position
        ):
            if q.kind in SCALES + CHOICES:
                rows.append((g, q))
    return rows


def comment_rows(course, filters, access, day=None):
    """(level, audience, question text, text) of the comments that may be shown."""
    groups = _groups(course, filters, access, day or today())
    keys = _visible_keys(groups, "comments_shown")
    return db.session.execute(_comments_select(course, filters, access, keys)).all()


def named_response_rows(course, filters, access):
    """Per answer of non-anonymous responses, with the respondent and the subject (for
    course editors only; anonymous responses never appear)."""
    assert access.full
    respondent = User.__table__.alias("respondent")
    subject = User.__table__.alias("subject")
    return db.session.execute(
        select(
            SurveyResponse.id,
            SurveyResponse.submitted_on,
            SurveyResponse.level,
            SurveyResponse.audience,
            respondent.c.nip,
            respondent.c.full_name,
            subject.c.nip,
            subject.c.full_name,
            Unit.name,
            SurveyQuestion.code,
            SurveyQuestion.kind,
            SurveyQuestion.text,
            SurveyQuestion.options,
            SurveyAnswer.choice,
            SurveyAnswer.text,
        )
        .select_from(SurveyAnswer)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .join(respondent, respondent.c.id == SurveyResponse.respondent_id)
        .outerjoin(subject, subject.c.id == SurveyResponse.subject_id)
        .outerjoin(Unit, Unit.id == SurveyResponse.unit_id)
        .where(
            *_response_conditions(course, filters, access),
            SurveyResponse.anonymous.is_(False),
            SurveyResponse.respondent_id.is_not(None),
        )
        .order_by(SurveyResponse.id, SurveyQuestion.position, SurveyAnswer.id)
    ).all()


# The list of courses -----------------------------------------------------------------------------
def _owned_select(viewer):
    return select(course_owners.c.course_id).where(course_owners.c.user_id == viewer.id)


def courses_select(viewer):
    """(Course, title) of the courses whose reports `viewer` may read, by title: an admin's
    every course with a version, an instructor's own, a supervisor's with surveys about people
    of their scope."""
    stmt = (
        select(Course, CourseVersion.title)
        .join(CourseVersion, CourseVersion.id == Course.current_version_id)
        .order_by(func.lower(CourseVersion.title), Course.id)
    )
    if viewer.has_role(Role.ADMIN):
        return stmt
    conditions = [Course.id.in_(_owned_select(viewer))]
    if _as_supervisor(viewer):
        conditions.append(
            Course.id.in_(
                select(SurveyInvitation.course_id).where(
                    SurveyInvitation.subject_id.in_(_people_select(viewer))
                )
            )
        )
    return stmt.where(or_(*conditions))


@dataclass
class CourseLine:
    course: Course
    title: str
    counts: dict = field(default_factory=dict)  # level -> [answers, invited, answered]

    def answers(self, level):
        return self.counts.get(level, [0, 0, 0])[0]

    def rate(self, level):
        _n, invited, answered = self.counts.get(level, [0, 0, 0])
        return answered / invited if invited else None


def course_list(viewer, page, per_page, day=None):
    """A Page of CourseLine: four queries (count, page, answers, invitations)."""
    day = day or today()
    result = paged(courses_select(viewer), page, per_page)
    lines = {c.id: CourseLine(c, title) for c, title in result.items}
    if lines:
        ids = list(lines)
        if viewer.has_role(Role.ADMIN):
            r_scope = i_scope = true()
        else:
            owned = _owned_select(viewer)
            r_scope = or_(
                SurveyResponse.course_id.in_(owned),
                response_scope(Access(False, viewer)) if _as_supervisor(viewer) else false(),
            )
            i_scope = or_(
                SurveyInvitation.course_id.in_(owned),
                invitation_scope(Access(False, viewer)) if _as_supervisor(viewer) else false(),
            )
        for course_id, level, n in db.session.execute(
            select(SurveyResponse.course_id, SurveyResponse.level, func.count(SurveyResponse.id))
            .where(SurveyResponse.course_id.in_(ids), r_scope)
            .group_by(SurveyResponse.course_id, SurveyResponse.level)
        ):
            lines[course_id].counts.setdefault(level, [0, 0, 0])[0] = n
        for course_id, level, invited, answered in db.session.execute(
            select(
                SurveyInvitation.course_id,
                SurveyInvitation.level,
                func.count(SurveyInvitation.id),
                func.sum(
                    case((SurveyInvitation.state == InvitationState.ANSWERED.value, 1), else_=0)
                ),
            )
            .where(SurveyInvitation.course_id.in_(ids), SurveyInvitation.opens_on <= day, i_scope)
            .group_by(SurveyInvitation.course_id, SurveyInvitation.level)
        ):
            c = lines[course_id].counts.setdefault(level, [0, 0, 0])
            c[1], c[2] = invited, int(answered or 0)
    result.items = list(lines.values())
    return result

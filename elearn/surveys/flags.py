"""Low-rating flags: a scale question on which a course version scores below the threshold
(SURVEY_LOW_MEAN_PERCENT of the scale's top, over at least SURVEY_MIN_ANSWERS answers) is
flagged once, and the course's instructors and the admins are told once.

Grouped by course version and question code (the flag's unique key): the learner's and the
supervisor's answers to a level-3 question of the same code count together.
"""

from flask import current_app
from sqlalchemy import func, select

from ..dbutil import insert_if_absent
from ..extensions import db
from ..models import (
    Course,
    CourseCompetency,
    CourseVersion,
    Role,
    SurveyAnswer,
    SurveyFlag,
    SurveyQuestion,
    SurveyQuestionKind,
    SurveyResponse,
    User,
    UserRole,
    course_owners,
)
from ..models import NotificationKind as K
from ..notifications.services import internal_path, notify
from ..timeutil import utcnow

SCALE_KINDS = (SurveyQuestionKind.LIKERT4.value, SurveyQuestionKind.LIKERT5.value)
TOPS = {SurveyQuestionKind.LIKERT4.value: 4, SurveyQuestionKind.LIKERT5.value: 5}


def low_scores(min_answers, threshold):
    """[(course_id, version_id, code, question_id, percent, answers)] below `threshold`.
    One query (plus none per group)."""
    rows = db.session.execute(
        select(
            SurveyResponse.course_id,
            SurveyResponse.version_id,
            SurveyQuestion.code,
            SurveyQuestion.kind,
            func.count(SurveyAnswer.id),
            func.sum(SurveyAnswer.choice),
            func.max(SurveyQuestion.id),
        )
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .where(SurveyQuestion.kind.in_(SCALE_KINDS), SurveyAnswer.choice.is_not(None))
        .group_by(
            SurveyResponse.course_id,
            SurveyResponse.version_id,
            SurveyQuestion.code,
            SurveyQuestion.kind,
        )
    ).all()
    groups = {}
    for course_id, version_id, code, kind, n, total, qid in rows:
        g = groups.setdefault((course_id, version_id, code), [0, 0.0, qid])
        g[0] += n
        g[1] += float(total or 0) / TOPS[kind] * 100  # sum of percents of the top
        g[2] = max(g[2], qid)
    out = []
    for (course_id, version_id, code), (n, percent_sum, qid) in groups.items():
        if n < min_answers:
            continue
        percent = percent_sum / n
        if percent < threshold:
            out.append((course_id, version_id, code, qid, percent, n))
    return out


def flag_low_ratings(now=None):
    """Raise the flags that are due; returns how many were raised now (re-runs: 0)."""
    now = now or utcnow()
    cfg = current_app.config
    found = low_scores(int(cfg["SURVEY_MIN_ANSWERS"]), float(cfg["SURVEY_LOW_MEAN_PERCENT"]))
    if not found:
        return 0
    texts = dict(
        db.session.execute(
            select(SurveyQuestion.id, SurveyQuestion.text).where(
                SurveyQuestion.id.in_({f[3] for f in found})
            )
        ).all()
    )
    raised = []
    for course_id, version_id, code, qid, percent, n in found:
        values = {
            "course_id": course_id,
            "version_id": version_id,
            "question_code": code,
            "question_text": texts.get(qid, code),
            "mean_percent": int(percent),
            "answers": n,
            "raised_at": now,
        }
        if insert_if_absent(SurveyFlag, values, ["course_id", "version_id", "question_code"]):
            raised.append(values)
    if raised:
        _notify(raised, now)
    return len(raised)


def _notify(raised, now):
    course_ids = {f["course_id"] for f in raised}
    courses = {
        c.id: (c.slug, title or c.slug)
        for c, title in db.session.execute(
            select(Course, CourseVersion.title)
            .outerjoin(CourseVersion, CourseVersion.id == Course.current_version_id)
            .where(Course.id.in_(course_ids))
        ).all()
    }
    owners = {}
    for course_id, user_id in db.session.execute(
        select(course_owners.c.course_id, course_owners.c.user_id)
        .join(User, User.id == course_owners.c.user_id)
        .where(course_owners.c.course_id.in_(course_ids), User.active.is_(True))
    ):
        owners.setdefault(course_id, []).append(user_id)
    admins = list(
        db.session.scalars(
            select(User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.ADMIN, User.active.is_(True))
        )
    )
    for f in raised:
        slug, title = courses[f["course_id"]]
        notify(
            owners.get(f["course_id"], []) + admins,
            K.SURVEY_LOW,
            {"title": title, "question": f["question_text"]},
            internal_path("surveys.report_course", slug=slug),
            f"survey-low:{f['course_id']}:{f['version_id']}:{f['question_code']}",
            now,
        )


def course_flags(course_id, version_id=None):
    """The flags of a course (of one version if given), newest first. One query."""
    stmt = select(SurveyFlag).where(SurveyFlag.course_id == course_id)
    if version_id is not None:
        stmt = stmt.where(SurveyFlag.version_id == version_id)
    return list(db.session.scalars(stmt.order_by(SurveyFlag.raised_at.desc(), SurveyFlag.id)))


def flagged_courses(competency_ids):
    """{competency_id: [(slug, title, [question texts])]} of the published courses linked to
    these competencies whose current version is flagged low. One query."""
    if not competency_ids:
        return {}
    rows = db.session.execute(
        select(
            CourseCompetency.competency_id,
            Course.slug,
            CourseVersion.title,
            SurveyFlag.question_text,
        )
        .select_from(Course)
        .join(CourseVersion, CourseVersion.id == Course.current_version_id)
        .join(CourseCompetency, CourseCompetency.version_id == CourseVersion.id)
        .join(
            SurveyFlag,
            (SurveyFlag.course_id == Course.id) & (SurveyFlag.version_id == CourseVersion.id),
        )
        .where(CourseCompetency.competency_id.in_(list(competency_ids)))
        .order_by(func.lower(CourseVersion.title), SurveyFlag.question_code)
    ).all()
    out = {}
    for cid, slug, title, text in rows:
        courses = out.setdefault(cid, {})
        courses.setdefault((slug, title), []).append(text)
    return {
        cid: [(slug, title, texts) for (slug, title), texts in courses.items()]
        for cid, courses in out.items()
    }

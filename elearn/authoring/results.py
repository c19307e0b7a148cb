"""How learners did in a course: for its instructors. Aggregates in SQL, a fixed number of queries.

Item analysis (classical test theory), per question, over submitted attempts (every attempt, or
only learners' first attempts), aggregated by stable keys (quiz key + question id), so the
statistics of a question carry over the versions of a course while its id stays:

- difficulty p = share of answers that were fully correct (high = easy);
- discrimination = the corrected item-total (point-biserial) correlation: the Pearson
  correlation between x = 1/0 (answer correct or not) and y = the attempt's score on the
  *other* questions, in percent ((score - this answer's points) / (max - this question's
  max) x 100). Leaving the question out of the total keeps it from correlating with itself,
  which matters for short quizzes. SQL sums n, Σx, Σy, Σy², Σxy per question;
  r = (nΣxy - ΣxΣy) / sqrt((nΣx - (Σx)²)(nΣy² - (Σy)²)) (Σx² = Σx for 0/1).
  Good questions have r > 0.2; r < 0 means that learners who did well on the rest of the
  quiz got this one wrong more often: a wrong key or a misleading question.
- option counts: how often each option was chosen, from `AttemptAnswer.response` grouped as
  text in SQL (JSON functions differ between SQLite and PostgreSQL), decoded in Python once
  per distinct response.
"""

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from markupsafe import Markup
from sqlalchemy import Float, Text, and_, case, cast, func, or_, select

from ..extensions import db
from ..models import (
    Attempt,
    AttemptAnswer,
    CourseVersion,
    Enrollment,
    Lesson,
    LessonProgress,
    Module,
    Question,
    Quiz,
    Unit,
    User,
)

EASY = 0.90  # more than 90% right: it tells little about who learned
HARD = 0.25  # fewer than 25% right: check the question and the key
WEAK = 0.20  # discrimination below 0.2 separates learners poorly
MIN_ANSWERS = 5  # below this, no flags: too few answers to judge


def _f(value):
    return None if value is None else float(value)


# The course as a whole ---------------------------------------------------------------------------
@dataclass
class Summary:
    enrolled: int
    started: int
    completed: int
    final_average: float | None
    final_learners: int
    pretest_average: float | None  # of learners with both a pre-test and a final exam
    pair_final_average: float | None
    gain_average: float | None
    gain_learners: int

    @property
    def in_progress(self):
        return self.started - self.completed

    @property
    def not_started(self):
        return self.enrolled - self.started

    @property
    def completion_rate(self):
        return self.completed / self.enrolled if self.enrolled else None


def _scores(course_id):
    """Per learner: first submitted pre-test score, best submitted final-exam score."""
    submitted = (Attempt.course_id == course_id, Attempt.submitted_at.is_not(None))
    first = (
        select(Attempt.user_id, func.min(Attempt.number).label("number"))
        .where(*submitted, Attempt.role == "pretest")
        .group_by(Attempt.user_id)
        .subquery()
    )
    pre = (
        select(Attempt.user_id, Attempt.score_percent.label("score"))
        .join(first, and_(first.c.user_id == Attempt.user_id, first.c.number == Attempt.number))
        .where(*submitted, Attempt.role == "pretest")
        .subquery()
    )
    final = (
        select(Attempt.user_id, func.max(Attempt.score_percent).label("score"))
        .where(*submitted, Attempt.role == "final")
        .group_by(Attempt.user_id)
        .subquery()
    )
    return pre, final


def summary(course):
    """Two queries."""
    started = or_(
        Enrollment.progress_percent > 0,
        Enrollment.last_item_key.is_not(None),
        Enrollment.completed_at.is_not(None),
    )
    enrolled, began, completed = db.session.execute(
        select(
            func.count(Enrollment.id),
            func.coalesce(func.sum(case((started, 1), else_=0)), 0),
            func.count(Enrollment.completed_at),
        ).where(Enrollment.course_id == course.id)
    ).one()
    pre, final = _scores(course.id)
    paired = pre.c.score.is_not(None)
    row = db.session.execute(
        select(
            func.avg(final.c.score),
            func.count(final.c.score),
            func.avg(pre.c.score),
            func.avg(case((paired, final.c.score))),
            func.avg(final.c.score - pre.c.score),
            func.count(pre.c.score),
        ).select_from(final.outerjoin(pre, pre.c.user_id == final.c.user_id))
    ).one()
    return Summary(
        enrolled=enrolled,
        started=int(began or 0),
        completed=completed,
        final_average=_f(row[0]),
        final_learners=row[1],
        pretest_average=_f(row[2]),
        pair_final_average=_f(row[3]),
        gain_average=_f(row[4]),
        gain_learners=row[5],
    )


# Where learners stop -----------------------------------------------------------------------------
@dataclass
class Step:
    key: str
    title: str
    kind: str  # lesson | quiz
    module: str  # module title, "" for the pre-test and final exam
    reached: int = 0  # learners who opened the lesson / submitted the quiz
    done: int = 0  # marked done / passed


def version_items(version):
    """Lessons and quizzes of a version in learning order: two queries."""
    lessons = db.session.execute(
        select(Lesson.key, Lesson.title, Module.title, Module.position, Lesson.position)
        .join(Module, Module.id == Lesson.module_id)
        .where(Lesson.version_id == version.id)
    ).all()
    quizzes = db.session.execute(
        select(Quiz.key, Quiz.title, Quiz.role, Module.title, Module.position, Quiz.position)
        .outerjoin(Module, Module.id == Quiz.module_id)
        .where(Quiz.version_id == version.id)
    ).all()
    steps = [
        (1, mpos, pos, Step(key, title, "lesson", mtitle))
        for key, title, mtitle, mpos, pos in lessons
    ]
    for key, title, role, mtitle, mpos, pos in quizzes:
        group = {"pretest": 0, "final": 2}.get(role, 1)
        steps.append((group, mpos or 0, pos or 0, Step(key, title, "quiz", mtitle or "")))
    return [s for *_order, s in sorted(steps, key=lambda t: t[:3])]


def quiz_totals(course_id):
    """Per quiz key: attempts, learners, average score, passed attempts, learners who passed."""
    rows = db.session.execute(
        select(
            Attempt.quiz_key,
            func.count(Attempt.id),
            func.count(Attempt.user_id.distinct()),
            func.avg(Attempt.score_percent),
            func.count(case((Attempt.passed.is_(True), Attempt.user_id)).distinct()),
        )
        .where(Attempt.course_id == course_id, Attempt.submitted_at.is_not(None))
        .group_by(Attempt.quiz_key)
    )
    return {
        key: {"attempts": n, "learners": users, "average": _f(avg), "passed": passed}
        for key, n, users, avg, passed in rows
    }


def dropoff(course, steps, totals):
    """Fill each step with how many learners reached it and finished it: one query."""
    rows = db.session.execute(
        select(
            LessonProgress.lesson_key,
            func.count(LessonProgress.id),
            func.count(LessonProgress.completed_at),
        )
        .where(LessonProgress.course_id == course.id)
        .group_by(LessonProgress.lesson_key)
    )
    lessons = {key: (reached, done) for key, reached, done in rows}
    for step in steps:
        if step.kind == "lesson":
            step.reached, step.done = lessons.get(step.key, (0, 0))
        else:
            total = totals.get(step.key) or {}
            step.reached, step.done = total.get("learners", 0), total.get("passed", 0)
    return steps


# Item analysis -----------------------------------------------------------------------------------
@dataclass
class OptionStat:
    key: str
    text: str
    correct: bool
    chosen: int = 0


@dataclass
class QuestionStat:
    number: int
    key: str
    type: str
    text: str
    points: int
    answers: int = 0
    correct: int = 0
    score: float | None = None  # average points / max points (partial credit included)
    discrimination: float | None = None
    options: list = field(default_factory=list)
    blank: int = 0  # answered nothing
    common: list = field(default_factory=list)  # short/numeric: [(answer, count)], top five

    @property
    def difficulty(self):
        return self.correct / self.answers if self.answers else None

    @property
    def flags(self):
        if self.answers < MIN_ANSWERS:
            return []
        out = []
        p = self.difficulty
        if p is not None and p > EASY:
            out.append("easy")
        if p is not None and p < HARD:
            out.append("hard")
        if self.discrimination is not None:
            if self.discrimination < 0:
                out.append("negative")
            elif self.discrimination < WEAK:
                out.append("weak")
        return out


@dataclass
class QuizStat:
    key: str
    title: str
    role: str
    attempts: int = 0
    learners: int = 0
    average: float | None = None
    questions: list = field(default_factory=list)


def correlation(n, sx, sy, syy, sxy):
    """Pearson r of 0/1 x and y from sums (Σx² = Σx); None when either does not vary."""
    if not n:
        return None
    var_x = n * sx - sx * sx
    var_y = n * syy - sy * sy
    if var_x <= 0 or var_y <= 1e-9:
        return None
    # Rounded: float noise must not turn an exact 0 into a "negative" flag.
    return round((n * sxy - sx * sy) / math.sqrt(var_x * var_y), 6)


def _plain(html):
    # Stored HTML, sanitized at import: only its text is kept here.
    return " ".join(Markup(html or "").striptags().split())  # noqa: S704


def item_analysis(course, version, totals, first_only=False):
    """QuizStat (with QuestionStat rows) for the version's quizzes: three queries."""
    questions = db.session.execute(
        select(Quiz.key, Quiz.title, Quiz.role, Question)
        .join(Question, Question.quiz_id == Quiz.id)
        .outerjoin(Module, Module.id == Quiz.module_id)
        .where(Quiz.version_id == version.id)
        .order_by(
            case((Quiz.role == "pretest", 0), (Quiz.role == "final", 2), else_=1),
            Module.position,
            Quiz.position,
            Question.position,
        )
    ).all()
    quizzes, by_key = {}, {}
    for quiz_key, title, role, q in questions:
        quiz = quizzes.get(quiz_key)
        if quiz is None:
            total = totals.get(quiz_key) or {}
            quiz = quizzes[quiz_key] = QuizStat(
                quiz_key,
                title,
                role,
                total.get("attempts", 0),
                total.get("learners", 0),
                total.get("average"),
            )
        stat = QuestionStat(len(quiz.questions) + 1, q.key, q.type, _plain(q.prompt_html), q.points)
        stat.options = [
            OptionStat(o["key"], _plain(o.get("html")), bool(o.get("correct")))
            for o in q.options or []
        ]
        quiz.questions.append(stat)
        by_key[(quiz_key, q.key)] = stat
    if not by_key:
        return list(quizzes.values())

    # Every question of every version of the course, by id: its stable (quiz key, id).
    course_questions = (
        select(Question.id)
        .join(Quiz, Quiz.id == Question.quiz_id)
        .join(CourseVersion, CourseVersion.id == Quiz.version_id)
        .where(CourseVersion.course_id == course.id)
    )
    keys = {
        qid: (quiz_key, key)
        for qid, quiz_key, key in db.session.execute(
            select(Question.id, Quiz.key, Question.key)
            .join(Quiz, Quiz.id == Question.quiz_id)
            .where(Question.id.in_(course_questions))
        )
    }

    # One pass over the answers, grouped by question and response: every figure below is a
    # sum, so the groups of one question add up to its totals.
    where = [AttemptAnswer.question_id.in_(course_questions), Attempt.submitted_at.is_not(None)]
    if first_only:
        where.append(Attempt.number == 1)

    # Per answer: x = 1/0, y = the rest score in percent, as a float (Numeric(8, 2) results
    # would be rounded to cents). MATERIALIZED computes y once per answer: inlined, PostgreSQL
    # would evaluate it again in every aggregate that uses it.
    rest_max = cast(func.nullif(Attempt.max_points - AttemptAnswer.max_points, 0), Float)
    rest = cast(Attempt.score_points - AttemptAnswer.points, Float) * 100 / rest_max
    answers = (
        select(
            AttemptAnswer.question_id.label("qid"),
            cast(AttemptAnswer.response, Text).label("response"),
            case((AttemptAnswer.correct.is_(True), 1), else_=0).label("x"),
            cast(AttemptAnswer.points, Float).label("points"),
            cast(AttemptAnswer.max_points, Float).label("max_points"),
            rest.label("y"),
        )
        .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
        .where(*where)
        .cte("answers")
        .prefix_with("MATERIALIZED")
    )
    a = answers.c
    rows = db.session.execute(
        select(
            a.qid,
            a.response,
            func.count(),
            func.sum(a.x),
            func.sum(a.points),
            func.sum(a.max_points),
            func.count(a.y),
            func.sum(case((a.y.is_not(None), a.x), else_=0)),
            func.sum(a.y),
            func.sum(a.y * a.y),
            func.sum(a.x * a.y),
        ).group_by(a.qid, a.response)
    )
    sums, common = {}, {}
    for qid, raw, *figures in rows:
        stable = keys.get(qid)
        stat = by_key.get(stable)
        if stat is None:  # a question no longer in the current version
            continue
        total = sums.setdefault(stable, [0] * len(figures))
        for i, value in enumerate(figures):
            total[i] += value or 0
        n = figures[0]
        value = json.loads(raw) if raw is not None else None
        if value in (None, "", []):
            stat.blank += n
        elif isinstance(value, list):
            options = {o.key: o for o in stat.options}
            for option_key in value:
                if option_key in options:
                    options[option_key].chosen += n
        else:
            answer = " ".join(str(value).split()).casefold()
            common.setdefault(stable, Counter())[answer] += n
    for stable, (n, n_right, points, max_points, ny, sx, sy, syy, sxy) in sums.items():
        stat = by_key[stable]
        stat.answers, stat.correct = n, int(n_right)
        stat.score = points / max_points if max_points else None
        stat.discrimination = correlation(ny, float(sx), float(sy), float(syy), float(sxy))
    for stable, counter in common.items():
        by_key[stable].common = counter.most_common(5)
    return list(quizzes.values())


# Per learner, for the CSV ------------------------------------------------------------------------
def learner_rows(course):
    """One row per enrolled learner: one query."""
    pre, final = _scores(course.id)
    lessons = (
        select(LessonProgress.user_id, func.count(LessonProgress.completed_at).label("done"))
        .where(LessonProgress.course_id == course.id)
        .group_by(LessonProgress.user_id)
        .subquery()
    )
    attempts = (
        select(Attempt.user_id, func.count(Attempt.id).label("n"))
        .where(Attempt.course_id == course.id, Attempt.submitted_at.is_not(None))
        .group_by(Attempt.user_id)
        .subquery()
    )
    return db.session.execute(
        select(
            User.nip,
            User.full_name,
            Unit.name,
            Enrollment.enrolled_at,
            Enrollment.progress_percent,
            Enrollment.last_activity_at,
            Enrollment.completed_at,
            lessons.c.done,
            attempts.c.n,
            pre.c.score,
            final.c.score,
        )
        .join(User, User.id == Enrollment.user_id)
        .outerjoin(Unit, Unit.id == User.unit_id)
        .outerjoin(lessons, lessons.c.user_id == Enrollment.user_id)
        .outerjoin(attempts, attempts.c.user_id == Enrollment.user_id)
        .outerjoin(pre, pre.c.user_id == Enrollment.user_id)
        .outerjoin(final, final.c.user_id == Enrollment.user_id)
        .where(Enrollment.course_id == course.id)
        .order_by(User.full_name, User.id)
    )


def gain(pre_score, final_score):
    if pre_score is None or final_score is None:
        return None
    return Decimal(final_score) - Decimal(pre_score)

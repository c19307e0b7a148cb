"""Quiz attempts graded on the server: start, save, submit, time limits, review, pre/post gain.

Services flush and never commit. They take the learner's id and `now` explicitly (tests move
the clock) and never read `request` or `current_user`. Every rule the browser could bypass is
enforced here: attempt limits, deadlines, one submission per attempt, hidden answers.
"""

import functools
import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, case, func, insert, select, update
from sqlalchemy.orm import aliased, contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..dbutil import insert_if_absent
from ..extensions import db
from ..learn.completion import enrollment_for, evaluate
from ..learn.outline import app_cache
from ..models import (
    Attempt,
    AttemptAnswer,
    Course,
    CourseVersion,
    Enrollment,
    Question,
    Quiz,
    QuizRole,
    ShowAnswers,
)
from ..xapi import statements as xapi
from . import types as qtypes

CENT = Decimal("0.01")
HUNDRED = Decimal(100)

# Outcomes of save/submit.
SAVED = "saved"
SUBMITTED = "submitted"  # graded with the answers sent (in time, or within the grace period)
LATE = "late"  # graded with the answers as they stood at the deadline
ALREADY = "already"  # another request submitted it first: nothing was changed
INVALID = "invalid"  # answers in a wrong format, before the deadline: not submitted
UNANSWERED = "unanswered"  # some questions left blank: saved, and the learner is asked first


class QuizRefused(Exception):
    """An action the learner may not take now; `message` says why."""

    def __init__(self, code, message):
        super().__init__(code)
        self.code = code
        self.message = message


NOT_ENROLLED = "not_enrolled"
NO_ATTEMPTS_LEFT = "no_attempts_left"


@dataclass
class Outcome:
    status: str
    errors: dict = field(default_factory=dict)  # question id -> message
    completed: bool = False  # this submission completed the course (the completion moment)
    unanswered: list = field(default_factory=list)  # UNANSWERED: question numbers, in order


# Finding things ----------------------------------------------------------------------------------
def find_quiz(course_slug, quiz_key):
    """(course, quiz) of the course's current version, or None."""
    row = db.session.execute(
        select(Course, Quiz)
        .join(Course.current_version)
        .join(Quiz, Quiz.version_id == Course.current_version_id)
        .where(Course.slug == course_slug, Quiz.key == quiz_key)
        .options(contains_eager(Course.current_version))
    ).first()
    return tuple(row) if row else None


# What the course's row, the version, the quiz, the learner's enrolment and their attempts at the
# quiz say, in one query: the quiz page and the start of an attempt need nothing else from the
# database (the questions come from the per-process cache below).
_VERSION_COLUMNS = (
    CourseVersion.id,
    CourseVersion.course_id,
    CourseVersion.number,
    CourseVersion.title,
    CourseVersion.jp,
    CourseVersion.content_hash,
)


@dataclass
class QuizContext:
    course: Course
    quiz: Quiz
    enrollment: Enrollment | None
    attempt: Attempt | None  # the learner's open (unsubmitted) attempt at the quiz's key
    used: int  # attempts at the quiz's key (every version), submitted or not
    last: int  # the highest attempt number so far (0 = none)

    @property
    def version_key(self):
        version = self.course.current_version
        return (version.id, version.number, version.content_hash)


def quiz_context(course_slug, quiz_key, user_id):
    """The QuizContext of a learner at a quiz of a course's current version, or None: one query.

    The open attempt is at most one row (uq_attempts_one_open), so the outer joins give one row;
    the attempt counts are correlated subqueries on the attempts' unique index."""
    params = {"slug": course_slug, "quiz_key": quiz_key, "user_id": user_id}
    row = db.session.execute(_quiz_context_statement(), params).first()
    if row is None:
        return None
    course, quiz, enrollment, attempt, used, last = row
    # attempt.quiz and attempt.course come from the identity map (no query) when the attempt was
    # started on the current version; an attempt of an earlier version loads its own quiz.
    return QuizContext(course, quiz, enrollment, attempt, int(used or 0), int(last or 0))


@functools.cache
def _quiz_context_statement():
    """The statement of quiz_context, built once per process (building it costs more than
    running it), with the slug, quiz key and learner as bound parameters."""
    user_id, quiz_key = bindparam("user_id"), bindparam("quiz_key")
    opened = aliased(Attempt)
    mine = (
        Attempt.user_id == user_id,
        Attempt.course_id == Course.id,
        Attempt.quiz_key == quiz_key,
    )
    used = select(func.count(Attempt.id)).where(*mine).correlate(Course).scalar_subquery()
    last = (
        select(func.coalesce(func.max(Attempt.number), 0))
        .where(*mine)
        .correlate(Course)
        .scalar_subquery()
    )
    return (
        select(Course, Quiz, Enrollment, opened, used, last)
        .join(Course.current_version)
        .join(Quiz, and_(Quiz.version_id == Course.current_version_id, Quiz.key == quiz_key))
        .outerjoin(
            Enrollment, and_(Enrollment.user_id == user_id, Enrollment.course_id == Course.id)
        )
        .outerjoin(
            opened,
            and_(
                opened.user_id == user_id,
                opened.course_id == Course.id,
                opened.quiz_key == quiz_key,
                opened.submitted_at.is_(None),
            ),
        )
        .where(Course.slug == bindparam("slug"))
        .options(contains_eager(Course.current_version).load_only(*_VERSION_COLUMNS))
        .limit(1)
    )


# The questions of a quiz, kept per process like the outlines (elearn/learn/outline.py): keyed by
# the version's id, number and content hash (read from the course's row on every request) and
# the quiz's id. Only what planning an attempt and drawing the answer sheet need: never the
# correct answers, the `correct` flags of options or the explanations.
POOLS_KEPT = 256  # quizzes per worker process


@dataclass(frozen=True)
class SheetQuestion:
    """A question as the answer sheet shows it (duck-types Question for plan_attempt/sheet)."""

    id: int
    position: int
    type: str
    points: int
    prompt_html: str
    options: tuple  # ({"key", "html"}, ...): no `correct` flag


def quiz_questions(quiz, version_key):
    """{question id: SheetQuestion} of every question of the quiz; one query the first time in a
    process. `version_key`: (id, number, content hash) of the quiz's version."""
    kept = app_cache("elearn.quiz_questions", POOLS_KEPT)
    key = (*version_key, quiz.id)
    questions = kept.get(key)
    if questions is None:
        rows = db.session.execute(
            select(
                Question.id,
                Question.position,
                Question.type,
                Question.points,
                Question.prompt_html,
                Question.options,
            ).where(Question.quiz_id == quiz.id)
        ).all()
        questions = {
            row.id: SheetQuestion(
                row.id,
                row.position,
                row.type,
                row.points,
                row.prompt_html,
                tuple({"key": o["key"], "html": o["html"]} for o in row.options or ()),
            )
            for row in rows
        }
        kept.put(key, questions)
    return questions


def get_attempt(attempt_id, user_id):
    """The learner's own attempt, or None: another learner's attempt id is not found."""
    return db.session.scalar(
        select(Attempt)
        .where(Attempt.id == attempt_id, Attempt.user_id == user_id)
        .options(
            joinedload(Attempt.quiz),
            joinedload(Attempt.course).joinedload(Course.current_version),
        )
    )


def open_attempt(user_id, course_id, quiz_key):
    return db.session.scalar(
        select(Attempt)
        .where(
            Attempt.user_id == user_id,
            Attempt.course_id == course_id,
            Attempt.quiz_key == quiz_key,
            Attempt.submitted_at.is_(None),
        )
        .order_by(Attempt.number.desc())
        .limit(1)
    )


def attempts_query(user_id, course_id, quiz_key):
    """The learner's attempts at a quiz (every version of the course), newest first."""
    return (
        select(Attempt)
        .where(
            Attempt.user_id == user_id,
            Attempt.course_id == course_id,
            Attempt.quiz_key == quiz_key,
        )
        .order_by(Attempt.number.desc())
    )


@dataclass
class QuizFacts:
    questions: int  # per attempt
    pool: int  # in the quiz
    max_points: int | None  # None when it depends on the draw


def quiz_facts(quiz):
    """How many questions and points an attempt has: one aggregate query."""
    count, total, low, high = db.session.execute(
        select(
            func.count(Question.id),
            func.coalesce(func.sum(Question.points), 0),
            func.min(Question.points),
            func.max(Question.points),
        ).where(Question.quiz_id == quiz.id)
    ).one()
    if quiz.draw_count and quiz.draw_count < count:
        points = quiz.draw_count * low if low == high else None
        return QuizFacts(quiz.draw_count, count, points)
    return QuizFacts(count, count, int(total))


@dataclass
class Standing:
    used: int  # attempts started, submitted or not
    allowed: int  # 0 = unlimited
    submitted: int
    passed: bool  # any attempt passed
    best_percent: Decimal | None

    @property
    def left(self):
        """Attempts left, or None when unlimited."""
        if not self.allowed:
            return None
        return max(0, self.allowed - self.used)


def standing(user_id, course_id, quiz_key, allowed):
    """Attempts used, passed or not, best score: one aggregate query."""
    used, submitted, passed, best = db.session.execute(
        select(
            func.count(Attempt.id),
            func.count(Attempt.submitted_at),
            func.coalesce(func.max(case((Attempt.passed.is_(True), 1), else_=0)), 0),
            func.max(Attempt.score_percent),
        ).where(
            Attempt.user_id == user_id,
            Attempt.course_id == course_id,
            Attempt.quiz_key == quiz_key,
        )
    ).one()
    return Standing(used, allowed, submitted, bool(passed), best)


def load_questions(ids):
    """{id: Question} for the ids, in one query."""
    if not ids:
        return {}
    return {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(ids)))}


# Starting ---------------------------------------------------------------------------------------
def plan_attempt(questions, *, draw_count=0, shuffle_questions=False, shuffle_options=False,
                 rng=None):  # fmt: skip
    """(question ids in display order, {str(question id): [option key, ...]}) for a new attempt.

    `questions`: objects with id, position, type and options. Draws `draw_count` at random when
    set (kept in the author's order unless questions are shuffled). True/false options keep
    their order: "Benar" before "Salah" is part of how the question reads."""
    rng = rng or random.SystemRandom()
    pool = sorted(questions, key=lambda q: q.position)
    if draw_count and draw_count < len(pool):
        chosen = rng.sample(pool, draw_count)
        if not shuffle_questions:
            chosen.sort(key=lambda q: q.position)
    else:
        chosen = list(pool)
        if shuffle_questions:
            rng.shuffle(chosen)
    order = {}
    for q in chosen:
        if qtypes.get_type(q.type).is_choice:
            keys = [o["key"] for o in q.options]
            if shuffle_options and q.type != "true_false":
                rng.shuffle(keys)
            order[str(q.id)] = keys
    return [q.id for q in chosen], order


def start_attempt(user_id, course, quiz, enrollment, now, grace, rng=None, context=None):
    """The learner's open attempt at the quiz, or a new one: (attempt number, created).

    The attempts limit counts every attempt at the quiz's key, across versions of the course.
    `context`: the QuizContext just read for this request (its open attempt and counts save
    the first round of queries). Two requests starting at once both try to insert the same
    attempt number; the unique constraints (the number, and uq_attempts_one_open) let one win
    and the other resumes the winner's attempt."""
    if enrollment is None:
        raise QuizRefused(NOT_ENROLLED, _l("Enrol in the course to take this quiz."))
    known = (context.attempt, context.used, context.last) if context is not None else None
    for _try in range(5):
        if known is not None:
            current, used, last = known
            known = None
        else:
            current = open_attempt(user_id, course.id, quiz.key)
            used = last = None
        if current is not None:
            expire_if_due(current, now, grace)
            if current.submitted_at is None:
                return current.number, False
            continue  # graded as it stood at its deadline: count again, maybe start another
        if used is None:
            used, last = db.session.execute(
                select(func.count(Attempt.id), func.coalesce(func.max(Attempt.number), 0)).where(
                    Attempt.user_id == user_id,
                    Attempt.course_id == course.id,
                    Attempt.quiz_key == quiz.key,
                )
            ).one()
        if quiz.attempts_allowed and used >= quiz.attempts_allowed:
            raise QuizRefused(
                NO_ATTEMPTS_LEFT, _l("You have used every attempt allowed for this quiz.")
            )
        version = course.current_version
        pool = quiz_questions(quiz, (version.id, version.number, version.content_hash))
        question_ids, option_order = plan_attempt(
            pool.values(),
            draw_count=quiz.draw_count,
            shuffle_questions=quiz.shuffle_questions,
            shuffle_options=quiz.shuffle_options,
            rng=rng,
        )
        limit = quiz.time_limit_minutes
        values = {
            "user_id": user_id,
            "course_id": course.id,
            "quiz_id": quiz.id,
            "quiz_key": quiz.key,
            "role": quiz.role,
            "number": last + 1,
            "started_at": now,
            "deadline_at": now + timedelta(minutes=limit) if limit else None,
            "question_ids": question_ids,
            "option_order": option_order,
            "saved_answers": {},
            "late": False,
        }
        # One INSERT ... ON CONFLICT DO NOTHING: any conflict (the same number, or another open
        # attempt: uq_attempts_one_open) means a parallel start won; loop to resume its attempt
        # (or, if it is already submitted, to count again). Nothing is read back: the page the
        # learner is sent to reads the attempt with everything else it shows.
        if insert_if_absent(Attempt, values, None):
            _touch(enrollment, quiz.key, now)
            xapi.record_attempted(user_id, course, quiz, last + 1)
            return last + 1, True
    raise QuizRefused("busy", _l("The quiz is busy. Try again in a moment."))


def _touch(enrollment, item_key, now):
    enrollment.last_item_key = item_key
    enrollment.last_activity_at = now


# The answer sheet --------------------------------------------------------------------------------
def split_prompt(prompt_html):
    """(lead, rest) of a stored prompt: the first paragraph (the question's heading, phrasing
    content that may go in a <legend> or <label>) and whatever follows it. Both are parts of
    the sanitized HTML stored at import, cut at a tag boundary, so templates may mark them
    safe."""
    html = (prompt_html or "").strip()
    if html.startswith("<p>"):
        end = html.find("</p>")
        if end != -1:
            return html[3:end], html[end + 4 :].strip()
    return "", html


@dataclass
class SheetItem:
    number: int
    question: Question
    lead_html: str
    rest_html: str
    options: list  # [{"key", "html"}] in the attempt's order: never the `correct` flag
    value: object  # saved (or just sent) answer: list of keys, or text

    @property
    def id(self):
        return self.question.id

    @property
    def type(self):
        return self.question.type

    @property
    def is_choice(self):
        return qtypes.get_type(self.question.type).is_choice

    @property
    def field_name(self):
        return field_name(self.question.id)


def field_name(question_id):
    return f"q-{question_id}"


def _ordered_options(question, order):
    by_key = {o["key"]: o for o in question.options}
    keys = [k for k in (order or []) if k in by_key] or list(by_key)
    return [{"key": k, "html": by_key[k]["html"]} for k in keys]


def sheet(attempt, questions=None, values=None):
    """What the answer sheet shows: the attempt's questions in its order, with the saved answers
    (or `values`, the raw answers just sent back with errors). Holds no correct answers."""
    questions = questions if questions is not None else load_questions(attempt.question_ids)
    saved = attempt.saved_answers or {}
    items = []
    for number, qid in enumerate(attempt.question_ids, start=1):
        question = questions.get(qid)
        if question is None:
            continue
        lead, rest = split_prompt(question.prompt_html)
        options = []
        if qtypes.get_type(question.type).is_choice:
            options = _ordered_options(question, (attempt.option_order or {}).get(str(qid)))
        if values is not None:
            raw = values.get(qid, [])
            value = raw if options else (raw[0] if raw else "")
        else:
            value = saved.get(str(qid))
            if options:
                value = value if isinstance(value, list) else []
            elif value is None:
                value = ""
        items.append(SheetItem(number, question, lead, rest, options, value))
    return items


def remaining_seconds(attempt, now):
    """Seconds left before the deadline (0 when passed), or None without a time limit."""
    if attempt.deadline_at is None:
        return None
    return max(0, int((attempt.deadline_at - now).total_seconds()))


def read_answers(attempt, questions, raw):
    """Normalize the raw form values ({question id: [str]}): (answers, errors).

    answers: {str(question id): answer} for answered questions; errors: {question id: message}
    for answers in a wrong format (left out of answers)."""
    answers, errors = {}, {}
    for qid in attempt.question_ids:
        question = questions.get(qid)
        if question is None:
            continue
        try:
            answer = qtypes.normalize(question, raw.get(qid, []))
        except qtypes.AnswerFormatError as exc:
            errors[qid] = exc.message
            continue
        if answer is not None:
            answers[str(qid)] = answer
    return answers, errors


def is_past_deadline(attempt, now):
    return attempt.deadline_at is not None and now > attempt.deadline_at


def is_due(attempt, now, grace):
    """Past the deadline and the grace period: whatever arrives now is too late."""
    return attempt.deadline_at is not None and now > attempt.deadline_at + grace


def save_answers(attempt, raw, now, grace):
    """Save the answers sent so far (the Save button and autosave).

    Only before the deadline. After it, the sheet that arrives is the learner's last word: it is
    submitted (within the grace period with these answers, after it as the sheet stood at the
    deadline). Answers in a wrong format are reported and keep their previous saved value."""
    if attempt.submitted_at is not None:
        return Outcome(ALREADY)
    if is_past_deadline(attempt, now):
        return submit_attempt(attempt, raw, now, grace)
    questions = load_questions(attempt.question_ids)
    answers, errors = read_answers(attempt, questions, raw)
    _store_answers(attempt, answers, errors, now)
    if attempt.submitted_at is not None:
        return Outcome(ALREADY)
    return Outcome(SAVED, errors)


def _store_answers(attempt, answers, errors, now):
    previous = attempt.saved_answers or {}
    for qid in errors:
        if str(qid) in previous:
            answers[str(qid)] = previous[str(qid)]
    # Guarded: a submission that committed meanwhile keeps the answers it was graded with.
    result = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(saved_answers=answers, saved_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        set_committed_value(attempt, "saved_answers", answers)
        set_committed_value(attempt, "saved_at", now)
    else:
        db.session.refresh(attempt)


def submit_attempt(attempt, raw, now, grace, ask_about_blanks=False):
    """Submit the answer sheet and grade it, exactly once however many requests try.

    Before the deadline, answers in a wrong format send the sheet back (INVALID) with the valid
    answers saved; with `ask_about_blanks` (the sheet's button), so do questions left blank
    (UNANSWERED, which ones), so that the learner confirms. Within the grace period after the
    deadline, the answers sent count (badly formatted ones as unanswered) and the sheet is never
    held back. After the grace period, the sheet is graded as it stood at the deadline: the
    answers saved by then (LATE)."""
    if attempt.submitted_at is not None:
        return Outcome(ALREADY)
    questions = load_questions(attempt.question_ids)
    if is_due(attempt, now, grace):
        return _close(attempt, questions, attempt.saved_answers or {}, attempt.deadline_at, True)
    answers, errors = read_answers(attempt, questions, raw)
    if not is_past_deadline(attempt, now):
        blank = [] if errors or not ask_about_blanks else unanswered_numbers(attempt, answers)
        if errors or blank:
            _store_answers(attempt, answers, errors, now)
            if attempt.submitted_at is not None:
                return Outcome(ALREADY)
            if errors:
                return Outcome(INVALID, errors)
            return Outcome(UNANSWERED, unanswered=blank)
    outcome = _close(attempt, questions, answers, now, False)
    if outcome.status == SUBMITTED:
        attempt.saved_answers = answers
        attempt.saved_at = now
    return outcome


def unanswered_numbers(attempt, answers):
    """Numbers (1, 2, ...) of the attempt's questions with no answer in `answers`."""
    return [
        number
        for number, qid in enumerate(attempt.question_ids, start=1)
        if str(qid) not in answers
    ]


def expire_if_due(attempt, now, grace):
    """Grade an attempt whose deadline (and grace period) passed without a submission, as it
    stood at the deadline. No background job: called when the learner comes back. True when
    this call closed it."""
    if attempt.submitted_at is not None or not is_due(attempt, now, grace):
        return False
    questions = load_questions(attempt.question_ids)
    outcome = _close(attempt, questions, attempt.saved_answers or {}, attempt.deadline_at, True)
    return outcome.status == LATE


def _claim(attempt, submitted_at):
    """The one atomic step of a submission: only the request that changes submitted_at from
    NULL grades the attempt; any other sees rowcount 0."""
    result = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(submitted_at=submitted_at)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(attempt)
        return False
    set_committed_value(attempt, "submitted_at", submitted_at)
    return True


def _close(attempt, questions, answers, submitted_at, late):
    if not _claim(attempt, submitted_at):
        return Outcome(ALREADY)
    completed = grade_attempt(attempt, questions, answers, late, submitted_at)
    return Outcome(LATE if late else SUBMITTED, completed=completed)


def grade_attempt(attempt, questions, answers, late, now):
    """Write one AttemptAnswer per question and the attempt's score, then refresh the
    learner's progress and completion in the same transaction. True when this completed the
    course."""
    quiz = attempt.quiz
    rows = []
    total = maximum = Decimal("0.00")
    for qid in attempt.question_ids:
        question = questions.get(qid)
        if question is None:
            continue
        answer = answers.get(str(qid))
        result = qtypes.grade(question, answer, quiz.scoring)
        total += result.points
        maximum += result.max_points
        rows.append(
            {
                "attempt_id": attempt.id,
                "question_id": qid,
                "response": answer,
                "points": result.points,
                "max_points": result.max_points,
                "correct": result.correct,
            }
        )
    if rows:
        db.session.execute(insert(AttemptAnswer), rows)
    percent = (total * HUNDRED / maximum).quantize(CENT) if maximum else Decimal("0.00")
    attempt.score_points = total
    attempt.max_points = maximum
    attempt.score_percent = percent
    attempt.passed = percent >= quiz.pass_mark
    attempt.late = late
    db.session.flush()
    xapi.record_graded(attempt, rows)
    enrollment = enrollment_for(attempt.user_id, attempt.course_id)
    if enrollment is None:
        return False
    enrollment.last_activity_at = max(now, enrollment.last_activity_at or now)
    was_complete = enrollment.completed_at is not None
    return evaluate(enrollment) is not None and not was_complete


# Results -----------------------------------------------------------------------------------------
def answers_visible(show_answers, standing):
    """Whether the correct answers and explanations may be shown, per the quiz's setting."""
    if show_answers == ShowAnswers.AFTER_SUBMIT:
        return True
    if show_answers == ShowAnswers.AFTER_PASS:
        return standing.passed
    if show_answers == ShowAnswers.AFTER_LAST_ATTEMPT:
        return standing.passed or standing.left == 0
    return False  # never, or a value this code does not know


@dataclass
class ReviewItem:
    number: int
    type: str
    lead_html: str
    rest_html: str
    your_options: list  # choice questions: the options chosen, in the attempt's order
    your_text: str | None  # short and numeric questions
    # Only filled when answers are visible:
    correct: bool | None = None
    points: Decimal | None = None
    max_points: Decimal | None = None
    correct_options: list = field(default_factory=list)
    accepted: list = field(default_factory=list)
    value: Decimal | None = None
    tolerance: Decimal | None = None
    explanation_html: str | None = None


def review(attempt, visible):
    """The submitted attempt question by question. Without `visible`, only the learner's own
    answers: whether each is right would give the answer away (think true/false)."""
    questions = load_questions(attempt.question_ids)
    graded = {
        a.question_id: a
        for a in db.session.scalars(
            select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id)
        )
    }
    items = []
    for number, qid in enumerate(attempt.question_ids, start=1):
        question = questions.get(qid)
        if question is None:
            continue
        row = graded.get(qid)
        response = row.response if row is not None else None
        lead, rest = split_prompt(question.prompt_html)
        kind = qtypes.get_type(question.type)
        options = []
        if kind.is_choice:
            options = _ordered_options(question, (attempt.option_order or {}).get(str(qid)))
        chosen = qtypes.ChoiceType.chosen(response) if kind.is_choice else set()
        item = ReviewItem(
            number=number,
            type=question.type,
            lead_html=lead,
            rest_html=rest,
            your_options=[o for o in options if o["key"] in chosen],
            your_text=None if kind.is_choice else qtypes.TextType.text(response),
        )
        if visible:
            item.correct = bool(row.correct) if row is not None else False
            item.points = row.points if row is not None else Decimal("0.00")
            item.max_points = row.max_points if row is not None else Decimal(question.points)
            correct_keys = question.correct_keys
            item.correct_options = [o for o in options if o["key"] in correct_keys]
            spec = question.answer or {}
            item.accepted = list(spec.get("accepted", []))
            if question.type == "numeric":
                item.value = qtypes.parse_decimal(spec.get("value"))
                item.tolerance = qtypes.parse_decimal(spec.get("tolerance"))
            item.explanation_html = question.explanation_html or ""
        items.append(item)
    return items


# Pre-test and final exam --------------------------------------------------------------------------
@dataclass
class Gain:
    """Kirkpatrick level 2: what the learner knew before (the first pre-test attempt) against
    what they know after (the best final-exam attempt). Percent points; None when missing."""

    pretest: Decimal | None
    final: Decimal | None

    @property
    def gain(self):
        if self.pretest is None or self.final is None:
            return None
        return self.final - self.pretest

    @property
    def normalized_gain(self):
        """Hake's normalized gain (N-gain): the share of what could be gained that was gained."""
        if self.gain is None or self.pretest >= HUNDRED:
            return None
        return (self.gain / (HUNDRED - self.pretest)).quantize(CENT)

    @property
    def any(self):
        return self.pretest is not None or self.final is not None


def pretest_vs_final(user_id, course_id):
    """Gain of a learner in a course: one query. Pre-test attempts never count as the final
    score or toward completion; this is the only place they meet the final exam."""
    mine = (Attempt.user_id == user_id, Attempt.course_id == course_id)
    first_pretest = (
        select(Attempt.score_percent)
        .where(*mine, Attempt.role == QuizRole.PRETEST, Attempt.submitted_at.is_not(None))
        .order_by(Attempt.number)
        .limit(1)
        .scalar_subquery()
    )
    best_final = (
        select(func.max(Attempt.score_percent))
        .where(*mine, Attempt.role == QuizRole.FINAL, Attempt.submitted_at.is_not(None))
        .scalar_subquery()
    )
    pretest, final = db.session.execute(select(first_pretest, best_final)).one()
    return Gain(_decimal(pretest), _decimal(final))


def _decimal(value):
    return None if value is None else Decimal(value).quantize(CENT)

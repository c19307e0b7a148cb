"""Progress and completion, computed at the moment something changes (no background job).

Every service that records progress (a lesson marked done, a quiz submitted) calls
`evaluate(enrollment)`: it refreshes the cached progress percentage and, when the last
requirement is met, records the completion exactly once.
"""

from sqlalchemy import func, select

from ..activities.badges import award_badges
from ..certificates.services import issue_certificate
from ..dbutil import insert_if_absent
from ..extensions import db
from ..models import Attempt, Completion, Enrollment, LessonProgress, QuizRole
from ..surveys.taking import on_completion
from ..timeutil import utcnow
from ..xapi import statements as xapi
from .outline import outline_for


def requirements(version):
    """(required lesson keys, required quiz keys) of a course version. Pre-tests never count.

    Read from the version's outline (kept per process), so no lesson bodies are loaded."""
    outline = outline_for(version)
    return outline.required_lessons, outline.required_quizzes


def done_keys(user_id, course_id):
    """(lesson keys marked done, quiz keys passed) for a learner in a course: two queries."""
    lessons = set(
        db.session.scalars(
            select(LessonProgress.lesson_key).where(
                LessonProgress.user_id == user_id,
                LessonProgress.course_id == course_id,
                LessonProgress.completed_at.is_not(None),
            )
        )
    )
    quizzes = set(
        db.session.scalars(
            select(Attempt.quiz_key)
            .where(
                Attempt.user_id == user_id,
                Attempt.course_id == course_id,
                Attempt.passed.is_(True),
            )
            .distinct()
        )
    )
    return lessons, quizzes


def final_score(user_id, course_id):
    """The best submitted final-exam score, in percent (None for a course without one)."""
    return db.session.scalar(
        select(func.max(Attempt.score_percent)).where(
            Attempt.user_id == user_id,
            Attempt.course_id == course_id,
            Attempt.role == QuizRole.FINAL,
            Attempt.submitted_at.is_not(None),
        )
    )


def evaluate(enrollment):
    """Refresh the enrolment's progress; record the completion when every requirement is met.

    Returns the Completion when the course is complete (new or earlier), else None."""
    version = enrollment.course.current_version or enrollment.version
    need_lessons, need_quizzes = requirements(version)
    have_lessons, have_quizzes = done_keys(enrollment.user_id, enrollment.course_id)
    total = len(need_lessons) + len(need_quizzes)
    done = len(need_lessons & have_lessons) + len(need_quizzes & have_quizzes)
    enrollment.progress_percent = 100 if total == 0 else (100 * done) // total
    if done < total:
        return existing_completion(enrollment)
    return record_completion(enrollment, version)


def existing_completion(enrollment):
    return db.session.scalar(
        select(Completion).where(
            Completion.user_id == enrollment.user_id,
            Completion.course_id == enrollment.course_id,
        )
    )


def record_completion(enrollment, version):
    """Insert the completion once; concurrent requests see the one that won."""
    now = utcnow()
    inserted = insert_if_absent(
        Completion,
        {
            "user_id": enrollment.user_id,
            "course_id": enrollment.course_id,
            "version_id": version.id,
            "completed_at": now,
            "final_score": final_score(enrollment.user_id, enrollment.course_id),
            "jp": version.jp,
        },
        ["user_id", "course_id"],
    )
    completion = existing_completion(enrollment)
    if inserted:
        xapi.record_completed(completion)
    # Only the request that recorded the completion issues, in the same transaction: a later
    # visit must not bring back a certificate an admin revoked. A course that requires its
    # reaction survey issues when the answers are sent (surveys.taking).
    if inserted and on_completion(completion):
        issue_certificate(completion)
    if inserted:  # badges earned by rule: first course, N courses, the JP target, the plan
        award_badges([completion.user_id], now=now)
    if enrollment.completed_at is None:
        enrollment.completed_at = completion.completed_at
    enrollment.progress_percent = 100
    return completion


def enrollment_for(user_id, course_id):
    return db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == user_id, Enrollment.course_id == course_id)
    )

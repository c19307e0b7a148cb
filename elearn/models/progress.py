"""What learners did: enrolments, lesson progress, quiz attempts and course completions.

Progress is keyed by the course and the items' stable keys ("module-slug/lesson-slug"), not by
the rows of one version, so a learner keeps what they did when a course gets a new version.
"""

import enum

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow
from .base import UTCDateTime
from .course import Course, CourseVersion
from .quiz import Question, Quiz
from .user import User


class EnrollmentSource(enum.StrEnum):
    SELF = "self"  # the learner enrolled from the catalog
    ASSIGNED = "assigned"  # a supervisor or admin assigned the course


class Enrollment(db.Model):
    """A learner taking a course: where they are, how far they got, when they finished."""

    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        Index("ix_enrollments_course_id_completed_at", "course_id", "completed_at"),
        # A team's last activity per person (the dashboard's activity sort) from the index alone.
        Index("ix_enrollments_user_id_last_activity_at", "user_id", "last_activity_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    # The version the learner is studying; moves to the current version when they come back.
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"))
    source: Mapped[str] = mapped_column(String(10), default=EnrollmentSource.SELF)
    enrolled_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    # Resume point: the key of the last lesson or quiz opened ("module/lesson", "pretest"...).
    last_item_key: Mapped[str | None] = mapped_column(String(201))
    last_activity_at: Mapped[object | None] = mapped_column(UTCDateTime, index=True)
    # Share of required items done (0-100), kept up to date by the services that record
    # progress so that lists never recompute it per row.
    progress_percent: Mapped[int] = mapped_column(Integer, default=0)
    completed_at: Mapped[object | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()
    version: Mapped[CourseVersion] = relationship()


class LessonProgress(db.Model):
    """A lesson a learner opened, and when they marked it done."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "lesson_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    lesson_key: Mapped[str] = mapped_column(String(201))
    first_viewed_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[object | None] = mapped_column(UTCDateTime)


class Attempt(db.Model):
    """One attempt at a quiz. Its questions, their order and the options' order are fixed when
    it starts, so a reload shows the same attempt; the deadline is enforced by the server."""

    __tablename__ = "attempts"
    __table_args__ = (
        # Two requests starting "attempt 2" at once cannot both succeed.
        UniqueConstraint("user_id", "course_id", "quiz_key", "number"),
        Index("ix_attempts_quiz_id_submitted_at", "quiz_id", "submitted_at"),
        # Course results and completion checks read a course's attempts by role and learner.
        Index("ix_attempts_course_id_role_user_id", "course_id", "role", "user_id"),
        # At most one open (unsubmitted) attempt per learner and quiz, whatever races happen.
        Index(
            "uq_attempts_one_open",
            "user_id",
            "course_id",
            "quiz_key",
            unique=True,
            sqlite_where=text("submitted_at IS NULL"),
            postgresql_where=text("submitted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    # Stable key and role of the quiz, so attempts count across versions of the course.
    quiz_key: Mapped[str] = mapped_column(String(201))
    role: Mapped[str] = mapped_column(String(10))  # QuizRole: module | pretest | final
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3... per learner and quiz key
    started_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    deadline_at: Mapped[object | None] = mapped_column(UTCDateTime)  # None = no time limit
    submitted_at: Mapped[object | None] = mapped_column(UTCDateTime)
    # Fixed at start: [question_id, ...] in display order, {question_id: [option_key, ...]}.
    question_ids: Mapped[list] = mapped_column(JSON, default=list)
    option_order: Mapped[dict] = mapped_column(JSON, default=dict)
    # Answers saved so far (before submission): {question_id: answer}; answer is a list of
    # option keys for choice questions, a string for short and numeric ones.
    saved_answers: Mapped[dict] = mapped_column(JSON, default=dict)
    saved_at: Mapped[object | None] = mapped_column(UTCDateTime)
    score_points: Mapped[object | None] = mapped_column(Numeric(8, 2))
    max_points: Mapped[object | None] = mapped_column(Numeric(8, 2))
    score_percent: Mapped[object | None] = mapped_column(Numeric(5, 2))
    passed: Mapped[bool | None] = mapped_column(Boolean)
    # True when the answer sheet came after the deadline and was graded as it stood then.
    late: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()
    quiz: Mapped[Quiz] = relationship()
    answers: Mapped[list["AttemptAnswer"]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_submitted(self):
        return self.submitted_at is not None


class AttemptAnswer(db.Model):
    """A graded answer of a submitted attempt: one row per question, for item analysis in SQL."""

    __tablename__ = "attempt_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    response: Mapped[object | None] = mapped_column(JSON)  # as saved: list of keys or string
    points: Mapped[object] = mapped_column(Numeric(8, 2), default=0)
    max_points: Mapped[object] = mapped_column(Numeric(8, 2), default=1)
    correct: Mapped[bool] = mapped_column(Boolean, default=False)

    attempt: Mapped[Attempt] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()


class Completion(db.Model):
    """A completed course: recorded once, at the moment the last requirement is met."""

    __tablename__ = "completions"
    __table_args__ = (
        # Exactly once, even when two requests complete the course at the same moment.
        UniqueConstraint("user_id", "course_id"),
        Index("ix_completions_completed_at", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"))
    completed_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    final_score: Mapped[object | None] = mapped_column(Numeric(5, 2))  # final exam percent
    jp: Mapped[int] = mapped_column(Integer)  # the version's JP at completion

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()
    version: Mapped[CourseVersion] = relationship()

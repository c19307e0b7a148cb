"""Quizzes (module quizzes, pre-test, final exam) and their questions, as imported.

Answers stay on the server: `Question.options[*].correct`, `accepted` and the numeric answer
must never be sent to the browser before the quiz's `show_answers` setting allows it.
"""

import enum

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .course import CourseVersion, Module


class QuizRole(enum.StrEnum):
    MODULE = "module"
    PRETEST = "pretest"
    FINAL = "final"


class ShowAnswers(enum.StrEnum):
    NEVER = "never"
    AFTER_SUBMIT = "after_submit"
    AFTER_PASS = "after_pass"  # noqa: S105 (not a password)
    AFTER_LAST_ATTEMPT = "after_last_attempt"


class Scoring(enum.StrEnum):
    ALL_OR_NOTHING = "all_or_nothing"
    PARTIAL = "partial"


class QuestionType(enum.StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    SHORT = "short"
    NUMERIC = "numeric"


CHOICE_TYPES = frozenset({QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE})


class Quiz(db.Model):
    __tablename__ = "quizzes"
    __table_args__ = (
        UniqueConstraint("version_id", "key"),
        Index("ix_quizzes_module_id_position", "module_id", "position"),
    )

    kind = "quiz"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="CASCADE"))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    # "module-slug/quiz-slug" for module quizzes, "pretest" and "final" for the course's own.
    key: Mapped[str] = mapped_column(String(201), index=True)
    role: Mapped[str] = mapped_column(String(10))  # QuizRole
    position: Mapped[int] = mapped_column(Integer, default=0)  # among the module's items
    title: Mapped[str] = mapped_column(String(200))
    intro_html: Mapped[str] = mapped_column(Text, default="")
    pass_mark: Mapped[int] = mapped_column(Integer, default=70)  # percent
    attempts_allowed: Mapped[int] = mapped_column(Integer, default=0)  # 0 = unlimited
    time_limit_minutes: Mapped[int] = mapped_column(Integer, default=0)  # 0 = no limit
    shuffle_questions: Mapped[bool] = mapped_column(Boolean, default=False)
    shuffle_options: Mapped[bool] = mapped_column(Boolean, default=False)
    draw_count: Mapped[int] = mapped_column(Integer, default=0)  # 0 = every question
    show_answers: Mapped[str] = mapped_column(String(20), default=ShowAnswers.AFTER_SUBMIT)
    scoring: Mapped[str] = mapped_column(String(20), default=Scoring.ALL_OR_NOTHING)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    source_path: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(Text, default="", deferred=True)  # the file as written

    version: Mapped[CourseVersion] = relationship(back_populates="quizzes")
    module: Mapped[Module | None] = relationship(back_populates="quizzes")
    questions: Mapped[list["Question"]] = relationship(
        back_populates="quiz",
        order_by="Question.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self):
        return f"<Quiz {self.key}>"

    @property
    def slug(self):
        return self.key.rsplit("/", 1)[-1]

    @property
    def duration_minutes(self):
        return self.time_limit_minutes

    @property
    def max_points(self):
        """Points of a full attempt (only the drawn questions count when drawing)."""
        points = sorted((q.points for q in self.questions), reverse=True)
        if self.draw_count and len(set(points)) > 1:
            return None  # depends on the draw
        return sum(points[: self.draw_count] if self.draw_count else points)


class Question(db.Model):
    __tablename__ = "questions"
    __table_args__ = (
        UniqueConstraint("quiz_id", "key"),
        Index("ix_questions_quiz_id_position", "quiz_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    # The heading's {#id}, or a slug of the heading text: unique in the quiz, stable across
    # versions for as long as the author keeps it.
    key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(20))  # QuestionType
    points: Mapped[int] = mapped_column(Integer, default=1)
    prompt_html: Mapped[str] = mapped_column(Text)
    # Choice questions: [{"key": "3fa9c1d2", "html": "...", "correct": true}, ...]; the key is
    # derived from the option's text, so reordering options keeps statistics.
    options: Mapped[list] = mapped_column(JSON, default=list)
    # short: {"accepted": ["kata", ...]} (compare case-insensitively, spaces collapsed);
    # numeric: {"value": "1500000", "tolerance": "1000"} as decimal strings (use Decimal).
    answer: Mapped[dict] = mapped_column(JSON, default=dict)
    explanation_html: Mapped[str] = mapped_column(Text, default="")

    quiz: Mapped[Quiz] = relationship(back_populates="questions")

    def __repr__(self):
        return f"<Question {self.key}>"

    @property
    def is_choice(self):
        return self.type in CHOICE_TYPES

    @property
    def correct_keys(self):
        return {o["key"] for o in self.options if o.get("correct")}

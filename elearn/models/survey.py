"""Evaluation surveys (Kirkpatrick level 1 reaction, level 3 behaviour on the job).

An instrument ("Survei reaksi standar") is a stable identity; its questions live in immutable
versions, so editing an instrument adds a version and never changes answers already given.

A SurveyInvitation says that one respondent owes (or owed) one survey about one completion:
the level-1 survey of the learner at completion, the level-3 survey of the learner and of the
direct supervisor N weeks later. It is the "has answered" marker reminders read.

A SurveyResponse is the answer set. When the course's answers are anonymous the response
carries no person (no respondent, no subject, no invitation, no time of day): only the course,
version, the respondent's unit and the day, and nothing joins it back to the invitation.
"""

import enum

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow
from .base import UTCDateTime


class SurveyLevel(enum.IntEnum):
    REACTION = 1  # Kirkpatrick level 1, at completion
    BEHAVIOUR = 3  # Kirkpatrick level 3, weeks later on the job


class SurveyAudience(enum.StrEnum):
    LEARNER = "learner"
    SUPERVISOR = "supervisor"


class SurveyQuestionKind(enum.StrEnum):
    LIKERT4 = "likert4"  # 1-4, labels from SCALE_LABELS
    LIKERT5 = "likert5"  # 1-5
    SINGLE = "single"  # one of `options`
    MULTIPLE = "multiple"  # any of `options`
    SHORT_TEXT = "short_text"  # up to SHORT_TEXT_MAX characters
    LONG_TEXT = "long_text"  # up to LONG_TEXT_MAX characters


SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 2000


class InvitationState(enum.StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    SKIPPED = "skipped"  # an optional survey the respondent declined


class SurveyInstrument(db.Model):
    __tablename__ = "survey_instruments"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable name for the shipped instruments ("reaksi-standar", "perilaku-peserta",
    # "perilaku-atasan") and the admin's own ones.
    key: Mapped[str] = mapped_column(String(60), unique=True)
    level: Mapped[int] = mapped_column(Integer)  # SurveyLevel
    audience: Mapped[str] = mapped_column(String(12))  # SurveyAudience
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The standard instrument of its level and audience (one each): used for a course that
    # names none.
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey(
            "survey_instrument_versions.id",
            use_alter=True,
            ondelete="SET NULL",
            name="fk_survey_instruments_current_version",
        ),
        index=True,
    )
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    current_version: Mapped["SurveyInstrumentVersion | None"] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    versions: Mapped[list["SurveyInstrumentVersion"]] = relationship(
        back_populates="instrument",
        foreign_keys="SurveyInstrumentVersion.instrument_id",
        order_by="SurveyInstrumentVersion.number",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class SurveyInstrumentVersion(db.Model):
    """The questions of an instrument as they were asked: never edited once created."""

    __tablename__ = "survey_instrument_versions"
    __table_args__ = (UniqueConstraint("instrument_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(
        ForeignKey("survey_instruments.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    instrument: Mapped[SurveyInstrument] = relationship(
        back_populates="versions", foreign_keys=[instrument_id]
    )
    questions: Mapped[list["SurveyQuestion"]] = relationship(
        back_populates="version",
        order_by="SurveyQuestion.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class SurveyQuestion(db.Model):
    __tablename__ = "survey_questions"
    __table_args__ = (UniqueConstraint("version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("survey_instrument_versions.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, 3...
    # Stable across versions ("material", "relevance", "instructor", "method", "platform",
    # "overall", "good", "improve", "applied", "example"): reports line versions up by it and
    # the catalog's rating reads "overall".
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(12))  # SurveyQuestionKind
    text: Mapped[str] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    options: Mapped[list] = mapped_column(JSON, default=list)  # choice labels, for single/multiple

    version: Mapped[SurveyInstrumentVersion] = relationship(back_populates="questions")


class CourseSurveySettings(db.Model):
    """A course's evaluation settings. No row: the instance's defaults (config SURVEY_*)."""

    __tablename__ = "course_survey_settings"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    reaction_required: Mapped[bool | None] = mapped_column(Boolean)  # None: instance default
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    followup: Mapped[bool] = mapped_column(Boolean, default=True)  # level 3 after N weeks
    # None: the default instrument of the level.
    reaction_instrument_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_instruments.id", ondelete="SET NULL")
    )
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class SurveyInvitation(db.Model):
    """One respondent owes one survey about one learner's completion of one course."""

    __tablename__ = "survey_invitations"
    __table_args__ = (
        UniqueConstraint("course_id", "subject_id", "level", "audience"),
        Index("ix_survey_invitations_respondent_state", "respondent_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(
        ForeignKey("course_versions.id", ondelete="CASCADE"), index=True
    )
    completion_id: Mapped[int | None] = mapped_column(
        ForeignKey("completions.id", ondelete="CASCADE"), index=True
    )
    # The learner who completed the course (the survey is about their training).
    subject_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Who answers: the learner, or their direct supervisor for level 3.
    respondent_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    level: Mapped[int] = mapped_column(Integer)  # SurveyLevel
    audience: Mapped[str] = mapped_column(String(12))  # SurveyAudience
    instrument_version_id: Mapped[int] = mapped_column(
        ForeignKey("survey_instrument_versions.id", ondelete="RESTRICT")
    )
    required: Mapped[bool] = mapped_column(Boolean, default=False)  # gates the certificate
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)  # fixed when invited
    state: Mapped[str] = mapped_column(String(10), default=InvitationState.OPEN)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    opens_on: Mapped[object] = mapped_column(Date)  # level 3: completion + N weeks
    mailed_at: Mapped[object | None] = mapped_column(UTCDateTime)  # the invitation mail
    reminded_at: Mapped[object | None] = mapped_column(UTCDateTime)  # the one reminder
    # When answered or skipped; left empty for anonymous answers (no time to match against).
    closed_at: Mapped[object | None] = mapped_column(UTCDateTime)

    course = relationship("Course")
    version = relationship("CourseVersion")
    subject = relationship("User", foreign_keys=[subject_id])
    respondent = relationship("User", foreign_keys=[respondent_id])
    instrument_version: Mapped[SurveyInstrumentVersion] = relationship()


class SurveyResponse(db.Model):
    """One answer set. Anonymous: invitation, respondent, subject and submitted_at are NULL."""

    __tablename__ = "survey_responses"
    __table_args__ = (Index("ix_survey_responses_course_level", "course_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique: one answer set per invitation (a double submit records one). NULL when anonymous.
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_invitations.id", ondelete="SET NULL"), unique=True
    )
    respondent_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(
        ForeignKey("course_versions.id", ondelete="CASCADE"), index=True
    )
    instrument_version_id: Mapped[int] = mapped_column(
        ForeignKey("survey_instrument_versions.id", ondelete="RESTRICT"), index=True
    )
    level: Mapped[int] = mapped_column(Integer)
    audience: Mapped[str] = mapped_column(String(12))
    # The learner's unit when answered (per-unit reports; below the minimum it is not shown).
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="SET NULL"), index=True
    )
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_on: Mapped[object] = mapped_column(Date, index=True)  # the local day
    submitted_at: Mapped[object | None] = mapped_column(UTCDateTime)  # NULL when anonymous

    answers: Mapped[list["SurveyAnswer"]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True
    )


class SurveyAnswer(db.Model):
    """One answer: a scale value or a choice index in `choice` (one row per ticked option of
    a multiple-choice question), or `text`."""

    __tablename__ = "survey_answers"
    __table_args__ = (Index("ix_survey_answers_question_choice", "question_id", "choice"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"))
    choice: Mapped[int | None] = mapped_column(Integer)  # 1..4/5 for a scale; option index 0..
    text: Mapped[str | None] = mapped_column(Text)  # plain text as typed (escaped when shown)

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")
    question: Mapped[SurveyQuestion] = relationship()


class SurveyFlag(db.Model):
    """A question a course scored low on (mean below the threshold), raised once per course
    version and question code, so instructors and admins are told once."""

    __tablename__ = "survey_flags"
    __table_args__ = (UniqueConstraint("course_id", "version_id", "question_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="CASCADE"))
    question_code: Mapped[str] = mapped_column(String(40))
    question_text: Mapped[str] = mapped_column(Text)
    mean_percent: Mapped[int] = mapped_column(Integer)  # mean as % of the scale's top
    answers: Mapped[int] = mapped_column(Integer)
    raised_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

"""Competency development (issue 13): position standards, assessments, development plans.

The dictionary itself (Competency, CompetencyLevel) lives in course.py beside the courses that
train it. Required levels are data: a standard row names either a position kind (the default
for every "Administrator") or one jabatan by its name (which wins over the kind).
"""

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    case,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    tuple_,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow
from .base import UTCDateTime

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def position_key(name):
    """The form a jabatan name is matched in (PositionStandard.position_key); the same as
    position_key_sql() does in the database (SQLite's lower() knows ASCII only: so do we)."""
    return (name or "").strip().translate(_ASCII_LOWER)


def position_key_sql(column):
    """position_key() in SQL, for matching users.position against standards in a query."""
    return func.lower(func.trim(column))


class PositionKind(db.Model):
    """A kind of position: JPT Madya, Administrator, Pelaksana, Fungsional Ahli Muda..."""

    __tablename__ = "position_kinds"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    group: Mapped[str] = mapped_column(String(20), default="")  # jpt, administrasi, fungsional
    position: Mapped[int] = mapped_column(Integer, default=0)  # order in lists


class PositionStandard(db.Model):
    """The level a position requires in a competency.

    Exactly one of `position_kind` (a PositionKind.code) and `position_key` (a jabatan name
    through position_key()) is set; the other is "". For a person, the row for their jabatan wins
    over the row for their position kind."""

    __tablename__ = "position_standards"
    __table_args__ = (UniqueConstraint("position_kind", "position_key", "competency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    position_kind: Mapped[str] = mapped_column(String(40), default="", index=True)
    position_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    position_name: Mapped[str] = mapped_column(String(200), default="")  # as written, for display
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="CASCADE"), index=True
    )
    level: Mapped[int] = mapped_column(Integer)

    competency = relationship("Competency")


class AssessorRole:
    SELF = "self"
    SUPERVISOR = "supervisor"


class CompetencyAssessment(db.Model):
    """One person's levels for one period, by themselves or by their supervisor.

    The supervisor's assessment counts when both exist. `revision` grows with every save, so a
    save made from an older page (a second tab) is refused instead of overwriting."""

    __tablename__ = "competency_assessments"
    __table_args__ = (UniqueConstraint("user_id", "period", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    period: Mapped[int] = mapped_column(Integer, index=True)  # the year
    role: Mapped[str] = mapped_column(String(12))  # AssessorRole
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user = relationship("User", foreign_keys=[user_id])
    assessor = relationship("User", foreign_keys=[assessor_id])
    items: Mapped[list["CompetencyAssessmentItem"]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )


class CompetencyAssessmentItem(db.Model):
    __tablename__ = "competency_assessment_items"
    __table_args__ = (Index("ix_competency_assessment_items_competency_id", "competency_id"),)

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("competency_assessments.id", ondelete="CASCADE"), primary_key=True
    )
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    # The dictionary's indicator for `level` when the assessment was made (history stays).
    indicator: Mapped[str] = mapped_column(Text, default="")

    assessment: Mapped[CompetencyAssessment] = relationship(back_populates="items")
    competency = relationship("Competency")


class PlanStatus:
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


class DevelopmentPlan(db.Model):
    """A person's individual development plan (rencana pengembangan) for one year."""

    __tablename__ = "development_plans"
    __table_args__ = (UniqueConstraint("user_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(12), default=PlanStatus.DRAFT)  # PlanStatus
    submitted_at: Mapped[object | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[object | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user = relationship("User", foreign_keys=[user_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    items: Mapped[list["DevelopmentPlanItem"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="DevelopmentPlanItem.position"
    )


class DevelopmentPlanItem(db.Model):
    """A planned course (course_id) or a free-text activity (title only), with planned JP."""

    __tablename__ = "development_plan_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("development_plans.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="SET NULL"), index=True
    )
    competency_id: Mapped[int | None] = mapped_column(
        ForeignKey("competencies.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(200), default="")
    planned_jp: Mapped[int] = mapped_column(Integer, default=0)

    plan: Mapped[DevelopmentPlan] = relationship(back_populates="items")
    course = relationship("Course")
    competency = relationship("Competency")


class CompetencyLevelEffective(db.Model):
    """Derived from the assessments: the level that counts for a person, period and competency
    (the supervisor's, else the self-assessment's), so that the unit heatmap reads one row per
    person and competency instead of reconciling two assessments. Never written by hand:
    refresh_effective_levels() rewrites the rows of the (person, period) pairs an ORM flush
    touched (the listener below), and bulk writers call it themselves."""

    __tablename__ = "competency_levels_effective"
    __table_args__ = (Index("ix_competency_levels_effective_competency_id", "competency_id"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[int] = mapped_column(Integer, primary_key=True)
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(12))  # AssessorRole of the level that counts


def effective_levels_select():
    """SELECT (user_id, period, competency_id, level, role) of the levels that count, computed
    from the assessments (one assessment per person, period and role)."""
    a, i = CompetencyAssessment, CompetencyAssessmentItem
    is_sup = a.role == AssessorRole.SUPERVISOR
    sup_level = func.max(case((is_sup, i.level)))
    return (
        select(
            a.user_id,
            a.period,
            i.competency_id,
            func.coalesce(sup_level, func.max(i.level)).label("level"),
            case((sup_level.is_not(None), AssessorRole.SUPERVISOR), else_=AssessorRole.SELF).label(
                "role"
            ),
        )
        .join(i, i.assessment_id == a.id)
        .group_by(a.user_id, a.period, i.competency_id)
    )


def refresh_effective_levels(connection, pairs=None):
    """Rewrite the effective levels of the (user id, period) `pairs` (all of them: None) from
    the assessments, on `connection` (the session's: the same transaction)."""
    table = CompetencyLevelEffective.__table__
    columns = ["user_id", "period", "competency_id", "level", "role"]
    if pairs is None:
        connection.execute(delete(table))
        connection.execute(insert(table).from_select(columns, effective_levels_select()))
        return
    pairs = sorted(pairs)
    for start in range(0, len(pairs), 400):
        chunk = pairs[start : start + 400]
        connection.execute(delete(table).where(tuple_(table.c.user_id, table.c.period).in_(chunk)))
        a = CompetencyAssessment
        connection.execute(
            insert(table).from_select(
                columns, effective_levels_select().where(tuple_(a.user_id, a.period).in_(chunk))
            )
        )


@event.listens_for(Session, "after_flush")
def _follow_assessments(session, _flush_context):
    """Keep CompetencyLevelEffective in step with every ORM write of an assessment or its
    items, in the flush that writes them."""
    pairs, assessment_ids = set(), set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, CompetencyAssessment):
            if obj.user_id is not None and obj.period is not None:
                pairs.add((obj.user_id, obj.period))
            history = inspect(obj).attrs
            for key in ("user_id", "period"):
                old = history[key].history.deleted
                if old:  # moved to another person or period: the old pair changes too
                    pairs.add((old[0], obj.period) if key == "user_id" else (obj.user_id, old[0]))
        elif isinstance(obj, CompetencyAssessmentItem):
            if obj.assessment_id is not None:
                assessment_ids.add(obj.assessment_id)
            for old in inspect(obj).attrs["assessment_id"].history.deleted:
                if old is not None:
                    assessment_ids.add(old)
    if not pairs and not assessment_ids:
        return
    connection = session.connection()
    if assessment_ids:
        a = CompetencyAssessment.__table__
        pairs.update(
            (row.user_id, row.period)
            for row in connection.execute(
                select(a.c.user_id, a.c.period).where(a.c.id.in_(sorted(assessment_ids)))
            )
        )
    refresh_effective_levels(connection, pairs)

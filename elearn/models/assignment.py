"""Course assignments by supervisors and admins, the people they reach, and the reminder log.

An Assignment targets one person or a whole unit (with its sub-units). The people it reaches
are materialized in `assignment_people` when it is made, and later for people who join the
unit when the assignment says so: a person keeps an assignment once given, even after moving
out of the unit, and an assignment reaches a person the same way whether they had enrolled
themselves before or not.
"""

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow
from .base import UTCDateTime
from .course import Course
from .org import Unit
from .progress import Completion
from .user import User


class Assignment(db.Model):
    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    # Exactly one of unit_id / user_id is set when the assignment is made. A deleted unit
    # leaves its assignments (and the people they reached) with no unit.
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    due_date: Mapped[object] = mapped_column(Date)  # a calendar day in the instance's zone
    # Also give the course to people who join the unit (or one of its sub-units) later.
    include_future_members: Mapped[bool] = mapped_column(Boolean, default=False)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    course: Mapped[Course] = relationship()
    unit: Mapped[Unit | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])

    def __repr__(self):
        return f"<Assignment {self.id} course={self.course_id}>"


class AssignmentPerson(db.Model):
    """A person an assignment reaches (made when assigned, or when they joined the unit)."""

    __tablename__ = "assignment_people"
    # A team's assigned courses per person (every dashboard figure) from the index alone.
    __table_args__ = (
        Index("ix_assignment_people_user_id_assignment_id", "user_id", "assignment_id"),
    )

    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    assignment: Mapped[Assignment] = relationship()


class ReminderKind:
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DIGEST = "digest"  # the weekly mail to a supervisor


class ReminderLog(db.Model):
    """One reminder sent: at most one per person, kind, item and day (the digest: per week,
    `day` being the Monday of the ISO week). The unique key is what stops a second mail when
    cron runs twice, even at the same moment."""

    __tablename__ = "reminder_log"
    __table_args__ = (UniqueConstraint("user_id", "kind", "course_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    course_id: Mapped[int] = mapped_column(Integer, default=0)  # 0 for the digest
    day: Mapped[object] = mapped_column(Date)
    sent_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)


# The team dashboard sums each person's JP of a year: (user, completed_at) answers it from the
# index for the people in scope only, instead of scanning the year's completions.
Index(
    "ix_completions_user_id_completed_at",
    Completion.__table__.c.user_id,
    Completion.__table__.c.completed_at,
)

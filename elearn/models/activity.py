"""Development beyond courses (non-classical learning, Peraturan LAN 10/2018): activities a
person records or that mentoring and projects produce, their JP rule, evidence, partners,
mentoring pairs and sessions, strategic projects, and the badges earned by rule.

An ActivityKind is instance data (shipped in activities/data/kinds.yml, editable by admins):
its JP rule (JP per day, or hours by the JP length), caps per activity and per year, its
share of the 10:20:70 picture and its SIASN codes. An Activity keeps the JP its kind's rule
gave when it was last saved, so editing a rule never changes credits already approved; the
yearly cap is applied when JP are counted (learn/jp.py, the one place that counts JP).
"""

import enum

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow
from .base import UTCDateTime
from .course import Competency
from .org import Unit
from .user import User


class ActivitySource(enum.StrEnum):
    """Where a person's JP of the year come from: the three parts of the 10:20:70 model."""

    FORMAL = "formal"  # 10: courses, seminars, workshops, technical guidance
    SOCIAL = "social"  # 20: coaching and mentoring, communities of practice
    WORKPLACE = "workplace"  # 70: on the job: projects, secondment, shadowing, self-study


class DurationUnit(enum.StrEnum):
    DAY = "day"
    HOUR = "hour"


class ActivityStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for the supervisor
    APPROVED = "approved"  # counts toward JP
    RETURNED = "returned"  # sent back with a reason; the person edits and submits again


class ActivityOrigin(enum.StrEnum):
    SELF = "self"  # recorded by the person
    MENTORING = "mentoring"  # a confirmed mentoring or coaching session
    PROJECT = "project"  # membership of a strategic project


class PartnerKind(enum.StrEnum):
    UNIVERSITY = "university"
    COMPANY = "company"
    COMMUNITY = "community"
    AGENCY = "agency"  # another government agency


class ActivityKind(db.Model):
    __tablename__ = "activity_kinds"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))  # Bahasa Indonesia, as agencies name it
    name_en: Mapped[str] = mapped_column(String(120), default="")
    source: Mapped[str] = mapped_column(String(12), default=ActivitySource.FORMAL)
    # JP for one day; None: the kind is counted in hours only (hours x 60 / JP_MINUTES).
    jp_per_day: Mapped[int | None] = mapped_column(Integer)
    cap_per_activity: Mapped[int | None] = mapped_column(Integer)  # JP, None: no cap
    cap_per_year: Mapped[int | None] = mapped_column(Integer)  # JP per person and year
    siasn_type_id: Mapped[int] = mapped_column(Integer, default=9)  # jenisDiklatId
    siasn_certificate_kind: Mapped[str] = mapped_column(String(4), default="P")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self):
        return f"<ActivityKind {self.code}>"


class Partner(db.Model):
    """An organisation the agency develops people with: a university, a company, a community
    or another agency. Its people (instructors, mentors) are accounts with `partner_id`."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(12), default=PartnerKind.UNIVERSITY)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self):
        return f"<Partner {self.name}>"


activity_competencies = Table(
    "activity_competencies",
    db.metadata,
    Column(
        "activity_id", Integer, ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    ),
    Column(
        "competency_id",
        Integer,
        ForeignKey("competencies.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)


class Activity(db.Model):
    __tablename__ = "activities"
    __table_args__ = (
        Index("ix_activities_user_status_end", "user_id", "status", "end_date"),
        Index("ix_activities_status_end", "status", "end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind_id: Mapped[int] = mapped_column(ForeignKey("activity_kinds.id"), index=True)
    origin: Mapped[str] = mapped_column(String(12), default=ActivityOrigin.SELF)
    title: Mapped[str] = mapped_column(String(200))
    # The organiser: a unit of the agency, a partner, or a name typed in (neither).
    organiser_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="SET NULL"), index=True
    )
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="SET NULL"), index=True
    )
    organiser_name: Mapped[str] = mapped_column(String(200), default="")
    start_date: Mapped[object] = mapped_column(Date)
    end_date: Mapped[object] = mapped_column(Date)  # the year of the end date gets the JP
    duration_amount: Mapped[object] = mapped_column(Numeric(7, 2))
    duration_unit: Mapped[str] = mapped_column(String(5), default=DurationUnit.DAY)
    jp: Mapped[int] = mapped_column(Integer, default=0)  # by the kind's rule when saved
    reflection: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=ActivityStatus.PENDING)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[object | None] = mapped_column(UTCDateTime)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    # Optimistic lock: a form carries the revision it was read at.
    revision: Mapped[int] = mapped_column(Integer, default=1)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    kind: Mapped[ActivityKind] = relationship()
    organiser_unit: Mapped[Unit | None] = relationship()
    partner: Mapped[Partner | None] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    competencies: Mapped[list[Competency]] = relationship(
        secondary=activity_competencies, order_by="Competency.name"
    )
    evidence: Mapped[list["ActivityEvidence"]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="ActivityEvidence.id"
    )

    @property
    def organiser(self):
        if self.partner is not None:
            return self.partner.name
        if self.organiser_unit is not None:
            return self.organiser_unit.name
        return self.organiser_name

    def __repr__(self):
        return f"<Activity {self.id} {self.title!r}>"


class ActivityEvidence(db.Model):
    """A file proving an activity (PDF or picture). The bytes live in the content-addressed
    asset_blobs table; this row names them."""

    __tablename__ = "activity_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), ForeignKey("asset_blobs.sha256"))
    uploaded_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    activity: Mapped[Activity] = relationship(back_populates="evidence")


class MentoringKind(enum.StrEnum):
    MENTORING = "mentoring"
    COACHING = "coaching"


class MentoringPair(db.Model):
    """A mentor (or coach) and a mentee, paired by a supervisor or an admin for a period."""

    __tablename__ = "mentoring_pairs"
    __table_args__ = (
        # One running pair of a kind for the same two people (ended pairs may repeat).
        Index(
            "uq_mentoring_pairs_running",
            "mentor_id",
            "mentee_id",
            "kind",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default=MentoringKind.MENTORING)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    goals: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[object] = mapped_column(Date)
    ends_on: Mapped[object] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    mentee: Mapped[User] = relationship(foreign_keys=[mentee_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class MentoringSession(db.Model):
    """One session of a pair, logged by either side and confirmed once by the other; the
    confirmation makes it the mentee's approved activity (`activity_id`)."""

    __tablename__ = "mentoring_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("mentoring_pairs.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[object] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    topic: Mapped[str] = mapped_column(String(200))
    next_step: Mapped[str] = mapped_column(Text, default="")
    logged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    logged_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[object | None] = mapped_column(UTCDateTime)
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL"), unique=True
    )

    pair: Mapped[MentoringPair] = relationship()
    logged_by: Mapped[User] = relationship(foreign_keys=[logged_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])


class Project(db.Model):
    """A strategic project of a unit; its members' involvement becomes their activities."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    starts_on: Mapped[object] = mapped_column(Date)
    ends_on: Mapped[object] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
    members: Mapped[list["ProjectMember"]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProjectMember.id"
    )


class ProjectMember(db.Model):
    __tablename__ = "project_members"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(120))  # e.g. ketua tim, analis data
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="SET NULL"), unique=True
    )

    project: Mapped[Project] = relationship(back_populates="members")
    user: Mapped[User] = relationship()
    activity: Mapped[Activity | None] = relationship()


class BadgeAward(db.Model):
    """A badge earned by rule (activities/badges.py), once per person, badge and year (year 0
    for badges that are earned once in a career)."""

    __tablename__ = "badge_awards"
    __table_args__ = (UniqueConstraint("user_id", "badge", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    badge: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer, default=0)
    awarded_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

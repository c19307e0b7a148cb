"""People: accounts with NIP, unit, position, grade and roles; supervision; the audit log."""

import enum

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, String, Table, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..timeutil import utcnow
from .base import UTCDateTime
from .org import Unit


class Role(enum.StrEnum):
    LEARNER = "learner"
    INSTRUCTOR = "instructor"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class EmployeeType(enum.StrEnum):
    PNS = "pns"
    PPPK = "pppk"
    NON_ASN = "non_asn"  # e.g. instructors from universities or private companies


supervised_units = Table(
    "supervised_units",
    db.metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", Integer, ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    nip: Mapped[str | None] = mapped_column(String(18), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    employee_type: Mapped[str] = mapped_column(String(10), default=EmployeeType.PNS)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    position: Mapped[str] = mapped_column(String(200), default="")  # jabatan
    # PositionKind.code ("administrator", "jpt_pratama", "fungsional_ahli_muda"...), or "".
    position_kind: Mapped[str] = mapped_column(String(40), default="", index=True)
    grade: Mapped[str] = mapped_column(String(10), default="")  # golongan, e.g. III/a
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A partner organisation's person (a university lecturer, a company trainer): no NIP.
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="SET NULL"), index=True
    )
    # Not named on the yearly list of people who reached the JP target (their choice).
    hide_from_recognition: Mapped[bool] = mapped_column(Boolean, default=False)
    locale: Mapped[str | None] = mapped_column(String(5))
    # Bumped when the password changes: every other session of the account ends.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[object | None] = mapped_column(UTCDateTime)
    # When a password setup link was last mailed (from the person's page or a batch).
    setup_link_sent_at: Mapped[object | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit | None] = relationship()
    supervisor: Mapped["User | None"] = relationship(
        remote_side=[id], back_populates="direct_reports"
    )
    direct_reports: Mapped[list["User"]] = relationship(back_populates="supervisor")
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    supervised: Mapped[list[Unit]] = relationship(secondary=supervised_units)
    partner: Mapped["Partner | None"] = relationship()  # noqa: F821 (models/activity.py)

    def __repr__(self):
        return f"<User {self.nip or self.email}>"

    # Flask-Login -----------------------------------------------------------------------------
    @property
    def is_active(self):
        return self.active

    # The server-side session this object was loaded for (see UserSession); set at sign-in and
    # by the user loader, so that the session cookie names one session that sign-out can end.
    current_sid = None

    def get_id(self):
        return f"{self.id}.{self.session_version}.{self.current_sid or ''}"

    # Passwords -------------------------------------------------------------------------------
    def set_password(self, password):
        self.password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"]
        )
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password):
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    # Roles -----------------------------------------------------------------------------------
    @property
    def roles(self):
        return {r.role for r in self.role_rows}

    @roles.setter
    def roles(self, names):
        wanted = {Role(n) for n in names}
        self.role_rows = [r for r in self.role_rows if r.role in wanted]
        have = self.roles
        for name in sorted(wanted - have):
            self.role_rows.append(UserRole(role=name))

    def has_role(self, *names):
        return bool(self.roles & set(names))

    # Scope -----------------------------------------------------------------------------------
    def can_see(self, person):
        """Whether this user may see `person`'s records (self, admin, or supervisor in scope)."""
        if person.id == self.id or self.has_role(Role.ADMIN):
            return True
        if not self.has_role(Role.SUPERVISOR):
            return False
        if person.supervisor_id == self.id:
            return True
        if person.unit is None:
            return False
        return any(person.unit.is_within(u) for u in self.supervised)

    def scope_filter(self):
        """A SQL condition on User selecting the people this supervisor may see."""
        if self.has_role(Role.ADMIN):
            return True
        conditions = [User.id == self.id, User.supervisor_id == self.id]
        for unit in self.supervised:
            conditions.append(
                User.unit_id.in_(select(Unit.id).where(Unit.path.startswith(unit.path)))
            )
        return db.or_(*conditions)


class UserSession(db.Model):
    """One signed-in session (one browser). Signing out ends it on the server, so a copied
    session or remember-me cookie stops working, while the person's other devices stay signed
    in. Only a hash of the token is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[object | None] = mapped_column(UTCDateTime)


class AuditLog(db.Model):
    """Who did what to which record: admin changes, imports, revocations."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(50))
    object_type: Mapped[str] = mapped_column(String(50), default="")
    object_id: Mapped[str] = mapped_column(String(50), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


def audit(actor, action, obj=None, **detail):
    """Record an audit entry in the current transaction (the caller commits)."""
    entry = AuditLog(
        actor=actor,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "id", "") or ""),
        detail=detail,
    )
    db.session.add(entry)
    return entry

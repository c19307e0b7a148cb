"""Completion certificates: a public number, and what was true when the certificate was issued.

Everything printed on the certificate is copied here at issue (name, NIP, course, JP, signatory),
so a later rename, course revision or change of signatory never alters a certificate that was
handed out. A correction is a reissue: the old certificate is revoked and a new number issued.
"""

from sqlalchemy import ForeignKey, Index, Integer, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow
from .base import UTCDateTime
from .course import Course
from .progress import Completion
from .user import Role, User

# Reason recorded on a certificate that was revoked because it was reissued.
REISSUED = "reissued"


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (
        # At most one certificate in force per completion, even when two requests issue at the
        # same moment (revoked ones stay, as the history of reissues).
        Index(
            "ux_certificates_completion_id_live",
            "completion_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)  # ELN-2026-7K3Q-9XPM-H4TD
    completion_id: Mapped[int] = mapped_column(
        ForeignKey("completions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"))

    # Snapshots at issue.
    full_name: Mapped[str] = mapped_column(String(200))
    nip: Mapped[str | None] = mapped_column(String(18))
    course_title: Mapped[str] = mapped_column(String(200))
    version_number: Mapped[int] = mapped_column(Integer)
    version_label: Mapped[str] = mapped_column(String(50), default="")
    jp: Mapped[int] = mapped_column(Integer)
    jp_minutes: Mapped[int] = mapped_column(Integer)  # the length of one JP at issue (45 or 60)
    completed_at: Mapped[object] = mapped_column(UTCDateTime)
    final_score: Mapped[object | None] = mapped_column(Numeric(5, 2))
    institution: Mapped[str] = mapped_column(String(200))
    # The partner organisation that ran the course with the agency, as named at issue.
    co_organiser: Mapped[str] = mapped_column(String(200), default="", server_default="")
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_title: Mapped[str] = mapped_column(String(200), default="")
    signatory_nip: Mapped[str] = mapped_column(String(30), default="")
    issued_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, index=True)

    revoked_at: Mapped[object | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str] = mapped_column(String(500), default="")
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The certificate this one was issued to replace (a reissue after a correction).
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="SET NULL")
    )

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    course: Mapped[Course] = relationship()
    completion: Mapped[Completion] = relationship()
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
    replaces: Mapped["Certificate | None"] = relationship(remote_side=[id])

    def __repr__(self):
        return f"<Certificate {self.number}>"

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def was_reissued(self):
        return self.revoked_reason == REISSUED

    def can_download(self, user):
        """The holder, supervisors in scope and admins; a revoked certificate only admins."""
        if user is None or not getattr(user, "is_authenticated", True):
            return False
        if self.is_revoked and not user.has_role(Role.ADMIN):
            return False
        return user.can_see(self.user)

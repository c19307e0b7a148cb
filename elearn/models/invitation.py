"""Password setup links mailed in batches (after a CSV import, or to everyone not activated yet).

One row per person and batch records whether their link left, so that a run that stops half-way
can be continued without mailing anyone twice, and a failure can be retried with its reason.
"""

import enum

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow
from .base import UTCDateTime
from .user import AuditLog, User


class SetupBatchKind(enum.StrEnum):
    IMPORT = "import"  # the people a CSV import created
    NOT_ACTIVATED = "not_activated"  # everyone without a password, chosen on the users page


class InvitationStatus(enum.StrEnum):
    PENDING = "pending"  # waiting to be sent
    SENDING = "sending"  # claimed by a run; still here long after: the run stopped mid-mail
    SENT = "sent"
    FAILED = "failed"  # the mail server refused or could not be reached; see `error`
    SKIPPED = "skipped"  # activated or deactivated in the meantime; see `error`
    CANCELLED = "cancelled"  # an admin decided not to send the rest


class SetupBatch(db.Model):
    __tablename__ = "setup_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default=SetupBatchKind.IMPORT)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The import whose new people this batch mails (kind "import").
    import_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("audit_log.id", ondelete="SET NULL"), unique=True
    )
    total: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[object | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[object | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()
    import_entry: Mapped[AuditLog | None] = relationship()

    def __repr__(self):
        return f"<SetupBatch {self.id} {self.kind}>"


class SetupInvitation(db.Model):
    __tablename__ = "setup_invitations"
    __table_args__ = (
        UniqueConstraint("batch_id", "user_id", name="uq_setup_invitations_batch_user"),
        # The next people to mail, and the counts of a batch by status.
        Index("ix_setup_invitations_batch_status", "batch_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("setup_batches.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=InvitationStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(String(500), default="")
    claimed_at: Mapped[object | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[object | None] = mapped_column(UTCDateTime)

    batch: Mapped[SetupBatch] = relationship()
    user: Mapped[User] = relationship()

    def __repr__(self):
        return f"<SetupInvitation {self.batch_id}/{self.user_id} {self.status}>"

"""In-app notifications (the bell in the header): one row per person and event.

The message is not stored as text: `kind` and `params` (JSON) are turned into a sentence when
the notification is shown, in the reader's language (see elearn/notifications/kinds.py). The
unique `dedupe_key` per person is what keeps an event from being announced twice, e.g. when
`flask reminders send` runs twice a day, even at the same moment.
"""

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow
from .base import UTCDateTime


class NotificationKind:
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    ASSIGNED = "assigned"
    CERTIFICATE_ISSUED = "certificate_issued"
    APPROVAL_NEEDED = "approval_needed"
    TEAM_DIGEST = "team_digest"  # the supervisor's weekly summary (as the digest mail)
    SURVEY_DUE = "survey_due"  # an evaluation survey is owed (elearn/surveys)
    SURVEY_LOW = "survey_low"  # a course scored low on a survey question
    ACTIVITY_APPROVED = "activity_approved"  # a development activity approved
    ACTIVITY_RETURNED = "activity_returned"  # a development activity sent back with a reason
    SESSION_TO_CONFIRM = "session_to_confirm"  # a mentoring session logged by the other side
    BADGE_AWARDED = "badge_awarded"  # a badge earned by rule
    FILE_READY = "file_ready"  # a large export prepared in the background is ready


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "dedupe_key"),
        # The bell's count (unread of one person) and the list (newest first) from indexes.
        Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
        Index("ix_notifications_user_id_created_at", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    # An internal path ("/learn/etika-asn"), relative to the application's root.
    link: Mapped[str] = mapped_column(String(500), default="")
    dedupe_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[object | None] = mapped_column(UTCDateTime)

    @property
    def unread(self):
        return self.read_at is None

    def __repr__(self):
        return f"<Notification {self.id} {self.kind} user={self.user_id}>"

"""Background jobs: long work (large exports, scheduled rounds) run by the job queue's worker.

The row is the job's truth: its state, its progress for the page's bar, its message when it
failed, and the file it produced (kept for JOB_RESULT_HOURS, for its owner only). The queue only
carries the row's id, so a message that is lost (a worker killed mid-job, Redis down when it was
queued) is found again by the sweeper and run again; a job that is done is never run twice.
"""

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow
from .base import UTCDateTime


class JobStatus:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    ACTIVE = (QUEUED, RUNNING)


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        # One active job per request: a second click on the same export joins the first.
        Index(
            "uq_jobs_active_key",
            "dedupe_key",
            unique=True,
            sqlite_where=text("status IN ('queued', 'running')"),
            postgresql_where=text("status IN ('queued', 'running')"),
        ),
        Index("ix_jobs_owner_created", "owner_id", "created_at"),
        Index("ix_jobs_status_heartbeat", "status", "heartbeat_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # What to run: for an export, the export page's path and query string.
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    title: Mapped[str] = mapped_column(String(200), default="")
    dedupe_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default=JobStatus.QUEUED)
    done_count: Mapped[int] = mapped_column(Integer, default=0)
    total_count: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    file_name: Mapped[str] = mapped_column(String(200), default="")
    file_type: Mapped[str] = mapped_column(String(100), default="")
    file_size: Mapped[int] = mapped_column(Integer, default=0)
    file_data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[object | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[object | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[object | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[object | None] = mapped_column(UTCDateTime)

    owner = relationship("User", lazy="joined")

    @property
    def percent(self):
        if self.status == JobStatus.DONE:
            return 100
        if not self.total_count:
            return 0
        return min(99, int(100 * self.done_count / self.total_count))

    @property
    def active(self):
        return self.status in JobStatus.ACTIVE

"""Jobs: creating them once, claiming them once, their progress, the sweeper and the clean-up."""

import hashlib
import json
import logging
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Job, JobStatus
from ..timeutil import utcnow
from .queue import enqueue

log = logging.getLogger(__name__)

S = JobStatus

# Why a job failed, shown to its owner in their language (see routes.FAILURE_TEXT).
FORBIDDEN, STOPPED, ERROR, GONE = "forbidden", "stopped", "error", "gone"

# Progress is written at most this often (rows), on its own connection.
PROGRESS_EVERY = 1000


def dedupe_key(owner_id, kind, params):
    raw = json.dumps([owner_id, kind, params], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


def active_job(owner_id, kind, params):
    return db.session.scalar(
        select(Job).where(
            Job.dedupe_key == dedupe_key(owner_id, kind, params), Job.status.in_(S.ACTIVE)
        )
    )


def start_job(owner, kind, params, title):
    """The job for this request: a new one, or the same request's job still running (a second
    click, a second tab). Queued once its row is committed."""
    key = dedupe_key(owner.id if owner else None, kind, params)
    job = Job(
        token=secrets.token_urlsafe(16),
        kind=kind,
        owner_id=owner.id if owner else None,
        params=params,
        title=str(title)[:200],
        dedupe_key=key,
        status=S.QUEUED,
    )
    db.session.add(job)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = db.session.scalar(
            select(Job).where(Job.dedupe_key == key, Job.status.in_(S.ACTIVE))
        )
        if existing is not None:
            return existing, False
        raise
    enqueue(f"job.{kind}", job.id)
    return job, True


def claim(job_id):
    """Take a queued job for running (one worker only); None if it is not queued any more
    (done, failed, or taken by another worker)."""
    now = utcnow()
    taken = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == S.QUEUED)
        .values(status=S.RUNNING, started_at=now, heartbeat_at=now, attempts=Job.attempts + 1)
        .returning(Job.id),
        execution_options={"synchronize_session": False},
    ).all()
    db.session.commit()
    if not taken:
        return None
    return db.session.get(Job, job_id)


def _set(job_id, **values):
    """Write a job's state on a connection of its own: progress is seen by the page while the
    job's own transaction (reading the rows) goes on."""
    with db.engine.begin() as conn:
        conn.execute(update(Job).where(Job.id == job_id).values(**values))


def finish(job_id, name, mimetype, data):
    hours = current_app.config["JOB_RESULT_HOURS"]
    now = utcnow()
    _set(
        job_id, status=S.DONE, file_name=name[:200], file_type=mimetype, file_size=len(data),
        file_data=data, finished_at=now, heartbeat_at=now, done_count=Job.total_count,
        expires_at=now + timedelta(hours=hours), message="",
    )  # fmt: skip
    job = db.session.get(Job, job_id)
    if job is not None and job.owner_id and job.kind == "export":
        # The bell tells the owner, wherever they are in the application.
        from ..models import NotificationKind
        from ..notifications.services import internal_path, notify

        db.session.refresh(job)
        link = internal_path("jobs.show", token=job.token)
        notify(job.owner_id, NotificationKind.FILE_READY, {"title": job.file_name}, link,
               f"file-{job.token}", now)  # fmt: skip
        db.session.commit()


def fail(job_id, reason):
    now = utcnow()
    hours = current_app.config["JOB_RESULT_HOURS"]
    _set(job_id, status=S.FAILED, message=reason, finished_at=now, heartbeat_at=now,
         expires_at=now + timedelta(hours=hours))  # fmt: skip


def set_message(job_id, message):
    _set(job_id, message=message)


class Progress:
    """Counts rows as a job produces them and writes the count (and a heartbeat) now and then."""

    def __init__(self, job_id, total=0):
        self.job_id, self.done, self.total = job_id, 0, total
        self.filename = ""

    def set_total(self, total):
        self.total = int(total or 0)
        _set(self.job_id, total_count=self.total, done_count=0, heartbeat_at=utcnow())

    def track(self, rows):
        for row in rows:
            yield row
            self.done += 1
            if self.done % PROGRESS_EVERY == 0:
                done = min(self.done, self.total) if self.total else self.done
                _set(self.job_id, done_count=done, heartbeat_at=utcnow())


def sweep(now=None):
    """Put lost jobs back on the queue: running ones whose worker stopped sending heartbeats
    (killed, host gone) are retried up to JOB_MAX_ATTEMPTS, then failed with a message; queued
    ones that were never picked up (queue unreachable when they were made) are queued again.
    Returns (requeued, failed)."""
    cfg = current_app.config
    now = now or utcnow()
    stale = now - timedelta(seconds=cfg["JOB_STALE_SECONDS"])
    waiting = now - timedelta(seconds=cfg["JOB_REQUEUE_SECONDS"])
    failed = db.session.execute(
        update(Job)
        .where(
            Job.status == S.RUNNING,
            Job.heartbeat_at < stale,
            Job.attempts >= cfg["JOB_MAX_ATTEMPTS"],
        )
        .values(status=S.FAILED, message=STOPPED, finished_at=now,
                expires_at=now + timedelta(hours=cfg["JOB_RESULT_HOURS"]))
        .returning(Job.id),
        execution_options={"synchronize_session": False},
    ).all()  # fmt: skip
    revived = db.session.execute(
        update(Job)
        .where(Job.status == S.RUNNING, Job.heartbeat_at < stale)
        .values(status=S.QUEUED, heartbeat_at=now)
        .returning(Job.id, Job.kind),
        execution_options={"synchronize_session": False},
    ).all()
    forgotten = db.session.execute(
        update(Job)
        .where(
            Job.status == S.QUEUED,
            or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < waiting),
            Job.created_at < waiting,
        )
        .values(heartbeat_at=now)
        .returning(Job.id, Job.kind),
        execution_options={"synchronize_session": False},
    ).all()
    db.session.commit()
    for job_id, kind in [*revived, *forgotten]:
        enqueue(f"job.{kind}", job_id)
    if revived or failed:
        log.warning("jobs: %d retried, %d failed after their worker stopped", len(revived),
                    len(failed))  # fmt: skip
    return len(revived) + len(forgotten), len(failed)


def purge(now=None):
    """Delete finished jobs (and their files) past their keeping time."""
    now = now or utcnow()
    n = db.session.execute(
        delete(Job).where(Job.status.in_((S.DONE, S.FAILED)), Job.expires_at < now),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.commit()
    return n


def my_jobs(owner_id, limit=50):
    return list(
        db.session.scalars(
            select(Job)
            .where(Job.owner_id == owner_id, Job.kind == "export")
            .order_by(Job.created_at.desc(), Job.id.desc())
            .limit(limit)
        )
    )


def count_active(owner_id):
    return db.session.scalar(
        select(func.count()).where(Job.owner_id == owner_id, Job.status.in_(S.ACTIVE))
    )

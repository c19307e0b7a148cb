"""The product's jobs: large exports, outgoing mail, the daily round of reminders, the sweeper."""

import logging
import smtplib
from datetime import time
from zoneinfo import ZoneInfo

from flask import current_app, g
from flask_login import login_user
from huey import crontab
from werkzeug.exceptions import HTTPException

from ..extensions import db
from ..timeutil import utcnow
from . import services
from .queue import periodic, task

log = logging.getLogger(__name__)


@task(
    "mail.send",
    retries=lambda cfg: cfg["MAIL_RETRIES"],
    retry_delay=lambda cfg: cfg["MAIL_RETRY_SECONDS"],
)
def send_mail_job(to, subject, body):
    """One mail; a mail server that refuses or is down is tried again (MAIL_RETRIES times)."""
    from ..mail import send_mail

    try:
        send_mail(to, subject, body)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("mail to %s failed (will retry): %s", to, exc)
        raise


@task("job.export")
def run_export(job_id):
    """Produce an export as its owner would have downloaded it: the export page is run again in
    a request of the owner's, so the same permission checks, filters and language apply. A job
    already done (a message delivered twice) is not run again."""
    job = services.claim(job_id)
    if job is None:
        return
    owner, params = job.owner, dict(job.params or {})
    if owner is None or not owner.active:
        services.fail(job_id, services.FORBIDDEN)
        return
    app = current_app._get_current_object()
    base = app.config["PUBLIC_BASE_URL"]
    try:
        with app.test_request_context(
            params.get("path", "/"), base_url=base, query_string=params.get("query", "")
        ):
            login_user(owner)
            progress = g.export_job = services.Progress(job_id)
            rule = _rule()
            if rule is None:
                services.fail(job_id, services.GONE)
                return
            endpoint, view_args = rule
            response = app.view_functions[endpoint](**view_args)
            response = app.make_response(response)
            if response.status_code != 200 or not progress.filename:
                services.fail(job_id, services.FORBIDDEN)
                return
            data = response.get_data()
            services.finish(job_id, progress.filename, response.mimetype, data)
    except HTTPException:
        db.session.rollback()
        services.fail(job_id, services.FORBIDDEN)
    except Exception:
        db.session.rollback()
        log.exception("export job %s failed", job_id)
        services.fail(job_id, services.ERROR)


def _rule():
    from flask import request

    if request.url_rule is None:
        return None
    return request.url_rule.endpoint, request.view_args or {}


@periodic("jobs.sweep", crontab(minute="*"))
def sweep_jobs():
    services.sweep()
    services.purge()


@periodic("team.figures", crontab(minute="*"))
def team_figures():
    """The summary per unit of a large instance, counted again when due (figures.py)."""
    from ..supervision import figures

    figures.refresh()


def _round_due(now):
    """Today's date in the instance's zone once the daily round's hour has come, else None."""
    cfg = current_app.config
    zone = ZoneInfo(cfg["TIMEZONE"])
    local = now.astimezone(zone)
    hour, _, minute = str(cfg["DAILY_ROUND_AT"]).partition(":")
    at = time(int(hour), int(minute or 0))
    if local.time() < at:
        return None
    return local.date()


@periodic("jobs.daily_round", crontab(minute="*/10"))
def daily_round():
    """Reminders, digests, survey mails and badges once a day, from the queue's scheduler (no
    cron needed). The day's job row is the lock: several workers start it once."""
    from ..models import Job, JobStatus

    now = utcnow()
    day = _round_due(now)
    if day is None:
        return
    key = f"daily-round-{day.isoformat()}"
    if db.session.query(Job.id).filter(Job.kind == "round", Job.title == key).first():
        return
    job = Job(
        token=f"round-{day.isoformat()}", kind="round", title=key, dedupe_key=key,
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, attempts=1,
    )  # fmt: skip
    db.session.add(job)
    try:
        db.session.commit()
    except Exception:  # another worker took today's round
        db.session.rollback()
        return
    from ..supervision.cli import daily_round as run_round

    try:
        lines, failed = run_round(day, now)
    except Exception:
        db.session.rollback()
        log.exception("daily round of %s failed", day)
        services.fail(job.id, services.ERROR)
        return
    services.finish(job.id, "", "text/plain", "\n".join(lines).encode())
    if failed:
        services.set_message(job.id, f"{failed} mails failed")
    log.info("daily round %s: %s", day, "; ".join(lines))

"""Password setup links for many people at once: after a CSV import, or to everyone who has not
activated their account (set a password) yet.

A batch holds one invitation per person. `send_setup_links(batch_id, limit)` mails the next
`limit` waiting people and records each outcome; the admin page calls it request after request
(and `flask users send-setup-links` until nothing waits), and a job queue can call it later.

Nobody gets two mails from one run: each person is claimed (status "sending", committed) before
their mail goes out, and the outcome is committed right after it, so two runs at once never take
the same person and a run that stops leaves at most the one person it was mailing in doubt
("interrupted"), who is mailed again only when an admin asks. This is why the function commits,
unlike the other services.
"""

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, insert, select, update
from sqlalchemy.orm import joinedload

from ..auth.services import make_setup_token
from ..extensions import db
from ..mail import send_mail
from ..models import (
    InvitationStatus,
    SetupBatch,
    SetupBatchKind,
    SetupInvitation,
    User,
    audit,
)
from ..timeutil import utcnow
from ..urls import public_url
from .services import Refused, not_activated_condition, password_setup_mail

log = logging.getLogger(__name__)

S = InvitationStatus
# A claim older than this belongs to a run that stopped while mailing (one mail takes at most
# a few MAIL_TIMEOUTs); it is not sent again unless an admin asks.
CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_LIMIT = 200
_STATUSES = frozenset(S)
_CHUNK = 500

# Why a person was skipped (SetupInvitation.error): set their password or deactivated meanwhile.
SKIP_ACTIVATED = "activated"
SKIP_DEACTIVATED = "deactivated"


def not_activated_counts():
    """(people not activated yet, of whom never mailed a link), in one query."""
    total, never = db.session.execute(
        select(
            func.count(User.id),
            func.count(case((User.setup_link_sent_at.is_(None), User.id))),
        ).where(not_activated_condition())
    ).one()
    return total or 0, never or 0


def _waiting_elsewhere():
    """People with a link waiting or being sent in some batch (never put in a second one)."""
    return select(SetupInvitation.user_id).where(SetupInvitation.status.in_([S.PENDING, S.SENDING]))


def _add_people(batch, user_ids):
    rows = [{"batch_id": batch.id, "user_id": uid, "status": S.PENDING, "attempts": 0,
             "error": ""} for uid in user_ids]  # fmt: skip
    for start in range(0, len(rows), _CHUNK):
        db.session.execute(insert(SetupInvitation), rows[start : start + _CHUNK])
    batch.total = len(rows)


def create_import_batch(actor, users, import_entry):
    """The offer after an import: a batch of the new people without a password, not started.

    Returns the batch, or None when nobody needs a link."""
    ids = sorted(u.id for u in users if u.password_hash is None and u.active)
    if not ids:
        return None
    batch = SetupBatch(kind=SetupBatchKind.IMPORT, created_by=actor, import_entry=import_entry)
    db.session.add(batch)
    db.session.flush()
    _add_people(batch, ids)
    db.session.flush()
    return batch


def create_not_activated_batch(actor, resend=False):
    """A batch of everyone not activated yet: those never mailed a link, or with `resend` also
    those who were (their earlier link may have expired). Refused when nobody is left."""
    stmt = (
        select(User.id)
        .where(not_activated_condition(), User.id.not_in(_waiting_elsewhere()))
        .order_by(User.id)
    )
    if not resend:
        stmt = stmt.where(User.setup_link_sent_at.is_(None))
    ids = db.session.scalars(stmt).all()
    if not ids:
        raise Refused(_l("Nobody is waiting for a setup link."))
    batch = SetupBatch(kind=SetupBatchKind.NOT_ACTIVATED, created_by=actor)
    db.session.add(batch)
    db.session.flush()
    _add_people(batch, ids)
    audit(actor, "setup_links.create", batch, count=len(ids), resend=bool(resend))
    db.session.flush()
    return batch


def import_batch(entry_id):
    return db.session.scalar(select(SetupBatch).where(SetupBatch.import_entry_id == entry_id))


# Progress ---------------------------------------------------------------------------------------
@dataclass
class Progress:
    total: int = 0
    pending: int = 0
    sending: int = 0  # being mailed right now by a run
    interrupted: int = 0  # claimed by a run that stopped: unknown whether the mail left
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    cancelled: int = 0

    @property
    def processed(self):
        return self.sent + self.failed + self.skipped + self.cancelled + self.interrupted

    @property
    def done(self):
        return self.pending == 0 and self.sending == 0

    @property
    def percent(self):
        return 100 if not self.total else min(100, round(100 * self.processed / self.total))

    def as_dict(self):
        keys = ("total", "pending", "sending", "interrupted", "sent", "failed", "skipped",
                "cancelled", "processed", "done", "percent")  # fmt: skip
        return {k: getattr(self, k) for k in keys}


def _stale(now):
    return SetupInvitation.claimed_at < now - CLAIM_TIMEOUT


def progress_by_batch(batch_ids, now=None):
    """{batch id: Progress} from one grouped query."""
    now = now or utcnow()
    out = {bid: Progress() for bid in batch_ids}
    if not batch_ids:
        return out
    rows = db.session.execute(
        select(SetupInvitation.batch_id, SetupInvitation.status, func.count())
        .where(SetupInvitation.batch_id.in_(batch_ids))
        .group_by(SetupInvitation.batch_id, SetupInvitation.status)
    ).all()
    for batch_id, status, count in rows:
        p = out[batch_id]
        p.total += count
        if status in _STATUSES:
            setattr(p, str(status), getattr(p, str(status)) + count)
    if any(p.sending for p in out.values()):
        stale = db.session.execute(
            select(SetupInvitation.batch_id, func.count())
            .where(SetupInvitation.batch_id.in_(batch_ids), SetupInvitation.status == S.SENDING,
                   _stale(now))
            .group_by(SetupInvitation.batch_id)
        ).all()  # fmt: skip
        for batch_id, count in stale:
            out[batch_id].sending -= count
            out[batch_id].interrupted += count
    return out


def batch_progress(batch, now=None):
    return progress_by_batch([batch.id], now)[batch.id]


def batches_query():
    return select(SetupBatch).order_by(SetupBatch.created_at.desc(), SetupBatch.id.desc())


def _failed_or_interrupted(now):
    """SQL condition: the mail was refused, or its run stopped while mailing."""
    return db.or_(
        SetupInvitation.status == S.FAILED,
        and_(SetupInvitation.status == S.SENDING, _stale(now)),
    )


def problem_invitations(batch, limit=50, now=None):
    """Failed and interrupted invitations with their people, the oldest first."""
    cond = _failed_or_interrupted(now or utcnow())
    return db.session.scalars(
        select(SetupInvitation)
        .options(joinedload(SetupInvitation.user).lazyload(User.role_rows))
        .where(SetupInvitation.batch_id == batch.id, cond)
        .order_by(SetupInvitation.id)
        .limit(limit)
    ).all()


def still_not_activated(batch):
    """People of the batch who were mailed a link and still have not set a password."""
    return db.session.scalar(
        select(func.count(SetupInvitation.id))
        .join(User, User.id == SetupInvitation.user_id)
        .where(SetupInvitation.batch_id == batch.id, SetupInvitation.status == S.SENT,
               not_activated_condition())
    )  # fmt: skip


# Sending ----------------------------------------------------------------------------------------
def smtp_reason(exc):
    """What went wrong with a mail, as the server (or the network) said it."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [f"{code} {_text(msg)}" for code, msg in exc.recipients.values()]
        reason = "; ".join(parts) or str(exc)
    elif isinstance(exc, smtplib.SMTPResponseException):
        reason = f"{exc.smtp_code} {_text(exc.smtp_error)}"
    else:
        reason = str(exc) or type(exc).__name__
    return reason.strip()[:500]


def _text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _claim_next(batch_id, now):
    """Take the next waiting invitation for this run, or None. The conditional UPDATE makes two
    runs at once never take the same one."""
    while True:
        inv_id = db.session.scalar(
            select(SetupInvitation.id)
            .where(SetupInvitation.batch_id == batch_id, SetupInvitation.status == S.PENDING)
            .order_by(SetupInvitation.id)
            .limit(1)
        )
        if inv_id is None:
            return None
        taken = db.session.execute(
            update(SetupInvitation)
            .where(SetupInvitation.id == inv_id, SetupInvitation.status == S.PENDING)
            .values(status=S.SENDING, claimed_at=now)
            .returning(SetupInvitation.id),
            execution_options={"synchronize_session": False},
        ).all()
        db.session.commit()
        if taken:
            return inv_id


def _mail_one(inv):
    user = inv.user
    if not user.active:
        inv.status, inv.error = S.SKIPPED, SKIP_DEACTIVATED
        return
    if user.password_hash:
        inv.status, inv.error = S.SKIPPED, SKIP_ACTIVATED
        return
    link = public_url("auth.reset_password", token=make_setup_token(user))
    subject, body = password_setup_mail(user, link)
    inv.attempts = (inv.attempts or 0) + 1
    try:
        send_mail(user.email, subject, body)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("setup link to %s failed: %s", user.email, exc)
        inv.status, inv.error = S.FAILED, smtp_reason(exc)
        return
    inv.status, inv.error, inv.sent_at = S.SENT, "", utcnow()
    user.setup_link_sent_at = inv.sent_at


def send_setup_links(batch_id, limit, actor=None):
    """Mail the next `limit` waiting people of the batch; return the batch's Progress.

    Commits after each person (see the module docstring). Safe to call from several workers at
    once, and again after an interruption: only waiting people are mailed."""
    batch = db.session.get(SetupBatch, batch_id)
    if batch is None:
        raise LookupError(f"no setup batch {batch_id}")
    limit = max(1, min(int(limit), MAX_LIMIT))
    if batch.started_at is None:
        # Conditional: of two first rounds at once (two tabs), one records the start.
        started = db.session.execute(
            update(SetupBatch)
            .where(SetupBatch.id == batch.id, SetupBatch.started_at.is_(None))
            .values(started_at=utcnow()),
            execution_options={"synchronize_session": False},
        ).rowcount
        if started:
            audit(actor, "setup_links.start", batch, count=batch.total)
        db.session.commit()
    for _i in range(limit):
        now = utcnow()
        inv_id = _claim_next(batch.id, now)
        if inv_id is None:
            break
        inv = db.session.scalar(
            select(SetupInvitation)
            .options(joinedload(SetupInvitation.user).lazyload(User.role_rows))
            .where(SetupInvitation.id == inv_id)
        )
        try:
            _mail_one(inv)
        finally:
            db.session.commit()
    progress = batch_progress(batch)
    if progress.done and batch.finished_at is None:
        batch.finished_at = utcnow()
        db.session.commit()
    return progress


def _reopen(actor, batch, action, condition):
    """Put matching invitations back to waiting; the batch is then not finished any more."""
    ids = db.session.scalars(
        select(SetupInvitation.id).where(SetupInvitation.batch_id == batch.id, condition)
    ).all()
    if not ids:
        return 0
    for start in range(0, len(ids), _CHUNK):
        db.session.execute(
            update(SetupInvitation)
            .where(SetupInvitation.id.in_(ids[start : start + _CHUNK]))
            .values(status=S.PENDING, claimed_at=None),
            execution_options={"synchronize_session": False},
        )
    batch.finished_at = None
    audit(actor, action, batch, count=len(ids))
    db.session.flush()
    return len(ids)


def retry_failed(actor, batch, now=None):
    """Failed and interrupted people wait again (the admin asked: interrupted ones may get a
    second mail). Returns how many."""
    return _reopen(actor, batch, "setup_links.retry", _failed_or_interrupted(now or utcnow()))


def resend_not_activated(actor, batch):
    """People mailed by this batch who still have no password wait again for a new link."""
    not_yet = select(User.id).where(not_activated_condition())
    cond = and_(SetupInvitation.status == S.SENT, SetupInvitation.user_id.in_(not_yet))
    return _reopen(actor, batch, "setup_links.resend", cond)


def cancel_pending(actor, batch):
    """Do not send the links still waiting. Returns how many were cancelled."""
    result = db.session.execute(
        update(SetupInvitation)
        .where(SetupInvitation.batch_id == batch.id, SetupInvitation.status == S.PENDING)
        .values(status=S.CANCELLED)
        .returning(SetupInvitation.id),
        execution_options={"synchronize_session": False},
    ).all()
    if result:
        audit(actor, "setup_links.cancel", batch, count=len(result))
    db.session.flush()
    return len(result)

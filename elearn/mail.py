"""Outgoing mail over SMTP; with no MAIL_SERVER configured the message goes to the log."""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app


def send_mail(to, subject, body):
    cfg = current_app.config
    msg = EmailMessage()
    msg["From"] = cfg["MAIL_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="elearn")
    msg.set_content(body)
    if not cfg["MAIL_SERVER"]:
        current_app.logger.warning("MAIL_SERVER not set; mail not sent:\n%s", msg.as_string())
        return msg
    timeout = cfg["MAIL_TIMEOUT"]
    if cfg["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(
            cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=timeout,
            context=ssl.create_default_context(),
        )  # fmt: skip
    else:
        smtp = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=timeout)
    with smtp:
        if cfg["MAIL_USE_TLS"] and not cfg["MAIL_USE_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(msg)
    return msg


# Mail sent after the commit, through the job queue ------------------------------------------------
_OUTBOX = "elearn_outbox"


def queue_mail(to, subject, body):
    """Send a mail once the current transaction commits (or the request ends without error),
    through the job queue, which retries it if the mail server is down. A rolled-back change
    sends nothing; the request does not wait for the mail server."""
    from .extensions import db

    session = db.session()
    if not session.in_transaction():
        session.connection()  # the mail belongs to this transaction: its commit or rollback
    session.info.setdefault(_OUTBOX, []).append((to, str(subject), str(body)))


def _flush(session):
    pending = session.info.pop(_OUTBOX, None)
    if not pending:
        return
    from .jobs.queue import enqueue

    for to, subject, body in pending:
        if enqueue("mail.send", to, subject, body):
            continue
        # The queue cannot be reached (Redis down): send it now rather than lose it.
        try:
            send_mail(to, subject, body)
        except (OSError, smtplib.SMTPException) as exc:
            current_app.logger.error("mail to %s lost: queue and mail server down: %s", to, exc)


def _discard(session, previous_transaction=None):
    if previous_transaction is not None and previous_transaction.nested:
        return  # a savepoint rolled back: the outer transaction may still commit
    session.info.pop(_OUTBOX, None)


def init_outbox(app):
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from .extensions import db

    if not getattr(init_outbox, "_listening", False):
        event.listen(Session, "after_commit", _flush)
        event.listen(Session, "after_soft_rollback", _discard)
        init_outbox._listening = True

    @app.teardown_appcontext
    def _send_queued(exc):
        # Registered after Flask-SQLAlchemy's teardown, so it runs before the session is closed.
        session = db.session()
        if exc is None:
            _flush(session)
        else:
            _discard(session)

"""Sending the outbox to the Learning Record Store, in batches, by the worker.

A batch is one POST of up to XAPI_BATCH_SIZE statements to `<XAPI_ENDPOINT>/statements`
(Basic auth, X-Experience-API-Version 1.0.3). Accepted (2xx), the rows are marked sent. A 409
means the LRS already holds those ids (a resend after a lost answer): sent as well. Anything
else, or no answer, leaves the rows queued with a growing wait (30 s, 60 s, 120 s … up to
XAPI_RETRY_MAX_SECONDS) and the reason kept in `last_error`."""

import base64
import json
import urllib.error
import urllib.request
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update

from ..extensions import db
from ..models.xapi import XapiStatement
from ..timeutil import utcnow

FIRST_WAIT_SECONDS = 30


class SendResult:
    def __init__(self):
        self.sent = 0
        self.failed = 0
        self.error = ""


def _post(batch):
    cfg = current_app.config
    url = cfg["XAPI_ENDPOINT"].rstrip("/") + "/statements"
    if not url.startswith(("https://", "http://")):
        return "XAPI_ENDPOINT is not an http(s) address"
    secret = f"{cfg['XAPI_KEY']}:{cfg['XAPI_SECRET']}".encode()
    request = urllib.request.Request(  # noqa: S310 (http(s) only, checked above)
        url,
        data=json.dumps(batch).encode("utf-8"),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Experience-API-Version": "1.0.3",
            "Authorization": "Basic " + base64.b64encode(secret).decode("ascii"),
        },
    )
    try:
        timeout = cfg["XAPI_TIMEOUT_SECONDS"]
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            response.read()
    except urllib.error.HTTPError as exc:
        if exc.code == 409:
            return ""
        return f"HTTP {exc.code}: {exc.read(300).decode('utf-8', 'replace')}"
    except (OSError, ValueError) as exc:  # refused, timed out, DNS, a bad address
        return f"{type(exc).__name__}: {exc}"
    return ""


def backoff(attempts):
    cap = int(current_app.config["XAPI_RETRY_MAX_SECONDS"])
    return timedelta(seconds=min(cap, FIRST_WAIT_SECONDS * 2 ** max(0, attempts - 1)))


def send_due(now=None, max_batches=20):
    """Send what is due, batch after batch, until nothing is due or a batch fails."""
    result = SendResult()
    cfg = current_app.config
    if not cfg.get("XAPI_ENABLED") or not cfg.get("XAPI_ENDPOINT"):
        return result
    for _ in range(max_batches):
        now = now or utcnow()
        rows = db.session.execute(
            select(XapiStatement.id, XapiStatement.statement, XapiStatement.attempts)
            .where(XapiStatement.sent_at.is_(None), XapiStatement.next_try_at <= now)
            .order_by(XapiStatement.id)
            .limit(int(cfg["XAPI_BATCH_SIZE"]))
        ).all()
        if not rows:
            break
        ids = [r.id for r in rows]
        error = _post([r.statement for r in rows])
        if not error:
            db.session.execute(
                update(XapiStatement).where(XapiStatement.id.in_(ids)).values(sent_at=utcnow())
            )
            db.session.commit()
            result.sent += len(ids)
            now = None
            continue
        for row in rows:
            db.session.execute(
                update(XapiStatement)
                .where(XapiStatement.id == row.id)
                .values(
                    attempts=row.attempts + 1,
                    last_error=error[:1000],
                    next_try_at=now + backoff(row.attempts + 1),
                )
            )
        db.session.commit()
        result.failed += len(ids)
        result.error = error
        current_app.logger.warning("xAPI: %d statement(s) not sent: %s", len(ids), error)
        break
    return result


def waiting():
    """(statements not yet sent, of which tried and failed at least once)."""
    return db.session.execute(
        select(
            func.count(XapiStatement.id),
            func.count(XapiStatement.id).filter(XapiStatement.attempts > 0),
        ).where(XapiStatement.sent_at.is_(None))
    ).one()

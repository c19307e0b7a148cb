"""The xAPI outbox: statements waiting for the Learning Record Store, written in the same
transaction as the learning event they describe and sent later by the worker."""

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow
from .base import UTCDateTime


class XapiStatement(db.Model):
    __tablename__ = "xapi_statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    # uuid5 of the event: the same event is one row here and one statement in the LRS.
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    statement: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[object | None] = mapped_column(UTCDateTime, index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")

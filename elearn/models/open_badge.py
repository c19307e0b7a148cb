"""The Open Badges side of a certificate.

One row per certificate that has been turned into a credential: its bit in the status list
(never reused) and the salt of the holder's hashed NIP."""

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow
from .base import UTCDateTime


class OpenBadge(db.Model):
    __tablename__ = "open_badges"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("certificates.id", ondelete="CASCADE"), unique=True
    )
    status_index: Mapped[int] = mapped_column(Integer, unique=True)
    salt: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

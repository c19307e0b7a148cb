"""API tokens of people and services (only a hash of the secret is kept)."""

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow
from .base import UTCDateTime
from .user import User

SCOPES = ("reports:read", "people:sync")


class ApiToken(db.Model):
    """A bearer token for /api/v1: owned by a person (sees what that person sees on the web)
    or by a named service. The secret is shown once; sha256 of it is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    service_name: Mapped[str] = mapped_column(String(100), default="")
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[object | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[object | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[object | None] = mapped_column(UTCDateTime)

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

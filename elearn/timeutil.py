"""Time helpers: store UTC (timezone-aware), show the instance's zone (Asia/Jakarta by default)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow():
    return datetime.now(UTC)


def as_utc(value):
    """Aware UTC datetime; SQLite hands back naive values that were stored as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def local_time(value):
    """A stored datetime in the instance's zone."""
    if value is None:
        return None
    return as_utc(value).astimezone(ZoneInfo(current_app.config["TIMEZONE"]))

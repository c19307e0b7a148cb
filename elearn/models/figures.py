"""The team dashboard's summary per unit, kept for large instances (elearn/supervision/figures.py):
the same figures the dashboard computes, refreshed by the worker, read instead of a GROUP BY over
every person when a view covers more people than TEAM_FIGURES_MIN_PEOPLE."""

from sqlalchemy import Date, ForeignKey, Index, Integer, func
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow
from .base import UTCDateTime
from .user import User


class UnitFigures(db.Model):
    __tablename__ = "unit_figures"
    __table_args__ = (Index("ix_unit_figures_year_unit", "year", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    day: Mapped[object] = mapped_column(Date)  # the day "overdue" was counted for
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    head: Mapped[int] = mapped_column(Integer)
    at_target: Mapped[int] = mapped_column(Integer)
    assigned: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer)
    overdue: Mapped[int] = mapped_column(Integer)
    overdue_people: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)


# The people list's default order (name, then id) read from an index, not a sort of everyone.
Index("ix_users_name_lower", func.lower(User.full_name), User.id)

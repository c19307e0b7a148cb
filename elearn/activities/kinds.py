"""Kinds of development activity and their JP rule: the shipped list (data/kinds.yml) and the
credit a rule gives. Pure apart from `ensure_kinds` and `active_kinds`."""

import functools
import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml
from flask import current_app
from flask_babel import get_locale
from sqlalchemy import select

from ..extensions import db
from ..models import ActivityKind, DurationUnit

DATA = Path(__file__).parent / "data" / "kinds.yml"
FIELDS = ("name", "name_en", "source", "jp_per_day", "cap_per_activity", "cap_per_year",
          "siasn_type_id", "siasn_certificate_kind")  # fmt: skip


@functools.cache
def _shipped():
    with DATA.open(encoding="utf-8") as f:
        return tuple(yaml.safe_load(f))


def shipped_kinds():
    """The shipped kinds (read once per process): a list of dicts the caller may change."""
    return [dict(row) for row in _shipped()]


def ensure_kinds():
    """Add the shipped kinds an instance does not have yet (by code); never changes a kind
    an admin edited. Returns the number added. Flushes."""
    have = set(db.session.scalars(select(ActivityKind.code)))
    added = 0
    for position, row in enumerate(shipped_kinds(), start=1):
        if row["code"] in have:
            continue
        kind = ActivityKind(code=row["code"], position=position * 10)
        for name in FIELDS:
            if name in row:
                setattr(kind, name, row[name])
        db.session.add(kind)
        added += 1
    db.session.flush()
    return added


def active_kinds():
    """The kinds a person can choose, shipped ones loaded on first use."""
    order = (ActivityKind.position, ActivityKind.id)
    kinds = db.session.scalars(select(ActivityKind).where(ActivityKind.active).order_by(*order))
    kinds = kinds.all()
    if not kinds and ensure_kinds():
        return active_kinds()
    return kinds


def kind_label(kind):
    """The kind's name in the interface's language (Indonesian unless English is chosen)."""
    locale = str(get_locale() or "id")
    return kind.name_en if locale.startswith("en") and kind.name_en else kind.name


@dataclass
class Credit:
    jp: int  # what the activity counts, the per-activity cap applied
    uncapped: int  # what the rule gives before the cap
    basis: str  # "day" or "hour": how it was computed
    capped: bool


def credit(kind, amount, unit, minutes_per_jp=None):
    """The JP `kind`'s rule gives `amount` days or hours (Decimal), or None when the kind
    cannot be counted in that unit (a kind without JP per day is counted in hours).

    Days: amount x JP per day. Hours: amount x 60 / the JP length (45 minutes by default).
    Rounded down to whole JP (the record carries whole hours of learning), then capped."""
    amount = Decimal(str(amount))
    if unit == DurationUnit.DAY:
        if not kind.jp_per_day:
            return None
        raw = amount * kind.jp_per_day
    else:
        minutes = minutes_per_jp or int(current_app.config["JP_MINUTES"])
        raw = amount * 60 / minutes
    uncapped = math.floor(raw + Decimal("0.000001"))  # 1.5 h x 60 / 45 is exactly 2
    cap = kind.cap_per_activity
    jp = min(uncapped, cap) if cap is not None else uncapped
    return Credit(jp=jp, uncapped=uncapped, basis=str(unit), capped=jp < uncapped)

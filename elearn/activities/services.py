"""Development activities a person records (a seminar, a workshop, self-study...), checked
against their kind's JP rule, with evidence, and the supervisor's decision; the admin's
editor of the kinds.

An activity is saved PENDING with the JP its kind's rule gives at that moment (Activity.jp);
only approved ones count, and only learn/jp.py counts them. Every change carries the
revision the page was read at and is one conditional UPDATE, so a form from an older page
(another tab, a decision taken meanwhile) is refused instead of overwriting. Services flush,
never commit, and take people and times as arguments (no request objects).
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal

from flask import current_app
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, or_, select, update
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from ..extensions import db
from ..i18n import local_date
from ..models import (
    Activity,
    ActivityEvidence,
    ActivityKind,
    ActivityOrigin,
    ActivitySource,
    ActivityStatus,
    Competency,
    DurationUnit,
    Partner,
    Role,
    Unit,
    User,
    UserRole,
    audit,
    supervised_units,
)
from ..models import NotificationKind as K
from ..notifications.services import (
    deciders_for,
    internal_path,
    notify,
    notify_approval_needed,
    resolve_approval,
)
from ..timeutil import local_time, utcnow
from . import evidence as E
from .kinds import active_kinds, credit, ensure_kinds, kind_label

TITLE_MIN, TITLE_MAX = 3, 200
NAME_MAX = 200
REFLECTION_MAX = 2000
NOTE_MAX = 2000
MAX_COMPETENCIES = 5
MAX_AMOUNT = Decimal("9999.99")  # Numeric(7, 2); the period's length limits it long before
EARLIEST = date(2000, 1, 1)  # a date before this is a typing mistake
OVERLAPS_SHOWN = 5

ORGANISER_UNIT, ORGANISER_PARTNER, ORGANISER_NAME = "unit", "partner", "name"
ORGANISERS = (ORGANISER_UNIT, ORGANISER_PARTNER, ORGANISER_NAME)
APPROVE, RETURN = "approve", "return"

STATUS_LABELS = {
    ActivityStatus.PENDING: _l("Awaiting approval"),
    ActivityStatus.APPROVED: _l("Approved"),
    ActivityStatus.RETURNED: _l("Returned for changes"),
}
STATUS_CLASSES = {
    ActivityStatus.PENDING: "badge-progress",
    ActivityStatus.APPROVED: "badge-ok",
    ActivityStatus.RETURNED: "badge-warn",
}
SOURCE_LABELS = {
    ActivitySource.FORMAL: _l("Formal learning (10)"),
    ActivitySource.SOCIAL: _l("Coaching and mentoring (20)"),
    ActivitySource.WORKPLACE: _l("On the job (70)"),
}
# The fields whose errors matter to the credit the rule proposes ("Work out the JP").
CREDIT_FIELDS = ("kind_id", "start_date", "end_date", "duration_amount", "duration_unit")


class ActivityError(Exception):
    """A change refused; `message` says why (in the user's language), nothing was changed.
    `field` names the form field the message belongs to, if any."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class Invalid(ActivityError):
    """Several fields refused at once: `errors` is {field: message} (the first is the
    exception's own message)."""

    def __init__(self, errors):
        first_field, first = next(iter(errors.items()))
        super().__init__(first, first_field)
        self.errors = dict(errors)


class StaleActivity(ActivityError):
    def __init__(self):
        super().__init__(
            _l(
                "The activity was changed meanwhile (in another tab or by a decision). "
                "Nothing was saved: check the activity as it is now, then try again."
            )
        )


class Overlap(ActivityError):
    """Activities of the same kind on overlapping dates exist: saved only when confirmed."""

    def __init__(self, others):
        first = others[0]
        super().__init__(
            _l(
                "You already recorded “%(title)s” (%(start)s to %(end)s) as this kind of "
                "activity on overlapping dates. If this is another activity, tick “Save "
                "anyway” and save again.",
                title=first.title,
                start=local_date(first.start_date),
                end=local_date(first.end_date),
            ),
            "save_anyway",
        )
        self.others = list(others)


@dataclass
class ActivityInput:
    """What a person typed into the activity form, parsed (None: empty; see forms.py)."""

    kind_id: int | None = None
    title: str = ""
    organiser: str = ""  # one of ORGANISERS; empty: the one filled in
    organiser_unit_id: int | None = None
    partner_id: int | None = None
    organiser_name: str = ""
    start_date: date | None = None
    end_date: date | None = None
    amount: Decimal | None = None  # a negative amount stands for "not a number"
    unit: str = DurationUnit.DAY
    reflection: str = ""
    competency_ids: list = field(default_factory=list)
    save_anyway: bool = False
    remove_evidence: list = field(default_factory=list)  # evidence ids (on edit)


@dataclass
class Checked:
    kind: ActivityKind
    title: str
    organiser_unit: Unit | None
    partner: Partner | None
    organiser_name: str
    start_date: date
    end_date: date
    amount: Decimal
    unit: str
    reflection: str
    competencies: list
    credit: object  # kinds.Credit


def status_label(status):
    return STATUS_LABELS.get(status, status or "")


def jp_minutes():
    return int(current_app.config["JP_MINUTES"])


def today_of(now=None):
    """The calendar day in the instance's zone ("not after today" is a day there)."""
    return local_time(now or utcnow()).date()


def kind_rule(kind, minutes=None):
    """The kind's JP rule in words: [how it is counted, caps...]."""
    minutes = minutes or jp_minutes()
    if kind.jp_per_day:
        parts = [
            _l(
                "%(jp)d JP per day, or hours ÷ the JP length (%(minutes)d minutes)",
                jp=kind.jp_per_day,
                minutes=minutes,
            )
        ]
    else:
        parts = [
            _l(
                "hours ÷ the JP length (%(minutes)d minutes); not counted in days",
                minutes=minutes,
            )
        ]
    if kind.cap_per_activity is not None:
        parts.append(_l("at most %(jp)d JP per activity", jp=kind.cap_per_activity))
    if kind.cap_per_year is not None:
        parts.append(_l("at most %(jp)d JP a year", jp=kind.cap_per_year))
    return parts


# Checking ----------------------------------------------------------------------------------------
def _two_decimals(amount):
    return amount == amount.quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def _days(start, end):
    return (end - start).days + 1


def _check(person, data, today, activity=None):
    """(Checked or None, {field: message}): every field checked, every problem named."""
    errors = {}

    def refuse(name, message):
        errors.setdefault(name, message)

    kind = db.session.get(ActivityKind, data.kind_id) if data.kind_id else None
    keeps_kind = activity is not None and kind is not None and activity.kind_id == kind.id
    if kind is None or not (kind.active or keeps_kind):
        refuse("kind_id", _l("Choose the kind of activity."))
        kind = None

    title = " ".join((data.title or "").split())
    if not title:
        refuse("title", _l("Write the title of the activity."))
    elif len(title) < TITLE_MIN:
        refuse("title", _l("The title needs at least %(min)d characters.", min=TITLE_MIN))
    elif len(title) > TITLE_MAX:
        refuse("title", _l("The title can be at most %(max)d characters long.", max=TITLE_MAX))

    unit_obj, partner, organiser_name = _organiser(data, activity, refuse)

    start, end = data.start_date, data.end_date
    if start is None:
        refuse("start_date", _l("Enter the first day of the activity."))
    if end is None:
        refuse("end_date", _l("Enter the last day of the activity."))
    for name, value in (("start_date", start), ("end_date", end)):
        if value is not None and value < EARLIEST:
            refuse(name, _l("Enter a date from %(year)d onwards.", year=EARLIEST.year))
        elif value is not None and value > today:
            refuse(
                name,
                _l(
                    "The activity must have taken place: %(date)s is after today. Record it "
                    "once it is over.",
                    date=local_date(value),
                ),
            )
    if start is not None and end is not None and end < start:
        refuse("end_date", _l("The last day cannot be before the first day."))
    dates_ok = not ({"start_date", "end_date"} & set(errors))

    amount = _amount(data, kind, start, end, dates_ok, refuse)

    reflection = (data.reflection or "").strip()
    if not reflection:
        refuse("reflection", _l("Write a short reflection: what you learned and how you use it."))
    elif len(reflection) > REFLECTION_MAX:
        refuse(
            "reflection",
            _l("The reflection can be at most %(max)d characters long.", max=REFLECTION_MAX),
        )

    competencies = _competencies(data.competency_ids, activity, refuse)

    if errors:
        return None, errors
    return Checked(
        kind=kind,
        title=title,
        organiser_unit=unit_obj,
        partner=partner,
        organiser_name=organiser_name,
        start_date=start,
        end_date=end,
        amount=amount,
        unit=data.unit,
        reflection=reflection,
        competencies=competencies,
        credit=credit(kind, amount, data.unit),
    ), {}


def _organiser(data, activity, refuse):
    """(unit, partner, typed name): exactly one of them, the one the person chose."""
    name = " ".join((data.organiser_name or "").split())
    chosen = data.organiser if data.organiser in ORGANISERS else ""
    if not chosen:  # no choice sent (an old page, a script): the one filled in
        filled = [
            k
            for k, v in (
                (ORGANISER_UNIT, data.organiser_unit_id),
                (ORGANISER_PARTNER, data.partner_id),
                (ORGANISER_NAME, name),
            )
            if v
        ]
        chosen = filled[0] if len(filled) == 1 else ""
    if chosen == ORGANISER_UNIT:
        unit = db.session.get(Unit, data.organiser_unit_id) if data.organiser_unit_id else None
        if unit is None:
            refuse("organiser_unit_id", _l("Choose the unit that organised the activity."))
        return unit, None, ""
    if chosen == ORGANISER_PARTNER:
        partner = db.session.get(Partner, data.partner_id) if data.partner_id else None
        keeps = activity is not None and partner is not None and activity.partner_id == partner.id
        if partner is None or not (partner.active or keeps):
            refuse("partner_id", _l("Choose the partner that organised the activity."))
            partner = None
        return None, partner, ""
    if chosen == ORGANISER_NAME:
        if not name:
            refuse("organiser_name", _l("Write the name of the organiser."))
        elif len(name) > NAME_MAX:
            refuse(
                "organiser_name",
                _l("The organiser's name can be at most %(max)d characters long.", max=NAME_MAX),
            )
        return None, None, name
    refuse(
        "organiser",
        _l("Say who organised the activity: a unit of the agency, a partner or another name."),
    )
    return None, None, ""


def _amount(data, kind, start, end, dates_ok, refuse):
    amount = data.amount
    if data.unit not in (DurationUnit.DAY, DurationUnit.HOUR):
        refuse("duration_unit", _l("Say whether the duration is in days or in hours."))
        return None
    if amount is None:
        refuse("duration_amount", _l("Enter how long the activity lasted."))
        return None
    if amount <= 0 or amount > MAX_AMOUNT:
        refuse(
            "duration_amount",
            _l("The duration must be a number greater than 0, for example 2 or 1,5."),
        )
        return None
    if not _two_decimals(amount):
        refuse("duration_amount", _l("The duration can have at most 2 decimals."))
        return None
    if kind is not None and data.unit == DurationUnit.DAY and not kind.jp_per_day:
        refuse(
            "duration_unit",
            _l(
                "%(kind)s is counted in hours only: enter the duration in hours.",
                kind=kind_label(kind),
            ),
        )
        return None
    if dates_ok and start is not None and end is not None:
        days = _days(start, end)
        if data.unit == DurationUnit.DAY and amount > days:
            refuse(
                "duration_amount",
                _l(
                    "%(amount)s days is more than the %(days)d calendar days from the first "
                    "to the last day.",
                    amount=number(amount),
                    days=days,
                ),
            )
            return None
        if data.unit == DurationUnit.HOUR and amount > 24 * days:
            refuse(
                "duration_amount",
                _l(
                    "%(amount)s hours is more than the %(hours)d hours from the first to the "
                    "last day.",
                    amount=number(amount),
                    hours=24 * days,
                ),
            )
            return None
    return amount


def _competencies(ids, activity, refuse):
    ids = list(dict.fromkeys(i for i in ids or () if i))
    if not ids:
        return []
    if len(ids) > MAX_COMPETENCIES:
        refuse(
            "competency_ids",
            _l("Choose at most %(max)d competencies.", max=MAX_COMPETENCIES),
        )
        return []
    kept = {c.id for c in activity.competencies} if activity is not None else set()
    found = db.session.scalars(select(Competency).where(Competency.id.in_(ids))).all()
    usable = [c for c in found if c.active or c.id in kept]
    if len(usable) != len(ids):
        refuse("competency_ids", _l("Choose competencies from the dictionary."))
        return []
    return sorted(usable, key=lambda c: c.name.lower())


def number(amount):
    """A duration as people write it in the interface's language: 2, 1,5 (or 1.5)."""
    return format_decimal(Decimal(amount).normalize(), format="#,##0.##")


def check(person, data, today, activity=None):
    """The checked record, or Invalid naming every problem."""
    checked, errors = _check(person, data, today, activity)
    if errors:
        raise Invalid(errors)
    return checked


def preview(person, data, today, activity=None):
    """(credit or None, {field: message} of the fields the credit depends on): what
    "Work out the JP" shows, without saving anything. Dates not entered yet are no
    problem here (the credit does not need them); dates entered wrong are named."""
    checked, errors = _check(person, data, today, activity)
    if checked is not None:
        return checked.credit, {}
    empty = {"start_date": data.start_date is None, "end_date": data.end_date is None}
    errors = {k: v for k, v in errors.items() if k in CREDIT_FIELDS and not empty.get(k)}
    if {"kind_id", "duration_amount", "duration_unit"} & set(errors):
        return None, errors
    kind = db.session.get(ActivityKind, data.kind_id)
    return credit(kind, data.amount, data.unit), errors


def overlapping(person_id, kind_id, start, end, exclude_id=None):
    """The person's activities of this kind whose dates overlap [start, end], any status."""
    stmt = select(Activity).where(
        Activity.user_id == person_id,
        Activity.kind_id == kind_id,
        Activity.start_date <= end,
        Activity.end_date >= start,
    )
    if exclude_id is not None:
        stmt = stmt.where(Activity.id != exclude_id)
    return db.session.scalars(
        stmt.order_by(Activity.start_date, Activity.id).limit(OVERLAPS_SHOWN)
    ).all()


def _files(uploads, keep=()):
    """The uploads checked; ActivityError on the evidence field when one is refused."""
    cfg = current_app.config
    try:
        return E.check_files(
            uploads,
            int(cfg["ACTIVITY_EVIDENCE_MAX_FILES"]),
            int(cfg["ACTIVITY_EVIDENCE_MAX_BYTES"]),
            keep,
        )
    except E.EvidenceRefused as exc:
        raise ActivityError(exc.message, "evidence") from None


def _check_all(person, data, uploads, today, activity=None, keep=()):
    """Fields and files together (every problem at once), then the overlap warning."""
    checked, errors = _check(person, data, today, activity)
    files = []
    try:
        files = _files(uploads, keep)
    except ActivityError as exc:
        errors["evidence"] = exc.message
    if errors:
        raise Invalid(errors)
    if not data.save_anyway:
        others = overlapping(
            person.id,
            checked.kind.id,
            checked.start_date,
            checked.end_date,
            activity.id if activity is not None else None,
        )
        if others:
            raise Overlap(others)
    return checked, files


def _apply(activity, checked):
    activity.kind_id = checked.kind.id
    activity.kind = checked.kind
    activity.title = checked.title
    activity.organiser_unit = checked.organiser_unit
    activity.partner = checked.partner
    activity.organiser_name = checked.organiser_name
    activity.start_date = checked.start_date
    activity.end_date = checked.end_date
    activity.duration_amount = checked.amount
    activity.duration_unit = checked.unit
    activity.jp = checked.credit.jp
    activity.reflection = checked.reflection
    activity.competencies = checked.competencies


def _ask_deciders(person, activity, now):
    return notify_approval_needed(
        person,
        "activity",
        activity.title,
        internal_path("activities.detail", activity_id=activity.id),
        f"activity:{activity.id}:r{activity.revision}",
        now=now,
    )


# Recording ---------------------------------------------------------------------------------------
def record(person, data, uploads, now=None):
    """A new PENDING activity of `person` with its evidence (one transaction: a refused file
    refuses the whole record), announced to the people who decide."""
    now = now or utcnow()
    checked, files = _check_all(person, data, uploads, today_of(now))
    activity = Activity(
        user_id=person.id,
        origin=ActivityOrigin.SELF,
        status=ActivityStatus.PENDING,
        revision=1,
        created_at=now,
        updated_at=now,
    )
    _apply(activity, checked)
    db.session.add(activity)
    db.session.flush()
    E.attach(activity, files, now)
    _ask_deciders(person, activity, now)
    return activity


def _own(person, activity):
    if activity is None or activity.user_id != person.id:
        raise ActivityError(_l("Only the person who recorded an activity can change it."))
    if activity.origin != ActivityOrigin.SELF:
        raise ActivityError(
            _l(
                "This activity comes from a mentoring session or a project: it is changed "
                "there, not here."
            )
        )


def _claim(activity, revision, now):
    """Move the activity to the next revision if it is still at `revision` (one conditional
    UPDATE: of two saves at once, one passes); else StaleActivity."""
    if revision != activity.revision:
        raise StaleActivity()
    result = db.session.execute(
        update(Activity)
        .where(Activity.id == activity.id, Activity.revision == revision)
        .values(revision=revision + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleActivity()
    db.session.refresh(activity, ["revision", "updated_at"])


def edit(person, activity, data, revision, uploads, now=None):
    """Change one's own activity. An approved or returned activity becomes PENDING again
    (the decision cleared, the people who decide asked again, JP by the kind's current
    rule); an approved one stops counting until approved again."""
    now = now or utcnow()
    _own(person, activity)
    if revision != activity.revision:
        raise StaleActivity()
    removed = {e.id for e in activity.evidence} & set(data.remove_evidence or ())
    keep = [e.sha256 for e in activity.evidence if e.id not in removed]
    checked, files = _check_all(person, data, uploads, today_of(now), activity, keep)
    _claim(activity, revision, now)
    was, jp_before = activity.status, activity.jp
    for row in [e for e in activity.evidence if e.id in removed]:
        activity.evidence.remove(row)
    _apply(activity, checked)
    E.attach(activity, files, now)
    if was != ActivityStatus.PENDING:
        activity.status = ActivityStatus.PENDING
        activity.decided_by_id = None
        activity.decided_at = None
        activity.decision_note = ""
    if was == ActivityStatus.APPROVED:  # the JP it counted are gone until approved again
        audit(person, "activity.edit", activity, was=was, jp_before=jp_before, jp=activity.jp)
    db.session.flush()
    if was != ActivityStatus.PENDING:
        _ask_deciders(person, activity, now)
    return activity


def withdraw(person, activity, revision):
    """Delete one's own activity, unless approved (it counts in the JP: a decider's)."""
    _own(person, activity)
    if revision != activity.revision:
        raise StaleActivity()
    if activity.status == ActivityStatus.APPROVED:
        raise ActivityError(
            _l(
                "An approved activity cannot be withdrawn: it counts toward your JP. Edit it "
                "if it needs changes (it then waits for approval again)."
            )
        )
    _claim(activity, revision, utcnow())
    activity_id = activity.id
    db.session.delete(activity)
    resolve_approval(f"activity:{activity_id}:")
    db.session.flush()


# Deciding ----------------------------------------------------------------------------------------
def may_decide(viewer, person):
    """The people who decide on a person's activity (notifications.deciders_for: the direct
    supervisor, else the unit's supervisors, else the admins) and admins; never the person."""
    if viewer.id == person.id:
        return False
    if viewer.has_role(Role.ADMIN):
        return True
    return any(u.id == viewer.id for u in deciders_for(person))


def deciders_of(person):
    return [u for u in deciders_for(person) if u.id != person.id]


def decide(viewer, activity, action, note, revision, now=None):
    """Approve a pending activity, or return it with a reason. Audited; the person is told;
    the request no longer waits as unread for the other deciders."""
    person = activity.user
    if viewer.id == person.id:
        raise ActivityError(_l("You cannot decide on your own activity."))
    if not may_decide(viewer, person):
        names = ", ".join(u.full_name for u in deciders_of(person))
        raise ActivityError(
            _l("%(names)s decides on this activity.", names=names)
            if names
            else _l("You do not decide on this activity.")
        )
    if action not in (APPROVE, RETURN):
        raise ActivityError(_l("Choose a decision."))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ActivityError(
            _l("The reason can be at most %(max)d characters long.", max=NOTE_MAX), "note"
        )
    if action == RETURN and not note:
        raise ActivityError(_l("Write the reason for returning the activity."), "note")
    if revision != activity.revision:
        raise StaleActivity()
    if activity.status != ActivityStatus.PENDING:
        raise ActivityError(_l("This activity is not awaiting a decision."))
    now = now or utcnow()
    _claim(activity, revision, now)
    activity.status = ActivityStatus.APPROVED if action == APPROVE else ActivityStatus.RETURNED
    activity.decided_by_id = viewer.id
    activity.decided_at = now
    activity.decision_note = note
    audit(
        viewer,
        f"activity.{action}",
        activity,
        person=person.id,
        kind=activity.kind.code,
        jp=activity.jp,
        note=note,
    )
    link = internal_path("activities.detail", activity_id=activity.id)
    key = f"activity:{activity.id}:{action}:r{activity.revision}"
    if action == APPROVE:
        params = {"title": activity.title, "jp": activity.jp, "by": viewer.full_name}
        notify(person.id, K.ACTIVITY_APPROVED, params, link, key, now)
    else:
        params = {"title": activity.title, "reason": note, "by": viewer.full_name}
        notify(person.id, K.ACTIVITY_RETURNED, params, link, key, now)
    resolve_approval(f"activity:{activity.id}:", now)
    db.session.flush()
    if action == APPROVE:
        from .badges import award_badges

        award_badges([person.id], now=now)
    return activity


# Reading -----------------------------------------------------------------------------------------
def _detail_options():
    return (
        joinedload(Activity.user).joinedload(User.unit),
        joinedload(Activity.kind),
        joinedload(Activity.organiser_unit),
        joinedload(Activity.partner),
        joinedload(Activity.decided_by),
        selectinload(Activity.competencies),
        selectinload(Activity.evidence),
    )


def activity_for(viewer, activity_id):
    """The activity if `viewer` may see it (their own, or of a person in their scope), else
    None (answered 404)."""
    activity = db.session.scalar(
        select(Activity).options(*_detail_options()).where(Activity.id == activity_id)
    )
    if activity is None or not viewer.can_see(activity.user):
        return None
    return activity


def own_activity(person, activity_id):
    """The person's own activity, or None (someone else's is None too)."""
    activity = db.session.scalar(
        select(Activity)
        .options(*_detail_options())
        .where(Activity.id == activity_id, Activity.user_id == person.id)
    )
    return activity


def person_activities(person, year):
    """The person's activities that ended in `year` (an activity's year is its end date's),
    newest first, with their kind and evidence: one query."""
    return (
        db.session.scalars(
            select(Activity)
            .options(joinedload(Activity.kind), joinedload(Activity.evidence))
            .where(
                Activity.user_id == person.id,
                Activity.end_date >= date(year, 1, 1),
                Activity.end_date <= date(year, 12, 31),
            )
            .order_by(Activity.end_date.desc(), Activity.start_date.desc(), Activity.id.desc())
        )
        .unique()
        .all()
    )


def activity_years(person, this_year):
    """The years a person's list can show: this year and every year with an activity, newest
    first (one query)."""
    first, last = db.session.execute(
        select(func.min(Activity.end_date), func.max(Activity.end_date)).where(
            Activity.user_id == person.id
        )
    ).one()
    low = min(first.year, this_year) if first else this_year
    high = max(last.year, this_year) if last else this_year
    return list(range(high, low - 1, -1))


def kind_choices(activity=None):
    """The kinds a person can choose (the shipped ones loaded on first use), plus the kind of
    the activity being edited if an admin has retired it since."""
    kinds = list(active_kinds())
    if activity is not None and activity.kind is not None and activity.kind not in kinds:
        kinds.append(activity.kind)
    return kinds


def unit_choices():
    """[(unit, depth)] of every unit of the agency, in tree order."""
    return Unit.tree()


def partner_choices(activity=None):
    partners = db.session.scalars(
        select(Partner).where(Partner.active.is_(True)).order_by(func.lower(Partner.name))
    ).all()
    if activity is not None and activity.partner is not None and activity.partner not in partners:
        partners.append(activity.partner)
    return partners


def competency_choices(activity=None):
    """(id, name, kind) of the dictionary's active competencies by kind and name, plus those
    of the activity being edited that were retired since."""
    rows = db.session.execute(
        select(Competency.id, Competency.name, Competency.kind)
        .where(Competency.active.is_(True))
        .order_by(Competency.kind, func.lower(Competency.name))
    ).all()
    if activity is not None:
        have = {r[0] for r in rows}
        rows += [(c.id, c.name, c.kind) for c in activity.competencies if c.id not in have]
    return rows


def decidable_condition(viewer):
    """A SQL condition on (User, its unit as `person_unit`) true when `viewer` decides on the
    person's activities: the rule of notifications.deciders_for, in SQL so that a list can
    show and filter it in its one query. Admins decide on everyone's (but their own)."""
    if viewer.has_role(Role.ADMIN):
        return User.id != viewer.id, None
    person_unit = aliased(Unit, name="person_unit")
    roles = select(UserRole.user_id).where(UserRole.role == Role.SUPERVISOR)
    boss = aliased(User, name="boss")
    has_boss = (
        exists()
        .where(
            boss.id == User.supervisor_id,
            boss.active.is_(True),
            boss.id.in_(roles),
            boss.id != User.id,
        )
        .correlate_except(boss)
    )
    mine, theirs = supervised_units.alias("mine"), supervised_units.alias("theirs")
    unit, deeper = aliased(Unit, name="my_unit"), aliased(Unit, name="deeper_unit")
    other = aliased(User, name="other_supervisor")
    nearer = (
        exists()
        .where(
            theirs.c.unit_id == deeper.id,
            theirs.c.user_id == other.id,
            other.active.is_(True),
            other.id.in_(roles),
            other.id != User.id,
            person_unit.path.startswith(deeper.path),
            func.length(deeper.path) > func.length(unit.path),
        )
        .correlate_except(theirs, deeper, other)
    )
    nearest_mine = (
        exists()
        .where(
            mine.c.user_id == viewer.id,
            mine.c.unit_id == unit.id,
            person_unit.path.startswith(unit.path),
            ~nearer,
        )
        .correlate_except(mine, unit)
    )
    direct = and_(User.supervisor_id == viewer.id, has_boss)
    return and_(User.id != viewer.id, or_(direct, and_(~has_boss, nearest_mine))), person_unit


def review_query(viewer, status=ActivityStatus.PENDING, unit=None, mine_only=False):
    """Activities of the people in `viewer`'s scope (never their own), of one status, newest
    first, with the person, their unit's name, the evidence count and whether `viewer` is
    the one who decides: one SELECT to page (supervision.services.paged)."""
    counts = (
        select(ActivityEvidence.activity_id.label("activity_id"), func.count().label("n"))
        .group_by(ActivityEvidence.activity_id)
        .subquery("evidence_counts")
    )
    newest = (
        (Activity.created_at.desc(), Activity.id.desc())
        if status == ActivityStatus.PENDING
        else (Activity.decided_at.desc(), Activity.id.desc())
    )
    decides, person_unit = decidable_condition(viewer)
    person_unit = person_unit if person_unit is not None else aliased(Unit, name="person_unit")
    stmt = (
        select(
            Activity,
            person_unit.name,
            func.coalesce(counts.c.n, 0),
            case((decides, True), else_=False),
        )
        .join(User, User.id == Activity.user_id)
        .join(ActivityKind, ActivityKind.id == Activity.kind_id)
        .outerjoin(person_unit, person_unit.id == User.unit_id)
        .outerjoin(counts, counts.c.activity_id == Activity.id)
        .options(contains_eager(Activity.user), contains_eager(Activity.kind))
        .where(viewer.scope_filter(), Activity.user_id != viewer.id, Activity.status == status)
        .order_by(*newest)
    )
    if unit is not None:
        stmt = stmt.where(User.unit_id.in_(unit.subtree_ids_select()))
    if mine_only:
        stmt = stmt.where(decides)
    return stmt


# Kinds (admin) -----------------------------------------------------------------------------------
CODE_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE_MAX, KIND_NAME_MAX, NUMBER_MAX = 40, 120, 1000


@dataclass
class KindInput:
    """The kind form, parsed: numbers None when empty, -1 when not a whole number."""

    code: str = ""
    name: str = ""
    name_en: str = ""
    source: str = ActivitySource.FORMAL
    jp_per_day: int | None = None
    cap_per_activity: int | None = None
    cap_per_year: int | None = None
    siasn_type_id: int | None = 9
    siasn_certificate_kind: str = "P"
    position: int | None = None
    active: bool = True


def all_kinds():
    """Every kind, retired ones too, in the order people see them (the shipped ones loaded on
    the first visit)."""
    order = (ActivityKind.position, ActivityKind.id)
    kinds = db.session.scalars(select(ActivityKind).order_by(*order)).all()
    if not kinds and ensure_kinds():
        kinds = db.session.scalars(select(ActivityKind).order_by(*order)).all()
    return kinds


def _check_kind(data, kind):
    errors = {}
    code = (data.code or "").strip().lower()
    if kind is None:
        if not code:
            errors["code"] = _l("Enter a code, e.g. seminar-daerah.")
        elif len(code) > CODE_MAX or not CODE_RE.match(code):
            errors["code"] = _l(
                "The code is made of lower-case letters, digits and hyphens (at most "
                "%(max)d characters), e.g. seminar-daerah.",
                max=CODE_MAX,
            )
        elif db.session.scalar(select(ActivityKind.id).where(ActivityKind.code == code)):
            errors["code"] = _l("Another kind has this code.")
    name = " ".join((data.name or "").split())
    name_en = " ".join((data.name_en or "").split())
    if not name:
        errors["name"] = _l("Enter the name of the kind.")
    elif len(name) > KIND_NAME_MAX:
        errors["name"] = _l("The name can be at most %(max)d characters long.", max=KIND_NAME_MAX)
    if len(name_en) > KIND_NAME_MAX:
        errors["name_en"] = _l(
            "The name can be at most %(max)d characters long.", max=KIND_NAME_MAX
        )
    if data.source not in set(ActivitySource):
        errors["source"] = _l("Choose the part of the 10:20:70 model.")
    for f in ("jp_per_day", "cap_per_activity", "cap_per_year", "position"):
        value = getattr(data, f)
        if value is not None and not 0 <= value <= NUMBER_MAX:
            errors[f] = _l(
                "Enter a whole number from 0 to %(max)d, or leave it empty.", max=NUMBER_MAX
            )
    if data.siasn_type_id is None or not 1 <= data.siasn_type_id <= 10:
        errors["siasn_type_id"] = _l("Enter the SIASN course-type id, a number from 1 to 10.")
    cert = (data.siasn_certificate_kind or "").strip()
    if len(cert) > 4:
        errors["siasn_certificate_kind"] = _l("At most 4 characters, e.g. P or T.")
    if errors:
        raise Invalid(errors)
    values = {
        "name": name,
        "name_en": name_en,
        "source": data.source,
        "jp_per_day": data.jp_per_day,
        "cap_per_activity": data.cap_per_activity,
        "cap_per_year": data.cap_per_year,
        "siasn_type_id": data.siasn_type_id,
        "siasn_certificate_kind": cert,
        "active": bool(data.active),
    }
    if data.position is not None:
        values["position"] = data.position
    return code, values


def create_kind(actor, data):
    """A new kind (its code is fixed from then on: other parts and the shipped list find
    kinds by code). Audited."""
    code, values = _check_kind(data, None)
    if "position" not in values:
        last = db.session.scalar(select(func.max(ActivityKind.position))) or 0
        values["position"] = last + 10
    kind = ActivityKind(code=code, **values)
    db.session.add(kind)
    db.session.flush()
    audit(actor, "activity_kind.create", kind, code=code, **_audited(values))
    db.session.flush()
    return kind


def edit_kind(actor, kind, data):
    """Change a kind's names, rule, codes or state. Activities already saved keep the JP
    their rule gave then (Activity.jp). Audited with what changed."""
    _code, values = _check_kind(data, kind)
    changes = {}
    for name, value in values.items():
        old = getattr(kind, name)
        if old != value:
            changes[name] = [old, value]
            setattr(kind, name, value)
    if changes:
        audit(actor, "activity_kind.edit", kind, code=kind.code, changes=changes)
    db.session.flush()
    return changes


def _audited(values):
    return {k: v for k, v in values.items() if v is not None}

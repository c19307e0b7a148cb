"""Mentoring and coaching: pairs set up by a supervisor or an admin, sessions logged by either
side and confirmed once by the other. A confirmed session becomes the mentee's approved
activity, credited in JP by the rule of the kind "mentoring" or "coaching".

Services take the actor and the day as arguments, flush and never commit. A refused change
raises MentoringError with the message (in the user's language) and the field it is about.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import aliased, joinedload

from ..extensions import db
from ..i18n import local_date
from ..models import (
    Activity,
    ActivityKind,
    ActivityOrigin,
    ActivityStatus,
    DurationUnit,
    MentoringKind,
    MentoringPair,
    MentoringSession,
    Notification,
    Partner,
    Role,
    Unit,
    User,
    audit,
)
from ..models import NotificationKind as K
from ..nip import clean_nip
from ..notifications.services import internal_path, notify
from ..supervision.services import today as local_today
from ..timeutil import utcnow
from .kinds import credit, ensure_kinds

KIND_LABELS = {
    MentoringKind.MENTORING: _l("Mentoring"),
    MentoringKind.COACHING: _l("Coaching"),
}
GOALS_MAX = 2000
MIN_MINUTES, MAX_MINUTES = 15, 480
TOPIC_MIN, TOPIC_MAX = 3, 200
NEXT_STEP_MAX = 1000
TITLE_MAX = 200  # Activity.title
PAIR_STATUSES = {"active": _l("Running"), "ended": _l("Ended")}


class MentoringError(Exception):
    """A change refused; `message` says why, `field` names the form field (or None)."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class AlreadyConfirmed(MentoringError):
    """The session was confirmed meanwhile (a second click, another tab)."""

    def __init__(self):
        super().__init__(_l("This session had already been confirmed: nothing was changed."))


# People and access -------------------------------------------------------------------------------
def find_person(who, *conditions):
    """The active account with this NIP (spaces and dots allowed) or email, meeting
    `conditions` (SQL on User), or None. One query."""
    who = (who or "").strip()
    if not who:
        return None
    nip = clean_nip(who)
    match = func.lower(User.email) == who.lower()
    if nip.isdigit():
        match = or_(match, User.nip == nip)
    return db.session.scalar(
        select(User)
        .options(joinedload(User.unit), joinedload(User.partner))
        .where(match, User.active.is_(True), *conditions)
    )


def is_manager(viewer):
    """Supervisors and admins set up pairs (for the mentees of their scope)."""
    return viewer.has_role(Role.SUPERVISOR, Role.ADMIN)


def can_manage_pair(viewer, pair):
    """Admins, and supervisors who can see the mentee (not the mentee themselves)."""
    if viewer.has_role(Role.ADMIN):
        return True
    return (
        viewer.has_role(Role.SUPERVISOR)
        and viewer.id != pair.mentee_id
        and viewer.can_see(pair.mentee)
    )


def side_of(viewer, pair):
    """ "mentor", "mentee" or None."""
    if viewer.id == pair.mentor_id:
        return "mentor"
    if viewer.id == pair.mentee_id:
        return "mentee"
    return None


def other_side(pair, user_id):
    """The other person of the pair than `user_id`."""
    return pair.mentee if user_id == pair.mentor_id else pair.mentor


def pair_for(viewer, pair_id):
    """The pair if `viewer` may open it (the mentor, the mentee, supervisors who can see the
    mentee, admins), else None: the route answers 404 either way."""
    pair = db.session.scalar(
        select(MentoringPair)
        .options(
            joinedload(MentoringPair.mentor).joinedload(User.partner),
            joinedload(MentoringPair.mentee).joinedload(User.unit),
        )
        .where(MentoringPair.id == pair_id)
    )
    if pair is None:
        return None
    if side_of(viewer, pair) or viewer.has_role(Role.ADMIN):
        return pair
    if viewer.has_role(Role.SUPERVISOR) and viewer.can_see(pair.mentee):
        return pair
    return None


def session_for(viewer, session_id):
    """(session, pair) if `viewer` may open the session's pair, else (None, None)."""
    pair_id = db.session.scalar(
        select(MentoringSession.pair_id).where(MentoringSession.id == session_id)
    )
    pair = pair_for(viewer, pair_id) if pair_id is not None else None
    if pair is None:
        return None, None
    return db.session.get(MentoringSession, session_id), pair


def mentor_label(user):
    """The mentor's name, with their partner organisation if they come from one."""
    if user.partner is not None:
        return f"{user.full_name} ({user.partner.name})"
    return user.full_name


# Pairs -------------------------------------------------------------------------------------------
def _text(value):
    return (value or "").strip()


def create_pair(actor, mentor_who, mentee_who, kind, goals, starts_on, ends_on):
    """Pair a mentor (any active account: a colleague or a partner's person) with a mentee of
    the actor's scope. Returns the pair. Audited "mentoring_pair.create"."""
    if kind not in set(MentoringKind):
        raise MentoringError(_l("Choose mentoring or coaching."), "kind")
    mentee = find_person(mentee_who, actor.scope_filter())
    if mentee is None or (not actor.has_role(Role.ADMIN) and not actor.can_see(mentee)):
        raise MentoringError(
            _l("Nobody with this NIP or email was found among the people you supervise."),
            "mentee",
        )
    if mentee.id == actor.id:
        raise MentoringError(
            _l("You cannot set up your own mentoring: your supervisor pairs you."), "mentee"
        )
    mentor = find_person(mentor_who)
    if mentor is None:
        raise MentoringError(_l("No active account with this NIP or email was found."), "mentor")
    if mentor.id == mentee.id:
        raise MentoringError(_l("The mentor and the mentee must be two people."), "mentor")
    goals = _text(goals)
    if len(goals) > GOALS_MAX:
        raise MentoringError(
            _l("Write the goals in at most %(num)d characters.", num=GOALS_MAX), "goals"
        )
    if starts_on is None:
        raise MentoringError(_l("Enter the first day of the period."), "starts_on")
    if ends_on is None:
        raise MentoringError(_l("Enter the last day of the period."), "ends_on")
    if ends_on < starts_on:
        raise MentoringError(_l("The period cannot end before it starts."), "ends_on")
    twin = db.session.scalar(
        select(MentoringPair.id).where(
            MentoringPair.mentor_id == mentor.id,
            MentoringPair.mentee_id == mentee.id,
            MentoringPair.kind == str(kind),
            MentoringPair.active.is_(True),
        )
    )
    if twin is not None:
        raise MentoringError(
            _l(
                "%(mentor)s and %(mentee)s already have a running %(kind)s pair: end it first "
                "or log the sessions there.",
                mentor=mentor.full_name,
                mentee=mentee.full_name,
                kind=str(KIND_LABELS[kind]).lower(),
            ),
            "mentor",
        )
    pair = MentoringPair(
        kind=str(kind),
        mentor=mentor,
        mentee=mentee,
        goals=goals,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by_id=actor.id,
        active=True,
    )
    db.session.add(pair)
    db.session.flush()
    audit(
        actor, "mentoring_pair.create", pair, kind=str(kind), mentor_id=mentor.id,
        mentee_id=mentee.id, starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat(),
    )  # fmt: skip
    db.session.flush()
    return pair


def end_pair(actor, pair):
    """End a running pair: no new sessions; those already logged can still be confirmed.
    Audited "mentoring_pair.end". Returns False if it had already ended."""
    if not can_manage_pair(actor, pair):
        raise MentoringError(_l("Only a supervisor of the mentee or an admin can end the pair."))
    done = db.session.execute(
        update(MentoringPair)
        .where(MentoringPair.id == pair.id, MentoringPair.active.is_(True))
        .values(active=False)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(pair, ["active"])
    if done:
        audit(actor, "mentoring_pair.end", pair, mentor_id=pair.mentor_id, mentee_id=pair.mentee_id)
        db.session.flush()
    return bool(done)


# Lists -------------------------------------------------------------------------------------------
@dataclass
class PairRow:
    pair: MentoringPair
    mentor_name: str
    mentor_partner: str | None
    mentee_name: str
    mentee_unit: str | None
    confirmed: int
    waiting: int
    last_session: date | None


def _session_stats():
    s = MentoringSession
    return (
        select(
            s.pair_id.label("pair_id"),
            func.count(s.confirmed_at).label("confirmed"),
            func.count().label("logged"),
            func.max(s.held_on).label("last"),
        )
        .group_by(s.pair_id)
        .subquery("session_stats")
    )


def pairs_query(viewer, mine=False, status="", kind="", search=""):
    """Pairs with their figures, running ones first, then the most recent. `mine`: the pairs
    where the viewer is mentor or mentee; else the pairs whose mentee the viewer may see.
    One statement (to be paged); rows for PairRow."""
    mentor, mentee = aliased(User), aliased(User)
    stats = _session_stats()
    stmt = (
        select(
            MentoringPair,
            mentor.full_name,
            Partner.name,
            mentee.full_name,
            Unit.name,
            func.coalesce(stats.c.confirmed, 0),
            func.coalesce(stats.c.logged, 0) - func.coalesce(stats.c.confirmed, 0),
            stats.c.last,
        )
        .join(mentor, mentor.id == MentoringPair.mentor_id)
        .outerjoin(Partner, Partner.id == mentor.partner_id)
        .join(mentee, mentee.id == MentoringPair.mentee_id)
        .outerjoin(Unit, Unit.id == mentee.unit_id)
        .outerjoin(stats, stats.c.pair_id == MentoringPair.id)
    )
    if mine:
        stmt = stmt.where(
            or_(MentoringPair.mentor_id == viewer.id, MentoringPair.mentee_id == viewer.id)
        )
    elif not viewer.has_role(Role.ADMIN):
        scope = select(User.id).where(viewer.scope_filter()).correlate(None)
        stmt = stmt.where(MentoringPair.mentee_id.in_(scope))
    if status == "active":
        stmt = stmt.where(MentoringPair.active.is_(True))
    elif status == "ended":
        stmt = stmt.where(MentoringPair.active.is_(False))
    if kind in set(MentoringKind):
        stmt = stmt.where(MentoringPair.kind == kind)
    for term in _text(search).lower().split()[:5]:
        stmt = stmt.where(
            or_(
                func.lower(mentor.full_name).contains(term, autoescape=True),
                func.lower(mentee.full_name).contains(term, autoescape=True),
            )
        )
    return stmt.order_by(
        MentoringPair.active.desc(), MentoringPair.starts_on.desc(), MentoringPair.id.desc()
    )


def pair_rows(rows):
    return [PairRow(*row) for row in rows]


@dataclass
class SessionRow:
    session: MentoringSession
    logged_by: str
    confirmed_by: str | None
    jp: int | None


def sessions_query(pair):
    """The pair's sessions, newest first, with who logged and confirmed them and the JP the
    confirmation credited. One statement (to be paged)."""
    logger, confirmer = aliased(User), aliased(User)
    return (
        select(MentoringSession, logger.full_name, confirmer.full_name, Activity.jp)
        .join(logger, logger.id == MentoringSession.logged_by_id)
        .outerjoin(confirmer, confirmer.id == MentoringSession.confirmed_by_id)
        .outerjoin(Activity, Activity.id == MentoringSession.activity_id)
        .where(MentoringSession.pair_id == pair.id)
        .order_by(MentoringSession.held_on.desc(), MentoringSession.id.desc())
    )


def session_rows(rows):
    return [SessionRow(*row) for row in rows]


# Sessions ----------------------------------------------------------------------------------------
def _minutes(value):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def log_session(actor, pair, held_on, minutes, topic, next_step, on_day=None):
    """Log a session of `pair` as its mentor or mentee; the other side is asked to confirm it.
    `minutes` may be the text typed. Returns the session."""
    day = on_day or local_today()
    if side_of(actor, pair) is None:
        raise MentoringError(_l("Only the mentor and the mentee log the pair's sessions."))
    if not pair.active:
        raise MentoringError(_l("This pair has ended: no new sessions can be logged."))
    if held_on is None:
        raise MentoringError(_l("Enter the day of the session."), "held_on")
    if held_on > day:
        raise MentoringError(
            _l("A session is logged once it has taken place: choose today or an earlier day."),
            "held_on",
        )
    if not pair.starts_on <= held_on <= pair.ends_on:
        raise MentoringError(
            _l(
                "The session must fall within the pair's period, %(start)s to %(end)s.",
                start=local_date(pair.starts_on),
                end=local_date(pair.ends_on),
            ),
            "held_on",
        )
    minutes = _minutes(minutes)
    if minutes is None or not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise MentoringError(
            _l(
                "Enter the length in minutes, from %(min)d to %(max)d.",
                min=MIN_MINUTES,
                max=MAX_MINUTES,
            ),
            "minutes",
        )
    topic = " ".join(_text(topic).split())
    if not TOPIC_MIN <= len(topic) <= TOPIC_MAX:
        raise MentoringError(
            _l("Name the topic in %(min)d to %(max)d characters.", min=TOPIC_MIN, max=TOPIC_MAX),
            "topic",
        )
    next_step = _text(next_step)
    if len(next_step) > NEXT_STEP_MAX:
        raise MentoringError(
            _l("Write the next step in at most %(num)d characters.", num=NEXT_STEP_MAX),
            "next_step",
        )
    twin = db.session.scalar(
        select(MentoringSession.id).where(
            MentoringSession.pair_id == pair.id,
            MentoringSession.held_on == held_on,
            func.lower(MentoringSession.topic) == topic.lower(),
        )
    )
    if twin is not None:  # the same form sent twice
        raise MentoringError(
            _l("A session on this day with this topic has already been logged."), "topic"
        )
    session = MentoringSession(
        pair_id=pair.id,
        held_on=held_on,
        minutes=minutes,
        topic=topic,
        next_step=next_step,
        logged_by_id=actor.id,
    )
    db.session.add(session)
    db.session.flush()
    notify(
        other_side(pair, actor.id).id,
        K.SESSION_TO_CONFIRM,
        {"title": topic, "due": held_on.isoformat(), "by": actor.full_name},
        internal_path("activities.pair", pair_id=pair.id),
        _session_key(session),
    )
    return session


def _session_key(session):
    return f"session:{session.id}"


def delete_session(actor, session):
    """Delete an unconfirmed session its logger logged by mistake, with the other side's
    request to confirm it. Audited "mentoring_session.delete"."""
    if session.logged_by_id != actor.id:
        raise MentoringError(_l("Only the person who logged the session can delete it."))
    done = db.session.execute(
        delete(MentoringSession)
        .where(
            MentoringSession.id == session.id,
            MentoringSession.logged_by_id == actor.id,
            MentoringSession.confirmed_at.is_(None),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        raise MentoringError(_l("A confirmed session stays: it is already an activity."))
    db.session.execute(
        delete(Notification)
        .where(
            Notification.kind == K.SESSION_TO_CONFIRM,
            Notification.dedupe_key == _session_key(session),
        )
        .execution_options(synchronize_session=False)
    )
    audit(
        actor, "mentoring_session.delete", session, pair_id=session.pair_id,
        held_on=session.held_on.isoformat(), topic=session.topic,
    )  # fmt: skip
    db.session.expunge(session)
    db.session.flush()


def activity_kind(code):
    """The kind with this code, the shipped kinds loaded first if it is missing."""
    kind = db.session.scalar(select(ActivityKind).where(ActivityKind.code == code))
    if kind is None:
        ensure_kinds()
        kind = db.session.scalar(select(ActivityKind).where(ActivityKind.code == code))
    return kind


def _title(*parts, sep=": "):
    title = sep.join(parts)
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…"


def confirm_session(actor, session, now=None):
    """The other side (never the logger) confirms the session, exactly once: a conditional
    UPDATE, so two clicks or two tabs give one confirmation. The session becomes the mentee's
    approved activity (the confirmation by the other side of a pair a supervisor set up is
    the check). Audited "mentoring_session.confirm". Returns the activity; raises
    AlreadyConfirmed when it had been confirmed already."""
    now = now or utcnow()
    pair = session.pair
    if side_of(actor, pair) is None:
        raise MentoringError(_l("Only the mentor and the mentee confirm the pair's sessions."))
    if session.logged_by_id == actor.id:
        raise MentoringError(
            _l(
                "You logged this session: %(name)s confirms it.",
                name=other_side(pair, actor.id).full_name,
            )
        )
    done = db.session.execute(
        update(MentoringSession)
        .where(
            MentoringSession.id == session.id,
            MentoringSession.confirmed_at.is_(None),
            MentoringSession.logged_by_id != actor.id,
        )
        .values(confirmed_by_id=actor.id, confirmed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        raise AlreadyConfirmed()
    kind = activity_kind(pair.kind)
    hours = Decimal(session.minutes) / Decimal(60)
    jp = credit(kind, hours, DurationUnit.HOUR).jp
    activity = Activity(
        user_id=pair.mentee_id,
        kind_id=kind.id,
        origin=ActivityOrigin.MENTORING,
        title=_title(kind.name, session.topic),
        organiser_name=mentor_label(pair.mentor)[:TITLE_MAX],
        start_date=session.held_on,
        end_date=session.held_on,
        duration_amount=hours.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        duration_unit=DurationUnit.HOUR,
        jp=jp,
        reflection=session.next_step,
        status=ActivityStatus.APPROVED,
        decided_by_id=actor.id,
        decided_at=now,
        created_at=now,
        updated_at=now,
    )
    db.session.add(activity)
    db.session.flush()
    db.session.execute(
        update(MentoringSession)
        .where(MentoringSession.id == session.id)
        .values(activity_id=activity.id)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(session, ["confirmed_by_id", "confirmed_at", "activity_id"])
    # The request to confirm is answered.
    db.session.execute(
        update(Notification)
        .where(
            Notification.user_id == actor.id,
            Notification.dedupe_key == _session_key(session),
            Notification.read_at.is_(None),
        )
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    if actor.id == pair.mentor_id:  # the mentee logged it: tell them it counts now
        notify(
            pair.mentee_id,
            K.ACTIVITY_APPROVED,
            {"title": activity.title, "jp": jp, "by": actor.full_name},
            internal_path("activities.detail", activity_id=activity.id),
            f"activity-approved:{activity.id}",
            now,
        )
    audit(
        actor, "mentoring_session.confirm", session, pair_id=pair.id, activity_id=activity.id,
        mentee_id=pair.mentee_id, minutes=session.minutes, jp=jp,
    )  # fmt: skip
    db.session.flush()
    from .badges import award_badges

    # The session's year gets its JP: a December session confirmed in January counts there.
    years = {session.held_on.year, local_today().year}
    award_badges([pair.mentor_id, pair.mentee_id], now=now, years=years)
    return activity

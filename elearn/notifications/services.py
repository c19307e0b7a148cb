"""Creating, listing and reading in-app notifications.

`notify` is the one way in: it writes one row per person with INSERT ... ON CONFLICT DO NOTHING
on (person, dedupe key), so an event announced twice (cron running twice a day, two requests
at once) gives one notification. Services flush and never commit, and take people as
arguments (no request objects).
"""

import functools
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, func, select, update
from werkzeug.routing import BuildError

from ..auth.services import is_safe_next
from ..dbutil import insert_many_if_absent
from ..extensions import db
from ..models import Notification, Role, User, UserRole, supervised_units
from ..models import NotificationKind as K
from ..timeutil import utcnow


def internal_path(endpoint, **values):
    """The path of `endpoint` relative to the application's root ("/learn/etika-asn"), built
    without a request (the reminders run from cron). The list page prefixes the root it is
    served under; the host never enters a notification."""
    adapter = current_app.url_map.bind("localhost", script_name="/")
    try:
        return adapter.build(endpoint, values)
    except BuildError:
        return ""


def is_internal_path(link):
    """Only paths of this application are followed (never another site, even if a row was
    written by mistake with one): the sign-in's `next` rule, and no control characters (a
    redirect's Location header)."""
    return isinstance(link, str) and link.isprintable() and is_safe_next(link)


def notify(user_ids, kind, params, link, dedupe_key, now=None):
    """Notify one person (an id) or several of one event. Returns how many notifications were
    made (people already notified under `dedupe_key` are skipped)."""
    if isinstance(user_ids, int):
        user_ids = [user_ids]
    now = now or utcnow()
    link = link if is_internal_path(link) else ""
    rows = [
        {
            "user_id": uid,
            "kind": kind,
            "params": dict(params),
            "link": link,
            "dedupe_key": dedupe_key[:200],
            "created_at": now,
        }
        for uid in dict.fromkeys(user_ids)
    ]
    return insert_many_if_absent(Notification, rows, ["user_id", "dedupe_key"])


# Events ------------------------------------------------------------------------------------------
def notify_assigned(actor, course, user_ids, due_date, now=None):
    """People reached by a new assignment of `course` (the one who assigned it is not told).
    One notification per course and due date, however many assignments reached a person."""
    version = course.current_version
    params = {
        "title": version.title if version is not None else course.slug,
        "due": due_date.isoformat(),
        "by": actor.full_name if actor is not None else "",
    }
    actor_id = actor.id if actor is not None else None
    return notify(
        [uid for uid in user_ids if uid != actor_id],
        K.ASSIGNED,
        params,
        internal_path("catalog.course", slug=course.slug),
        f"assigned:{course.id}:{due_date.isoformat()}",
        now,
    )


def notify_certificate(certificate):
    return notify(
        certificate.user_id,
        K.CERTIFICATE_ISSUED,
        {"title": certificate.course_title, "number": certificate.number},
        internal_path("certificates.index"),
        f"certificate:{certificate.number}",
        certificate.issued_at,
    )


def notify_due_items(learner, day, now=None):
    """The reminders' courses of a learner (due soon or overdue): one notification per course,
    kind and due date, whatever the number of runs (the mails go out daily; the bell does not
    fill up with the same course). Returns how many were made."""
    made = 0
    for item in learner.items:
        kind = K.OVERDUE if item.due_date < day else K.DUE_SOON
        made += notify(
            learner.id,
            kind,
            {"title": item.title, "due": item.due_date.isoformat()},
            internal_path("learn.resume", course_slug=item.slug),
            f"{kind}:{item.course_id}:{item.due_date.isoformat()}",
            now,
        )
    return made


def notify_team_digest(supervisor, digest, week, now=None):
    """The supervisor's weekly summary, once per ISO week (`week`: its Monday)."""
    return notify(
        supervisor.id,
        K.TEAM_DIGEST,
        {
            "overdue": len(digest.overdue),
            "below": digest.below_count,
            "target": digest.target,
            "year": digest.year,
        },
        internal_path("supervision.dashboard"),
        f"digest:{week.isoformat()}",
        now,
    )


def deciders_for(person):
    """Who decides on what `person` asks for: their direct supervisor when they have an active
    one; else the supervisors of the nearest unit above them (their own unit first) that has
    any; else the admins. Never the person themselves. Two queries at most."""
    roles = select(UserRole.user_id).where(UserRole.role == Role.SUPERVISOR)
    active = (User.active.is_(True), User.id != person.id)
    if person.supervisor_id is not None:
        direct = db.session.scalar(
            select(User).where(User.id == person.supervisor_id, User.id.in_(roles), *active)
        )
        if direct is not None:
            return [direct]
    unit_ids = []
    if person.unit is not None:
        unit_ids = [int(p) for p in person.unit.path.strip("/").split("/") if p]
    if unit_ids:
        rows = db.session.execute(
            select(User, supervised_units.c.unit_id)
            .join(supervised_units, supervised_units.c.user_id == User.id)
            .where(supervised_units.c.unit_id.in_(unit_ids), User.id.in_(roles), *active)
            .order_by(User.id)
        ).all()
        if rows:
            nearest = max(unit_ids.index(unit_id) for _u, unit_id in rows)
            return list(
                {u.id: u for u, unit_id in rows if unit_ids.index(unit_id) == nearest}.values()
            )
    admins = select(UserRole.user_id).where(UserRole.role == Role.ADMIN)
    return db.session.scalars(
        select(User).where(User.id.in_(admins), *active).order_by(User.id)
    ).all()


def notify_approval_needed(person, what, title, link, key, deciders=None, now=None):
    """Tell the people who decide that something of `person` awaits their decision.

    `what` names the subject (a key of kinds.APPROVAL_SUBJECTS, e.g. "activity"), `title` is
    the item's own title, `link` the internal path of the page where the decision is taken and
    `key` identifies the request (e.g. "activity:42:v3"): the same request is announced once.
    `deciders` defaults to `deciders_for(person)`. Returns how many were notified."""
    deciders = deciders_for(person) if deciders is None else deciders
    return notify(
        [u.id for u in deciders if u.id != person.id],
        K.APPROVAL_NEEDED,
        {"what": what, "title": title, "person": person.full_name},
        link,
        f"approval:{key}",
        now,
    )


def resolve_approval(key, now=None):
    """A request announced with notify_approval_needed under a key starting with `key` (e.g.
    "plan:42:") has been decided: its notifications stop waiting as unread for every decider
    (whoever decided, the others need not open it any more). Returns how many were unread."""
    result = db.session.execute(
        update(Notification)
        .where(
            Notification.kind == K.APPROVAL_NEEDED,
            Notification.dedupe_key.startswith(f"approval:{key}", autoescape=True),
            Notification.read_at.is_(None),
        )
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


# Reading -----------------------------------------------------------------------------------------
def unread_count(user_id):
    return db.session.scalar(_unread_statement(), {"user_id": user_id})


@functools.cache
def _unread_statement():
    """The bell's count, on every page: built once per process."""
    return (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))
    )


def notifications_query(user_id):
    """A person's notifications, newest first (to be paged)."""
    return (
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def notification_of(user_id, notification_id):
    """The person's notification with this id, or None (someone else's is None too)."""
    return db.session.scalar(
        select(Notification).where(
            Notification.id == notification_id, Notification.user_id == user_id
        )
    )


def mark_read(notification, now=None):
    if notification.read_at is None:
        notification.read_at = now or utcnow()
        db.session.flush()


def mark_all_read(user_id, now=None):
    """Returns how many were unread."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def purge_read(now=None, days=None):
    """Delete read notifications older than NOTIFICATION_RETENTION_DAYS (unread ones stay until
    read). Returns how many were deleted."""
    now = now or utcnow()
    days = int(days if days is not None else current_app.config["NOTIFICATION_RETENTION_DAYS"])
    result = db.session.execute(
        delete(Notification)
        .where(
            Notification.read_at.is_not(None),
            Notification.created_at < now - timedelta(days=days),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount

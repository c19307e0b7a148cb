"""Reminder mails for assigned courses, and the weekly digest to supervisors (`flask reminders`).

Each mail is recorded in the reminder log before it is sent, under a unique key (person,
kind, course, day; the digest: the Monday of the ISO week), so that a second run on the same
day, even at the same moment, mails nobody twice. The caller commits after each mail: a mail
that fails is rolled back with its log rows and tried again at the next run.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import exists, func, select
from werkzeug.routing import BuildError

from ..dbutil import insert_if_absent
from ..extensions import db
from ..i18n import local_datetime
from ..learn.jp import jp_per_person
from ..mail import send_mail
from ..models import (
    Assignment,
    AssignmentPerson,
    Completion,
    Course,
    CourseVersion,
    ReminderKind,
    ReminderLog,
    Role,
    User,
    UserRole,
)
from ..timeutil import utcnow
from ..urls import public_url

DIGEST_MAX_NAMES = 30  # names listed per section of a digest; the rest are counted


@dataclass
class DueItem:
    course_id: int
    slug: str
    title: str
    due_date: object

    def kind(self, day):
        return ReminderKind.OVERDUE if self.due_date < day else ReminderKind.DUE_SOON


@dataclass
class Learner:
    id: int
    email: str
    full_name: str
    locale: str | None
    items: list = field(default_factory=list)


def learners_with_due_items(day):
    """Active people with assigned courses not completed and due within REMINDER_DAYS_BEFORE
    days or overdue, each with those courses (soonest first). One query."""
    limit = day + timedelta(days=int(current_app.config["REMINDER_DAYS_BEFORE"]))
    items = (
        select(
            AssignmentPerson.user_id.label("user_id"),
            Assignment.course_id.label("course_id"),
            func.min(Assignment.due_date).label("due_date"),
        )
        .join(Assignment, Assignment.id == AssignmentPerson.assignment_id)
        .group_by(AssignmentPerson.user_id, Assignment.course_id)
        .subquery("items")
    )
    rows = db.session.execute(
        select(
            User.id,
            User.email,
            User.full_name,
            User.locale,
            items.c.course_id,
            Course.slug,
            func.coalesce(CourseVersion.title, Course.slug),
            items.c.due_date,
        )
        .join(items, items.c.user_id == User.id)
        .join(Course, Course.id == items.c.course_id)
        .outerjoin(CourseVersion, CourseVersion.id == Course.current_version_id)
        .where(
            User.active.is_(True),
            items.c.due_date <= limit,
            ~exists().where(
                Completion.user_id == User.id, Completion.course_id == items.c.course_id
            ),
        )
        .order_by(User.id, items.c.due_date, Course.slug)
    )
    learners = {}
    for uid, email, name, locale, course_id, slug, title, due in rows:
        learner = learners.setdefault(uid, Learner(uid, email, name, locale))
        learner.items.append(DueItem(course_id, slug, title, due))
    return list(learners.values())


def _log(user_id, kind, course_id, day, now):
    return insert_if_absent(
        ReminderLog,
        {"user_id": user_id, "kind": kind, "course_id": course_id, "day": day, "sent_at": now},
        ["user_id", "kind", "course_id", "day"],
    )


def _link(endpoint, **values):
    """An absolute link for a mail, under PUBLIC_BASE_URL (no request to take it from)."""
    try:
        return public_url(endpoint, **values)
    except BuildError:
        return ""


def _locale(user_locale):
    cfg = current_app.config
    return user_locale if user_locale in cfg["LANGUAGES"] else cfg["BABEL_DEFAULT_LOCALE"]


def _deadline(due_date):
    """The end of the due day on the instance's clock, named: '4 Mar 2026, 23.59 WITA'. A due
    date is a day where the agency is; people elsewhere (or reading on a phone set to another
    zone) see which clock it is on."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return local_datetime(datetime.combine(due_date, time(23, 59), tzinfo=zone))


def send_learner_reminder(learner, day, now=None):
    """Log and mail the learner's items not yet reminded today. Returns the number of items in
    the mail (0: everything was reminded already today, nothing sent)."""
    now = now or utcnow()
    fresh = [i for i in learner.items if _log(learner.id, i.kind(day), i.course_id, day, now)]
    if not fresh:
        return 0
    cfg = current_app.config
    with force_locale(_locale(learner.locale)):
        lines = []
        for item in fresh:
            if item.due_date < day:
                when = _("overdue: it was due by %(when)s", when=_deadline(item.due_date))
            else:
                when = _("due by %(when)s", when=_deadline(item.due_date))
            link = _link("learn.resume", course_slug=item.slug)
            lines.append(f"- {item.title} ({when})" + (f"\n  {link}" if link else ""))
        overdue = sum(1 for i in fresh if i.due_date < day)
        if overdue:
            subject = _("%(app)s: assigned courses overdue", app=cfg["INSTANCE_SHORT_NAME"])
        else:
            subject = _("%(app)s: assigned courses due soon", app=cfg["INSTANCE_SHORT_NAME"])
        body = _(
            "Hello %(name)s,\n\nThese courses were assigned to you and are not completed yet:"
            "\n\n%(lines)s\n\nOpen %(app)s to continue where you left off.",
            name=learner.full_name,
            lines="\n".join(lines),
            app=cfg["INSTANCE_SHORT_NAME"],
        )
    send_mail(learner.email, subject, body)
    return len(fresh)


# Weekly digest ------------------------------------------------------------------------------------
def week_start(day):
    """The Monday of the ISO week of `day`: the digest's key in the reminder log."""
    return day - timedelta(days=day.isoweekday() - 1)


def supervisors():
    """Active supervisors, by name. One query."""
    return db.session.scalars(
        select(User)
        .where(User.active.is_(True), User.role_rows.any(UserRole.role == Role.SUPERVISOR))
        .order_by(func.lower(User.full_name), User.id)
    ).all()


@dataclass
class Digest:
    overdue: list  # [(name, nip, [course titles])]
    below_target: list  # [(name, nip, jp)]
    below_count: int
    target: int
    year: int

    @property
    def empty(self):
        return not self.overdue and not self.below_count


def digest_for(supervisor, day):
    """Who in the supervisor's scope is overdue, and who is below the JP target this year.

    Two queries, whatever the size of the team."""
    # Their team, not themselves: a supervisor with nobody in scope gets no digest.
    scope = select(User.id).where(
        supervisor.scope_filter(), User.active.is_(True), User.id != supervisor.id
    )
    items = (
        select(
            AssignmentPerson.user_id.label("user_id"),
            Assignment.course_id.label("course_id"),
            func.min(Assignment.due_date).label("due_date"),
        )
        .join(Assignment, Assignment.id == AssignmentPerson.assignment_id)
        .where(AssignmentPerson.user_id.in_(scope))
        .group_by(AssignmentPerson.user_id, Assignment.course_id)
        .subquery("items")
    )
    late = {}
    for uid, name, nip, title in db.session.execute(
        select(User.id, User.full_name, User.nip, func.coalesce(CourseVersion.title, Course.slug))
        .join(items, items.c.user_id == User.id)
        .join(Course, Course.id == items.c.course_id)
        .outerjoin(CourseVersion, CourseVersion.id == Course.current_version_id)
        .where(
            items.c.due_date < day,
            ~exists().where(
                Completion.user_id == User.id, Completion.course_id == items.c.course_id
            ),
        )
        .order_by(func.lower(User.full_name), User.id, items.c.due_date)
    ):
        late.setdefault(uid, (name, nip, []))[2].append(title)
    target = int(current_app.config["YEARLY_JP_TARGET"])
    jp = jp_per_person(day.year, scope)
    jp_value = func.coalesce(jp.c.jp, 0)
    below = db.session.execute(
        select(User.full_name, User.nip, jp_value, func.count().over())
        .outerjoin(jp, jp.c.user_id == User.id)
        .where(User.id.in_(scope), jp_value < target)
        .order_by(jp_value, func.lower(User.full_name), User.id)
        .limit(DIGEST_MAX_NAMES)
    ).all()
    return Digest(
        overdue=list(late.values()),
        below_target=[(name, nip, int(value)) for name, nip, value, _n in below],
        below_count=int(below[0][3]) if below else 0,
        target=target,
        year=day.year,
    )


def send_digest(supervisor, day, now=None, digest=None):
    """Mail the weekly digest once per ISO week. Returns True when a mail was sent (False:
    already sent this week, or nothing to report). `digest`: one made already by digest_for."""
    now = now or utcnow()
    digest = digest or digest_for(supervisor, day)
    if digest.empty:
        return False
    if not _log(supervisor.id, ReminderKind.DIGEST, 0, week_start(day), now):
        return False
    cfg = current_app.config
    with force_locale(_locale(supervisor.locale)):
        parts = [_("Hello %(name)s,", name=supervisor.full_name), ""]
        if digest.overdue:
            parts.append(_("Overdue assigned courses:"))
            for name, nip, titles in digest.overdue[:DIGEST_MAX_NAMES]:
                who = f"{name} ({nip})" if nip else name
                parts.append(f"- {who}: {', '.join(titles)}")
            if len(digest.overdue) > DIGEST_MAX_NAMES:
                parts.append(
                    _("… and %(n)d more people.", n=len(digest.overdue) - DIGEST_MAX_NAMES)
                )
            parts.append("")
        if digest.below_count:
            parts.append(
                _(
                    "Below the yearly target of %(target)d JP in %(year)d: %(n)d people.",
                    target=digest.target,
                    year=digest.year,
                    n=digest.below_count,
                )
            )
            for name, nip, value in digest.below_target:
                who = f"{name} ({nip})" if nip else name
                parts.append(f"- {who}: {value} JP")
            if digest.below_count > len(digest.below_target):
                parts.append(
                    _("… and %(n)d more people.", n=digest.below_count - len(digest.below_target))
                )
            parts.append("")
        link = _link("supervision.dashboard")
        if link:
            parts.append(_("Your team: %(link)s", link=link))
        subject = _("%(app)s: weekly summary of your team", app=cfg["INSTANCE_SHORT_NAME"])
    send_mail(supervisor.email, subject, "\n".join(parts))
    return True

"""The follow-up on the job (Kirkpatrick level 3) and the survey mails of `flask reminders send`.

`schedule(day)` invites the learner and their direct supervisor SURVEY_FOLLOWUP_WEEKS weeks
after a completion. It looks back over a window only: completions whose local day lies
between (weeks + WINDOW_EXTRA_WEEKS) weeks and `weeks` weeks before `day`. A new install, or a
course that switches the follow-up on, does not mail everyone who completed years ago; a
daily run that was missed for up to WINDOW_EXTRA_WEEKS weeks still catches up. The unique key
of an invitation (course, subject, level, audience) makes a second run add nothing.

`send(day, now)` mails each open survey that is owed (required reaction surveys and the
follow-ups; optional reaction surveys are only shown in the application) once, and one
reminder SURVEY_REMINDER_DAYS days later at most, with the in-app SURVEY_DUE notification.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import aliased
from werkzeug.routing import BuildError

from ..dbutil import insert_many_if_absent
from ..extensions import db
from ..mail import send_mail
from ..models import (
    Completion,
    Course,
    CourseSurveySettings,
    CourseVersion,
    InvitationState,
    NotificationKind,
    SurveyAudience,
    SurveyInvitation,
    SurveyLevel,
    User,
)
from ..notifications.services import internal_path, notify
from ..timeutil import local_time, utcnow
from ..urls import public_url
from .instruments import default_version

WINDOW_EXTRA_WEEKS = 8


def _day_start(day):
    """The start of a local calendar day, in UTC."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return datetime.combine(day, time(0, 0), tzinfo=zone).astimezone(UTC)


def schedule(day):
    """Create the follow-up invitations due by `day`; returns how many were created."""
    weeks = int(current_app.config["SURVEY_FOLLOWUP_WEEKS"])
    newest = day - timedelta(weeks=weeks)  # completed on this local day or before
    oldest = newest - timedelta(weeks=WINDOW_EXTRA_WEEKS)
    supervisor = aliased(User)
    rows = db.session.execute(
        select(
            Completion.id,
            Completion.course_id,
            Completion.version_id,
            Completion.user_id,
            Completion.completed_at,
            func.coalesce(CourseSurveySettings.anonymous, False),
            supervisor.id,
        )
        .join(User, User.id == Completion.user_id)
        .outerjoin(CourseSurveySettings, CourseSurveySettings.course_id == Completion.course_id)
        .outerjoin(
            supervisor,
            (supervisor.id == User.supervisor_id)
            & supervisor.active.is_(True)
            & (supervisor.id != User.id),
        )
        .where(
            User.active.is_(True),
            func.coalesce(CourseSurveySettings.followup, True).is_(True),
            Completion.completed_at >= _day_start(oldest),
            Completion.completed_at < _day_start(newest + timedelta(days=1)),
        )
        .order_by(Completion.id)
    ).all()
    if not rows:
        return 0
    versions = {
        SurveyAudience.LEARNER: default_version(SurveyLevel.BEHAVIOUR, SurveyAudience.LEARNER),
        SurveyAudience.SUPERVISOR: default_version(
            SurveyLevel.BEHAVIOUR, SurveyAudience.SUPERVISOR
        ),
    }
    now = utcnow()
    invitations = []
    for completion_id, course_id, version_id, user_id, completed_at, anonymous, sup_id in rows:
        opens_on = local_time(completed_at).date() + timedelta(weeks=weeks)
        respondents = [(SurveyAudience.LEARNER, user_id)]
        if sup_id is not None:
            respondents.append((SurveyAudience.SUPERVISOR, sup_id))
        for audience, respondent_id in respondents:
            version = versions[audience]
            if version is None:  # that instrument was switched off
                continue
            invitations.append(
                {
                    "course_id": course_id,
                    "version_id": version_id,
                    "completion_id": completion_id,
                    "subject_id": user_id,
                    "respondent_id": respondent_id,
                    "level": int(SurveyLevel.BEHAVIOUR),
                    "audience": str(audience),
                    "instrument_version_id": version.id,
                    "required": False,
                    "anonymous": bool(anonymous),
                    "state": str(InvitationState.OPEN),
                    "created_at": now,
                    "opens_on": opens_on,
                }
            )
    return insert_many_if_absent(
        SurveyInvitation, invitations, ["course_id", "subject_id", "level", "audience"]
    )


# Mails ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SurveyMail:
    invitation_id: int
    respondent_id: int
    reminder: bool  # False: the invitation mail
    level: int
    audience: str
    title: str
    email: str
    name: str
    locale: str | None
    subject_name: str


def mails_due(day):
    """The survey mails owed on `day`: invitations not mailed yet, and reminders of those
    mailed SURVEY_REMINDER_DAYS days ago or more and not reminded. One query."""
    days = int(current_app.config["SURVEY_REMINDER_DAYS"])
    remind_before = _day_start(day - timedelta(days=days) + timedelta(days=1))
    respondent, subject = aliased(User), aliased(User)
    rows = db.session.execute(
        select(
            SurveyInvitation.id,
            SurveyInvitation.respondent_id,
            SurveyInvitation.mailed_at.is_not(None),
            SurveyInvitation.level,
            SurveyInvitation.audience,
            func.coalesce(CourseVersion.title, Course.slug),
            respondent.email,
            respondent.full_name,
            respondent.locale,
            subject.full_name,
        )
        .join(respondent, respondent.id == SurveyInvitation.respondent_id)
        .join(subject, subject.id == SurveyInvitation.subject_id)
        .join(Course, Course.id == SurveyInvitation.course_id)
        .outerjoin(CourseVersion, CourseVersion.id == SurveyInvitation.version_id)
        .where(
            SurveyInvitation.state == InvitationState.OPEN,
            SurveyInvitation.opens_on <= day,
            or_(
                SurveyInvitation.level == SurveyLevel.BEHAVIOUR,
                SurveyInvitation.required.is_(True),
            ),
            respondent.active.is_(True),
            or_(
                SurveyInvitation.mailed_at.is_(None),
                SurveyInvitation.reminded_at.is_(None)
                & (SurveyInvitation.mailed_at < remind_before),
            ),
        )
        .order_by(SurveyInvitation.id)
    )
    return [SurveyMail(*row) for row in rows]


def _claim(mail, now):
    """Mark the mail as sent before sending it (the caller commits after it): of two runs at
    once, one mails."""
    column = "reminded_at" if mail.reminder else "mailed_at"
    condition = getattr(SurveyInvitation, column).is_(None)
    result = db.session.execute(
        update(SurveyInvitation)
        .where(
            SurveyInvitation.id == mail.invitation_id,
            SurveyInvitation.state == InvitationState.OPEN,
            condition,
        )
        .values({column: now})
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _locale(user_locale):
    cfg = current_app.config
    return user_locale if user_locale in cfg["LANGUAGES"] else cfg["BABEL_DEFAULT_LOCALE"]


def send_one(mail, day, now=None):
    """Notify and mail one survey; returns "invitation" or "reminder" (None: already sent)."""
    now = now or utcnow()
    if not _claim(mail, now):
        return None
    about_other = mail.audience == SurveyAudience.SUPERVISOR
    survey = "followup" if mail.level == SurveyLevel.BEHAVIOUR else "reaction"
    params = {"title": mail.title, "survey": survey}
    if about_other:
        params["by"] = mail.subject_name
    which = "reminder" if mail.reminder else "invitation"
    notify(
        mail.respondent_id,
        NotificationKind.SURVEY_DUE,
        params,
        internal_path("surveys.take", invitation_id=mail.invitation_id),
        f"survey:{mail.invitation_id}:{which}",
        now,
    )
    cfg = current_app.config
    try:
        link = public_url("surveys.take", invitation_id=mail.invitation_id)
    except BuildError:
        link = ""
    app = cfg["INSTANCE_SHORT_NAME"]
    with force_locale(_locale(mail.locale)):
        if mail.level == SurveyLevel.BEHAVIOUR and about_other:
            what = _(
                "%(person)s completed the course “%(title)s” some weeks ago. As their direct "
                "supervisor, please tell us whether they apply what they learned at work.",
                person=mail.subject_name,
                title=mail.title,
            )
        elif mail.level == SurveyLevel.BEHAVIOUR:
            what = _(
                "You completed the course “%(title)s” some weeks ago. Please tell us how you "
                "apply what you learned at work.",
                title=mail.title,
            )
        else:
            what = _(
                "You completed the course “%(title)s”. Your certificate is issued when you "
                "send the reaction survey.",
                title=mail.title,
            )
        if mail.reminder:
            subject = _("%(app)s: reminder, a survey is waiting for you", app=app)
        else:
            subject = _("%(app)s: a survey is waiting for you", app=app)
        body = _(
            "Hello %(name)s,\n\n%(what)s\n\nThe survey takes a few minutes:\n%(link)s",
            name=mail.name,
            what=what,
            link=link,
        )
    send_mail(mail.email, subject, body)
    return which


def send(day, now=None, run=None):
    """Send every survey mail owed on `day`. `run(action, *args)` runs one mail and commits it
    (the CLI's; a failing mail is rolled back there and tried again the next day); without it
    each mail is only flushed. Returns {"invitation": n, "reminder": n}."""
    now = now or utcnow()
    counts = {"invitation": 0, "reminder": 0}
    for mail in mails_due(day):
        which = run(send_one, mail) if run else send_one(mail, day, now)
        if which:
            counts[which] += 1
    return counts

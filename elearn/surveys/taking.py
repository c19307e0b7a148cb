"""The surveys a person owes and their answers: the reaction survey at completion (which may
gate the certificate), the follow-up on the job N weeks later, exactly-once submission."""

import functools
import re
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select, update

from ..certificates.services import issue_certificate
from ..extensions import db
from ..models import (
    Completion,
    Course,
    CourseVersion,
    InvitationState,
    Notification,
    NotificationKind,
    SurveyAnswer,
    SurveyAudience,
    SurveyInvitation,
    SurveyLevel,
    SurveyQuestionKind,
    SurveyResponse,
    User,
)
from ..models.survey import LONG_TEXT_MAX, SHORT_TEXT_MAX
from ..supervision.services import today
from ..timeutil import local_time, utcnow
from .instruments import scale_top
from .settings import reaction_version, settings_for

PENDING_MAX = 50  # pending surveys listed on a page (older ones wait their turn)


def on_completion(completion):
    """Invite the learner to the course's reaction survey; True when the certificate is to be
    issued now (the survey is optional), False when it waits for the answers."""
    settings = settings_for(completion.course_id)
    version = reaction_version(settings)
    if version is None:  # every instrument of the level switched off: nothing to wait for
        return True
    completed_on = today()
    if completion.completed_at is not None:
        completed_on = local_time(completion.completed_at).date()
    db.session.add(
        SurveyInvitation(
            course_id=completion.course_id,
            version_id=completion.version_id,
            completion_id=completion.id,
            subject_id=completion.user_id,
            respondent_id=completion.user_id,
            level=SurveyLevel.REACTION,
            audience=SurveyAudience.LEARNER,
            instrument_version_id=version.id,
            required=settings.reaction_required,
            anonymous=settings.anonymous,
            state=InvitationState.OPEN,
            opens_on=completed_on,
        )
    )
    db.session.flush()
    return not settings.reaction_required


def followup_opens_on(completed_on, weeks):
    return completed_on + timedelta(weeks=weeks)


# Answering -----------------------------------------------------------------------------------
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TEXT_LIMITS = {
    SurveyQuestionKind.SHORT_TEXT: SHORT_TEXT_MAX,
    SurveyQuestionKind.LONG_TEXT: LONG_TEXT_MAX,
}


def field_name(question):
    return f"q{question.id}"


def clean_text(value):
    """Plain text as typed, without control characters (newlines and tabs stay); escaped by
    the templates when shown."""
    return _CONTROL.sub("", str(value or "")).replace("\r\n", "\n").strip()


def _getlist(data, key):
    if hasattr(data, "getlist"):
        return data.getlist(key)
    value = data.get(key)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def parse_answers(questions, data):
    """The answers in `data` (form fields q<question id>) checked against the questions:
    (values {question id: int | [int] | str}, errors {question id: message}). Nothing is
    stored here."""
    values, errors = {}, {}
    for q in questions:
        raw = [v for v in _getlist(data, field_name(q)) if str(v).strip() != ""]
        top = scale_top(q.kind)
        if q.kind in TEXT_LIMITS:
            text = clean_text(raw[0]) if raw else ""
            if len(text) > TEXT_LIMITS[q.kind]:
                errors[q.id] = _(
                    "Please keep the answer within %(max)d characters (it has %(n)d).",
                    max=TEXT_LIMITS[q.kind],
                    n=len(text),
                )
                values[q.id] = text
                continue
            if text:
                values[q.id] = text
        else:
            limit = top if top else len(q.options or [])
            low = 1 if top else 0
            picked = []
            for v in raw:
                try:
                    n = int(v)
                except (TypeError, ValueError):
                    n = None
                if n is None or not low <= n <= (limit if top else limit - 1):
                    errors[q.id] = _("Please choose one of the answers offered.")
                    break
                if n not in picked:
                    picked.append(n)
            if q.id in errors:
                continue
            if q.kind == SurveyQuestionKind.MULTIPLE:
                if picked:
                    values[q.id] = picked
            elif len(picked) > 1:
                errors[q.id] = _("Please choose one answer only.")
                continue
            elif picked:
                values[q.id] = picked[0]
        if q.required and q.id not in values:
            errors[q.id] = _("Please answer this question.")
    return values, errors


@dataclass
class Outcome:
    status: str  # sent, invalid, already, closed, not_open, not_owed
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    certificate: object = None


def refusal(invitation, day):
    """Why the invitation cannot be answered now (a status of Outcome), or None."""
    if invitation.state == InvitationState.ANSWERED:
        return "already"
    if invitation.state != InvitationState.OPEN:
        return "closed"
    if invitation.opens_on is not None and invitation.opens_on > day:
        return "not_open"
    return None


def _claim(invitation, state, closed_at):
    """Move the invitation from open to `state`; True for the one request that did it."""
    result = db.session.execute(
        update(SurveyInvitation)
        .where(SurveyInvitation.id == invitation.id, SurveyInvitation.state == InvitationState.OPEN)
        .values(state=state, closed_at=closed_at)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def submit(invitation, data, user, now=None):
    """Record the answers of `user` to `invitation`, exactly once. `data`: form fields
    (q<question id>). The conditional UPDATE of the invitation decides between concurrent
    submits: the one that moves it from open records the answers, the others record nothing.
    A required reaction survey issues the certificate in the same transaction. Flushes."""
    now = now or utcnow()
    if user is None or invitation.respondent_id != user.id:
        return Outcome("not_owed")
    day = today(now)
    refused = refusal(invitation, day)
    if refused:
        return Outcome(refused)
    questions = invitation.instrument_version.questions
    values, errors = parse_answers(questions, data)
    if errors:
        return Outcome("invalid", values, errors)
    anonymous = bool(invitation.anonymous)
    if not _claim(invitation, InvitationState.ANSWERED, None if anonymous else now):
        db.session.expire(invitation)
        return Outcome(refusal(invitation, day) or "already")
    subject = db.session.get(User, invitation.subject_id)
    response = SurveyResponse(
        invitation_id=None if anonymous else invitation.id,
        respondent_id=None if anonymous else user.id,
        subject_id=None if anonymous else invitation.subject_id,
        course_id=invitation.course_id,
        version_id=invitation.version_id,
        instrument_version_id=invitation.instrument_version_id,
        level=invitation.level,
        audience=invitation.audience,
        unit_id=subject.unit_id if subject is not None else None,
        anonymous=anonymous,
        submitted_on=day,
        submitted_at=None if anonymous else now,
    )
    for q in questions:
        value = values.get(q.id)
        if value is None:
            continue
        if isinstance(value, str):
            response.answers.append(SurveyAnswer(question_id=q.id, text=value))
        else:
            for choice in value if isinstance(value, list) else [value]:
                response.answers.append(SurveyAnswer(question_id=q.id, choice=choice))
    db.session.add(response)
    db.session.flush()
    _done_notifications(invitation, now)
    certificate = None
    if (
        invitation.level == SurveyLevel.REACTION
        and invitation.required
        and invitation.completion_id is not None
    ):
        completion = db.session.get(Completion, invitation.completion_id)
        if completion is not None:
            certificate = issue_certificate(completion)
    db.session.expire(invitation)
    return Outcome("sent", certificate=certificate)


def skip(invitation, user, now=None):
    """Decline an optional survey: "skipped", or why not (required, already, closed...)."""
    now = now or utcnow()
    if user is None or invitation.respondent_id != user.id:
        return "not_owed"
    if invitation.required:
        return "required"
    refused = refusal(invitation, today(now))
    if refused and refused != "not_open":
        return refused
    if not _claim(invitation, InvitationState.SKIPPED, now):
        db.session.expire(invitation)
        return refusal(invitation, today(now)) or "already"
    _done_notifications(invitation, now)
    db.session.expire(invitation)
    return "skipped"


def _done_notifications(invitation, now):
    """The survey's notifications stop waiting as unread once it is answered or skipped."""
    db.session.execute(
        update(Notification)
        .where(
            Notification.user_id == invitation.respondent_id,
            Notification.kind == NotificationKind.SURVEY_DUE,
            Notification.dedupe_key.startswith(f"survey:{invitation.id}:", autoescape=True),
            Notification.read_at.is_(None),
        )
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )


def invitation_of(user, invitation_id):
    """The invitation if `user` is its respondent, else None (the page is then not found)."""
    invitation = db.session.get(SurveyInvitation, invitation_id)
    if invitation is None or user is None or invitation.respondent_id != user.id:
        return None
    return invitation


def course_title(invitation):
    version = db.session.get(CourseVersion, invitation.version_id)
    return version.title if version is not None else ""


# Pending items --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Pending:
    id: int
    course_slug: str
    title: str
    level: int
    audience: str
    required: bool
    subject_name: str
    opens_on: object


def pending_for(user_id, day, audience=None):
    """The open surveys `user_id` owes on `day` (opened already), oldest first. One query."""
    params = {"user_id": user_id, "day": day}
    if audience is not None:
        params["audience"] = str(audience)
    rows = db.session.execute(_pending_statement(audience is not None), params)
    return [Pending(*row) for row in rows]


@functools.cache
def _pending_statement(by_audience):
    """Built once per process (My learning asks on every visit)."""
    query = (
        select(
            SurveyInvitation.id,
            Course.slug,
            func.coalesce(CourseVersion.title, Course.slug),
            SurveyInvitation.level,
            SurveyInvitation.audience,
            SurveyInvitation.required,
            User.full_name,
            SurveyInvitation.opens_on,
        )
        .join(Course, Course.id == SurveyInvitation.course_id)
        .outerjoin(CourseVersion, CourseVersion.id == SurveyInvitation.version_id)
        .join(User, User.id == SurveyInvitation.subject_id)
        .where(
            SurveyInvitation.respondent_id == bindparam("user_id"),
            SurveyInvitation.state == InvitationState.OPEN,
            SurveyInvitation.opens_on <= bindparam("day"),
        )
        .order_by(SurveyInvitation.opens_on, SurveyInvitation.id)
        .limit(PENDING_MAX)
    )
    if by_audience:
        query = query.where(SurveyInvitation.audience == bindparam("audience"))
    return query


def reaction_invitation(completion_id):
    """The reaction survey of a completion (for the completion block), or None. One query."""
    if completion_id is None:
        return None
    return db.session.scalar(
        select(SurveyInvitation).where(
            SurveyInvitation.completion_id == completion_id,
            SurveyInvitation.level == SurveyLevel.REACTION,
        )
    )

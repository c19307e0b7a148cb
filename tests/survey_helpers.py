"""Survey answers for report tests, written directly with the models as `submit` stores them
(anonymous: no invitation, respondent, subject or time; the invitation answered, closed_at
empty)."""

import itertools
from datetime import date

from elearn.extensions import db
from elearn.models import (
    CourseSurveySettings,
    InvitationState,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
)
from elearn.surveys.instruments import default_version
from elearn.timeutil import utcnow

DAY = date(2026, 11, 2)
_serial = itertools.count(1)


def set_anonymous(course, anonymous=True):
    db.session.merge(CourseSurveySettings(course_id=course.id, anonymous=anonymous))
    db.session.commit()


def answer(
    course,
    learner,
    scores=None,
    texts=None,
    choices=None,
    level=1,
    audience="learner",
    respondent=None,
    anonymous=False,
    day=DAY,
    invite=True,
):
    """One answer set about `learner`'s completion of `course`. `scores` {code: value} for
    scales and single choices, `choices` {code: [indexes]} for multiple, `texts` {code: text}."""
    version = default_version(level, audience)
    respondent = respondent or learner
    by_code = {q.code: q for q in version.questions}
    invitation = None
    if invite:
        invitation = SurveyInvitation(
            course_id=course.id,
            version_id=course.current_version_id,
            subject_id=learner.id,
            respondent_id=respondent.id,
            level=level,
            audience=audience,
            instrument_version_id=version.id,
            anonymous=anonymous,
            state=InvitationState.ANSWERED,
            opens_on=day,
            closed_at=None if anonymous else utcnow(),
        )
        db.session.add(invitation)
        db.session.flush()
    response = SurveyResponse(
        invitation_id=None if anonymous or invitation is None else invitation.id,
        respondent_id=None if anonymous else respondent.id,
        subject_id=None if anonymous else learner.id,
        course_id=course.id,
        version_id=course.current_version_id,
        instrument_version_id=version.id,
        level=level,
        audience=audience,
        unit_id=learner.unit_id,
        anonymous=anonymous,
        submitted_on=day,
        submitted_at=None if anonymous else utcnow(),
    )
    for code, value in (scores or {}).items():
        response.answers.append(SurveyAnswer(question_id=by_code[code].id, choice=value))
    for code, values in (choices or {}).items():
        for value in values:
            response.answers.append(SurveyAnswer(question_id=by_code[code].id, choice=value))
    for code, text in (texts or {}).items():
        response.answers.append(SurveyAnswer(question_id=by_code[code].id, text=text))
    db.session.add(response)
    db.session.commit()
    return response


def reaction(overall=4, rest=4, **kwargs):
    codes = ("material", "relevance", "instructor", "method", "platform")
    return dict(dict.fromkeys(codes, rest), overall=overall, **kwargs)

"""The surveys a person owes and their answers: the reaction survey at completion (which may
gate the certificate), the follow-up on the job N weeks later, exactly-once submission."""

from datetime import timedelta

from ..extensions import db
from ..models import InvitationState, SurveyAudience, SurveyInvitation, SurveyLevel
from ..supervision.services import today
from ..timeutil import local_time
from .settings import reaction_version, settings_for


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

"""A course's evaluation settings, with the instance's defaults where the course says nothing."""

from dataclasses import dataclass

from flask import current_app

from ..extensions import db
from ..models import CourseSurveySettings, SurveyAudience, SurveyInstrument, SurveyLevel
from .instruments import default_version


@dataclass(frozen=True)
class EffectiveSettings:
    reaction_required: bool  # the certificate waits for the reaction survey
    anonymous: bool
    followup: bool  # the level-3 survey N weeks after completion
    reaction_instrument_id: int | None  # None: the default instrument


def settings_for(course_id):
    row = db.session.get(CourseSurveySettings, course_id)
    default_required = bool(current_app.config["SURVEY_REACTION_REQUIRED_DEFAULT"])
    if row is None:
        return EffectiveSettings(default_required, False, True, None)
    required = default_required if row.reaction_required is None else row.reaction_required
    return EffectiveSettings(required, row.anonymous, row.followup, row.reaction_instrument_id)


def reaction_version(settings):
    """The instrument version a course's reaction survey is asked on now."""
    if settings.reaction_instrument_id:
        instrument = db.session.get(SurveyInstrument, settings.reaction_instrument_id)
        if instrument is not None and instrument.active and instrument.current_version:
            return instrument.current_version
    return default_version(SurveyLevel.REACTION, SurveyAudience.LEARNER)

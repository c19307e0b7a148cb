"""A course's evaluation settings, with the instance's defaults where the course says nothing."""

from dataclasses import dataclass

from flask import current_app

from ..extensions import db
from ..models import CourseSurveySettings, SurveyAudience, SurveyInstrument, SurveyLevel
from ..models.user import audit
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


def stored_settings(course_id):
    """The course's own row, or a fresh one carrying the defaults (not added)."""
    row = db.session.get(CourseSurveySettings, course_id)
    if row is None:
        row = CourseSurveySettings(
            course_id=course_id, reaction_required=None, anonymous=False, followup=True
        )
    return row


def save_settings(course, by, reaction_required, anonymous, followup, reaction_instrument_id):
    """Store a course's evaluation settings (reaction_required None: the instance default;
    reaction_instrument_id None: the default instrument). Returns the changes, {} when nothing
    changed; audited. The anonymity of invitations already made stays as it was."""
    if reaction_instrument_id is not None:
        instrument = db.session.get(SurveyInstrument, reaction_instrument_id)
        if (
            instrument is None
            or not instrument.active
            or instrument.level != SurveyLevel.REACTION
            or instrument.audience != SurveyAudience.LEARNER
        ):
            raise ValueError("not an active level-1 instrument")
    row = stored_settings(course.id)
    wanted = {
        "reaction_required": reaction_required,
        "anonymous": bool(anonymous),
        "followup": bool(followup),
        "reaction_instrument_id": reaction_instrument_id,
    }
    changes = {
        key: (getattr(row, key), value)
        for key, value in wanted.items()
        if getattr(row, key) != value
    }
    if not changes:
        return {}
    for key, value in wanted.items():
        setattr(row, key, value)
    row.updated_by_id = by.id if by else None
    db.session.add(row)
    audit(by, "survey_settings.edit", course, slug=course.slug, changes=changes)
    db.session.flush()
    return changes

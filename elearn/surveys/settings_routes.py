"""A course's evaluation settings, for whoever may edit the course (its instructors, admins).

Thin: check access, parse the form, settings.save_settings, commit once, redirect."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.decorators import role_required
from ..authoring.access import may_edit, refusal_status
from ..extensions import db
from ..models import Course, SurveyAudience, SurveyLevel
from . import bp
from .instrument_forms import CourseSurveySettingsForm
from .instruments import default_instrument, instrument_choices
from .settings import save_settings, settings_for, stored_settings


def _course(slug):
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        abort(404)
    viewer = current_user._get_current_object()
    if not may_edit(viewer, course):
        abort(refusal_status(viewer))
    return course


def _choice(value):
    return {"yes": True, "no": False}.get(value)


@bp.route("/course/<slug>/settings", methods=["GET", "POST"])
@role_required("instructor", "admin")
def course_settings(slug):
    course = _course(slug)
    default_required = bool(current_app.config["SURVEY_REACTION_REQUIRED_DEFAULT"])
    instruments = instrument_choices(SurveyLevel.REACTION, SurveyAudience.LEARNER)
    default = default_instrument(SurveyLevel.REACTION, SurveyAudience.LEARNER)
    row = stored_settings(course.id)
    form = CourseSurveySettingsForm()
    form.set_choices(default_required, instruments, default)
    if request.method == "GET":
        form.reaction_required.data = {True: "yes", False: "no"}.get(row.reaction_required, "")
        form.anonymous.data = bool(row.anonymous)
        form.followup.data = bool(row.followup)
        chosen = row.reaction_instrument_id
        # An instrument switched off since is not offered: the course falls back to the default.
        form.reaction_instrument.data = str(chosen) if chosen in {i.id for i in instruments} else ""
    elif form.validate_on_submit():
        instrument_id = form.reaction_instrument.data
        changes = save_settings(
            course,
            current_user._get_current_object(),
            reaction_required=_choice(form.reaction_required.data),
            anonymous=form.anonymous.data,
            followup=form.followup.data,
            reaction_instrument_id=int(instrument_id) if instrument_id else None,
        )
        db.session.commit()
        if changes:
            flash(_("The evaluation settings have been saved."), "success")
        else:
            flash(_("Nothing was changed."), "info")
        return redirect(url_for(".course_settings", slug=course.slug))
    missing = row.reaction_instrument_id and row.reaction_instrument_id not in {
        i.id for i in instruments
    }
    return render_template(
        "surveys/course_settings.html",
        course=course,
        form=form,
        effective=settings_for(course.id),
        default_required=default_required,
        default_instrument=default,
        instrument_missing=missing,
        weeks=current_app.config["SURVEY_FOLLOWUP_WEEKS"],
        minimum=current_app.config["SURVEY_MIN_ANSWERS"],
    )

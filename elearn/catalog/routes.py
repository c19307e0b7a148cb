"""Catalog pages: the list of published courses, a course's page, enrolment.

Thin: parse, call a service, commit once, redirect (post/redirect/get).
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..certificates.services import certificate_for
from ..extensions import db
from ..forms import EmptyForm
from ..learn.outline import outline_for
from ..learn.services import (
    EnrolmentRefused,
    course_with_enrollment,
    enroll,
    follow_current_version,
    progress_of,
    resume_item,
)
from ..surveys.reports import course_rating
from . import bp
from .forms import CatalogFilterForm
from .services import (
    KIND_LABELS,
    LEVEL_LABELS,
    catalog_query,
    competency_choices,
    competency_links,
    completion_of,
    facet_choices,
    learner_states,
)


def _me():
    return current_user._get_current_object()


@bp.app_template_global()
def level_label(level):
    return LEVEL_LABELS.get(level, level)


@bp.app_template_global()
def competency_kind_label(kind):
    return KIND_LABELS.get(kind, kind)


@bp.route("/")
@login_required
def index():
    categories, organisers = facet_choices()
    form = CatalogFilterForm(request.args, competency_choices(), categories, organisers)
    jp = request.args.get("jp", type=int)
    filters = form.filters(jp_exact=jp if jp is not None and 0 <= jp <= 1000 else None)
    page = db.paginate(
        catalog_query(filters),
        per_page=current_app.config["PER_PAGE"],
        max_per_page=100,
        error_out=False,
    )
    states = learner_states(current_user.id, [v.course_id for v in page.items])
    return render_template("catalog/index.html", page=page, filters=form, states=states)


@bp.route("/<slug>")
@login_required
def course(slug):
    course, enrollment = course_with_enrollment(slug, current_user.id)
    if course is None:
        abort(404)
    if enrollment is not None and follow_current_version(enrollment, course):
        db.session.commit()
    version = course.current_version
    outline = outline_for(version)
    progress = completion = next_item = certificate = None
    if enrollment is not None:
        progress = progress_of(current_user.id, [course.id])[course.id]
        completion = completion_of(current_user.id, course.id)
        next_item = resume_item(outline, enrollment, progress)
        if completion is not None:
            certificate = certificate_for(current_user.id, course.id)
    return render_template(
        "catalog/course.html",
        course=course,
        version=version,
        outline=outline,
        competencies=competency_links(version),
        enrollment=enrollment,
        progress=progress,
        completion=completion,
        certificate=certificate,
        next_item=next_item,
        rating=course_rating(course.id),
        form=EmptyForm(),
    )


@bp.post("/<slug>/enrol")
@login_required
def enrol(slug):
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    course, _enrollment = course_with_enrollment(slug, current_user.id)
    if course is None:
        abort(404)
    try:
        _enrollment, created = enroll(_me(), course)
    except EnrolmentRefused:
        return render_template(
            "errors/error.html",
            status=403,
            title=_("Assigned learners only"),
            message=_(
                "This course is open only to the learners it is assigned to. Ask your supervisor "
                "or the training administrator if you need it."
            ),
        ), 403
    db.session.commit()
    if created:
        flash(_("You are enrolled in %(title)s.", title=course.title), "success")
    else:
        flash(_("You are already enrolled in this course."), "info")
    return redirect(url_for(".course", slug=course.slug))

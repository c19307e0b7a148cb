"""Lesson pages, marking lessons done, resuming a course, and My learning (the home page).

Thin: parse, call a service, commit once, redirect (post/redirect/get).
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from ..extensions import db
from ..forms import EmptyForm
from ..models import SurveyAudience
from ..supervision.assignments import apply_unit_assignments
from ..supervision.services import today
from ..surveys.taking import pending_for
from . import bp
from .outline import LRU, OUTLINES_KEPT, lesson_body, outline_for
from .services import (
    course_for_lesson,
    course_with_enrollment,
    mark_lesson_done,
    my_learning,
    open_lesson,
    progress_of,
    resume_item,
)

QUIZ_ENDPOINT = "quizzes.quiz"  # the quizzes feature: /.../<course_slug>/<quiz_key>


@bp.app_template_filter("score")
def score_filter(value):
    """A percentage score as the locale writes it, without trailing zeros (85,5 / 100)."""
    return "" if value is None else format_decimal(value, format="#,##0.#")


@bp.app_template_global()
def item_url(course_slug, item):
    """Where an outline item opens: lessons here, quizzes in the quizzes feature."""
    if item.is_quiz and QUIZ_ENDPOINT in current_app.view_functions:
        try:
            return url_for(QUIZ_ENDPOINT, course_slug=course_slug, quiz_key=item.key)
        except BuildError:  # the quizzes feature changed its URL arguments
            current_app.logger.warning("cannot build %s for %s", QUIZ_ENDPOINT, item.key)
    return url_for("learn.lesson", course_slug=course_slug, item_key=item.key)


@bp.app_template_global()
def outline_urls(course_slug, outline):
    """{item key: URL} for every item of an outline, kept per process like the outline itself:
    outline pages link every item, and building each URL on every view costs more than the
    rest of the outline."""
    cache = current_app.extensions.get("elearn.outline_urls")
    if cache is None:
        cache = current_app.extensions.setdefault("elearn.outline_urls", LRU(OUTLINES_KEPT))
    key = (request.script_root, course_slug, outline.version_id, outline.version_number)
    urls = cache.get(key)
    if urls is None:
        urls = {item.key: item_url(course_slug, item) for item in outline.items}
        cache.put(key, urls)
    return urls


def _not_enrolled(course_slug):
    flash(_("Enrol in the course to open its lessons."), "info")
    return redirect(url_for("catalog.course", slug=course_slug))


def _enrolled(course_slug):
    """(course, enrolment); 404 for unknown or unpublished courses, enrolment may be None."""
    course, enrollment = course_with_enrollment(course_slug, current_user.id)
    if course is None:
        abort(404)
    return course, enrollment


@bp.route("/<course_slug>")
@login_required
def resume(course_slug):
    """Continue where the learner left off (a stable link for mails and other pages)."""
    course, enrollment = _enrolled(course_slug)
    if enrollment is None:
        return _not_enrolled(course_slug)
    outline = outline_for(course.current_version)
    item = resume_item(outline, enrollment, progress_of(current_user.id, [course.id])[course.id])
    if item is None:
        return redirect(url_for("catalog.course", slug=course_slug))
    return redirect(item_url(course_slug, item))


@bp.route("/<course_slug>/<path:item_key>")
@login_required
def lesson(course_slug, item_key):
    # The course's columns, its version from the per-process cache and the enrolment: one
    # query of small columns (no CourseVersion row with its description and course.yml).
    course, version, enrollment = course_for_lesson(course_slug, current_user.id)
    if course is None:
        abort(404)
    if enrollment is None:
        return _not_enrolled(course_slug)
    outline = outline_for(version)
    item = outline.get(item_key)
    if item is None:
        abort(404)
    if item.is_quiz:
        target = item_url(course_slug, item)
        if QUIZ_ENDPOINT not in current_app.view_functions:
            flash(_("Quizzes cannot be taken yet on this site."), "info")
            target = url_for("catalog.course", slug=course_slug)
        return redirect(target)
    progress = progress_of(current_user.id, [course.id])[course.id]
    changed = open_lesson(enrollment, course, item, progress)
    body = lesson_body(version, item.key)
    prev_item, next_item = outline.neighbours(item)
    html = render_template(
        "learn/lesson.html",
        course=course,
        version=version,
        outline=outline,
        item=item,
        module=outline.modules[item.module] if item.module is not None else None,
        body=body,
        progress=progress,
        done_in_module=[sum(i.key in progress.done for i in m.items) for m in outline.modules],
        enrollment=enrollment,
        prev_item=prev_item,
        next_item=next_item,
    )
    if changed:
        # After rendering: a commit expires every loaded object, and the template would
        # reload the user and enrolment (more queries on every first visit).
        db.session.commit()
    return html


@bp.post("/<course_slug>/<path:item_key>/done")
@login_required
def mark_done(course_slug, item_key):
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    course, enrollment = _enrolled(course_slug)
    if enrollment is None:
        return _not_enrolled(course_slug)
    item = outline_for(course.current_version).get(item_key)
    if item is None or not item.is_lesson:
        abort(404)
    result = mark_lesson_done(enrollment, course, item)
    db.session.commit()
    if result.newly_completed:
        flash(
            _(
                "Congratulations! You have completed %(title)s and earned %(jp)d JP.",
                title=course.title,
                jp=result.completion.jp,
            ),
            "success",
        )
        return redirect(url_for("catalog.course", slug=course_slug))
    if result.next_item is None:
        return redirect(url_for("catalog.course", slug=course_slug))
    return redirect(item_url(course_slug, result.next_item))


def my_learning_page():
    """The signed-in home page (main.home): courses, the next step in each, JP this year."""
    user = current_user._get_current_object()
    if apply_unit_assignments(user):  # courses assigned to their unit before they joined it
        db.session.commit()
    from ..activities.recognition import source_picture

    data = my_learning(user)
    surveys = pending_for(user.id, today(), SurveyAudience.LEARNER)
    return render_template(
        "learn/my_learning.html",
        data=data,
        pending_surveys=surveys,
        # The 10:20:70 picture from the JP already counted for the page (no second query).
        sources=source_picture(data.jp.by_source, data.jp.year),
    )

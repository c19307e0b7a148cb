"""Quiz pages: the quiz (start, or the open attempt's answer sheet), save, submit, result.

Thin: parse the form, call a service with the learner's id and the time, commit once, redirect.
Attempt URLs look the attempt up by its id AND the signed-in learner: anyone else gets 404.
"""

from datetime import timedelta

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from ..extensions import db
from ..i18n import local_datetime
from ..learn.completion import enrollment_for
from ..learn.services import next_step
from ..models import QuizRole
from ..timeutil import utcnow
from . import bp
from . import services as svc
from .forms import AnswerSheetForm, StartForm, answers_from_form

QUIZ_URL = "/quizzes/<course_slug>/<path:quiz_key>"


def _grace():
    return timedelta(seconds=current_app.config.get("QUIZ_GRACE_SECONDS", 30))


def _wants_json():
    return request.accept_mimetypes.best == "application/json"


def _quiz_url(attempt):
    return url_for(".quiz", course_slug=attempt.course.slug, quiz_key=attempt.quiz_key)


def _course_url(course):
    """The course's page, when the catalog or learning pages provide one."""
    for endpoint in ("catalog.course", "learn.resume"):
        if endpoint in current_app.view_functions:
            for arg in ("slug", "course_slug"):
                try:
                    return url_for(endpoint, **{arg: course.slug})
                except BuildError:
                    continue
    return None


def _catalog_url():
    if "catalog.index" in current_app.view_functions:
        return url_for("catalog.index")
    return None


@bp.app_template_filter("quiz_number")
def quiz_number(value, digits=2):
    """A score or points in the reader's notation, without needless decimals: 87,5 / 2."""
    if value is None:
        return "\u2013"
    return format_decimal(value, format=f"#,##0.{'#' * digits}")


@bp.app_template_filter("quiz_duration")
def quiz_duration(seconds):
    seconds = max(0, int(seconds or 0))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# The quiz ---------------------------------------------------------------------------------------
@bp.get(QUIZ_URL)
@login_required
def quiz(course_slug, quiz_key):
    me, now = current_user.id, utcnow()
    # The course, version, quiz, enrolment, open attempt and attempt counts in one query.
    context = svc.quiz_context(course_slug, quiz_key, me) or abort(404)
    course, quiz, enrollment = context.course, context.quiz, context.enrollment
    if enrollment is None and course.restricted:
        abort(404)
    attempt = context.attempt
    if attempt is not None and svc.expire_if_due(attempt, now, _grace()):
        attempt_id = attempt.id
        db.session.commit()
        flash(_("Time was up. Your answers were graded as they stood at the deadline."), "info")
        return redirect(url_for(".result", attempt_id=attempt_id))
    if attempt is not None:
        questions = None
        if attempt.quiz_id == quiz.id:  # else started on an earlier version: its own questions
            questions = svc.quiz_questions(quiz, context.version_key)
        return _render_sheet(
            course,
            attempt,
            now,
            confirm=request.args.get("check") == "1",
            used=context.used,
            questions=questions,
        )

    standing = svc.standing(me, course.id, quiz.key, quiz.attempts_allowed)
    finished = _finished(quiz, standing)
    page = db.paginate(
        svc.attempts_query(me, course.id, quiz.key),
        per_page=current_app.config["PER_PAGE"],
        max_per_page=100,
        error_out=False,
    )
    return render_template(
        "quizzes/quiz.html",
        course=course,
        quiz=quiz,
        facts=svc.quiz_facts(quiz),
        enrollment=enrollment,
        standing=standing,
        page=page,
        gain=svc.pretest_vs_final(me, course.id) if quiz.role != QuizRole.MODULE else None,
        form=StartForm(),
        course_url=_course_url(course),
        catalog_url=_catalog_url(),
        finished=finished,
        step=next_step(enrollment, course, quiz.key) if finished else None,
        retake=_retake_offered(quiz, standing, finished),
    )


def _finished(quiz, standing):
    """A quiz the learner is done with: passed, or (the pre-test, an optional quiz) taken."""
    if standing.passed:
        return True
    return bool(standing.submitted) and (quiz.role == QuizRole.PRETEST or not quiz.required)


def _retake_offered(quiz, standing, finished):
    """Whether the page offers another attempt. Never for a passed final exam (it changes
    nothing); for other finished quizzes only as a secondary, optional choice."""
    if standing.left == 0:
        return False
    return not (finished and quiz.role == QuizRole.FINAL)


def _render_sheet(
    course, attempt, now, values=None, errors=None, status=200, confirm=False, used=None,
    questions=None,
):  # fmt: skip
    quiz = attempt.quiz
    if used is None:
        used = svc.standing(attempt.user_id, attempt.course_id, attempt.quiz_key, 0).used
    items = svc.sheet(attempt, questions=questions, values=values)
    # The confirmation step of a sheet sent with questions left blank (works without script).
    unanswered = [item for item in items if not item.value] if confirm and not errors else []
    return (
        render_template(
            "quizzes/sheet.html",
            course=course,
            quiz=quiz,
            attempt=attempt,
            items=items,
            unanswered=unanswered,
            errors=errors or {},
            remaining=svc.remaining_seconds(attempt, now),
            allowed=quiz.attempts_allowed,
            used=used,
            form=AnswerSheetForm(),
            course_url=_course_url(course),
        ),
        status,
    )


@bp.post(QUIZ_URL)
@login_required
def start(course_slug, quiz_key):
    me = current_user.id
    # One query for what the start needs (see quiz_context); the questions are kept per process.
    context = svc.quiz_context(course_slug, quiz_key, me) or abort(404)
    if not StartForm().validate_on_submit():
        abort(400)
    course, quiz, enrollment = context.course, context.quiz, context.enrollment
    if enrollment is None:
        abort(404 if course.restricted else 403)
    # Built before the commit, which expires the rows read (reading them again costs queries).
    url = url_for(".quiz", course_slug=course.slug, quiz_key=quiz.key)
    try:
        svc.start_attempt(me, course, quiz, enrollment, utcnow(), _grace(), context=context)
    except svc.QuizRefused as exc:
        flash(str(exc.message), "error")
    # Also when refused: an expired attempt found on the way has been graded.
    db.session.commit()
    return redirect(url)


# Saving and submitting --------------------------------------------------------------------------
def _own_attempt(attempt_id):
    return svc.get_attempt(attempt_id, current_user.id) or abort(404)


def _closed_response(attempt, outcome):
    """After a submission (this request's or another's): the result page."""
    url = url_for(".result", attempt_id=attempt.id)
    if _wants_json():
        return jsonify(status="closed", url=url)
    if outcome.completed:
        course = attempt.course
        flash(
            _(
                "Congratulations! You have completed %(title)s and earned %(jp)d JP.",
                title=course.title,
                jp=course.current_version.jp if course.current_version else 0,
            ),
            "success",
        )
    elif outcome.status == svc.SUBMITTED:
        flash(_("Your answers have been submitted."), "success")
    elif outcome.status == svc.LATE:
        flash(
            _(
                "Your answers arrived after the time limit. They were graded as they stood "
                "at the deadline."
            ),
            "warning",
        )
    elif outcome.status == svc.ALREADY and request.method == "POST":
        # Another tab (or a second click) sent this attempt first: say which answers count.
        flash(
            _(
                "This attempt had already been submitted (from another tab or window). The "
                "answers sent first were graded; the ones from this page were not recorded."
            ),
            "info",
        )
    return redirect(url)


def _error_messages(errors):
    return {str(qid): str(message) for qid, message in errors.items()}


@bp.post("/attempts/<int:attempt_id>/save")
@login_required
def save(attempt_id):
    attempt = _own_attempt(attempt_id)
    if not AnswerSheetForm().validate_on_submit():
        abort(400)
    raw = answers_from_form(request.form, attempt.question_ids)
    now = utcnow()
    outcome = svc.save_answers(attempt, raw, now, _grace())
    db.session.commit()
    if outcome.status != svc.SAVED:
        return _closed_response(attempt, outcome)
    if _wants_json():
        return jsonify(
            status="saved",
            saved_at=attempt.saved_at.isoformat(),
            saved_label=_("Saved at %(time)s", time=local_datetime(attempt.saved_at)),
            remaining=svc.remaining_seconds(attempt, now),
            errors=_error_messages(outcome.errors),
        ), (422 if outcome.errors else 200)
    if outcome.errors:
        return _render_sheet(attempt.course, attempt, now, raw, outcome.errors, 422)
    flash(_("Your answers have been saved."), "success")
    return redirect(_quiz_url(attempt))


@bp.post("/attempts/<int:attempt_id>/submit")
@login_required
def submit(attempt_id):
    attempt = _own_attempt(attempt_id)
    if not AnswerSheetForm().validate_on_submit():
        abort(400)
    raw = answers_from_form(request.form, attempt.question_ids)
    now = utcnow()
    # The sheet's button (name=check) asks first about questions left blank.
    outcome = svc.submit_attempt(
        attempt, raw, now, _grace(), ask_about_blanks=request.form.get("check") == "1"
    )
    db.session.commit()
    if outcome.status == svc.UNANSWERED:
        if _wants_json():
            return jsonify(status="unanswered", questions=outcome.unanswered), 409
        return redirect(
            url_for(
                ".quiz",
                course_slug=attempt.course.slug,
                quiz_key=attempt.quiz_key,
                check=1,
                _anchor="submit-check",
            )
        )
    if outcome.status == svc.INVALID:
        if _wants_json():
            return jsonify(status="invalid", errors=_error_messages(outcome.errors)), 422
        return _render_sheet(attempt.course, attempt, now, raw, outcome.errors, 422)
    return _closed_response(attempt, outcome)


# Results ------------------------------------------------------------------------------------------
@bp.get("/attempts/<int:attempt_id>")
@login_required
def result(attempt_id):
    attempt = _own_attempt(attempt_id)
    if attempt.submitted_at is None:
        if not svc.expire_if_due(attempt, utcnow(), _grace()):
            return redirect(_quiz_url(attempt))
        db.session.commit()
    quiz = attempt.quiz
    standing = svc.standing(
        attempt.user_id, attempt.course_id, attempt.quiz_key, quiz.attempts_allowed
    )
    visible = svc.answers_visible(quiz.show_answers, standing)
    course = attempt.course
    finished = _finished(quiz, standing)
    offered = svc.find_quiz(course.slug, attempt.quiz_key) is not None
    return render_template(
        "quizzes/result.html",
        course=course,
        quiz=quiz,
        attempt=attempt,
        standing=standing,
        visible=visible,
        items=svc.review(attempt, visible),
        gain=(
            svc.pretest_vs_final(attempt.user_id, attempt.course_id)
            if quiz.role != QuizRole.MODULE
            else None
        ),
        form=StartForm(),
        can_retry=offered and _retake_offered(quiz, standing, finished),
        finished=finished,
        step=(
            next_step(enrollment_for(attempt.user_id, course.id), course, attempt.quiz_key)
            if finished
            else None
        ),
        course_url=_course_url(course),
    )

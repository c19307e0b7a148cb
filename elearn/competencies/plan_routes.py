"""Development plan pages (thin): the learner's plan for a year, the supervisor's list of plans
in scope with the decision, and the export. A refused save shows the page again with what was
typed (nothing lost) and the reason; plans outside the viewer's scope are 404."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from ..auth.decorators import role_required
from ..exports import export_response
from ..extensions import db
from ..learn.services import current_year
from ..supervision.services import paged, person_in_scope, scope_units
from . import bp
from .plan_forms import (
    ActivityItemForm,
    CourseItemForm,
    DecisionForm,
    PlanActionForm,
    PlanFilterForm,
)
from .plan_services import (
    MAX_JP,
    STATUS_LABELS,
    PlanError,
    StalePlan,
    add_activity_item,
    add_course_item,
    competency_choices,
    course_choices,
    decide,
    decider_for,
    export_header,
    export_rows,
    move_item,
    plan_in_scope,
    plan_status_of,
    plan_view,
    plan_years,
    plans_query,
    remove_item,
    request_reopen,
    submit_plan,
    suggested_courses,
    withdraw_plan,
)

ROLES = ("supervisor", "admin")
FORMATS = ("csv", "xlsx")


def _me():
    return current_user._get_current_object()


@bp.app_template_global()
def plan_status_label(status):
    return STATUS_LABELS.get(status, status or "")


@bp.app_template_global()
def development_plan_status(user_id, year=None):
    """The status of a person's plan this year (None: no plan), for the person page."""
    return plan_status_of(user_id, year or current_year())


def _year(value):
    years = plan_years()
    try:
        year = int(value)
    except (TypeError, ValueError):
        return current_year()
    return year if year in years else current_year()


def _page_number():
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


# The learner's plan ------------------------------------------------------------------------------
def _plan_page(year, course_form=None, activity_form=None, error=None, status=200):
    me = _me()
    view = plan_view(me, year)
    courses = course_choices(me)
    competencies = competency_choices()
    fresh = {"formdata": None, "revision": view.revision, "year": year}
    posted = course_form or activity_form
    if course_form is None:
        course_form = CourseItemForm(**fresh)
    if activity_form is None:
        activity_form = ActivityItemForm(**fresh)
    course_form.set_choices(courses, competencies)
    activity_form.set_choices(competencies)
    unsaved = posted.typed() if posted is not None and not view.editable else []
    # The typed text stays; the revision becomes the current one so that a second try, after
    # reading the plan as it is now, can be saved.
    for form in (course_form, activity_form):
        form.revision.data = view.revision
        form.year.data = year
    action = PlanActionForm(formdata=None, revision=view.revision, year=year)
    if error is not None:
        flash(str(error), "error")
    return render_template(
        "competencies/plan_mine.html",
        view=view,
        years=plan_years(),
        course_form=course_form,
        activity_form=activity_form,
        action=action,
        max_jp=MAX_JP,
        unsaved=unsaved,
        suggestions=_suggestions(me, view),
    ), status


def _suggestions(person, view):
    if not view.editable:
        return []
    return suggested_courses(person, view.year, {i.item.course_id for i in view.items})


@bp.get("/plan")
@login_required
def my_plan():
    return _plan_page(_year(request.args.get("year")))[0]


def _refused(exc, year, course_form=None, activity_form=None):
    db.session.rollback()
    if isinstance(exc, StalePlan):
        return _plan_page(year, course_form, activity_form, exc.message, 409)
    field = exc.field
    for form in (course_form, activity_form):
        if form is not None and field and hasattr(form, field):
            getattr(form, field).errors = [str(exc.message)]
            return _plan_page(year, course_form, activity_form, None, 400)
    return _plan_page(year, course_form, activity_form, exc.message, 400)


def _done(year, message):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".my_plan", year=year))


@bp.post("/plan/courses")
@login_required
def add_course():
    form = CourseItemForm(request.form)
    year = _year(form.year_value())
    if not form.validate_on_submit():
        abort(400)
    try:
        add_course_item(
            _me(), year, form.revision_value(), form.course_id.data,
            form.planned_jp.number(), form.competency_id.data,
        )  # fmt: skip
        return _done(year, _("The course has been added to the plan."))
    except PlanError as exc:
        return _refused(exc, year, course_form=form)
    except IntegrityError:  # the plan was started at the same moment in another tab
        return _refused(StalePlan(), year, course_form=form)


@bp.post("/plan/activities")
@login_required
def add_activity():
    form = ActivityItemForm(request.form)
    year = _year(form.year_value())
    if not form.validate_on_submit():
        abort(400)
    try:
        add_activity_item(
            _me(), year, form.revision_value(), form.title.data,
            form.planned_jp.number(), form.competency_id.data,
        )  # fmt: skip
        return _done(year, _("The activity has been added to the plan."))
    except PlanError as exc:
        return _refused(exc, year, activity_form=form)
    except IntegrityError:
        return _refused(StalePlan(), year, activity_form=form)


def _action(run, message):
    form = PlanActionForm(request.form)
    year = _year(form.year_value())
    if not form.validate_on_submit():
        abort(400)
    try:
        run(_me(), year, form.revision_value())
    except PlanError as exc:
        return _refused(exc, year)
    return _done(year, message)


@bp.post("/plan/items/<int:item_id>/remove")
@login_required
def remove_plan_item(item_id):
    return _action(
        lambda me, year, rev: remove_item(me, year, rev, item_id),
        _("The item has been removed from the plan."),
    )


@bp.post("/plan/items/<int:item_id>/up")
@login_required
def move_plan_item_up(item_id):
    return _action(
        lambda me, year, rev: move_item(me, year, rev, item_id, -1), _("The order was changed.")
    )


@bp.post("/plan/items/<int:item_id>/down")
@login_required
def move_plan_item_down(item_id):
    return _action(
        lambda me, year, rev: move_item(me, year, rev, item_id, 1), _("The order was changed.")
    )


@bp.post("/plan/submit")
@login_required
def submit_my_plan():
    return _action(submit_plan, _("The plan has been sent to your supervisor for approval."))


@bp.post("/plan/withdraw")
@login_required
def withdraw_my_plan():
    return _action(withdraw_plan, _("The plan is a draft again: you can change it."))


@bp.post("/plan/reopen-request")
@login_required
def request_plan_reopen():
    return _action(request_reopen, _("Your supervisor has been asked to reopen the plan."))


# Supervisors -------------------------------------------------------------------------------------
def _list_filters(viewer):
    units = scope_units(viewer)
    form = PlanFilterForm(request.args, units, plan_years())
    year = form.value("year", current_year())
    status = form.value("status", "")
    unit_id = form.value("unit", 0)
    unit = next((u for u, _depth in units if u.id == unit_id), None)
    form.year.data = year
    return form, year, status, unit


@bp.get("/plans")
@role_required(*ROLES)
def plans():
    viewer = _me()
    form, year, status, unit = _list_filters(viewer)
    page = paged(
        plans_query(viewer, year, status, unit), _page_number(), current_app.config["PER_PAGE"]
    )
    export_args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "competencies/plan_list.html", page=page, filters=form, year=year,
        export_args=export_args,
    )  # fmt: skip


@bp.get("/plans/export.<fmt>")
@role_required(*ROLES)
def export_plans(fmt):
    if fmt not in FORMATS:
        abort(404)
    viewer = _me()
    _form, year, status, unit = _list_filters(viewer)
    return export_response(
        fmt, f"rencana-pengembangan-{year}", export_header(),
        export_rows(viewer, year, status, unit), title=_("Development plans"), text_columns={0},
    )  # fmt: skip


def _person_plan_page(person, year, decision=None, status=200):
    view = plan_view(person, year)
    if decision is None:
        decision = DecisionForm(formdata=None, revision=view.revision)
    decision.revision.data = view.revision
    return render_template(
        "competencies/plan_person.html", view=view, years=plan_years(), decision=decision,
        is_self=person.id == current_user.id, decider=decider_for(_me(), person),
    ), status  # fmt: skip


@bp.get("/plans/people/<int:user_id>")
@role_required(*ROLES)
def person_plan(user_id):
    person = person_in_scope(_me(), user_id)
    if person is None:
        abort(404)
    if person.id == current_user.id:
        return redirect(url_for(".my_plan", year=_year(request.args.get("year"))))
    return _person_plan_page(person, _year(request.args.get("year")))[0]


DECIDED = {
    "approve": _l("The plan has been approved."),
    "return": _l("The plan has been returned with your note."),
    "reopen": _l("The plan has been reopened: the person can change it again."),
}


@bp.post("/plans/<int:plan_id>/decision")
@role_required(*ROLES)
def decide_plan(plan_id):
    viewer = _me()
    plan = plan_in_scope(viewer, plan_id)
    if plan is None:
        abort(404)
    form = DecisionForm(request.form)
    if not form.validate_on_submit():
        abort(400)
    person, year = plan.user, plan.year
    try:
        decide(viewer, plan, form.action.data, form.revision_value(), form.note.data)
    except PlanError as exc:
        db.session.rollback()
        if exc.field == "note":
            form.note.errors = [str(exc.message)]
        else:
            flash(str(exc.message), "error")
        return _person_plan_page(person, year, form, 409 if isinstance(exc, StalePlan) else 400)
    db.session.commit()
    flash(str(DECIDED[form.action.data]), "success")
    return redirect(url_for(".person_plan", user_id=person.id, year=year))

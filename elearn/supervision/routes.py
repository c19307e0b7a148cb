"""Team pages for supervisors and admins: dashboard, person view, assignments, exports.

Thin: parse the query or the form, call a service with the viewer as an argument, commit once,
redirect (post/redirect/get). Everything shown is limited to the viewer's scope by the
services; ids from outside the scope are answered 404 or ignored.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

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
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from ..activities.badges import badges_of
from ..activities.recognition import person_picture, source_picture
from ..activities.services import person_activities
from ..auth.decorators import role_required
from ..exports import export_response
from ..extensions import db
from ..forms import EmptyForm
from ..jobs.routes import exportable
from ..learn.jp import jp_by_source_of
from ..models import SurveyAudience
from ..surveys.taking import pending_for
from . import bp
from .assignments import (
    SKIP_COVERED,
    InvalidAssignment,
    PlanChanged,
    assignment_in_scope,
    assignment_list_query,
    chosen_people,
    chosen_units,
    create_assignments,
    plan_assignment,
    search_people,
    search_units,
    withdraw_assignment,
)
from .forms import KEEP_DUE, UPDATE_DUE, AssignForm, ConfirmForm, ReportForm, TeamFilterForm
from .reports import (
    SIASN_EXTRA,
    SIASN_FIELDS,
    completion_header,
    completion_rows,
    completions_statement,
    siasn_rows,
    siasn_statement,
    team_header,
    team_rows,
)
from .services import (
    STATUS_LABELS,
    TeamFilter,
    TeamQuery,
    chart_rows,
    course_choices,
    paged,
    person_in_scope,
    person_view,
    scope_units,
    team_dashboard,
    today,
)

ROLES = ("supervisor", "admin")
FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
YEARS_BACK = 5


def _me():
    return current_user._get_current_object()


@bp.app_template_global()
def assignment_status_label(status):
    return STATUS_LABELS.get(status, status or "")


def _page_number():
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


def _team_filters(viewer):
    """(form, TeamFilter, units of the scope) from the query string."""
    units = scope_units(viewer)
    this_year = today().year
    years = list(range(this_year, this_year - YEARS_BACK, -1))
    form = TeamFilterForm(request.args, units, course_choices(), years)
    unit_id = form.value("unit")
    filters = TeamFilter(
        year=form.value("year") or this_year,
        unit=next((u for u, _depth in units if u.id == unit_id), None),
        course_id=form.value("course") or None,
        status=form.value("status") or "",
        jp=form.value("jp") or "",
        search=(form.value("q") or "")[:100],
        sort=form.value("sort") or "name",
    )
    return form, filters, units


# Dashboard ---------------------------------------------------------------------------------------
@bp.route("")
@role_required(*ROLES)
def dashboard():
    viewer = _me()
    form, filters, units = _team_filters(viewer)
    data = team_dashboard(
        viewer, filters, units, page=_page_number(), per_page=current_app.config["PER_PAGE"]
    )
    export_args = {k: v for k, v in request.args.items() if k != "page"}
    # The 10:20:70 picture of the people in scope matching the unit and search filters.
    people = TeamQuery(viewer, filters).people
    return render_template(
        "supervision/dashboard.html",
        data=data,
        filters=form,
        chart=chart_rows(data.summary),
        sources=source_picture(jp_by_source_of(people, filters.year), filters.year),
        export_args=export_args,
        course_mode=filters.course_id is not None,
        pending_surveys=pending_for(viewer.id, today(), SurveyAudience.SUPERVISOR),
    )


def _row_count(stmt):
    """The number of rows of an export's statement (to decide whether it becomes a job)."""
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))


@bp.route("/export.<fmt>")
@exportable(_l("Team progress"))
@role_required(*ROLES)
def export_team(fmt):
    if fmt not in FORMATS:
        abort(404)
    viewer = _me()
    _form, filters, _units = _team_filters(viewer)
    rows = team_rows(viewer, filters)
    sep = ";" if request.args.get("sep", ";") != "," else ","
    people = TeamQuery(viewer, filters).people
    return export_response(
        fmt, f"tim-{filters.year}-{today().strftime('%Y%m%d')}", team_header(filters.year), rows,
        title=_("Team"), text_columns={0}, delimiter=sep, count=lambda: _row_count(people),
    )  # fmt: skip


# Person ------------------------------------------------------------------------------------------
@bp.route("/people/<int:user_id>")
@role_required(*ROLES)
def person(user_id):
    viewer = _me()
    found = person_in_scope(viewer, user_id)
    if found is None:
        abort(404)
    year = today().year
    return render_template(
        "supervision/person.html",
        view=person_view(found),
        viewer=viewer,
        year=year,
        person_activities=person_activities(found, year),
        sources=person_picture(found.id, year),
        badges=badges_of(found.id),
    )


# Assignments -------------------------------------------------------------------------------------
@bp.route("/assignments")
@role_required(*ROLES)
def assignments():
    page = paged(
        assignment_list_query(_me(), today()), _page_number(), current_app.config["PER_PAGE"]
    )
    return render_template(
        "supervision/assignments.html", page=page, button=EmptyForm(), day=today()
    )


PREVIEW_LISTED = 20  # people named on the preview; the others are counted


def _new_assign_form(viewer, courses):
    """The choice from the query string; a first visit (no `sent`) starts from the defaults
    and what the link names: ?course=, ?unit=, ?person= (only if in the viewer's scope)."""
    if "sent" in request.args:
        return AssignForm(request.args, courses=courses)
    form = AssignForm(courses=courses)
    if request.args.get("course", "").isdigit():
        form.course_id.data = int(request.args["course"])
    if request.args.get("unit", "").isdigit():
        form.unit_ids.data = [i.id for i in chosen_units(viewer, [int(request.args["unit"])])]
    if request.args.get("person", "").isdigit():
        form.user_ids.data = [i.id for i in chosen_people(viewer, [int(request.args["person"])])]
    return form


def _choice_args(form):
    """The choice as query arguments (the preview's way back to the form)."""
    sel = form.selection()
    args = {"sent": "1", "course_id": sel["course_id"] or "", "unit_ids": sel["unit_ids"],
            "user_ids": sel["user_ids"]}  # fmt: skip
    if sel["due_date"] is not None:
        args["due_date"] = sel["due_date"].isoformat()
    if sel["include_future_members"]:
        args["include_future_members"] = "y"
    return args


def _edit_page(viewer, form, status=200):
    units = chosen_units(viewer, form.unit_ids.data)
    people = chosen_people(viewer, form.user_ids.data)
    unit_results = people_results = None
    if form.unit_q.data or request.args.get("search") == "units":
        unit_results = search_units(viewer, form.unit_q.data, form.unit_page)
        taken = {i.id for i in units}
        unit_results.items = [i for i in unit_results.items if i.id not in taken]
    if form.people_q.data:
        people_results = search_people(viewer, form.people_q.data, form.people_page)
        taken = {i.id for i in people}
        people_results.items = [i for i in people_results.items if i.id not in taken]
    return render_template(
        "supervision/assign.html",
        form=form,
        chosen={"units": units, "people": people},
        results={"units": unit_results, "people": people_results},
    ), status


def _preview_page(form, plan, courses, notice=None):
    confirm = ConfirmForm(formdata=None, courses=courses)
    confirm.fingerprint.data = plan.fingerprint
    if request.method == "POST" and form.due_policy.data in (KEEP_DUE, UPDATE_DUE):
        confirm.due_policy.data = form.due_policy.data
    else:  # a merge into an assignment already past due: the new date is what is meant
        confirm.due_policy.data = UPDATE_DUE if plan.past_due_merges else KEEP_DUE
    receiving = plan.receiving
    return render_template(
        "supervision/assign_preview.html",
        plan=plan,
        confirm=confirm,
        selection=form.selection(),
        receiving=receiving,
        listed=receiving[:PREVIEW_LISTED],
        skipped_covered=[p for p, why in plan.skipped if why == SKIP_COVERED],
        back_url=url_for(".assign", **_choice_args(form)),
        notice=notice,
        day=today(),
    )


@bp.route("/assignments/new", methods=["GET", "POST"])
@role_required(*ROLES)
def assign():
    """Step 1 (GET): choose the course, units, people (the picker searches by reloading this
    page, or by script through assign_search) and the due date. Step 2 (GET, step=preview):
    who will receive it, who already has it, which existing assignments are merged into.
    Step 3 (POST from the preview, CSRF): assign, in one transaction."""
    viewer = _me()
    courses = course_choices()
    if request.method == "POST":
        return _confirm(viewer, courses)
    form = _new_assign_form(viewer, courses)
    if request.args.get("step") == "preview" and "sent" in request.args:
        if form.validate():  # a GET form: its fields' checks, no CSRF
            try:
                plan = plan_assignment(viewer, **form.selection())
            except InvalidAssignment as exc:
                form.add_errors(exc.errors)
            else:
                return _preview_page(form, plan, courses)
        return _edit_page(viewer, form, 400)
    return _edit_page(viewer, form)


def _confirm(viewer, courses):
    form = ConfirmForm(request.form, courses=courses)
    if not form.validate_on_submit():
        return _edit_page(viewer, form, 400)
    sel = form.selection()
    try:
        result = create_assignments(
            viewer, sel["course_id"], sel["unit_ids"], "", sel["due_date"],
            sel["include_future_members"], user_ids=sel["user_ids"],
            update_due_date=form.update_due_date, expect=form.fingerprint.data or "",
        )  # fmt: skip
    except InvalidAssignment as exc:
        db.session.rollback()
        form.add_errors(exc.errors)
        return _edit_page(viewer, form, 400)
    except PlanChanged as exc:
        db.session.rollback()
        notice = None
        if form.fingerprint.data:
            notice = _("Something changed since you checked (people joined or left, or the "
                       "course was assigned meanwhile). Check the figures again.")  # fmt: skip
        return _preview_page(form, exc.plan, courses, notice)
    if not result.changed:
        flash(_("Nothing changed: everyone chosen already has this course assigned."), "info")
        return redirect(url_for(".assignments"))
    db.session.commit()
    flash(
        ngettext(
            "The course has been assigned to %(num)d person.",
            "The course has been assigned to %(num)d people.",
            result.people,
        ),
        "success",
    )
    if result.merged:
        flash(
            ngettext(
                "%(num)d existing assignment of this course was kept and extended instead of "
                "being duplicated.",
                "%(num)d existing assignments of this course were kept and extended instead of "
                "being duplicated.",
                result.merged,
            )
            + (" " + _("Their due date was changed.") if result.due_dates_changed else ""),
            "info",
        )
    return redirect(url_for(".assignments"))


@bp.get("/assignments/search")
@role_required(*ROLES)
def assign_search():
    """The picker's search, for picker.js: JSON of a page of units or people of the viewer's
    scope (never anyone else's). A fixed number of queries whatever the data size."""
    kind = request.args.get("kind", "")
    if kind not in ("units", "people"):
        return jsonify({"error": _("Unknown search.")}), 400
    search = search_units if kind == "units" else search_people
    found = search(_me(), request.args.get("q", "")[:100], _page_number())
    response = jsonify(
        {
            "kind": kind,
            "q": found.term,
            "page": found.page,
            "more": found.more,
            "results": [{"id": i.id, "label": i.label, "detail": i.detail} for i in found.items],
        }
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/assignments/<int:assignment_id>/withdraw")
@role_required(*ROLES)
def withdraw(assignment_id):
    assignment = assignment_in_scope(_me(), assignment_id)
    if assignment is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        withdraw_assignment(assignment, _me())
        db.session.commit()
        flash(_("The assignment has been withdrawn. Progress made so far is kept."), "success")
    return redirect(url_for(".assignments"))


# Reports -----------------------------------------------------------------------------------------
def _report_filters(viewer):
    units = scope_units(viewer)
    form = ReportForm(request.args, units, course_choices())
    this_year = today().year
    # A date that does not parse or is out of range is left as None by the field (the year's
    # bound is used) and its error shown on the form (validated here, a GET form).
    form.date_from.validate(form)
    form.date_to.validate(form)
    first = form.date_from.data or date(this_year, 1, 1)
    last = form.date_to.data or date(this_year, 12, 31)
    if last < first:
        first, last = last, first
    unit_id = form.value("unit")
    unit = next((u for u, _depth in units if u.id == unit_id), None)
    return form, first, last, unit, form.value("course") or None


def _utc_bounds(first, last):
    """[start, end) in UTC of the days first..last in the instance's zone."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    start = datetime.combine(first, time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    return start, end


@bp.route("/reports")
@role_required(*ROLES)
def reports():
    form, first, last, _unit, _course = _report_filters(_me())
    form.date_from.data, form.date_to.data = first, last
    return render_template("supervision/reports.html", form=form)


@bp.route("/completions.<fmt>")
@exportable(_l("Completions"))
@role_required(*ROLES)
def export_completions(fmt):
    if fmt not in FORMATS:
        abort(404)
    viewer = _me()
    form, first, last, unit, course_id = _report_filters(viewer)
    if form.date_from.errors or form.date_to.errors:
        return render_template("supervision/reports.html", form=form), 400
    start, end = _utc_bounds(first, last)
    siasn = form.value("layout") == "siasn"
    if siasn:
        header = [*SIASN_FIELDS, *SIASN_EXTRA]
        rows = siasn_rows(viewer, start, end, unit, course_id)
        stmt = siasn_statement(viewer, start, end, unit, course_id)
        text_columns = {2, 3, 6, 7, 8, 9}
        name = "siasn-kursus"
    else:
        header = completion_header()
        rows = completion_rows(viewer, start, end, unit, course_id)
        stmt = completions_statement(viewer, start, end, unit, course_id)
        text_columns = {0, 8}
        name = "penyelesaian"
    return export_response(
        fmt, f"{name}-{first:%Y%m%d}-{last:%Y%m%d}", header, rows, title=name,
        text_columns=text_columns, delimiter=form.value("sep") or ";",
        count=lambda: _row_count(stmt),
    )  # fmt: skip

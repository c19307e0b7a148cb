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
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..auth.decorators import role_required
from ..exports import export_response
from ..extensions import db
from ..forms import EmptyForm
from . import bp
from .assignments import (
    InvalidAssignment,
    assignment_in_scope,
    assignment_list_query,
    create_assignments,
    withdraw_assignment,
)
from .forms import AssignForm, ReportForm, TeamFilterForm
from .reports import (
    SIASN_EXTRA,
    SIASN_FIELDS,
    completion_header,
    completion_rows,
    siasn_rows,
    team_header,
    team_rows,
)
from .services import (
    STATUS_LABELS,
    TeamFilter,
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
    return render_template(
        "supervision/dashboard.html",
        data=data,
        filters=form,
        chart=chart_rows(data.summary),
        export_args=export_args,
        course_mode=filters.course_id is not None,
    )


@bp.route("/export.<fmt>")
@role_required(*ROLES)
def export_team(fmt):
    if fmt not in FORMATS:
        abort(404)
    viewer = _me()
    _form, filters, _units = _team_filters(viewer)
    rows = team_rows(viewer, filters)
    sep = ";" if request.args.get("sep", ";") != "," else ","
    return export_response(
        fmt, f"tim-{filters.year}-{today().strftime('%Y%m%d')}", team_header(filters.year), rows,
        title=_("Team"), text_columns={0}, delimiter=sep,
    )  # fmt: skip


# Person ------------------------------------------------------------------------------------------
@bp.route("/people/<int:user_id>")
@role_required(*ROLES)
def person(user_id):
    viewer = _me()
    found = person_in_scope(viewer, user_id)
    if found is None:
        abort(404)
    return render_template("supervision/person.html", view=person_view(found), viewer=viewer)


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


@bp.route("/assignments/new", methods=["GET", "POST"])
@role_required(*ROLES)
def assign():
    viewer = _me()
    units = scope_units(viewer)
    form = AssignForm(units=units, courses=course_choices())
    if request.method == "GET":
        if request.args.get("course", "").isdigit():
            form.course_id.data = int(request.args["course"])
        if request.args.get("person", "").isdigit():
            person = person_in_scope(viewer, int(request.args["person"]))
            if person is not None:
                form.people.data = person.nip or person.email
    if form.validate_on_submit():
        try:
            result = create_assignments(
                viewer,
                form.course_id.data,
                form.unit_ids.data or [],
                form.people.data or "",
                form.due_date.data,
                form.include_future_members.data,
            )
        except InvalidAssignment as exc:
            form.add_errors(exc.errors)
        else:
            db.session.commit()
            flash(
                ngettext(
                    "The course has been assigned to %(num)d person.",
                    "The course has been assigned to %(num)d people.",
                    result.people,
                ),
                "success",
            )
            return redirect(url_for(".assignments"))
    return render_template("supervision/assign.html", form=form)


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
    # A date that does not parse is left as None by the field: the year's bound is used. A date
    # outside the sane range is an error shown on the form (validated here, a GET form).
    form.date_from.validate(form)
    form.date_to.validate(form)
    first = (not form.date_from.errors and form.date_from.data) or date(this_year, 1, 1)
    last = (not form.date_to.errors and form.date_to.data) or date(this_year, 12, 31)
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
        text_columns = {2, 3, 6, 7, 8, 9}
        name = "siasn-kursus"
    else:
        header = completion_header()
        rows = completion_rows(viewer, start, end, unit, course_id)
        text_columns = {0, 8}
        name = "penyelesaian"
    return export_response(
        fmt, f"{name}-{first:%Y%m%d}-{last:%Y%m%d}", header, rows, title=name,
        text_columns=text_columns, delimiter=form.value("sep") or ";",
    )  # fmt: skip

"""Pages of the needs analysis (thin): "My competencies", the assessment form (self and
supervisor), the supervisor's list of assessments, the unit heatmap, its drill-down and export.

Everything about other people is limited to the viewer's scope by the services (the team
dashboard's rule); a person, unit or competency outside it is answered 404 or ignored.
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.decorators import role_required
from ..exports import export_response
from ..extensions import db
from ..learn.services import current_year
from ..models import Competency
from ..supervision.services import is_admin, paged, person_in_scope, scope_units
from ..surveys.flags import flagged_courses
from . import bp
from .needs import (
    AssessmentRefused,
    allowed_competencies,
    assess_page,
    assessment_status_select,
    assessor_role,
    my_competencies,
    parse_levels,
    save_assessment,
)
from .needs_forms import AssessForm, HeatFilterForm, StatusFilterForm, YearForm
from .needs_heatmap import (
    HeatFilter,
    below_standard_select,
    heatmap,
    needs_table,
    position_kind_choices,
)

ROLES = ("supervisor", "admin")
YEARS_BACK = 5
FORMATS = ("csv", "xlsx")


def _me():
    return current_user._get_current_object()


def _years():
    this_year = current_year()
    return list(range(this_year, this_year - YEARS_BACK, -1))


def _page_number():
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


# My competencies ---------------------------------------------------------------------------------
@bp.route("/mine")
@login_required
def needs_mine():
    form = YearForm(request.args, _years())
    year = form.value("year")
    data = my_competencies(_me(), year)
    return render_template("competencies/needs_mine.html", data=data, filters=form)


# The assessment form -----------------------------------------------------------------------------
def _typed_for_page(form):
    """What was typed, for showing the page again after a refused save (bad values dropped)."""
    typed = {}
    for raw in form.getlist("competency"):
        if not raw.isdigit() or len(raw) > 9:
            continue
        cid = int(raw)
        value = (form.get(f"level-{cid}") or "").strip()
        level = int(value) if value in {"1", "2", "3", "4", "5"} else None
        typed[cid] = (level, (form.get(f"note-{cid}") or "")[:5000])
    return typed


def _render_assess(person, year, role, form, typed=None, extra=(), status=200):
    """The form; the revision is the stored one unless the page is shown again with what was
    typed (an added competency, a bad level), or after a refused stale save (then the typed
    values stay and the next save goes against the current revision)."""
    page = assess_page(person, year, role, typed=typed, extra_ids=extra)
    if typed is None or status == 409:
        form.revision.data = str(page.revision)
    return render_template(
        "competencies/needs_assess.html", page=page, form=form, years=_years()
    ), status


@bp.route("/assess/<int:user_id>", methods=["GET", "POST"])
@login_required
def needs_assess(user_id):
    viewer = _me()
    person = person_in_scope(viewer, user_id)
    if person is None:
        abort(404)
    years = _years()
    year_value = request.values.get("year", "")
    year = int(year_value) if year_value.isdigit() and int(year_value) in years else years[0]
    role = assessor_role(viewer, person)
    form = AssessForm()
    if request.method == "GET":
        return _render_assess(person, year, role, form)
    if not form.validate_on_submit():
        abort(400)
    typed = _typed_for_page(request.form)
    if request.form.get("action") == "add":
        raw = request.form.get("add", "")
        comp = db.session.get(Competency, int(raw)) if raw.isdigit() and len(raw) < 10 else None
        if comp is None or not comp.active:
            flash(_("Choose a competency of the dictionary to add."), "error")
            return _render_assess(person, year, role, form, typed, status=422)
        return _render_assess(person, year, role, form, typed, extra=[comp.id])
    try:
        levels = parse_levels(request.form, allowed_competencies(person.id, year, role))
        save_assessment(viewer, person, year, role, levels, form.posted_revision())
    except AssessmentRefused as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return _render_assess(person, year, role, form, typed, status=409 if refused.stale else 422)
    db.session.commit()
    flash(_("The assessment has been saved."), "success")
    if role == "self":
        return redirect(url_for("competencies.needs_mine", year=year))
    return redirect(url_for("competencies.needs_assess", user_id=person.id, year=year))


# The supervisor's list ---------------------------------------------------------------------------
@bp.route("/team")
@role_required(*ROLES)
def needs_team():
    viewer = _me()
    units = scope_units(viewer)
    form = StatusFilterForm(request.args, units, _years())
    unit_id = form.value("unit")
    unit = next((u for u, _depth in units if u.id == unit_id), None)
    year = form.value("year")
    stmt = assessment_status_select(
        viewer, year, unit, form.value("status") or "", (form.value("q") or "")[:100]
    )
    page = paged(stmt, _page_number(), current_app.config["PER_PAGE"])
    return render_template("competencies/needs_team.html", page=page, filters=form, year=year)


# The unit heatmap --------------------------------------------------------------------------------
def _heat_filters(viewer):
    units = scope_units(viewer)
    kinds = [(code, name) for code, name in position_kind_choices()]
    form = HeatFilterForm(request.args, units, kinds, _years())
    unit_id = form.value("unit")
    filters = HeatFilter(
        year=form.value("year"),
        unit=next((u for u, _depth in units if u.id == unit_id), None),
        position_kind=form.value("kind") or "",
    )
    return form, filters, units


def _filter_args(filters):
    args = {"year": filters.year}
    if filters.unit is not None:
        args["unit"] = filters.unit.id
    if filters.position_kind:
        args["kind"] = filters.position_kind
    return args


@bp.route("/units")
@role_required(*ROLES)
def needs_units():
    viewer = _me()
    form, filters, units = _heat_filters(viewer)
    data = heatmap(viewer, filters, units)
    gaps = [c.id for c in data.competencies if getattr(data.total.cell(c.id), "below", 0)]
    return render_template(
        "competencies/needs_units.html",
        data=data,
        low_rated=flagged_courses(gaps),
        filters=form,
        args=_filter_args(filters),
        chosen=filters.unit,
        admin=is_admin(viewer),
    )


@bp.route("/units/people")
@role_required(*ROLES)
def needs_people():
    viewer = _me()
    _form, filters, _units = _heat_filters(viewer)
    filters.direct = filters.unit is not None and request.args.get("direct") == "1"
    raw = request.args.get("competency", "")
    comp = db.session.get(Competency, int(raw)) if raw.isdigit() and len(raw) < 10 else None
    if comp is None or (request.args.get("unit") not in (None, "", "0") and filters.unit is None):
        abort(404)  # an unknown competency, or a unit outside the scope
    page = paged(
        below_standard_select(viewer, filters, comp.id),
        _page_number(),
        current_app.config["PER_PAGE"],
    )
    return render_template(
        "competencies/needs_people.html",
        page=page,
        competency=comp,
        chosen=filters.unit,
        direct=filters.direct,
        year=filters.year,
        args=_filter_args(filters),
    )


@bp.route("/units/export.<fmt>")
@role_required(*ROLES)
def needs_export(fmt):
    if fmt not in FORMATS:
        abort(404)
    viewer = _me()
    _form, filters, _units = _heat_filters(viewer)
    header = [
        _("Competency"),
        _("Kind"),
        _("People required"),
        _("People assessed"),
        _("People below standard"),
        _("Share below standard (%)"),
        _("Mean gap"),
        _("Recommended courses"),
        _("Planned JP"),
    ]
    rows = [
        [
            comp.name,
            comp.kind,
            cell.required,
            cell.assessed,
            cell.below,
            cell.share if cell.share is not None else "",
            cell.mean_gap if cell.mean_gap is not None else "",
            "; ".join(courses),
            planned,
        ]
        for comp, cell, courses, planned in needs_table(viewer, filters)
    ]
    unit = filters.unit.code if filters.unit is not None and filters.unit.code else "semua"
    sep = ";" if request.args.get("sep", ";") != "," else ","
    return export_response(
        fmt, f"analisis-kebutuhan-{unit}-{filters.year}", header, rows,
        title=_("Needs analysis"), delimiter=sep,
    )  # fmt: skip

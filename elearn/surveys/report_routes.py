"""Survey report pages: the courses a viewer may read, one course's report, its exports.
Thin: parse the filters, check access and every filter value, call reports.py."""

from flask import abort, current_app, render_template, request
from flask_babel import format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..auth.decorators import role_required
from ..authoring.access import refusal_status
from ..exports import export_response
from ..extensions import db
from ..models import Course, SurveyAudience
from ..supervision.services import today
from . import bp, reports
from .flags import course_flags
from .report_forms import ReportFilterForm

ROLES = ("instructor", "supervisor", "admin")
# The file's name in the interface's language ("-survei-hasil").
PART_NAMES = {
    "aggregates": _l("survey-results"),
    "comments": _l("survey-comments"),
    "responses": _l("survey-answers"),
}
YEARS_BACK = 5


def _me():
    return current_user._get_current_object()


def _page(name="page"):
    value = request.args.get(name, "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


def group_title(level, audience):
    if level == 1:
        return _("Reaction (level 1)")
    if audience == SurveyAudience.SUPERVISOR.value:
        return _("On the job (level 3), supervisors")
    return _("On the job (level 3), learners")


@bp.app_template_global()
def survey_mean(value):
    """A mean rating as the interface writes numbers ("4,2" in Indonesian)."""
    return format_decimal(value, format="0.0")


def _decimal(value, digits=1):
    if value is None:
        return "\u2013"
    return format_decimal(value, format="#,##0." + "0" * digits)


def _percent(value):
    return "\u2013" if value is None else format_percent(value, format="#,##0%")


@bp.get("/reports")
@role_required(*ROLES)
def report_index():
    page = reports.course_list(_me(), _page(), current_app.config["PER_PAGE"])
    return render_template("surveys/report_index.html", page=page, pct=_percent)


def _load(slug):
    """(course, access, form, filters) or abort: 404 for an unknown course or filter value,
    403 for a viewer without access (404 for a partner's person: see authoring/access.py)."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        abort(404)
    access = reports.access_for(_me(), course)
    if access is None:
        abort(refusal_status(_me()))
    versions = reports.course_versions(course)
    this_year = today().year
    years = list(range(this_year, this_year - YEARS_BACK, -1))
    units = reports.filter_units(access)
    form = ReportFilterForm(request.args, versions, years, units)
    values = {name: form.value(name) for name in ("version", "year", "unit")}
    if any(v is None for v in values.values()):
        abort(404)
    filters = reports.ReportFilter(
        version_id=values["version"] or None,
        year=values["year"] or None,
        unit=next((u for u, _d in units if u.id == values["unit"]), None),
        q=(form.q.data or "").strip()[:100],
    )
    return course, access, form, filters


@bp.get("/reports/<slug>")
@role_required(*ROLES)
def report_course(slug):
    course, access, form, filters = _load(slug)
    per_page = current_app.config["PER_PAGE"]
    report = reports.course_report(
        course, filters, access, _page("comments"), _page("people"), per_page
    )
    flags = course_flags(course.id) if access.full else []
    args = {k: v for k, v in request.args.items() if k not in ("comments", "people")}
    return render_template(
        "surveys/report_course.html",
        course=course,
        access=access,
        filters=form,
        chosen=filters,
        report=report,
        flags=flags,
        args=args,
        group_title=group_title,
        num=_decimal,
        pct=_percent,
    )


def _number(value, digits=2):
    if value is None:
        return ""
    text = f"{float(value):.{digits}f}"
    return text.replace(".", ",") if str(get_locale()) == "id" else text


def _audience(audience):
    return _("Supervisor") if audience == SurveyAudience.SUPERVISOR.value else _("Learner")


@bp.get("/reports/<slug>/<part>.<fmt>")
@role_required(*ROLES)
def report_export(slug, part, fmt):
    if fmt not in ("csv", "xlsx") or part not in PART_NAMES:
        abort(404)
    course, access, _form, filters = _load(slug)
    base = f"{course.slug}-{PART_NAMES[part]}"
    if part == "aggregates":
        header = [
            _("Level"),
            _("Respondents"),
            _("Answers"),
            _("Invited"),
            _("Response rate"),
            _("Question code"),
            _("Question"),
            _("Answers to the question"),
            _("Mean"),
            _("Mean (percent of the top)"),
            _("Distribution"),
        ]
        rows = []
        for g, q in reports.aggregate_rows(course, filters, access):
            line = [
                g.level,
                _audience(g.audience),
                g.responses,
                g.invited,
                _number(g.rate * 100 if g.rate is not None else None, 1),
            ]
            if q is None:
                note = _("Hidden: %(n)d more answers needed.", n=g.needed) if g.hidden else ""
                rows.append([*line, "", note, "", "", "", ""])
                continue
            rows.append(
                [
                    *line,
                    q.code,
                    q.text,
                    q.answers,
                    _number(q.mean),
                    _number(q.percent, 1),
                    " | ".join(f"{label}: {n}" for label, n in q.counts),
                ]
            )
    elif part == "comments":
        header = [_("Level"), _("Respondents"), _("Question"), _("Comment")]
        rows = [
            [level, _audience(audience), question, text]
            for level, audience, question, text in reports.comment_rows(course, filters, access)
        ]
    else:
        if not access.full:
            abort(403)
        header = [
            _("Answer set"),
            _("Day"),
            _("Level"),
            _("Respondents"),
            _("Respondent NIP"),
            _("Respondent"),
            _("Learner NIP"),
            _("Learner"),
            _("Unit"),
            _("Question code"),
            _("Question"),
            _("Answer"),
        ]
        rows = []
        for row in reports.named_response_rows(course, filters, access):
            (rid, day, level, audience, rnip, rname, snip, sname, unit, code, kind, text,
             options, choice, answer) = row  # fmt: skip
            if answer is not None:
                value = answer
            elif kind in ("single", "multiple") and choice is not None:
                value = options[choice] if 0 <= choice < len(options or []) else choice
            else:
                value = choice
            rows.append(
                [rid, day, level, _audience(audience), rnip or "", rname, snip or "",
                 sname or "", unit or "", code, text, value]
            )  # fmt: skip
        return export_response(fmt, base, header, rows, title=_("Answers"), text_columns=(4, 6))
    return export_response(fmt, base, header, rows, title=_("Survey"))

"""Courses and their versions, enrolments with progress, completions, JP per person and
year (elearn/learn/jp.py, the one JP computation) and the SIASN course-record rows."""

from sqlalchemy import select

from ..extensions import db
from ..learn.jp import jp_by_source
from ..models import Course, CourseVersion, Enrollment, User
from ..supervision.reports import (
    SIASN_EXTRA,
    SIASN_FIELDS,
    completions_statement,
    siasn_records,
    siasn_statement,
)
from ..supervision.services import jp_target, scope_condition
from ..urls import public_url
from . import schemas as s
from .auth import requires, viewer
from .blueprint import api_blueprint
from .filters import course_of, in_unit, period, person_of, unit_of, year_or_this
from .pagination import decode_cursor, encode_cursor, keyset, page_body

blp = api_blueprint("api_learning", "Courses, enrolments, completions, JP and SIASN records.")


def _course_out(course, version):
    return {
        "slug": course.slug,
        "title": version.title,
        "jp": version.jp,
        "level": version.level or "",
        "language": version.language or "",
        "category": version.category or "",
        "version": version.number,
        "siasn_type_id": course.siasn_type_id,
        "url": public_url("catalog.course", slug=course.slug),
    }


def _published():
    return select(Course, CourseVersion).join(
        CourseVersion, CourseVersion.id == Course.current_version_id
    )


@blp.route("/courses")
@blp.arguments(s.PageArgs, location="query")
@blp.response(200, s.CoursePage)
@requires("reports:read")
def courses(args):
    """The published courses, by id."""
    rows, cursor = keyset(
        _published(), [Course.id], args["cursor"], args["limit"], lambda r: [r[0].id]
    )
    return page_body([_course_out(c, v) for c, v in rows], cursor)


@blp.route("/courses/<string:slug>")
@blp.response(200, s.CourseDetail)
@requires("reports:read")
def course(slug):
    """A published course with all its versions (published or not yet)."""
    found = course_of(slug)
    versions = db.session.scalars(
        select(CourseVersion)
        .where(CourseVersion.course_id == found.id)
        .order_by(CourseVersion.number)
    ).all()
    current = next(v for v in versions if v.id == found.current_version_id)
    out = _course_out(found, current)
    out["versions"] = [
        {
            "number": v.number,
            "label": v.version_label or "",
            "title": v.title,
            "jp": v.jp,
            "created_at": v.created_at,
            "published_at": v.published_at,
        }
        for v in versions
    ]
    return out


def _status(enrollment):
    if enrollment.completed_at is not None:
        return "completed"
    return "in_progress" if enrollment.last_activity_at is not None else "not_started"


def _enrolments(args, person=None):
    stmt = (
        select(Enrollment, User.nip, User.full_name, Course.slug, CourseVersion)
        .join(User, User.id == Enrollment.user_id)
        .join(Course, Course.id == Enrollment.course_id)
        .join(CourseVersion, CourseVersion.id == Enrollment.version_id)
        .where(scope_condition(viewer()))
    )
    if person is not None:
        stmt = stmt.where(Enrollment.user_id == person.id)
    stmt = in_unit(stmt, args.get("unit"))
    course = course_of(args.get("course"))
    if course is not None:
        stmt = stmt.where(Enrollment.course_id == course.id)
    rows, cursor = keyset(stmt, [Enrollment.id], args["cursor"], args["limit"], lambda r: [r[0].id])
    items = [
        {
            "nip": nip,
            "full_name": name,
            "course": slug,
            "course_title": version.title,
            "version": version.number,
            "source": e.source,
            "status": _status(e),
            "progress_percent": e.progress_percent or 0,
            "enrolled_at": e.enrolled_at,
            "last_activity_at": e.last_activity_at,
            "completed_at": e.completed_at,
        }
        for e, nip, name, slug, version in rows
    ]
    return page_body(items, cursor)


@blp.route("/enrolments")
@blp.arguments(s.EnrolmentArgs, location="query")
@blp.response(200, s.EnrolmentPage)
@requires("reports:read")
def enrolments(args):
    """Enrolments with progress of the people the token's owner may see."""
    return _enrolments(args)


@blp.route("/people/<string:nip>/enrolments")
@blp.arguments(s.PageArgs, location="query")
@blp.response(200, s.EnrolmentPage)
@requires("reports:read")
def person_enrolments(args, nip):
    """One person's enrolments with progress."""
    return _enrolments(args, person_of(nip))


@blp.route("/completions")
@blp.arguments(s.CompletionArgs, location="query")
@blp.response(200, s.CompletionPage)
@requires("reports:read")
def completions(args):
    """Completed courses in a period (completion day in the instance's zone)."""
    start, end = period(args["from_"], args["to"])
    course = course_of(args["course"])
    stmt = completions_statement(
        viewer(), start, end, unit_of(args["unit"]), course.id if course else None
    )
    first = stmt.selected_columns.id
    rows, cursor = keyset(stmt, [first], args["cursor"], args["limit"], lambda r: [r.id])
    items = [
        {
            "nip": r.nip,
            "full_name": r.full_name,
            "unit_name": r.unit_name,
            "position": r.position,
            "course_title": r.title,
            "jp": int(r.jp),
            "completed_at": r.completed_at,
            "final_score": float(r.final_score) if r.final_score is not None else None,
            "enrolled_at": r.enrolled_at,
            "certificate_number": r.certificate_number or None,
        }
        for r in rows
    ]
    return page_body(items, cursor)


def _jp_out(user_id, nip, name, year, jp):
    parts = jp[user_id]
    return {
        "nip": nip,
        "full_name": name,
        "year": year,
        "target": jp_target(),
        "total": parts.total,
        "courses": parts.courses,
        "formal": parts.formal,
        "social": parts.social,
        "workplace": parts.workplace,
    }


@blp.route("/jp")
@blp.arguments(s.YearUnitArgs, location="query")
@blp.response(200, s.JPPage)
@requires("reports:read")
def jp(args):
    """JP of a year per person (courses and approved activities, capped per kind)."""
    year = year_or_this(args["year"])
    stmt = select(User.id, User.nip, User.full_name).where(scope_condition(viewer()))
    stmt = in_unit(stmt, args["unit"])
    rows, cursor = keyset(stmt, [User.id], args["cursor"], args["limit"], lambda r: [r.id])
    earned = jp_by_source([r.id for r in rows], year)
    return page_body([_jp_out(r.id, r.nip, r.full_name, year, earned) for r in rows], cursor)


@blp.route("/people/<string:nip>/jp")
@blp.arguments(s.YearArgs, location="query")
@blp.response(200, s.JPOut)
@requires("reports:read")
def person_jp(args, nip):
    """One person's JP of a year, by source."""
    person = person_of(nip)
    year = year_or_this(args["year"])
    return _jp_out(person.id, person.nip, person.full_name, year, jp_by_source([person.id], year))


SIASN_KEYS = SIASN_FIELDS + SIASN_EXTRA


@blp.route("/siasn")
@blp.arguments(s.PeriodArgs, location="query")
@blp.response(200, s.SiasnPage)
@requires("reports:read")
def siasn(args):
    """The SIASN course-record rows of a period (as the SIASN export): completions and
    approved activities. A page never splits a person's records."""
    start, end = period(args["from_"], args["to"])
    stmt = siasn_statement(viewer(), start, end, unit_of(args["unit"]))
    person = stmt.selected_columns.user_id
    stmt = stmt.order_by(None).order_by(person)
    if args["cursor"]:
        stmt = stmt.where(person > decode_cursor(args["cursor"], 1)[0])
    items, last, more = [], None, False
    result = db.session.execute(stmt.execution_options(yield_per=500))
    for user_id, records in siasn_records(result):
        if len(items) >= args["limit"]:
            more = True
            break
        items.extend(dict(zip(SIASN_KEYS, record, strict=True)) for record in records)
        last = user_id
    result.close()
    return page_body(items, encode_cursor([last]) if more else None)

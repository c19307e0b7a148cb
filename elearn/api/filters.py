"""The filters the API's lists share: a unit (with its sub-units) the caller may see, a
period of calendar days in the instance's zone, a year, a person, a course."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Course, Unit, User
from ..supervision.services import today, unit_scope_condition
from .auth import viewer
from .problems import ApiProblem


def not_found(detail):
    return ApiProblem(404, _("Not found"), detail)


def invalid(errors):
    """A 422 problem naming each refused field: {field: message}."""
    return ApiProblem(
        422,
        _("Invalid request"),
        _("Some values are not valid."),
        errors={k: [str(v)] for k, v in errors.items()},
    )


def unit_of(code):
    """The unit of this code among those the caller may filter by, else a 404 problem."""
    if not code:
        return None
    unit = db.session.scalar(select(Unit).where(Unit.code == code, unit_scope_condition(viewer())))
    if unit is None:
        raise not_found(_("There is no unit %(code)s that you may see.", code=code))
    return unit


def in_unit(stmt, code):
    """`stmt` (over User) kept to the people of unit `code` and its sub-units, if given."""
    unit = unit_of(code)
    return stmt if unit is None else stmt.where(User.unit_id.in_(unit.subtree_ids_select()))


def course_of(slug):
    if not slug:
        return None
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None or course.current_version_id is None:
        raise not_found(_("There is no course %(slug)s.", slug=slug))
    return course


def person_of(nip):
    """The person with this NIP if the caller may see them, else a 404 problem (the same for
    somebody out of scope: the API does not tell who exists)."""
    person = db.session.scalar(select(User).where(User.nip == nip)) if nip else None
    if person is None or not viewer().can_see(person):
        raise not_found(_("There is nobody with the NIP %(nip)s that you may see.", nip=nip))
    return person


def period(first, last):
    """[start, end) in UTC of the days first..last (instance zone); default: this year."""
    day = today()
    first = first or day.replace(month=1, day=1)
    last = last or day
    if last < first:
        raise invalid({"to": _("The last day comes before the first.")})
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    start = datetime.combine(first, time(), zone).astimezone(ZoneInfo("UTC"))
    end = datetime.combine(last + timedelta(days=1), time(), zone).astimezone(ZoneInfo("UTC"))
    return start, end


def year_or_this(year):
    return year or today().year

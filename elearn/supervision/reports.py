"""Exports of the team and of completions, as CSV (for Excel in an Indonesian locale: UTF-8 with
a byte order mark, `;` or `,`) and XLSX; completions also laid out as SIASN course records.

Every export is built in one pass over one statement streamed from the database. The
certificate number is the certificate in force of the completion (not revoked: at most one, as
the certificates feature guarantees), joined in the same statement: asking
`certificates.services.numbers_for` per batch instead cost half of a large export's time on
PostgreSQL (an IN list of hundreds of ids per batch).

SIASN course record (riwayat kursus) mapping, one row per completion:
    namaKursus              the course title of the version completed
    jumlahJam               the JP of the version completed (jam pelajaran)
    tanggalKursus           the day the learner enrolled (dd-mm-yyyy, instance time zone)
    tanggalSelesaiKursus    the day the course was completed (dd-mm-yyyy)
    institusiPenyelenggara  INSTANCE_NAME
    jenisKursusSertipikat   the course type's kind in SIASN_COURSE_TYPES (F, T, P or "")
    nomorSertipikat         the number of the certificate in force ("" without one)
    instansiId              SIASN_INSTANSI_ID
    pnsOrangId              "" (the product does not know SIASN's person ids)
followed by nip and nama, so that the person of each row can be found in SIASN, and by
jenisDiklatId, the course-type id of the record: the course's own type (chosen on its
Penyelenggara page), else SIASN_JENIS_DIKLAT_ID. SIASN_JENIS_KURSUS_SERTIPIKAT, when set, is
written on every course row instead of the type's kind.

Approved development activities whose end date is in the period are records too, one row each,
among the completions of the same person (rows by unit, person, then end date), with the same
scope and unit filter (a course filter leaves them out: they are no course):
    namaKursus              the activity's title
    jumlahJam               the JP the activity counts (Activity.jp, its kind's rule)
    tanggalKursus           its start date
    tanggalSelesaiKursus    its end date
    institusiPenyelenggara  its organiser (a partner, a unit of the agency, or the name typed)
    jenisKursusSertipikat   its kind's siasn_certificate_kind
    nomorSertipikat         "" (evidence files carry no number the product knows)
    jenisDiklatId           its kind's siasn_type_id
"""

from itertools import groupby
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import (
    Date,
    String,
    and_,
    func,
    literal,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import aliased

from ..extensions import db
from ..i18n import date_formatter
from ..models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Certificate,
    Completion,
    Course,
    CourseVersion,
    Enrollment,
    Partner,
    Unit,
    User,
)
from ..models.base import UTCDateTime
from ..siasn import CourseCodes
from ..timeutil import local_time
from .services import STATUS_LABELS, TeamQuery, scope_condition

SIASN_FIELDS = (
    "namaKursus",
    "jumlahJam",
    "tanggalKursus",
    "tanggalSelesaiKursus",
    "institusiPenyelenggara",
    "jenisKursusSertipikat",
    "nomorSertipikat",
    "instansiId",
    "pnsOrangId",
)
SIASN_EXTRA = ("nip", "nama", "jenisDiklatId")
_STREAM = 2000  # rows fetched from the database at a time


def _day(value, zone=None):
    """The calendar day of a stored datetime in the instance's zone (`zone`: to skip the
    settings look-up in a loop)."""
    if value is None:
        return None
    return value.astimezone(zone).date() if zone is not None else local_time(value).date()


def _zone():
    return ZoneInfo(current_app.config["TIMEZONE"])


def _siasn_date(value):
    # SIASN's own field format (a machine reads it): dd-mm-yyyy, four-digit year.
    return value.strftime("%d-%m-%Y") if value is not None else ""


# Days in cells people read are shown as on the pages, "2 Des 2026" in the interface's language
# (date_formatter): an ISO date or 02/12/26 is read in different ways by different people.


# The team ----------------------------------------------------------------------------------------
def team_header(year):
    return [
        _("NIP"),
        _("Name"),
        _("Unit"),
        _("Position"),
        _("JP %(year)d", year=year),
        _("JP target"),
        _("Below target"),
        _("Assigned courses"),
        STATUS_LABELS["completed"],
        STATUS_LABELS["overdue"],
        STATUS_LABELS["in_progress"],
        STATUS_LABELS["not_started"],
        _("Progress %"),
        _("Last activity"),
        _("Certificates"),
    ]


def team_rows(viewer, filters, on_day=None):
    """The dashboard's people (every page) as export rows, streamed from one statement."""
    q = TeamQuery(viewer, filters, on_day)
    yes, no = _("yes"), _("no")
    zone = _zone()
    shown_day = date_formatter()
    result = db.session.execute(q.rows().execution_options(yield_per=_STREAM))
    for r in result:
        yield [
            r.nip or "",
            r.full_name,
            r.unit_name or "",
            r.position or "",
            int(r.jp),
            q.target,
            yes if r.jp < q.target else no,
            int(r.assigned),
            int(r.completed),
            int(r.overdue),
            int(r.in_progress),
            int(r.not_started),
            round(float(r.progress)) if r.progress is not None else "",
            shown_day(_day(r.last_activity_at, zone)),
            int(r.certificates),
        ]


# Completions -------------------------------------------------------------------------------------
def completions_statement(viewer, start, end, unit=None, course_id=None):
    """Completions in [start, end) of the people in the viewer's scope (whether still active
    or not), with the person, unit, course version and enrolment day."""
    stmt = (
        select(
            Completion.id,
            User.nip,
            User.full_name,
            Unit.name.label("unit_name"),
            User.position,
            CourseVersion.title,
            Completion.jp,
            Completion.completed_at,
            Completion.final_score,
            Enrollment.enrolled_at,
            func.coalesce(Certificate.number, "").label("certificate_number"),
        )
        .select_from(Completion)
        .join(User, User.id == Completion.user_id)
        .outerjoin(Unit, Unit.id == User.unit_id)
        .join(CourseVersion, CourseVersion.id == Completion.version_id)
        .outerjoin(
            Enrollment,
            and_(
                Enrollment.user_id == Completion.user_id,
                Enrollment.course_id == Completion.course_id,
            ),
        )
        .outerjoin(
            Certificate,
            and_(Certificate.completion_id == Completion.id, Certificate.revoked_at.is_(None)),
        )
        .where(
            scope_condition(viewer),
            Completion.completed_at >= start,
            Completion.completed_at < end,
        )
    )
    if unit is not None:
        stmt = stmt.where(User.unit_id.in_(unit.subtree_ids_select()))
    if course_id is not None:
        stmt = stmt.where(Completion.course_id == course_id)
    return stmt.order_by(
        func.lower(func.coalesce(Unit.name, "")),
        func.lower(User.full_name),
        User.id,
        Completion.completed_at,
    )


def completion_header():
    return [
        _("NIP"),
        _("Name"),
        _("Unit"),
        _("Position"),
        _("Course"),
        "JP",
        _("Completed on"),
        _("Final score"),
        _("Certificate number"),
    ]


def completion_rows(viewer, start, end, unit=None, course_id=None):
    stmt = completions_statement(viewer, start, end, unit, course_id)
    result = db.session.execute(stmt.execution_options(yield_per=_STREAM))
    zone = _zone()
    shown_day = date_formatter()
    for r in result:
        yield [
            r.nip or "",
            r.full_name,
            r.unit_name or "",
            r.position or "",
            r.title,
            int(r.jp),
            shown_day(_day(r.completed_at, zone)),
            float(r.final_score) if r.final_score is not None else "",
            r.certificate_number,
        ]


def _nothing(type_):
    """A NULL of `type_` (how the other branch of the union reads the column)."""
    return type_coerce(null(), type_)


def siasn_statement(viewer, start, end, unit=None, course_id=None):
    """The SIASN records of [start, end): completions and approved activities (end date in
    the period) of the people in the viewer's scope, one statement, by unit and person."""
    zone = _zone()
    first, after = _day(start, zone), _day(end, zone)
    people = [scope_condition(viewer)]
    if unit is not None:
        people.append(User.unit_id.in_(unit.subtree_ids_select()))
    courses = (
        select(
            literal("course").label("source"),
            User.id.label("user_id"),
            User.nip.label("nip"),
            User.full_name.label("full_name"),
            Unit.name.label("unit_name"),
            CourseVersion.title.label("title"),
            Completion.jp.label("jp"),
            Enrollment.enrolled_at.label("started_at"),
            Completion.completed_at.label("finished_at"),
            _nothing(Date).label("start_date"),
            _nothing(Date).label("end_date"),
            _nothing(String).label("organiser"),
            _nothing(String).label("certificate_kind"),
            Course.siasn_type_id.label("type_id"),
            func.coalesce(Certificate.number, "").label("certificate_number"),
        )
        .select_from(Completion)
        .join(User, User.id == Completion.user_id)
        .outerjoin(Unit, Unit.id == User.unit_id)
        .join(CourseVersion, CourseVersion.id == Completion.version_id)
        .join(Course, Course.id == Completion.course_id)
        .outerjoin(
            Enrollment,
            and_(
                Enrollment.user_id == Completion.user_id,
                Enrollment.course_id == Completion.course_id,
            ),
        )
        .outerjoin(
            Certificate,
            and_(Certificate.completion_id == Completion.id, Certificate.revoked_at.is_(None)),
        )
        .where(*people, Completion.completed_at >= start, Completion.completed_at < end)
    )
    if course_id is not None:
        records = courses.where(Completion.course_id == course_id)
    else:
        organiser_unit = aliased(Unit, name="organiser_unit")
        activities = (
            select(
                literal("activity"),
                User.id,
                User.nip,
                User.full_name,
                Unit.name,
                Activity.title,
                Activity.jp,
                _nothing(UTCDateTime),
                _nothing(UTCDateTime),
                Activity.start_date,
                Activity.end_date,
                func.coalesce(Partner.name, organiser_unit.name, Activity.organiser_name),
                ActivityKind.siasn_certificate_kind,
                ActivityKind.siasn_type_id,
                literal(""),
            )
            .select_from(Activity)
            .join(User, User.id == Activity.user_id)
            .outerjoin(Unit, Unit.id == User.unit_id)
            .join(ActivityKind, ActivityKind.id == Activity.kind_id)
            .outerjoin(Partner, Partner.id == Activity.partner_id)
            .outerjoin(organiser_unit, organiser_unit.id == Activity.organiser_unit_id)
            .where(
                *people,
                Activity.status == ActivityStatus.APPROVED.value,
                Activity.end_date >= first,
                Activity.end_date < after,
            )
        )
        records = union_all(courses, activities)
    rows = records.subquery("siasn")
    return select(rows).order_by(
        func.lower(func.coalesce(rows.c.unit_name, "")),
        func.lower(rows.c.full_name),
        rows.c.user_id,
    )


def siasn_rows(viewer, start, end, unit=None, course_id=None):
    """SIASN records (SIASN_FIELDS + SIASN_EXTRA), streamed: each person's completions and
    approved activities by end date."""
    stmt = siasn_statement(viewer, start, end, unit, course_id)
    result = db.session.execute(stmt.execution_options(yield_per=_STREAM))
    for _person, records in siasn_records(result):
        yield from records


def siasn_records(result):
    """(user id, [SIASN record]) per person of siasn_statement's rows (grouped by person),
    each person's records by end date."""
    cfg = current_app.config
    course_codes = CourseCodes()
    institution, agency = cfg["INSTANCE_NAME"], cfg["SIASN_INSTANSI_ID"]
    zone = _zone()
    for person, group in groupby(result, key=lambda r: r.user_id):
        records = []
        for r in group:
            if r.source == "course":
                finished = _day(r.finished_at, zone)
                started = min(_day(r.started_at, zone) or finished, finished)
                organiser = institution
                type_id, kind = course_codes(r.type_id)
            else:
                started, finished = r.start_date, r.end_date
                organiser, kind, type_id = r.organiser or "", r.certificate_kind, r.type_id
            record = [
                r.title,
                int(r.jp),
                _siasn_date(started),
                _siasn_date(finished),
                organiser,
                kind,
                r.certificate_number,
                agency,
                "",
                r.nip or "",
                r.full_name,
                type_id,
            ]
            records.append((finished, started, r.title, record))
        records.sort(key=lambda x: x[:3])
        yield person, [record for *_key, record in records]

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
    jenisKursusSertipikat   SIASN_JENIS_KURSUS_SERTIPIKAT
    nomorSertipikat         the number of the certificate in force ("" without one)
    instansiId              SIASN_INSTANSI_ID
    pnsOrangId              "" (the product does not know SIASN's person ids)
followed by nip and nama, so that the person of each row can be found in SIASN.
"""

from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from ..extensions import db
from ..i18n import date_formatter
from ..models import Certificate, Completion, CourseVersion, Enrollment, Unit, User
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
SIASN_EXTRA = ("nip", "nama")
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


def siasn_rows(viewer, start, end, unit=None, course_id=None):
    cfg = current_app.config
    stmt = completions_statement(viewer, start, end, unit, course_id)
    result = db.session.execute(stmt.execution_options(yield_per=_STREAM))
    zone = _zone()
    for r in result:
        finished = _day(r.completed_at, zone)
        started = _day(r.enrolled_at, zone) or finished
        yield [
            r.title,
            int(r.jp),
            _siasn_date(min(started, finished)),
            _siasn_date(finished),
            cfg["INSTANCE_NAME"],
            cfg["SIASN_JENIS_KURSUS_SERTIPIKAT"],
            r.certificate_number,
            cfg["SIASN_INSTANSI_ID"],
            "",
            r.nip or "",
            r.full_name,
        ]

"""Shared setup of the supervision tests (no tests here): a small agency with two supervised
units, courses, completions with certificates, and course assignments.

    Root ── A (supervised by sup_a) ── A1
         └─ B (supervised by sup_b)
"""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from factories_course import import_course, write_course
from sqlalchemy import event, select

from elearn.certificates.services import issue_certificate
from elearn.extensions import db
from elearn.models import Completion, Course, Enrollment, EnrollmentSource, User
from elearn.supervision.assignments import create_assignments
from elearn.supervision.services import today
from elearn.timeutil import utcnow


@dataclass
class Agency:
    root: object
    a: object
    a1: object
    b: object
    sup_a: object
    sup_b: object
    admin: object
    agus: object  # in A
    dewi: object  # in A1
    budi: object  # in B
    course: object
    other_course: object


def build_agency(make_unit, make_user, tmp_path):
    root = make_unit("Pemerintah Kabupaten", code="ROOT")
    a = make_unit("Dinas A", root, code="DINAS-A")
    a1 = make_unit("Bidang A1", a, code="A1")
    b = make_unit("Dinas B", root, code="DINAS-B")
    sup_a = make_user(roles=["supervisor", "learner"], unit=a, full_name="Kepala A")
    sup_b = make_user(roles=["supervisor", "learner"], unit=b, full_name="Kepala B")
    admin = make_user(roles=["admin", "learner"], unit=root, full_name="Admin")
    agus = make_user(unit=a, full_name="Agus Setiawan", position="Analis")
    dewi = make_user(unit=a1, full_name="Dewi Lestari", position="Pranata Komputer")
    budi = make_user(unit=b, full_name="Budi Rahasia", position="Auditor")
    sup_a.supervised = [a]
    sup_b.supervised = [b]
    db.session.commit()
    course = import_course(
        write_course(tmp_path, "etika", title="Etika ASN", jp=4, lessons=2, quizzes=False)
    )
    other = import_course(write_course(tmp_path, "arsip", title="Kearsipan", jp=6, lessons=1))
    return Agency(root, a, a1, b, sup_a, sup_b, admin, agus, dewi, budi, course, other)


def complete(user, course, when=None, score="85.00"):
    """Record a completion (with its enrolment and certificate), as finishing the course does."""
    when = when or utcnow()
    course = db.session.get(Course, course.id)
    enrolment = db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.course_id == course.id)
    )
    if enrolment is None:
        enrolment = Enrollment(
            user_id=user.id,
            course_id=course.id,
            version_id=course.current_version_id,
            source=EnrollmentSource.SELF,
            enrolled_at=when - timedelta(days=3),
        )
        db.session.add(enrolment)
    enrolment.progress_percent = 100
    enrolment.completed_at = when
    enrolment.last_activity_at = when
    completion = Completion(
        user_id=user.id,
        course_id=course.id,
        version_id=course.current_version_id,
        completed_at=when,
        final_score=Decimal(score) if score is not None else None,
        jp=course.current_version.jp,
    )
    db.session.add(completion)
    db.session.flush()
    cert = issue_certificate(completion)
    db.session.commit()
    return completion, cert


def assign(viewer, course, units=(), people=(), due_in_days=10, future=True, now=None):
    """Assign through the service as the assign form does (committed); `now` earlier than today
    makes an assignment that is overdue today."""
    now = now or utcnow()
    viewer = db.session.get(User, viewer.id)
    result = create_assignments(
        viewer,
        course.id,
        [u.id for u in units],
        "\n".join(p.nip for p in people),
        today(now) + timedelta(days=due_in_days),
        future,
        now=now,
    )
    db.session.commit()
    return result


def signed_in(app, user):
    """A new test client (a browser of its own) signed in as `user`."""
    from conftest import login

    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


@contextmanager
def count_queries():
    statements = []

    def listener(_conn, _cursor, statement, _params, _context, _many):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)

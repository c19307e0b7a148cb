"""`flask demo generate` at small sizes, on the suite's database (SQLite, or PostgreSQL with
COPY and rebuilt indexes): the data is consistent, repeatable by seed whatever the batch size,
and the tables keep every index and constraint."""

import hashlib

from sqlalchemy import func, inspect, select

from elearn.demo_generate import generate_agency
from elearn.extensions import db
from elearn.models import (
    Attempt,
    AttemptAnswer,
    Certificate,
    CompetencyAssessment,
    Completion,
    Enrollment,
    User,
)
from elearn.models.competency import CompetencyLevelEffective


def digest():
    """A fingerprint of the generated rows that matter (ids included)."""
    h = hashlib.sha256()
    for stmt in (
        select(User.id, User.nip, User.full_name, User.unit_id, User.supervisor_id)
        .where(User.email.like("gen%"))
        .order_by(User.id),
        select(
            Enrollment.id, Enrollment.user_id, Enrollment.course_id, Enrollment.progress_percent
        ).order_by(Enrollment.id),
        select(Certificate.id, Certificate.number, Certificate.completion_id).order_by(
            Certificate.id
        ),
        select(AttemptAnswer.attempt_id, AttemptAnswer.question_id, AttemptAnswer.correct).order_by(
            AttemptAnswer.id
        ),
    ):
        for row in db.session.execute(stmt):
            h.update(repr(tuple(row)).encode())
    return h.hexdigest()


def schema():
    inspector = inspect(db.session.connection())
    out = {}
    for table in ("users", "enrollments", "attempts", "attempt_answers", "completions",
                  "certificates", "competency_assessment_items"):  # fmt: skip
        out[table] = (
            sorted(i["name"] for i in inspector.get_indexes(table)),
            sorted(c["name"] for c in inspector.get_unique_constraints(table)),
            sorted(f["name"] for f in inspector.get_foreign_keys(table)),
        )
    return out


def test_generated_records_hang_together(app, make_user):
    someone = make_user(full_name="Sudah Ada")
    before = schema()
    out = generate_agency(people=150, units=12, courses=5, per_person=3, seed=3, chunk=40)
    db.session.commit()
    assert schema() == before  # indexes and constraints rebuilt as they were
    count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
    assert (out.people, out.enrollments, out.completions) == (
        150, count(Enrollment), count(Completion)
    )  # fmt: skip
    # Each completion has its certificate; each completed enrolment its completion.
    assert count(Certificate) == count(Completion) > 0
    done = select(func.count()).where(Enrollment.completed_at.is_not(None))
    assert db.session.scalar(done) == count(Completion)
    # Two graded answers per submitted attempt, one passed final exam per completion.
    assert count(AttemptAnswer) == 2 * count(Attempt) == 2 * out.attempts
    passed = select(func.count()).where(Attempt.passed.is_(True))
    assert db.session.scalar(passed) == count(Completion)
    nips = db.session.scalars(select(User.nip).where(User.email.like("gen%"))).all()
    assert len(set(nips)) == 150 and all(len(n) == 18 and n.isdigit() for n in nips)
    # Everyone assessed themselves this year and last; one effective level per competency.
    assert out.extra["assessments"] == count(CompetencyAssessment) >= 300
    pairs = select(
        func.count(func.distinct(CompetencyLevelEffective.user_id)),
    ).where(CompetencyLevelEffective.period == db.session.scalar(
        select(func.max(CompetencyAssessment.period))
    ))  # fmt: skip
    assert db.session.scalar(pairs) == 150
    # The people already there stay as they were, and their NIP is not given again.
    assert count(User) == 151 and db.session.get(User, someone.id).full_name == "Sudah Ada"
    assert someone.nip not in nips


def test_same_seed_same_data_whatever_the_batch_size(app):
    generate_agency(people=90, units=10, courses=4, per_person=3, seed=11, chunk=1000)
    first = digest()
    db.session.rollback()
    generate_agency(people=90, units=10, courses=4, per_person=3, seed=11, chunk=7)
    assert digest() == first
    db.session.rollback()
    generate_agency(people=90, units=10, courses=4, per_person=3, seed=12, chunk=7)
    assert digest() != first

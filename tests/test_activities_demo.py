"""`flask demo seed` loads development beyond courses for the demo agency: activities of
several kinds and states (some with a PDF certificate), a partner university with a lecturer
who co-authors a shipped course, a mentoring pair with sessions, a strategic project, badges.
Seeding again adds nothing."""

import io
from collections import Counter

import pytest
from conftest import login
from factories_course import import_shipped
from pypdf import PdfReader
from sqlalchemy import func, select

from elearn.demo import DEMO_OWNERS, DEMO_PASSWORD, EMAIL_DOMAIN
from elearn.extensions import db
from elearn.models import (
    Activity,
    ActivityEvidence,
    ActivityOrigin,
    ActivityStatus,
    AssetBlob,
    BadgeAward,
    Course,
    MentoringPair,
    MentoringSession,
    Notification,
    Partner,
    Project,
    ProjectMember,
    User,
)
from elearn.supervision.services import today

TABLES = (Activity, ActivityEvidence, AssetBlob, BadgeAward, MentoringPair, MentoringSession,
          Notification, Partner, Project, ProjectMember, User)  # fmt: skip


def counts():
    return {t.__name__: db.session.scalar(select(func.count()).select_from(t)) for t in TABLES}


@pytest.fixture
def seeded(app, runner):
    for slug in DEMO_OWNERS:
        import_shipped(slug)
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert "demo development data loaded" in result.output
    return result


def person(key):
    return db.session.scalar(select(User).where(User.email == f"{key}@{EMAIL_DOMAIN}"))


def test_the_demo_has_activities_of_every_state_this_year(seeded):
    own = db.session.scalars(select(Activity).where(Activity.origin == ActivityOrigin.SELF)).all()
    assert 10 <= len(own) <= 14
    assert len({a.kind.code for a in own}) >= 10
    states = Counter(a.status for a in own)
    assert states[ActivityStatus.APPROVED] >= 5 and states[ActivityStatus.PENDING] >= 2
    assert states[ActivityStatus.RETURNED] >= 1
    assert all(a.decision_note for a in own if a.status == ActivityStatus.RETURNED)
    this = today()
    assert all(a.end_date.year == this.year and a.start_date <= a.end_date <= this for a in own)
    evidence = db.session.scalars(select(ActivityEvidence)).all()
    assert len(evidence) >= 3
    for e in evidence:
        blob = db.session.get(AssetBlob, e.sha256)
        assert blob.data.startswith(b"%PDF-") and blob.data.rstrip().endswith(b"%%EOF")
        assert e.content_type == "application/pdf" and e.size == len(blob.data)
        assert len(PdfReader(io.BytesIO(blob.data)).pages) == 1  # a PDF readers open
    # The people who decide see what waits for them.
    waiting = db.session.scalar(
        select(func.count()).select_from(Notification).where(Notification.kind == "approval_needed",
                                                             Notification.dedupe_key.startswith("approval:activity:"))
    )  # fmt: skip
    assert waiting >= 2


def test_the_partner_lecturer_coauthors_a_shipped_course(seeded, client):
    partner = db.session.scalar(select(Partner).where(Partner.name == "Universitas Sukamaju"))
    assert partner is not None and partner.kind == "university"
    lecturer = db.session.scalar(select(User).where(User.partner_id == partner.id))
    assert lecturer.nip is None and lecturer.employee_type == "non_asn"
    assert lecturer.roles == {"instructor"}
    course = db.session.scalar(select(Course).where(Course.partner_id == partner.id))
    assert course is not None and lecturer in course.owners
    assert login(client, lecturer.email, DEMO_PASSWORD).status_code == 302
    organised = db.session.scalars(select(Activity).where(Activity.partner_id == partner.id))
    assert organised.first() is not None


def test_the_mentoring_pair_and_the_project(seeded):
    pair = db.session.scalar(select(MentoringPair))
    assert pair.mentor.email == f"budi@{EMAIL_DOMAIN}"
    assert pair.mentee.email == f"lina@{EMAIL_DOMAIN}"
    sessions = db.session.scalars(
        select(MentoringSession).where(MentoringSession.pair_id == pair.id)
    ).all()
    assert len(sessions) == 3
    confirmed = [s for s in sessions if s.confirmed_at is not None]
    assert len(confirmed) == 2
    for s in confirmed:
        activity = db.session.get(Activity, s.activity_id)
        assert activity.user_id == pair.mentee_id and activity.status == ActivityStatus.APPROVED
        assert activity.origin == ActivityOrigin.MENTORING and activity.jp > 0
    (waiting,) = [s for s in sessions if s.confirmed_at is None]
    assert waiting.activity_id is None
    asked = db.session.scalar(
        select(Notification).where(Notification.dedupe_key == f"session:{waiting.id}")
    )
    assert asked.user_id == pair.mentee_id
    project = db.session.scalar(select(Project))
    assert len(project.members) == 3
    states = Counter(m.activity.status for m in project.members)
    assert states[ActivityStatus.APPROVED] >= 1 and states[ActivityStatus.PENDING] >= 1
    assert all(m.activity.origin == ActivityOrigin.PROJECT for m in project.members)


def test_badges_are_awarded_by_the_rules(seeded, app):
    awarded = db.session.scalars(select(BadgeAward)).all()
    assert awarded
    codes = {(a.user_id, a.badge) for a in awarded}
    agus = person("agus")  # completed a course in the demo
    assert (agus.id, "first-course") in codes
    assert all(a.year in (0, today().year, today().year - 1) for a in awarded)


def test_seeding_twice_adds_nothing(seeded, runner):
    before = counts()
    again = runner.invoke(args=["demo", "seed"])
    assert again.exit_code == 0, again.output
    assert "development" not in again.output
    assert counts() == before


def test_the_demo_pages_show_it(seeded, client):
    assert login(client, f"dewi@{EMAIL_DOMAIN}", DEMO_PASSWORD).status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Pembelajaran menurut sumber" in home
    listing = client.get("/activities/recognition").get_data(as_text=True)
    assert "Dewi Lestari" in listing

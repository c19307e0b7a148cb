"""The follow-up on the job: invitations N weeks after completion (fixed days), the mails
(once, one reminder a week later, none after) and `flask reminders send`'s report."""

from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import csrf_token, login
from factories_course import import_course, write_course
from sqlalchemy import func, select

from elearn.extensions import db
from elearn.models import (
    Completion,
    CourseSurveySettings,
    InvitationState,
    Notification,
    SurveyInvitation,
    SurveyResponse,
)
from elearn.surveys import followup

COMPLETED = datetime(2026, 9, 1, 3, 0, tzinfo=UTC)  # 1 Sep 2026, 10.00 WIB
DUE = date(2026, 10, 27)  # 8 weeks later


@pytest.fixture
def config_overrides(smtp_server):
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port, "MAIL_USE_TLS": False}


@pytest.fixture
def course(app, tmp_path):
    return import_course(write_course(tmp_path, "tindak", title="Manajemen Arsip", lessons=1))


@pytest.fixture
def people(make_user, make_unit):
    unit = make_unit("Bagian Umum")
    boss = make_user(roles=["supervisor", "learner"], unit=unit, full_name="Ir. Hendra Wijaya")
    learner = make_user(unit=unit, full_name="Agus Setiawan", supervisor=boss, locale="en")
    return learner, boss


def completion(user, course, when=COMPLETED):
    row = Completion(
        user_id=user.id,
        course_id=course.id,
        version_id=course.current_version_id,
        completed_at=when,
        jp=2,
    )
    db.session.add(row)
    db.session.commit()
    return row


def invitations():
    return db.session.scalars(
        select(SurveyInvitation).where(SurveyInvitation.level == 3).order_by(SurveyInvitation.id)
    ).all()


def test_follow_ups_open_eight_weeks_after_completion_for_learner_and_supervisor(
    app, course, people
):
    learner, boss = people
    completion(learner, course)
    assert followup.schedule(DUE - timedelta(days=1)) == 0  # not yet
    assert followup.schedule(DUE) == 2
    db.session.commit()
    rows = invitations()
    assert {(r.audience, r.respondent_id) for r in rows} == {
        ("learner", learner.id),
        ("supervisor", boss.id),
    }
    assert all(r.opens_on == DUE and r.state == InvitationState.OPEN for r in rows)
    assert followup.schedule(DUE) == 0  # a re-run adds nothing
    assert followup.schedule(DUE + timedelta(days=3)) == 0


def test_no_follow_up_when_switched_off_or_outside_the_window(app, course, people, make_user):
    learner, boss = people
    old = make_user(supervisor=boss)
    completion(learner, course)
    completion(old, course, COMPLETED - timedelta(weeks=9))  # before the look-back window
    inactive_boss = make_user(roles=["supervisor"], active=False)
    third = make_user(supervisor=inactive_boss)
    completion(third, course)
    assert followup.schedule(DUE) == 3  # learner + boss, third alone (supervisor inactive)
    db.session.rollback()
    db.session.merge(CourseSurveySettings(course_id=course.id, followup=False))
    db.session.commit()
    db.session.execute(SurveyInvitation.__table__.delete())
    db.session.commit()
    assert followup.schedule(DUE) == 0


def test_mail_once_then_one_reminder_a_week_later_then_none(app, course, people, smtp_server):
    learner, boss = people
    completion(learner, course)
    followup.schedule(DUE)
    db.session.commit()
    now = datetime(2026, 10, 27, 0, 30, tzinfo=UTC)
    assert followup.send(DUE, now) == {"invitation": 2, "reminder": 0}
    db.session.commit()
    assert followup.send(DUE, now) == {"invitation": 0, "reminder": 0}
    six_days = DUE + timedelta(days=6)
    assert followup.send(six_days, now + timedelta(days=6)) == {"invitation": 0, "reminder": 0}
    seven = DUE + timedelta(days=7)
    assert followup.send(seven, now + timedelta(days=7)) == {"invitation": 0, "reminder": 2}
    db.session.commit()
    for later in (7, 14, 30):
        day = DUE + timedelta(days=later)
        assert followup.send(day, now + timedelta(days=later)) == {"invitation": 0, "reminder": 0}
    assert len(smtp_server.messages) == 4
    by_to = {}
    for m in smtp_server.messages:
        by_to.setdefault(m["To"], []).append(m)
    english = by_to[learner.email][0]
    assert english["Subject"].endswith("a survey is waiting for you")
    body = english.get_payload(decode=True).decode()
    assert "Manajemen Arsip" in body and "http://localhost/surveys/" in body
    boss_body = by_to[boss.email][1].get_payload(decode=True).decode()
    assert "pengingat" in by_to[boss.email][1]["Subject"]
    assert "Agus Setiawan" in boss_body and "atasan langsung" in boss_body
    notes = db.session.scalar(select(func.count()).select_from(Notification))
    assert notes == 4


def test_answered_surveys_are_not_reminded(app, client, course, people, login_as):
    learner, _boss = people
    completion(learner, course)
    followup.schedule(DUE)
    db.session.commit()
    followup.send(DUE, datetime(2026, 10, 27, 1, 0, tzinfo=UTC))
    db.session.commit()
    mine = next(i for i in invitations() if i.audience == "learner")
    mine.state = InvitationState.ANSWERED
    db.session.commit()
    result = followup.send(DUE + timedelta(days=7), datetime(2026, 11, 3, 1, 0, tzinfo=UTC))
    assert result == {"invitation": 0, "reminder": 1}


def test_reminders_cli_reports_the_surveys(app, runner, course, people, smtp_server):
    learner, _boss = people
    completion(learner, course)
    result = runner.invoke(args=["reminders", "send", "--day", DUE.isoformat(), "--no-digest"])
    assert result.exit_code == 0, result.output
    assert "surveys: 2 follow-up invitations created, 2 invitations and 0 reminders mailed" in (
        result.output
    )
    again = runner.invoke(args=["reminders", "send", "--day", DUE.isoformat(), "--no-digest"])
    assert "surveys: 0 follow-up invitations created, 0 invitations and 0 reminders" in (
        again.output
    )
    assert len(smtp_server.messages) == 2


def test_pending_follow_ups_show_on_my_learning_and_the_team_dashboard(
    app, client, course, people, login_as
):
    learner, boss = people
    completion(learner, course)
    followup.schedule(DUE)
    db.session.commit()
    ours = {i.audience: i for i in invitations()}
    # Opened in the past relative to the real clock: shown today.
    login_as(learner)
    home = client.get("/").get_data(as_text=True)
    assert "Follow-up survey" in home and f"/surveys/{ours['learner'].id}" in home
    assert f"/surveys/{ours['supervisor'].id}" not in home
    client = app.test_client()
    assert login(client, boss.email).status_code == 302
    team = client.get("/team").get_data(as_text=True)
    assert f"/surveys/{ours['supervisor'].id}" in team and "tentang Agus Setiawan" in team
    # The supervisor answers: it leaves the list.
    inv = ours["supervisor"]
    data = {"csrf_token": csrf_token(client, f"/surveys/{inv.id}")}
    for q in inv.instrument_version.questions:
        if q.kind in ("likert4", "single"):
            data[f"q{q.id}"] = "2"
    assert client.post(f"/surveys/{inv.id}", data=data).status_code == 302
    assert f"/surveys/{inv.id}" not in client.get("/team").get_data(as_text=True)
    row = db.session.scalar(select(SurveyResponse))
    assert (row.audience, row.respondent_id, row.subject_id) == ("supervisor", boss.id, learner.id)


def test_demo_seed_leaves_survey_answers_on_the_shipped_courses(app, runner):
    from factories_course import import_shipped

    from elearn.demo import DEMO_OWNERS
    from elearn.surveys.demo import seed_survey_answers

    for slug in DEMO_OWNERS:
        import_shipped(slug)
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    per_course = dict(
        db.session.execute(
            select(SurveyResponse.course_id, func.count())
            .where(SurveyResponse.level == 1)
            .group_by(SurveyResponse.course_id)
        ).all()
    )
    assert len(per_course) == 3 and min(per_course.values()) >= 6
    audiences = set(
        db.session.scalars(select(SurveyResponse.audience).where(SurveyResponse.level == 3))
    )
    assert audiences == {"learner", "supervisor"}
    total = db.session.scalar(select(func.count()).select_from(SurveyResponse))
    assert seed_survey_answers() == 0  # once only
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == total

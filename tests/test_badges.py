"""Badges earned by rule, never by hand: awarded at the moment a completion, an approval or a
plan decision makes them due, exactly once (also when two runs race), notified, shown on My
learning and on the supervisor's person view, and awarded to everyone by the daily job."""

from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import pytest
from conftest import csrf_token
from factories_course import enrol, import_course, mark_done, write_course
from sqlalchemy import event, func, select

from elearn.activities import badges as B
from elearn.activities.badges import award_badges
from elearn.activities.kinds import ensure_kinds
from elearn.extensions import db
from elearn.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    BadgeAward,
    Completion,
    MentoringPair,
    MentoringSession,
    Notification,
    NotificationKind,
)
from elearn.models.competency import DevelopmentPlan, DevelopmentPlanItem, PlanStatus
from elearn.supervision.services import today
from elearn.timeutil import utcnow


@contextmanager
def count_queries():
    statements = []

    def listener(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def awards(user=None):
    stmt = select(BadgeAward.user_id, BadgeAward.badge, BadgeAward.year)
    if user is not None:
        stmt = stmt.where(BadgeAward.user_id == user.id)
    return sorted(db.session.execute(stmt).all())


def badge_notes(user):
    return db.session.scalars(
        select(Notification).where(
            Notification.user_id == user.id, Notification.kind == NotificationKind.BADGE_AWARDED
        )
    ).all()


def complete(user, course, when=None):
    db.session.add(
        Completion(user_id=user.id, course_id=course.id, version_id=course.current_version_id,
                   completed_at=when or utcnow(), jp=course.current_version.jp)
    )  # fmt: skip
    db.session.commit()


def approved_activity(user, code, jp, status=ActivityStatus.APPROVED, end=None):
    ensure_kinds()
    kind = db.session.scalar(select(ActivityKind).where(ActivityKind.code == code))
    end = end or today()
    db.session.add(
        Activity(user_id=user.id, kind_id=kind.id, title=f"{code} {jp}", organiser_name="Panitia",
                 start_date=end, end_date=end, duration_amount=Decimal(1), duration_unit="day",
                 jp=jp, status=status)
    )  # fmt: skip
    db.session.commit()


@pytest.fixture
def courses(app, tmp_path):
    return [
        import_course(write_course(tmp_path, f"k{n}", title=f"Kursus {n}", lessons=1, jp=2))
        for n in range(6)
    ]


def test_finishing_a_first_course_awards_its_badge_once_with_a_notification(
    client, make_user, login_as, tmp_path
):
    learner = make_user()
    login_as(learner)
    for slug in ("etika", "arsip"):
        import_course(write_course(tmp_path, slug, lessons=1, jp=3))
        enrol(client, slug)
        mark_done(client, slug, "modul/pelajaran-1")
    year = today().year
    assert awards(learner) == [(learner.id, "first-course", 0)]
    notes = badge_notes(learner)
    assert len(notes) == 1 and notes[0].params == {"badge": "Kursus pertama"}  # Indonesian
    page = client.get("/").get_data(as_text=True)
    badges = page[page.index('id="badges-title"') :]
    assert "Kursus pertama" in badges and "Diperoleh pada" in badges and str(year) in badges
    assert "<svg" in badges and "<img" not in badges.split("</section>")[0]
    bell = client.get("/notifications").get_data(as_text=True)
    assert "Anda meraih lencana “Kursus pertama”." in bell


def test_rules_give_each_badge_at_its_threshold_and_never_twice(app, make_user, courses):
    learner, busy = make_user(), make_user()
    complete(learner, courses[0])
    for course in courses[:5]:
        complete(busy, course)
    assert award_badges([learner.id, busy.id]) == 3
    assert awards() == sorted(
        [(learner.id, "first-course", 0), (busy.id, "first-course", 0), (busy.id, "courses-5", 0)]
    )
    db.session.commit()
    assert award_badges([learner.id, busy.id]) == 0  # nothing new
    assert award_badges(None) == 0
    assert len(badge_notes(busy)) == 2


def test_yearly_target_counts_approved_activities_only_and_is_earned_each_year(
    app, make_user, courses
):
    app.config["YEARLY_JP_TARGET"] = 20
    learner = make_user()
    year = today().year
    complete(learner, courses[0])  # 2 JP
    approved_activity(learner, "seminar", 12)
    approved_activity(learner, "workshop", 10, status=ActivityStatus.PENDING)
    award_badges([learner.id])
    assert (learner.id, "jp-target", year) not in awards()  # 14 JP: pending not counted
    approved_activity(learner, "workshop", 6)
    award_badges([learner.id])
    assert (learner.id, "jp-target", year) in awards()
    # Last year's activities give last year's badge (the daily job looks at both years).
    approved_activity(learner, "seminar", 24, end=date(year - 1, 6, 1))
    award_badges([learner.id], years=[year, year - 1])
    assert (learner.id, "jp-target", year - 1) in awards()
    assert [a for a in awards() if a[1] == "jp-target"] == [
        (learner.id, "jp-target", year - 1),
        (learner.id, "jp-target", year),
    ]


def test_mentoring_badge_goes_to_the_mentor_of_five_confirmed_sessions(app, make_user):
    mentor, mentee = make_user(), make_user()
    pair = MentoringPair(mentor_id=mentor.id, mentee_id=mentee.id, starts_on=today(),
                         ends_on=today() + timedelta(days=90))  # fmt: skip
    db.session.add(pair)
    db.session.flush()
    for n in range(5):
        db.session.add(
            MentoringSession(pair_id=pair.id, held_on=today(), minutes=60, topic=f"Sesi {n}",
                             logged_by_id=mentor.id,
                             confirmed_at=utcnow() if n < 4 else None)
        )  # fmt: skip
    db.session.commit()
    award_badges([mentor.id, mentee.id])
    assert awards() == []  # four confirmed: not yet
    session = db.session.scalar(select(MentoringSession).where(MentoringSession.topic == "Sesi 4"))
    session.confirmed_at = utcnow()
    db.session.commit()
    award_badges([mentor.id, mentee.id])
    assert awards() == [(mentor.id, "mentor-5", 0)]


def _plan(person, courses, extra_activity=False):
    plan = DevelopmentPlan(user_id=person.id, year=today().year, status=PlanStatus.SUBMITTED,
                           revision=1, submitted_at=utcnow())  # fmt: skip
    for n, course in enumerate(courses, start=1):
        plan.items.append(
            DevelopmentPlanItem(course_id=course.id, title=course.current_version.title,
                                planned_jp=2, position=n)
        )  # fmt: skip
    if extra_activity:
        plan.items.append(DevelopmentPlanItem(title="Coaching", planned_jp=4, position=9))
    db.session.add(plan)
    db.session.commit()
    return plan


def _approve(client, plan):
    token = csrf_token(client, f"/competencies/people/{plan.user_id}/plan")
    return client.post(
        f"/competencies/plans/{plan.id}/decision",
        data={"csrf_token": token, "action": "approve", "revision": plan.revision, "note": ""},
    )


def test_approving_a_plan_already_carried_out_awards_it(
    client, make_user, make_unit, login_as, courses
):
    unit = make_unit()
    boss = make_user(roles=["supervisor", "learner"], unit=unit)
    boss.supervised = [unit]
    db.session.commit()
    done = make_user(unit=unit, supervisor=boss)
    half = make_user(unit=unit, supervisor=boss)
    free_text = make_user(unit=unit, supervisor=boss)
    for person in (done, free_text):
        complete(person, courses[0])
        complete(person, courses[1])
    complete(half, courses[0])
    plans = [_plan(done, courses[:2]), _plan(half, courses[:2]),
             _plan(free_text, courses[:2], extra_activity=True)]  # fmt: skip
    login_as(boss)
    for plan in plans:
        assert _approve(client, plan).status_code == 302
    year = today().year
    plan_badges = [a for a in awards() if a[1] == "plan-completed"]
    # A planned activity has nothing that carries it out yet: not complete, as the plan page
    # shows; the other unfinished plan gets its badge when its last course is completed.
    assert plan_badges == [(done.id, "plan-completed", year)]
    complete(half, courses[1])
    award_badges([half.id])
    assert (half.id, "plan-completed", year) in awards()


def test_two_runs_at_once_give_one_award_and_one_notification(app, make_user, courses, monkeypatch):
    learner = make_user()
    complete(learner, courses[0])
    assert award_badges([learner.id]) == 1
    # A second run that read the awards before the first one wrote: it tries to insert too.
    monkeypatch.setattr(B, "awarded_already", lambda who, codes: set())
    assert award_badges([learner.id]) == 0
    db.session.commit()
    assert awards(learner) == [(learner.id, "first-course", 0)]
    assert len(badge_notes(learner)) == 1


def test_awarding_costs_the_same_queries_for_three_or_thirty_people(app, make_user, courses):
    counts = []
    for size in (3, 30):
        people = [make_user() for _ in range(size)]
        for p in people:
            complete(p, courses[0])
        ids = [p.id for p in people]
        with count_queries() as statements:
            assert award_badges(ids) == size
        counts.append(len(statements))
        db.session.commit()
    with count_queries() as statements:
        assert award_badges(None) == 0
    assert counts[0] == counts[1] == 7, counts  # 4 measures, the awards, 2 inserts
    assert len(statements) == 5  # everyone: 4 measures and the awards, nothing new


def test_the_cli_awards_everyone_once_and_reminders_run_it(app, runner, make_user, courses):
    people = [make_user() for _ in range(3)]
    inactive = make_user(active=False)
    for p in [*people, inactive]:
        complete(p, courses[0])
    result = runner.invoke(args=["activities", "badges"])
    assert result.exit_code == 0, result.output
    assert "3 badges awarded" in result.output
    assert runner.invoke(args=["activities", "badges", "--year", "2020"]).output.startswith("0 ")
    assert db.session.scalar(select(func.count(BadgeAward.id))) == 3
    complete(people[0], courses[1])
    complete(people[0], courses[2])
    complete(people[0], courses[3])
    complete(people[0], courses[4])
    result = runner.invoke(args=["reminders", "send", "--no-digest"])
    assert result.exit_code == 0, result.output
    assert "badges: 1 awarded" in result.output


def test_the_supervisor_sees_the_badges_on_the_person_view(
    client, make_user, make_unit, login_as, courses
):
    unit = make_unit()
    boss = make_user(roles=["supervisor", "learner"], unit=unit)
    boss.supervised = [unit]
    db.session.commit()
    learner = make_user(unit=unit)
    outsider = make_user()
    complete(learner, courses[0])
    complete(outsider, courses[0])
    award_badges([learner.id, outsider.id])
    db.session.commit()
    login_as(boss)
    page = client.get(f"/team/people/{learner.id}").get_data(as_text=True)
    section = page[page.index('id="person-badges-title"') :]
    assert "Kursus pertama" in section
    assert client.get(f"/team/people/{outsider.id}").status_code == 404


def test_nobody_gives_a_badge_by_hand(app):
    routes = [r.rule for r in app.url_map.iter_rules() if "badge" in r.rule]
    assert routes == []
    assert {b.code for b in B.BADGES} == {
        "jp-target", "first-course", "courses-5", "courses-10", "plan-completed", "mentor-5"
    }  # fmt: skip
    assert {b.code for b in B.BADGES if b.yearly} == {"jp-target", "plan-completed"}

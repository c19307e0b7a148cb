"""Low-rating flags: raised once per course version and question when the mean is below the
threshold over enough answers, told once to the course's instructors and the admins, shown on
the course results page, the report and the needs analysis."""

import pytest
from factories_course import import_course, write_course
from sqlalchemy import select
from survey_helpers import answer, reaction

from elearn.extensions import db
from elearn.learn.services import current_year
from elearn.models import (
    AssessorRole,
    CompetencyAssessment,
    CompetencyAssessmentItem,
    CourseCompetency,
    Notification,
    PositionKind,
    PositionStandard,
    SurveyFlag,
)
from elearn.models import NotificationKind as K
from elearn.surveys.reports import flag_low_ratings


@pytest.fixture
def world(app, tmp_path, make_user, make_unit):
    course = import_course(
        write_course(
            tmp_path,
            "uji-nilai",
            title="Kursus Bernilai",
            competencies=(("Integritas", "manajerial", 3),),
        )
    )
    owner = make_user(roles=["instructor"], full_name="Pengajar")
    course.owners.append(owner)
    admin = make_user(roles=["admin"], full_name="Admin")
    bystander = make_user(roles=["instructor"], full_name="Pengajar Lain")
    unit = make_unit("Dinas A")
    learners = [make_user(unit=unit) for _ in range(6)]
    db.session.commit()
    return {
        "course": course,
        "owner": owner,
        "admin": admin,
        "bystander": bystander,
        "unit": unit,
        "learners": learners,
    }


def notified(user):
    return db.session.scalars(
        select(Notification).where(
            Notification.user_id == user.id, Notification.kind == K.SURVEY_LOW
        )
    ).all()


def test_a_low_question_is_flagged_once_and_told_once(world):
    course, learners = world["course"], world["learners"]
    # "platform" 2 of 5 (40%): low; "overall" 4 of 5 (80%): fine.
    for learner in learners[:4]:
        answer(course, learner, reaction(overall=4, rest=4, platform=2))
    assert flag_low_ratings() == 0  # 4 answers: too few to judge
    answer(course, learners[4], reaction(overall=4, rest=4, platform=2))
    assert flag_low_ratings() == 1
    db.session.commit()
    flags = db.session.scalars(select(SurveyFlag)).all()
    assert [(f.question_code, f.mean_percent, f.answers) for f in flags] == [("platform", 40, 5)]
    assert flags[0].version_id == course.current_version_id
    for user in (world["owner"], world["admin"]):
        (note,) = notified(user)
        assert note.params["title"] == "Kursus Bernilai"
        assert note.params["question"].startswith("Aplikasi e-learning")
        assert note.link == "/surveys/reports/uji-nilai"
    assert notified(world["bystander"]) == []
    # The next day's run: nothing new.
    answer(course, learners[5], reaction(overall=4, rest=4, platform=1))
    assert flag_low_ratings() == 0
    db.session.commit()
    assert len(notified(world["owner"])) == 1
    assert db.session.query(SurveyFlag).count() == 1


def test_the_flag_shows_on_the_results_page_and_the_report(world, login_as):
    course, learners = world["course"], world["learners"]
    for learner in learners[:5]:
        answer(course, learner, reaction(overall=2))
    assert flag_low_ratings() == 1
    db.session.commit()
    client = login_as(world["owner"])
    html = client.get("/teach/uji-nilai/results").get_data(as_text=True)
    assert "Bernilai rendah dalam survei" in html
    assert "Secara keseluruhan, saya puas" in html and "40% dari nilai tertinggi" in html
    assert 'href="/surveys/reports/uji-nilai"' in html
    html = client.get("/surveys/reports/uji-nilai").get_data(as_text=True)
    assert "Pertanyaan dengan nilai rendah" in html


def test_the_needs_analysis_marks_a_low_rated_recommended_course(world, login_as, make_user):
    course, learners = world["course"], world["learners"]
    comp = db.session.scalar(
        select(CourseCompetency.competency_id).where(
            CourseCompetency.version_id == course.current_version_id
        )
    )
    db.session.add(PositionKind(code="pelaksana", name="Pelaksana", group="administrasi"))
    db.session.add(PositionStandard(position_kind="pelaksana", competency_id=comp, level=3))
    person = make_user(unit=world["unit"], position_kind="pelaksana", full_name="Orang Senjang")
    assessment = CompetencyAssessment(
        user_id=person.id, period=current_year(), role=AssessorRole.SELF, assessor_id=person.id
    )
    assessment.items = [CompetencyAssessmentItem(competency_id=comp, level=1, indicator="")]
    db.session.add(assessment)
    db.session.commit()
    client = login_as(world["admin"])
    html = client.get("/competencies/units").get_data(as_text=True)
    assert "Kursus bernilai rendah" not in html
    for learner in learners[:5]:
        answer(course, learner, reaction(overall=2))
    flag_low_ratings()
    db.session.commit()
    html = client.get("/competencies/units").get_data(as_text=True)
    assert "Kursus bernilai rendah untuk kesenjangan ini" in html
    section = html.split("Kursus bernilai rendah untuk kesenjangan ini")[1]
    assert "Kursus Bernilai" in section and "nilai rendah" in section

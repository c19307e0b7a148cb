"""A course's evaluation settings: only who can edit the course (owners, admins) opens them;
the page shows the instance default, saves, audits, and refuses what is not offered."""

import pytest
from conftest import csrf_token
from factories_course import import_course, write_course
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import AuditLog, CourseSurveySettings, SurveyInstrument
from elearn.surveys.instruments import create_instrument, set_active
from elearn.surveys.settings import reaction_version, settings_for

URL = "/surveys/course/uji-evaluasi/settings"


@pytest.fixture
def course(app, tmp_path):
    return import_course(write_course(tmp_path, "uji-evaluasi"))


@pytest.fixture
def owner(make_user, course):
    user = make_user(roles=["instructor"], full_name="Pengajar Pemilik", locale="en")
    course.owners.append(user)
    db.session.commit()
    return user


def save(client, **fields):
    data = {
        "csrf_token": csrf_token(client, URL),
        "reaction_required": "",
        "reaction_instrument": "",
    }
    data.update({k: v for k, v in fields.items() if v is not None})
    return client.post(URL, data=data)


def other_instrument(title="Survei reaksi singkat"):
    instrument = create_instrument(
        title, "", 1, "learner", [{"code": "overall", "kind": "likert5", "text": "Puas?"}], None
    )
    db.session.commit()
    return instrument


def test_the_owner_sees_the_instance_default_and_the_link_from_the_course_settings(
    client, owner, login_as
):
    login_as(owner)
    html = client.get(URL).get_data(as_text=True)
    assert "Instance default (not required)" in html
    assert "The instance default is: not required." in html
    assert "A change applies to surveys asked from now on" in html
    assert "Survei reaksi peserta (standar)" in html  # the default instrument, named
    authoring = client.get("/teach/uji-evaluasi/").get_data(as_text=True)
    assert URL in authoring


@pytest.mark.parametrize("config_overrides", [{"SURVEY_REACTION_REQUIRED_DEFAULT": True}])
def test_the_page_says_when_the_instance_requires_the_survey(client, owner, login_as):
    login_as(owner)
    html = client.get(URL).get_data(as_text=True)
    assert "Instance default (required)" in html
    assert "The certificate is issued when the reaction survey is sent." in html


def test_saving_settings_changes_what_the_course_asks_and_is_audited(
    client, owner, login_as, course
):
    mine = other_instrument()
    login_as(owner)
    response = save(
        client, reaction_required="yes", anonymous="y", reaction_instrument=str(mine.id)
    )
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The evaluation settings have been saved." in html
    assert "Answers are anonymous." in html
    assert "No follow-up survey." in html  # the follow-up box was left unticked
    effective = settings_for(course.id)
    assert effective.reaction_required is True
    assert effective.anonymous is True
    assert effective.followup is False
    assert reaction_version(effective).instrument_id == mine.id
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "survey_settings.edit"))
    assert entry.actor_id == owner.id
    assert entry.detail["slug"] == "uji-evaluasi"
    assert entry.detail["changes"]["anonymous"] == [False, True]
    assert entry.detail["changes"]["reaction_required"] == [None, True]


def test_back_to_the_instance_default(client, owner, login_as, course):
    login_as(owner)
    save(client, reaction_required="no", followup="y")
    assert settings_for(course.id).reaction_required is False
    save(client, reaction_required="", followup="y")
    assert db.session.get(CourseSurveySettings, course.id).reaction_required is None
    assert settings_for(course.id).reaction_required is False  # the instance's default


def test_saving_the_same_settings_changes_nothing(client, owner, login_as):
    login_as(owner)
    response = save(client, followup="y")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing was changed." in html
    assert db.session.scalar(select(CourseSurveySettings)) is None
    assert db.session.scalar(select(AuditLog).where(AuditLog.action.like("survey_%"))) is None


def test_an_instrument_not_offered_is_refused_and_nothing_saved(client, owner, login_as):
    level3 = create_instrument(
        "Tindak lanjut lain",
        "",
        3,
        "learner",
        [{"code": "applied", "kind": "likert4", "text": "?"}],
        None,
    )
    off = other_instrument("Survei nonaktif")
    set_active(off, False, None)
    db.session.commit()
    login_as(owner)
    for bad in (str(level3.id), str(off.id), "999999", "abc"):
        response = save(client, reaction_instrument=bad, anonymous="y")
        assert response.status_code == 200
        assert "Choose one of the listed options." in response.get_data(as_text=True)
    response = save(client, reaction_required="maybe")
    assert "Choose one of the listed options." in response.get_data(as_text=True)
    assert db.session.scalar(select(CourseSurveySettings)) is None


def test_a_deactivated_choice_falls_back_to_the_default_and_says_so(
    client, owner, login_as, course
):
    mine = other_instrument()
    login_as(owner)
    save(client, reaction_instrument=str(mine.id), followup="y")
    mine = db.session.get(SurveyInstrument, mine.id)
    set_active(mine, False, None)
    db.session.commit()
    html = client.get(URL).get_data(as_text=True)
    assert "has been deactivated" in html
    assert reaction_version(settings_for(course.id)).instrument.key == "reaksi-standar"


def test_another_instructor_and_other_roles_are_refused(client, make_user, login_as, owner):
    for roles in (["instructor"], ["learner"], ["supervisor"]):
        login_as(make_user(roles=roles))
        assert client.get(URL).status_code == 403, roles
        token = csrf_token(client, "/")
        response = client.post(URL, data={"csrf_token": token, "anonymous": "y"})
        assert response.status_code == 403, roles
        client.post("/logout", data={"csrf_token": token})
    assert db.session.scalar(select(CourseSurveySettings)) is None


def test_an_admin_may_edit_any_course_and_an_unknown_course_is_404(
    client, make_user, login_as, course
):
    login_as(make_user(roles=["admin"], locale="en"))
    assert client.get(URL).status_code == 200
    assert client.get("/surveys/course/tidak-ada/settings").status_code == 404

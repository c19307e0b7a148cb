"""Answering surveys: the reaction survey's gate on the certificate, exactly-once answers,
required questions and text limits, anonymity of the stored row, who may open a survey."""

import threading

import pytest
from conftest import csrf_token, login
from factories_course import import_course, write_course
from sqlalchemy import func, select

from elearn.extensions import db
from elearn.learn.completion import evaluate
from elearn.models import (
    Certificate,
    CourseSurveySettings,
    Enrollment,
    InvitationState,
    LessonProgress,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
)
from elearn.surveys import taking
from elearn.timeutil import utcnow

LESSON = "modul/pelajaran-1"


@pytest.fixture
def course(app, tmp_path):
    return import_course(write_course(tmp_path, "survei", title="Pelayanan Prima", lessons=1))


def configure(course, required=None, anonymous=False):
    db.session.merge(
        CourseSurveySettings(course_id=course.id, reaction_required=required, anonymous=anonymous)
    )
    db.session.commit()


def complete(user, course):
    db.session.add(
        Enrollment(user_id=user.id, course_id=course.id, version_id=course.current_version_id)
    )
    db.session.add(
        LessonProgress(
            user_id=user.id, course_id=course.id, lesson_key=LESSON, completed_at=utcnow()
        )
    )
    db.session.commit()
    evaluate(db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id)))
    db.session.commit()
    return db.session.scalar(select(SurveyInvitation).where(SurveyInvitation.subject_id == user.id))


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def full_answers(invitation, **overrides):
    """Form data answering every question of the reaction survey (scales 4)."""
    data = {"csrf_token": None}
    for q in invitation.instrument_version.questions:
        if q.kind.startswith("likert"):
            data[f"q{q.id}"] = "4"
        elif q.kind.endswith("text"):
            data[f"q{q.id}"] = "Contoh kasus sangat membantu."
    data.update(overrides)
    return data


def post_answers(client, invitation, data):
    url = f"/surveys/{invitation.id}"
    data = dict(data, csrf_token=csrf_token(client, url))
    return client.post(url, data=data)


def q_id(invitation, code):
    return next(q.id for q in invitation.instrument_version.questions if q.code == code)


def test_required_survey_holds_the_certificate_until_sent(client, course, make_user, login_as):
    configure(course, required=True)
    learner = make_user()
    invitation = complete(learner, course)
    assert invitation.required and invitation.state == InvitationState.OPEN
    assert count(Certificate) == 0
    login_as(learner)
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "Sertifikat diterbitkan setelah Anda mengirim survei." in page
    assert f"/surveys/{invitation.id}" in page
    form = client.get(f"/surveys/{invitation.id}").get_data(as_text=True)
    assert "Jawaban Anda tercatat dengan nama Anda." in form
    assert "Lewati survei ini" not in form  # required: no skipping
    assert (
        client.post(
            f"/surveys/{invitation.id}/skip", data={"csrf_token": csrf_token(client, "/")}
        ).status_code
        == 302
    )
    assert count(Certificate) == 0
    response = post_answers(client, invitation, full_answers(invitation))
    assert response.status_code == 302
    assert count(Certificate) == 1 and count(SurveyResponse) == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sertifikat Anda telah diterbitkan" in page
    assert invitation.state == InvitationState.ANSWERED
    # A second send records nothing and says so.
    again = post_answers(client, invitation, full_answers(invitation))
    assert "sudah dikirim" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert count(SurveyResponse) == 1 and count(Certificate) == 1


def test_optional_survey_issues_at_once_and_can_be_skipped(client, course, make_user, login_as):
    configure(course, required=False)
    learner = make_user()
    invitation = complete(learner, course)
    assert count(Certificate) == 1
    login_as(learner)
    home = client.get("/").get_data(as_text=True)
    assert "Survei reaksi" in home and f"/surveys/{invitation.id}" in home
    response = client.post(
        f"/surveys/{invitation.id}/skip", data={"csrf_token": csrf_token(client, "/")}
    )
    assert response.status_code == 302
    assert invitation.state == InvitationState.SKIPPED
    assert f"/surveys/{invitation.id}" not in client.get("/").get_data(as_text=True)
    page = client.get(f"/surveys/{invitation.id}").get_data(as_text=True)
    assert "Survei ini sudah ditutup" in page
    post_answers(client, invitation, full_answers(invitation))
    assert count(SurveyResponse) == 0


def test_required_questions_and_text_limits_are_enforced_on_the_server(
    client, course, make_user, login_as
):
    learner = make_user()
    invitation = complete(learner, course)
    login_as(learner)
    data = full_answers(invitation)
    overall, improve = q_id(invitation, "overall"), q_id(invitation, "improve")
    del data[f"q{overall}"]
    data[f"q{improve}"] = "x" * 2001
    data[f"q{q_id(invitation, 'material')}"] = "9"  # not a point of the scale
    response = post_answers(client, invitation, data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Mohon jawab pertanyaan ini." in html
    assert "paling banyak 2000 karakter" in html
    assert "Mohon pilih salah satu jawaban yang tersedia." in html
    assert 'value="Contoh kasus sangat membantu."' not in html  # textareas keep their text
    assert "Contoh kasus sangat membantu.</textarea>" in html
    assert count(SurveyResponse) == 0 and invitation.state == InvitationState.OPEN
    # Control characters are stripped; the text is stored as typed and shown escaped.
    data = full_answers(invitation)
    data[f"q{improve}"] = "<b>Tambah\x07 video</b>"
    assert post_answers(client, invitation, data).status_code == 302
    texts = db.session.scalars(select(SurveyAnswer.text).where(SurveyAnswer.text.is_not(None)))
    assert "<b>Tambah video</b>" in list(texts)


def test_only_the_respondent_may_open_a_survey(client, course, make_user, login_as):
    learner, other = make_user(), make_user(roles=["admin"])
    invitation = complete(learner, course)
    login_as(other)
    assert client.get(f"/surveys/{invitation.id}").status_code == 404
    assert post_answers_as_other(client, invitation).status_code == 404
    assert count(SurveyResponse) == 0


def post_answers_as_other(client, invitation):
    return client.post(
        f"/surveys/{invitation.id}",
        data=dict(full_answers(invitation), csrf_token=csrf_token(client, "/")),
    )


def test_anonymous_answers_store_no_person(client, course, make_user, make_unit, login_as):
    configure(course, required=True, anonymous=True)
    unit = make_unit("Bidang Aplikasi")
    learner = make_user(unit=unit)
    invitation = complete(learner, course)
    login_as(learner)
    assert "Jawaban Anda anonim." in client.get(f"/surveys/{invitation.id}").get_data(as_text=True)
    assert post_answers(client, invitation, full_answers(invitation)).status_code == 302
    row = db.session.scalar(select(SurveyResponse))
    assert (row.invitation_id, row.respondent_id, row.subject_id, row.submitted_at) == (
        None,
        None,
        None,
        None,
    )
    assert row.anonymous and row.unit_id == unit.id and row.submitted_on is not None
    assert invitation.state == InvitationState.ANSWERED and invitation.closed_at is None
    assert count(Certificate) == 1


def test_a_survey_not_open_yet_records_nothing(client, course, make_user, login_as):
    from datetime import timedelta

    learner = make_user()
    invitation = complete(learner, course)
    invitation.opens_on = invitation.opens_on + timedelta(days=3)
    db.session.commit()
    login_as(learner)
    assert "Survei ini belum dibuka." in client.get(f"/surveys/{invitation.id}").get_data(
        as_text=True
    )
    post_answers(client, invitation, full_answers(invitation))
    assert count(SurveyResponse) == 0


def test_twenty_concurrent_submits_record_one_answer_set(app, course, make_user):
    configure(course, required=True)
    learner = make_user()
    invitation = complete(learner, course)
    data = full_answers(invitation)
    invitation_id, user_id = invitation.id, learner.id
    barrier = threading.Barrier(20)
    results, errors = [], []

    def run():
        try:
            with app.app_context():
                from elearn.models import User

                # Met before any connection is taken: the pool has fewer than 20.
                barrier.wait(timeout=20)
                inv = db.session.get(SurveyInvitation, invitation_id)
                user = db.session.get(User, user_id)
                outcome = taking.submit(inv, data, user)
                db.session.commit()
                results.append(outcome.status)
        except Exception as exc:  # reported in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    db.session.expire_all()
    assert sorted(results) == ["already"] * 19 + ["sent"]
    assert count(SurveyResponse) == 1 and count(Certificate) == 1


def test_login_is_required(client, course, make_user):
    learner = make_user()
    invitation = complete(learner, course)
    assert client.get(f"/surveys/{invitation.id}").status_code == 302
    assert login(client, learner.email).status_code == 302
    assert client.get(f"/surveys/{invitation.id}").status_code == 200

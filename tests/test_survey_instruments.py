"""Survey instruments (admin): the list, a new instrument, editing saves a new version (answers
keep theirs), validation errors change nothing, activate/deactivate, one default per level,
audit rows, and nobody but admins gets in."""

from datetime import date

import pytest
from conftest import csrf_token
from factories_course import import_course, write_course
from sqlalchemy import func, select

from elearn.extensions import db
from elearn.models import (
    AuditLog,
    SurveyAnswer,
    SurveyInstrument,
    SurveyInstrumentVersion,
    SurveyQuestion,
    SurveyResponse,
)
from elearn.surveys.instruments import default_instrument, ensure_standard_instruments


@pytest.fixture
def admin(make_user, login_as):
    user = make_user(roles=["admin"], full_name="Admin Survei", locale="en")
    login_as(user)
    return user


def rows(*questions):
    """Form fields for question rows: dicts with code, kind, text, required, options."""
    data = {}
    for i, q in enumerate(questions):
        data[f"questions-{i}-position"] = str(q.get("position", i + 1))
        data[f"questions-{i}-code"] = q.get("code", "")
        data[f"questions-{i}-kind"] = q.get("kind", "likert5")
        data[f"questions-{i}-text"] = q.get("text", "")
        data[f"questions-{i}-options"] = "\n".join(q.get("options", []))
        if q.get("required", True):
            data[f"questions-{i}-required"] = "y"
        if q.get("remove"):
            data[f"questions-{i}-remove"] = "y"
    return data


def post_new(client, title="Survei uji", level="1", audience="learner", questions=(), **extra):
    data = {
        "csrf_token": csrf_token(client, "/surveys/instruments/new"),
        "title": title,
        "description": "Pengantar.",
        "level": level,
        "audience": audience,
        "action": "save",
        **rows(*questions),
        **extra,
    }
    return client.post("/surveys/instruments/new", data=data)


def post_edit(client, instrument_id, title, questions, **extra):
    url = f"/surveys/instruments/{instrument_id}"
    data = {
        "csrf_token": csrf_token(client, url),
        "title": title,
        "description": "Pengantar.",
        "action": "save",
        **rows(*questions),
        **extra,
    }
    return client.post(url, data=data)


GOOD = (
    {"code": "materi", "kind": "likert5", "text": "Materi jelas."},
    {
        "code": "media",
        "kind": "single",
        "text": "Media paling membantu?",
        "options": ["Teks", "Video"],
    },
    {"code": "saran", "kind": "long_text", "text": "Saran Anda?", "required": False},
)


def counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (SurveyInstrument, SurveyInstrumentVersion, SurveyQuestion, AuditLog)
    )


def the(title):
    return db.session.scalar(select(SurveyInstrument).where(SurveyInstrument.title == title))


def test_list_shows_the_shipped_instruments_with_level_audience_version_and_default(client, admin):
    html = client.get("/surveys/instruments").get_data(as_text=True)
    assert "Survei reaksi peserta (standar)" in html
    assert "Survei tindak lanjut atasan (standar)" in html
    assert html.count(">Default<") == 3
    assert "Level 1: reaction" in html and "Supervisor" in html
    admin_hub = client.get("/admin/").get_data(as_text=True)
    assert "/surveys/instruments" in admin_hub


def test_new_instrument_is_created_with_version_1_and_audited(client, admin):
    response = post_new(client, questions=GOOD)
    assert response.status_code == 302
    instrument = the("Survei uji")
    assert instrument.level == 1 and instrument.audience == "learner"
    assert not instrument.is_default and instrument.active
    version = instrument.current_version
    assert version.number == 1
    assert [(q.code, q.kind, q.required, q.options) for q in version.questions] == [
        ("materi", "likert5", True, []),
        ("media", "single", True, ["Teks", "Video"]),
        ("saran", "long_text", False, []),
    ]
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "survey_instrument.create"))
    assert entry.actor_id == admin.id and entry.object_id == str(instrument.id)


def test_rows_are_ordered_by_the_numbers_typed_and_removed_or_blank_rows_dropped(client, admin):
    questions = (
        {"code": "b", "text": "Kedua", "position": 2},
        {"code": "gone", "text": "Dihapus", "remove": True},
        {"code": "a", "text": "Pertama", "position": 1},
        {"code": "", "text": "", "position": 9},  # a blank row
    )
    assert post_new(client, questions=questions).status_code == 302
    version = the("Survei uji").current_version
    assert [(q.position, q.code) for q in version.questions] == [(1, "a"), (2, "b")]


def test_add_a_row_keeps_what_was_typed_and_saves_nothing(client, admin):
    before = counts()
    response = post_new(client, questions=GOOD[:1], action="add")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Materi jelas." in html
    assert 'name="questions-1-text"' in html  # the new empty row
    assert counts() == before


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        ((), "An instrument needs at least one question."),
        (
            ({"code": "x", "kind": "single", "text": "Pilih", "options": ["Satu"]},),
            "2 to 12 options",
        ),
        (
            (
                {
                    "code": "x",
                    "kind": "multiple",
                    "text": "Pilih",
                    "options": [str(n) for n in range(13)],
                },
            ),
            "2 to 12 options",
        ),
        (({"code": "a", "text": "Satu"}, {"code": "a", "text": "Dua"}), "already has the code a"),
        (({"code": "Bukan Kode!", "text": "Satu"},), "lower-case letters"),
        (({"code": "a", "text": "x" * 501},), "At most 500 characters"),
        (({"code": "a", "kind": "essay", "text": "Satu"},), "Choose the kind of the question."),
        (({"code": "a", "text": ""},), "Write the question."),
    ],
)
def test_bad_questions_are_refused_with_a_message_and_nothing_is_saved(
    client, admin, questions, message
):
    ensure_standard_instruments()
    db.session.commit()
    before = counts()
    response = post_new(client, questions=questions)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing was saved." in html
    assert message in html
    assert counts() == before


def test_messages_are_in_indonesian_for_an_indonesian_admin(client, make_user, login_as):
    login_as(make_user(roles=["admin"], locale="id"))
    html = post_new(client, questions=({"code": "x", "kind": "single", "text": "P"},)).get_data(
        as_text=True
    )
    assert "Tidak ada yang disimpan" in html
    assert "memerlukan 2 sampai 12 pilihan" in html


def respond_on(version, course, choice=4):
    """An answer set given on `version` (as the answering page would store it)."""
    response = SurveyResponse(
        course_id=course.id,
        version_id=course.current_version_id,
        instrument_version_id=version.id,
        level=1,
        audience="learner",
        anonymous=True,
        submitted_on=date(2025, 3, 1),
    )
    response.answers = [
        SurveyAnswer(question_id=q.id, choice=choice)
        for q in version.questions
        if q.kind.startswith("likert")
    ]
    db.session.add(response)
    db.session.commit()
    return response


def test_editing_saves_a_new_version_and_answers_keep_their_questions(client, admin, tmp_path):
    course = import_course(write_course(tmp_path, "uji-survei"))
    assert post_new(client, questions=GOOD).status_code == 302
    instrument = the("Survei uji")
    v1 = instrument.current_version
    given = respond_on(v1, course)

    changed = (
        {"code": "materi", "kind": "likert5", "text": "Materi jelas dan runtut."},
        {"code": "platform", "kind": "likert4", "text": "Aplikasi mudah digunakan."},
    )
    response = post_edit(client, instrument.id, "Survei uji (revisi)", changed)
    assert response.status_code == 302
    db.session.expire_all()
    instrument = db.session.get(SurveyInstrument, instrument.id)
    assert instrument.title == "Survei uji (revisi)"
    assert instrument.current_version.number == 2
    assert [q.text for q in instrument.current_version.questions] == [
        "Materi jelas dan runtut.",
        "Aplikasi mudah digunakan.",
    ]
    # The answers given on version 1 still read version 1's questions.
    given = db.session.get(SurveyResponse, given.id)
    assert given.instrument_version_id == v1.id
    assert [a.question.text for a in given.answers] == ["Materi jelas."]
    assert [q.text for q in db.session.get(SurveyInstrumentVersion, v1.id).questions] == [
        "Materi jelas.",
        "Media paling membantu?",
        "Saran Anda?",
    ]
    history = client.get(f"/surveys/instruments/{instrument.id}/versions").get_data(as_text=True)
    assert "Version 2" in history and "Version 1" in history
    assert "Materi jelas dan runtut." in history and "Media paling membantu?" in history
    assert "1 answer" in history
    listing = client.get("/surveys/instruments").get_data(as_text=True)
    assert "Survei uji (revisi)" in listing
    edit = db.session.scalar(select(AuditLog).where(AuditLog.action == "survey_instrument.edit"))
    assert edit.detail["changes"]["version"] == [1, 2]


def test_saving_the_same_questions_adds_no_version(client, admin):
    assert post_new(client, questions=GOOD).status_code == 302
    instrument = the("Survei uji")
    response = post_edit(client, instrument.id, "Survei uji", GOOD)
    assert response.status_code == 302
    assert "Nothing was changed." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert len(the("Survei uji").versions) == 1


def test_a_bad_edit_changes_nothing(client, admin):
    assert post_new(client, questions=GOOD).status_code == 302
    instrument = the("Survei uji")
    before = counts()
    bad = ({"code": "materi", "kind": "single", "text": "Pilih", "options": ["Satu"]},)
    response = post_edit(client, instrument.id, "Judul baru", bad)
    assert response.status_code == 200
    assert "Nothing was saved." in response.get_data(as_text=True)
    assert counts() == before
    assert the("Survei uji").current_version.number == 1


def test_a_code_keeps_its_kind_across_versions(client, admin):
    assert post_new(client, questions=GOOD).status_code == 302
    instrument = the("Survei uji")
    changed = ({"code": "materi", "kind": "short_text", "text": "Materi?"},)
    html = post_edit(client, instrument.id, "Survei uji", changed).get_data(as_text=True)
    assert "give the changed question a new code" in html
    assert the("Survei uji").current_version.number == 1


def post_button(client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, "/surveys/instruments"), **data})


def test_make_default_keeps_one_default_per_level_and_audience(client, admin):
    assert post_new(client, questions=GOOD).status_code == 302
    mine = the("Survei uji")
    shipped = default_instrument(1, "learner")
    db.session.commit()
    assert post_button(client, f"/surveys/instruments/{mine.id}/default").status_code == 302
    db.session.expire_all()
    defaults = db.session.scalars(
        select(SurveyInstrument.title).where(
            SurveyInstrument.level == 1,
            SurveyInstrument.audience == "learner",
            SurveyInstrument.is_default.is_(True),
        )
    ).all()
    assert defaults == ["Survei uji"]
    assert default_instrument(1, "learner").id == mine.id
    # The level-3 defaults are untouched.
    assert default_instrument(3, "supervisor").key == "perilaku-atasan"
    assert db.session.get(SurveyInstrument, shipped.id).is_default is False
    entry = db.session.scalar(
        select(AuditLog).where(AuditLog.action == "survey_instrument.default")
    )
    assert entry.detail["previous"] == shipped.title


def test_deactivate_and_activate(client, admin):
    assert post_new(client, questions=GOOD).status_code == 302
    mine = the("Survei uji")
    url = f"/surveys/instruments/{mine.id}/active"
    post_button(client, url, active="0")
    assert the("Survei uji").active is False
    html = client.get("/surveys/instruments").get_data(as_text=True)
    assert "Deactivated" in html
    # An inactive instrument cannot become the default.
    response = post_button(client, f"/surveys/instruments/{mine.id}/default")
    assert "Activate the instrument before" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert the("Survei uji").is_default is False
    post_button(client, url, active="1")
    assert the("Survei uji").active is True
    actions = db.session.scalars(
        select(AuditLog.action).where(AuditLog.action.like("survey_instrument.%activate"))
    ).all()
    assert sorted(actions) == ["survey_instrument.activate", "survey_instrument.deactivate"]


def test_the_default_cannot_be_deactivated(client, admin):
    shipped = default_instrument(1, "learner")
    db.session.commit()
    response = post_button(client, f"/surveys/instruments/{shipped.id}/active", active="0")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "make another one the default first" in html
    assert db.session.get(SurveyInstrument, shipped.id).active is True


@pytest.mark.parametrize("role", ["learner", "instructor", "supervisor"])
def test_non_admins_are_refused(client, make_user, login_as, role):
    shipped = default_instrument(1, "learner")
    db.session.commit()
    login_as(make_user(roles=[role]))
    for url in (
        "/surveys/instruments",
        "/surveys/instruments/new",
        f"/surveys/instruments/{shipped.id}",
        f"/surveys/instruments/{shipped.id}/versions",
    ):
        assert client.get(url).status_code == 403, url
    token = csrf_token(client, "/")
    for url in (
        f"/surveys/instruments/{shipped.id}/active",
        f"/surveys/instruments/{shipped.id}/default",
        f"/surveys/instruments/{shipped.id}",
    ):
        assert client.post(url, data={"csrf_token": token, "active": "0"}).status_code == 403
    assert db.session.get(SurveyInstrument, shipped.id).active is True

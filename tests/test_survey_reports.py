"""Survey reports: anonymity (nothing names a person; results hidden below the minimum), who
may read what, filters checked on the server, the exports through the guarded writer, the
catalog's rating, and a fixed number of queries."""

import csv
import io

import pytest
from conftest import login
from factories_course import import_course, write_course
from survey_helpers import answer, reaction, set_anonymous
from test_queries import count_queries

from elearn.extensions import db
from elearn.models import SurveyResponse


@pytest.fixture
def world(app, tmp_path, make_user, make_unit):
    course = import_course(write_course(tmp_path, "uji-survei", title="Kursus Survei"))
    other = import_course(write_course(tmp_path, "lain", title="Kursus Lain"))
    a = make_unit("Dinas A")
    b = make_unit("Dinas B")
    owner = make_user(roles=["instructor"], full_name="Pengajar Satu")
    course.owners.append(owner)
    stranger = make_user(roles=["instructor"], full_name="Pengajar Lain")
    other.owners.append(stranger)
    sup_a = make_user(roles=["supervisor"], full_name="Atasan A", unit=a)
    sup_a.supervised.append(a)
    sup_b = make_user(roles=["supervisor"], full_name="Atasan B", unit=b)
    sup_b.supervised.append(b)
    db.session.commit()
    learners = [
        make_user(unit=a, full_name=f"Peserta Rahasia {n}", supervisor_id=sup_a.id)
        for n in range(1, 8)
    ]
    return {
        "course": course,
        "other": other,
        "a": a,
        "b": b,
        "owner": owner,
        "stranger": stranger,
        "sup_a": sup_a,
        "sup_b": sup_b,
        "learners": learners,
    }


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def fresh(client, user):
    """Another browser, signed in as `user`."""
    other = client.application.test_client()
    assert login(other, user.email).status_code == 302
    return other


def csv_rows(response):
    assert response.status_code == 200
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_anonymous_results_hidden_below_the_minimum_and_never_named(world, client, login_as):
    course, learners = world["course"], world["learners"]
    set_anonymous(course)
    for n, learner in enumerate(learners[:3]):
        answer(
            course,
            learner,
            reaction(overall=5, rest=4),
            texts={"improve": f"Saran rahasia {n}"},
            anonymous=True,
        )
    stored = db.session.query(SurveyResponse).all()
    assert all(r.respondent_id is None and r.subject_id is None for r in stored)
    login_as(world["owner"])
    html = page(client, "/surveys/reports/uji-survei")
    assert "perlu 2 jawaban lagi" in html
    assert "Saran rahasia" not in html
    assert "Rata-rata 5,00" not in html

    for n, learner in enumerate(learners[3:5], start=3):
        answer(
            course,
            learner,
            reaction(overall=5, rest=4),
            texts={"improve": f"Saran rahasia {n}"},
            anonymous=True,
        )
    html = page(client, "/surveys/reports/uji-survei")
    assert "jawaban lagi" not in html.split("Penerapan di tempat kerja")[0]
    assert "Rata-rata 5,00 dari 5 (5 jawaban)" in html
    assert "Saran rahasia 4" in html
    assert "<svg" in html and "tingkat respons 100%" in html
    exports = [
        client.get("/surveys/reports/uji-survei/aggregates.csv"),
        client.get("/surveys/reports/uji-survei/comments.csv"),
        client.get("/surveys/reports/uji-survei/responses.xlsx"),
    ]
    texts = [html] + [r.get_data(as_text=True) for r in exports[:2]]
    assert any("Saran rahasia 1" in t for t in texts[2:])
    for learner in learners:
        for t in texts:
            assert learner.full_name not in t
            assert learner.nip not in t
            assert learner.email not in t
    # The named export of an anonymous course holds no row at all.
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(exports[2].data)).active
    assert sheet.max_row == 1


def test_a_unit_filter_applies_the_minimum_to_named_answers_too(world, client, login_as):
    course, learners = world["course"], world["learners"]
    for learner in learners[:3]:
        answer(course, learner, reaction(overall=2))
    login_as(world["owner"])
    # The whole course (named answers, an instructor): shown.
    assert "Rata-rata 2,00 dari 5 (3 jawaban)" in page(client, "/surveys/reports/uji-survei")
    # One unit of three people: hidden.
    html = page(client, f"/surveys/reports/uji-survei?unit={world['a'].id}")
    assert "Rata-rata 2,00" not in html and "perlu 2 jawaban lagi" in html


def test_supervisors_see_their_scope_only(world, client, login_as, make_user):
    course, learners = world["course"], world["learners"]
    set_anonymous(course)
    for n, learner in enumerate(learners[:5]):
        answer(
            course,
            learner,
            reaction(overall=3),
            texts={"good": f"Catatan unik {n}"},
            anonymous=True,
        )
    login_as(world["sup_b"])
    html = page(client, "/surveys/reports/uji-survei")
    assert "Rata-rata 3,00" not in html and "Catatan unik" not in html
    rows = csv_rows(client.get("/surveys/reports/uji-survei/comments.csv"))
    assert rows[1:] == []
    assert "Kursus Survei" not in page(client, "/surveys/reports")
    assert page(client, f"/surveys/reports/uji-survei?unit={world['a'].id}", 404)

    client = fresh(client, world["sup_a"])
    html = page(client, "/surveys/reports/uji-survei")
    assert "Rata-rata 3,00 dari 5 (5 jawaban)" in html
    assert "Catatan unik" not in html  # anonymous: aggregates only for supervisors
    assert "Kursus Survei" in page(client, "/surveys/reports")
    assert client.get("/surveys/reports/uji-survei/responses.csv").status_code == 403

    client = fresh(client, world["stranger"])
    assert client.get("/surveys/reports/uji-survei").status_code == 403
    assert client.get("/surveys/reports/uji-survei/aggregates.csv").status_code == 403
    client = fresh(client, make_user())
    assert client.get("/surveys/reports").status_code == 403


def test_filters_are_checked_on_the_server(world, client, login_as):
    course, learners = world["course"], world["learners"]
    for n, learner in enumerate(learners[:5]):
        answer(
            course, learner, reaction(), texts={"good": f"Materi {'etika' if n else 'anggaran'}"}
        )
    login_as(world["owner"])
    other_version = world["other"].current_version_id
    page(client, f"/surveys/reports/uji-survei?version={other_version}", 404)
    page(client, "/surveys/reports/uji-survei?unit=999999", 404)
    page(client, "/surveys/reports/uji-survei?year=1999", 404)
    html = page(client, f"/surveys/reports/uji-survei?version={course.current_version_id}")
    assert "Materi etika" in html
    html = page(client, "/surveys/reports/uji-survei?q=anggar")
    assert "Materi anggaran" in html and "Materi etika" not in html
    html = page(client, "/surveys/reports/uji-survei?q=<script>")
    assert "<script>" not in html.split("<main")[-1]


def test_follow_up_side_by_side_and_per_person(world, client, login_as):
    course, learners, sup = world["course"], world["learners"], world["sup_a"]
    for n, learner in enumerate(learners[:5]):
        answer(
            course,
            learner,
            {"applied": 4, "frequency": 2, "support": 3},
            texts={"example": f"Contoh peserta {n}"},
            choices={"barriers": [0, 1]},
            level=3,
        )
        answer(
            course,
            learner,
            {"applied": 2, "frequency": 1, "performance": 2},
            texts={"example": f"Contoh atasan {n}"},
            level=3,
            audience="supervisor",
            respondent=sup,
        )
    login_as(world["owner"])
    html = page(client, "/surveys/reports/uji-survei")
    assert "Peserta dan atasan berdampingan" in html
    assert "4,00 / 4" in html and "2,00 / 4" in html
    assert "Peserta Rahasia 1" in html and "Contoh atasan 0" in html
    assert "Waktu" in html  # the multiple-choice distribution
    client = fresh(client, world["sup_b"])
    html = page(client, "/surveys/reports/uji-survei")
    assert "Peserta Rahasia" not in html and "Contoh" not in html


def test_exports_go_through_the_guarded_writer(world, client, login_as):
    course, learners = world["course"], world["learners"]
    for learner in learners[:5]:
        answer(course, learner, reaction(), texts={"improve": '=HYPERLINK("http://x","y")'})
    login_as(world["owner"])
    response = client.get("/surveys/reports/uji-survei/comments.csv")
    assert response.headers["Cache-Control"] == "no-store"
    rows = csv_rows(response)
    assert rows[1][-1] == '\'=HYPERLINK("http://x","y")'
    rows = csv_rows(client.get("/surveys/reports/uji-survei/aggregates.csv"))
    overall = next(r for r in rows if "overall" in r)
    assert overall[7] == "5"  # answers
    named = client.get("/surveys/reports/uji-survei/responses.xlsx")
    assert named.status_code == 200
    from openpyxl import load_workbook

    values = [c.value for row in load_workbook(io.BytesIO(named.data)).active for c in row]
    assert learners[0].full_name in values and learners[0].nip in values
    assert '\'=HYPERLINK("http://x","y")' in values


def test_catalog_shows_the_rating_from_the_minimum_on(world, client, login_as):
    course, learners = world["course"], world["learners"]
    for learner in learners[:4]:
        answer(course, learner, reaction(overall=4))
    login_as(learners[6])
    assert "Penilaian peserta" not in page(client, "/courses/uji-survei")
    answer(course, learners[4], reaction(overall=5))
    html = page(client, "/courses/uji-survei")
    assert "Penilaian peserta" in html and "4,2 dari 5" in html and "5 penilaian" in html


def test_report_pages_run_a_fixed_number_of_queries(world, client, login_as):
    course, learners = world["course"], world["learners"]

    def add(n):
        for i in range(n):
            learner = learners[i % len(learners)]
            answer(course, learner, reaction(overall=1 + i % 5), texts={"good": f"K{i}"},
                   invite=False)  # fmt: skip
            answer(course, learner, {"applied": 1 + i % 4}, level=3, invite=False)
            answer(course, learner, {"applied": 2}, level=3, audience="supervisor",
                   respondent=world["sup_a"], invite=False)  # fmt: skip

    def counts():
        out = []
        for url in ("/surveys/reports/uji-survei", "/surveys/reports"):
            client.get(url)
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            out.append(len(statements))
        return out

    add(5)
    login_as(world["owner"])
    small = counts()
    add(45)
    assert counts() == small
    assert small == [REPORT_QUERIES, INDEX_QUERIES]


# Sign-in (2), the bell; the course, its owners, versions, units, response and invitation
# counts, questions, distribution, comments (2), per-person pairs (3), level 2 (2), flags.
REPORT_QUERIES = 19
INDEX_QUERIES = 6  # + count, page, answers, invitations

"""The catalog (search, filters, pages, learner's state), course pages and enrolment."""

import re

import pytest
from factories_course import enrol, import_course, mark_done, write_course
from sqlalchemy import func, select

from elearn.extensions import db
from elearn.models import Course, Enrollment, EnrollmentSource


@pytest.fixture
def courses(app, tmp_path):
    """Three published courses with different JP, levels, categories and competencies."""
    made = {
        "digital": import_course(
            write_course(
                tmp_path,
                "literasi-data",
                title="Literasi Data Pemerintahan",
                summary="Mengolah data dengan lembar kerja.",
                jp=2,
                level="dasar",
                category="Keterampilan TI",
                competencies=[("Literasi Digital", "teknis", 2)],
            )
        ),
        "service": import_course(
            write_course(
                tmp_path,
                "pelayanan-prima",
                title="Pelayanan Prima",
                summary="Komunikasi yang ramah dengan WARGA dan data pengaduan.",
                jp=6,
                level="menengah",
                category="Pelayanan Publik",
                competencies=[
                    ("Pelayanan Publik", "manajerial", 3),
                    ("Komunikasi", "manajerial", 2),
                ],
            )
        ),
        "nation": import_course(
            write_course(
                tmp_path,
                "perekat-bangsa",
                title="Wawasan Kebangsaan",
                summary="Nilai-nilai persatuan.",
                jp=10,
                level="lanjut",
                category="Wawasan",
                competencies=[("Perekat Bangsa", "sosial kultural", 1)],
            )
        ),
    }
    return made


def titles(client, query=""):
    html = client.get(f"/courses/{query}").get_data(as_text=True)
    return re.findall(r'<h2><a href="/courses/[^"]+">([^<]+)</a></h2>', html)


def competency_id(name):
    from elearn.models import Competency

    return db.session.scalar(select(Competency.id).where(Competency.name == name))


def test_catalog_lists_published_courses_by_title(client, make_user, login_as, courses):
    unpublished = courses["nation"]
    unpublished.current_version_id = None
    db.session.commit()
    login_as(make_user())
    assert titles(client) == ["Literasi Data Pemerintahan", "Pelayanan Prima"]
    assert client.get("/courses/perekat-bangsa").status_code == 404
    html = client.get("/courses/").get_data(as_text=True)
    assert "2 kursus ditemukan" in html
    assert "Mengolah data dengan lembar kerja." in html
    assert "6 JP" in html and "Menengah" in html and "Pelayanan Publik" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?q=pelayanan", ["Pelayanan Prima"]),  # title, any case
        ("?q=warga", ["Pelayanan Prima"]),  # summary, any case
        ("?q=DATA", ["Literasi Data Pemerintahan", "Pelayanan Prima"]),
        ("?q=100%25", []),  # LIKE wildcards are taken literally
        ("?kind=manajerial", ["Pelayanan Prima"]),
        ("?kind=sosial_kultural", ["Wawasan Kebangsaan"]),
        ("?level=lanjut", ["Wawasan Kebangsaan"]),
        ("?category=Keterampilan+TI", ["Literasi Data Pemerintahan"]),
        ("?jp_min=3", ["Pelayanan Prima", "Wawasan Kebangsaan"]),
        ("?jp_max=6", ["Literasi Data Pemerintahan", "Pelayanan Prima"]),
        ("?jp_min=3&jp_max=6", ["Pelayanan Prima"]),
        ("?jp=10", ["Wawasan Kebangsaan"]),
        ("?jp=3", []),
        ("?level=menengah&kind=teknis", []),
        # Invalid values are ignored, not errors.
        ("?level=unknown&jp_min=abc&competency=999", None),
    ],
)
def test_search_and_filters(client, make_user, login_as, courses, query, expected):
    login_as(make_user())
    everything = ["Literasi Data Pemerintahan", "Pelayanan Prima", "Wawasan Kebangsaan"]
    assert titles(client, query) == (everything if expected is None else expected)


def test_filter_by_competency(client, make_user, login_as, courses):
    login_as(make_user())
    assert titles(client, f"?competency={competency_id('Komunikasi')}") == ["Pelayanan Prima"]
    html = client.get("/courses/").get_data(as_text=True)
    # Only competencies of published courses are offered, with their kind.
    assert "Komunikasi (Manajerial)" in html and "Perekat Bangsa (Sosial kultural)" in html


@pytest.mark.parametrize("config_overrides", [{"PER_PAGE": 2}])
def test_catalog_is_paginated(client, make_user, login_as, courses):
    login_as(make_user())
    assert titles(client) == ["Literasi Data Pemerintahan", "Pelayanan Prima"]
    html = client.get("/courses/").get_data(as_text=True)
    assert 'rel="next"' in html
    assert titles(client, "?page=2") == ["Wawasan Kebangsaan"]


def test_cards_show_the_learners_state(client, make_user, login_as, courses):
    learner = make_user()
    login_as(learner)
    assert enrol(client, "literasi-data").status_code == 302
    mark_done(client, "literasi-data", "modul/pelajaran-1")
    assert enrol(client, "perekat-bangsa").status_code == 302
    for key in ("modul/pelajaran-1", "modul/pelajaran-2"):
        mark_done(client, "perekat-bangsa", key)
    html = client.get("/courses/").get_data(as_text=True)
    chunks = html.split('<li class="course-card" id="course-')[1:]
    cards = {chunk.split('"', 1)[0]: chunk for chunk in chunks}
    assert "Terdaftar" in cards["literasi-data"] and 'value="50"' in cards["literasi-data"]
    assert "Selesai" in cards["perekat-bangsa"]
    assert (
        "Terdaftar" not in cards["pelayanan-prima"] and "<progress" not in cards["pelayanan-prima"]
    )


def test_course_page_shows_what_the_course_is(client, make_user, login_as, courses):
    login_as(make_user())
    html = client.get("/courses/pelayanan-prima").get_data(as_text=True)
    assert "<h1>Pelayanan Prima</h1>" in html
    assert "Deskripsi <strong>kursus</strong> untuk pengujian." in html  # stored HTML
    assert "6 JP" in html and "1 JP = 45 menit" in html
    assert "Tim Uji" in html and "Menengah" in html
    assert "Pelayanan Publik" in html and "target tingkat 3" in html
    assert "Modul modul" in html and "Pelajaran pelajaran-1" in html and "6 menit" in html
    assert 'action="/courses/pelayanan-prima/enrol"' in html
    # Not enrolled: the outline does not link to lessons.
    assert "/learn/pelayanan-prima/" not in html


def test_enrolling_is_idempotent(client, make_user, login_as, courses):
    learner = make_user()
    login_as(learner)
    response = enrol(client, "pelayanan-prima")
    assert response.status_code == 302
    assert response.headers["Location"] == "/courses/pelayanan-prima"
    page = client.get("/courses/pelayanan-prima").get_data(as_text=True)
    assert "Anda terdaftar di Pelayanan Prima." in page
    assert "Mulai belajar" in page and "/learn/pelayanan-prima/modul/pelajaran-1" in page
    assert enrol(client, "pelayanan-prima").status_code == 302
    assert "Anda sudah terdaftar di kursus ini." in client.get("/").get_data(as_text=True)
    count = db.session.scalar(select(func.count()).select_from(Enrollment))
    assert count == 1
    enrollment = db.session.scalar(select(Enrollment))
    assert enrollment.user_id == learner.id
    assert enrollment.source == EnrollmentSource.SELF
    assert enrollment.version_id == courses["service"].current_version_id


def test_restricted_course_refuses_self_enrolment(client, make_user, login_as, courses):
    course = db.session.get(Course, courses["service"].id)
    course.restricted = True
    db.session.commit()
    learner = make_user()
    login_as(learner)
    page = client.get("/courses/pelayanan-prima").get_data(as_text=True)
    assert "Hanya peserta yang ditugaskan" in page
    assert 'action="/courses/pelayanan-prima/enrol"' not in page
    assert "Hanya peserta yang ditugaskan" in client.get("/courses/").get_data(as_text=True)
    response = enrol(client, "pelayanan-prima")
    assert response.status_code == 403
    assert "hanya untuk peserta yang ditugaskan" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 0
    # Lessons stay closed too.
    response = client.get("/learn/pelayanan-prima/modul/pelajaran-1")
    assert response.headers["Location"] == "/courses/pelayanan-prima"


def test_assigned_learner_studies_a_restricted_course(client, make_user, login_as, courses):
    course = db.session.get(Course, courses["service"].id)
    course.restricted = True
    learner = make_user()
    db.session.add(
        Enrollment(
            user_id=learner.id,
            course_id=course.id,
            version_id=course.current_version_id,
            source=EnrollmentSource.ASSIGNED,
        )
    )
    db.session.commit()
    login_as(learner)
    page = client.get("/courses/pelayanan-prima").get_data(as_text=True)
    assert "Ditugaskan kepada Anda" in page and "Mulai belajar" in page
    assert enrol(client, "pelayanan-prima").status_code == 302  # already enrolled: fine
    assert client.get("/learn/pelayanan-prima/modul/pelajaran-1").status_code == 200


def test_unknown_course(client, make_user, login_as, courses):
    login_as(make_user())
    assert client.get("/courses/nothing-here").status_code == 404
    assert enrol(client, "pelayanan-prima").status_code == 302
    token_page = "/courses/pelayanan-prima"
    from conftest import csrf_token

    token = csrf_token(client, token_page)
    assert client.post("/courses/nothing-here/enrol", data={"csrf_token": token}).status_code == 404

"""A partner organisation's instructor works only on the courses they are invited to: every
teaching URL of another course (authoring, results, evaluation settings, survey reports and
their exports) answers 404, they cannot create or import a course, their Teaching page lists
their invited courses only, and the agency keeps the say on instructors and co-organiser."""

import io

import pytest
from conftest import csrf_token, login
from factories_course import import_course, write_course
from sqlalchemy import func, select
from test_authoring import SLUG, build_course, post
from test_authoring_access import course_urls, statuses

from elearn.extensions import db
from elearn.models import AuditLog, Course, Partner

INVITED = "kursus-mitra"


def text(response):
    return response.get_data(as_text=True)


def logout(client):
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def survey_urls(slug):
    return [
        ("GET", f"/surveys/course/{slug}/settings"),
        ("POST", f"/surveys/course/{slug}/settings"),
        ("GET", f"/surveys/reports/{slug}"),
        ("GET", f"/surveys/reports/{slug}/aggregates.csv"),
        ("GET", f"/surveys/reports/{slug}/comments.xlsx"),
        ("GET", f"/surveys/reports/{slug}/responses.csv"),
    ]


@pytest.fixture
def course_of_owner(client, make_user):
    """The full course of the authoring tests (every kind of page), made by an agency owner."""
    owner = make_user(roles=["instructor"], full_name="Pemilik")
    login(client, owner.email)
    build_course(client)
    logout(client)
    return owner


@pytest.fixture
def partner(app):
    partner = Partner(name="Universitas Gadjah Mada", kind="university")
    db.session.add(partner)
    db.session.commit()
    return partner


@pytest.fixture
def lecturer(make_user, partner):
    """A partner's instructor: no NIP, non-ASN, partner_id set (as partner_person_new makes)."""
    return make_user(
        roles=["instructor"],
        nip=None,
        employee_type="non_asn",
        partner_id=partner.id,
        full_name="Dr. Bambang Wicaksono",
        email="bambang@ugm.ac.id",
    )


@pytest.fixture
def invited(app, tmp_path, make_user, lecturer):
    """A published course whose agency instructor invited the lecturer."""
    course = import_course(write_course(tmp_path, INVITED, title="Kursus bersama Mitra"))
    agency = make_user(roles=["instructor"], full_name="Instruktur Instansi")
    course.owners.extend([agency, lecturer])
    db.session.commit()
    return course


def test_partner_instructor_gets_404_on_every_url_of_another_course(
    app, client, course_of_owner, lecturer, invited
):
    login(client, lecturer.email)
    urls = course_urls(app, course_of_owner.id) + survey_urls(SLUG)
    assert len(urls) > 35
    found = statuses(client, urls)
    assert {k: v for k, v in found.items() if v != 404} == {}
    # A course that does not exist looks the same.
    assert client.get("/surveys/reports/tidak-ada").status_code == 404
    # Neither the Teaching page nor the survey reports list the other course.
    teaching = text(client.get("/teach/"))
    assert "Kursus bersama Mitra" in teaching and SLUG not in teaching
    reports = text(client.get("/surveys/reports"))
    assert "Kursus bersama Mitra" in reports and SLUG not in reports


def test_an_agency_instructor_still_reads_403_on_the_survey_pages_of_others(
    client, make_user, invited
):
    other = make_user(roles=["instructor"])
    login(client, other.email)
    found = statuses(client, survey_urls(INVITED))
    assert set(found.values()) == {403}, found
    assert client.get(f"/teach/{INVITED}/results").status_code == 404  # as before


def test_partner_instructor_cannot_create_or_import_a_course(client, lecturer, invited):
    login(client, lecturer.email)
    before = db.session.scalar(select(func.count(Course.id)))
    teaching = text(client.get("/teach/"))
    assert 'href="/teach/new"' not in teaching and 'href="/teach/import"' not in teaching
    assert client.get("/teach/new").status_code == 404
    assert client.get("/teach/import").status_code == 404
    token = csrf_token(client, "/")
    response = client.post(
        "/teach/new",
        data={"csrf_token": token, "slug": "kursus-saya", "title": "Kursus Saya", "jp": "2",
              "competencies-0-name": "Integritas", "competencies-0-kind": "manajerial"},
    )  # fmt: skip
    assert response.status_code == 404
    response = client.post(
        "/teach/import",
        data={"csrf_token": token, "action": "import",
              "file": (io.BytesIO(b"PK\x03\x04 not really"), "kursus.zip")},
    )  # fmt: skip
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(Course.id))) == before


def test_partner_instructor_without_invitation_sees_an_empty_teaching_page(
    client, lecturer, course_of_owner
):
    login(client, lecturer.email)
    html = text(client.get("/teach/"))
    assert "Anda belum diundang ke kursus mana pun" in html
    assert SLUG not in html


def test_owner_invites_a_partner_instructor_who_then_works_on_that_course(
    client, course_of_owner, lecturer
):
    login(client, course_of_owner.email)
    hint = text(client.get(f"/teach/{SLUG}/instructors"))
    assert "ketik emailnya" in hint
    response = post(client, f"/teach/{SLUG}/instructors", {"who": "Bambang@UGM.ac.id"})
    assert response.status_code == 302
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "course.owner_add"))
    assert entry.detail["user_id"] == lecturer.id
    html = text(client.get(f"/teach/{SLUG}/instructors"))
    assert "Dr. Bambang Wicaksono" in html and "Mitra: Universitas Gadjah Mada" in html
    logout(client)

    login(client, lecturer.email)
    assert SLUG in text(client.get("/teach/"))
    for url in (f"/teach/{SLUG}/", f"/teach/{SLUG}/settings", f"/teach/{SLUG}/results",
                f"/surveys/course/{SLUG}/settings"):  # fmt: skip
        assert client.get(url).status_code == 200, url
    # They edit: a module added to the draft.
    response = post(client, f"/teach/{SLUG}/add-module", {"title": "Modul dari Mitra"})
    assert response.status_code == 302
    assert "Modul dari Mitra" in text(client.get(f"/teach/{SLUG}/"))


def test_invited_partner_instructor_reads_the_course_results_and_reports(client, lecturer, invited):
    login(client, lecturer.email)
    for url in (f"/teach/{INVITED}/results", f"/teach/{INVITED}/results/learners.csv",
                f"/surveys/reports/{INVITED}", f"/surveys/reports/{INVITED}/aggregates.csv",
                f"/surveys/course/{INVITED}/settings"):  # fmt: skip
        assert client.get(url).status_code == 200, url


def test_the_agency_keeps_the_say_on_instructors_and_co_organiser(
    client, make_user, lecturer, invited, partner
):
    agency = next(o for o in invited.owners if o.partner_id is None)
    login(client, lecturer.email)
    html = text(client.get(f"/teach/{INVITED}/instructors"))
    assert 'name="who"' not in html and "/remove" not in html
    assert "Siapa yang mengundang instruktur" in html
    colleague = make_user(roles=["instructor"], nip=None, partner_id=partner.id)
    response = post(client, f"/teach/{INVITED}/instructors", {"who": colleague.email})
    assert response.status_code == 403
    response = post(client, f"/teach/{INVITED}/instructors/{agency.id}/remove")
    assert response.status_code == 403
    assert {o.id for o in db.session.get(Course, invited.id).owners} == {agency.id, lecturer.id}

    page = text(client.get(f"/teach/{INVITED}/organiser"))
    assert 'name="partner_id"' not in page
    response = post(client, f"/teach/{INVITED}/organiser", {"partner_id": str(partner.id)})
    assert response.status_code == 403
    assert db.session.get(Course, invited.id).partner_id is None
    logout(client)

    # The agency's instructor names the partner.
    login(client, agency.email)
    response = post(client, f"/teach/{INVITED}/organiser", {"partner_id": str(partner.id)})
    assert response.status_code == 302
    assert db.session.get(Course, invited.id).partner_id == partner.id


def test_a_partner_person_who_is_an_admin_is_not_limited(app, make_user, partner):
    from elearn.authoring.access import may_create_courses, partner_limited

    admin = make_user(roles=["admin"], nip=None, partner_id=partner.id)
    lecturer = make_user(roles=["instructor"], nip=None, partner_id=partner.id)
    agency = make_user(roles=["instructor"])
    assert not partner_limited(admin) and may_create_courses(admin)
    assert partner_limited(lecturer) and not may_create_courses(lecturer)
    assert not partner_limited(agency) and may_create_courses(agency)

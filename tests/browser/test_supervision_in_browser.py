"""A supervisor assigns a course to a unit, a learner of that unit sees it first on My learning
and completes it, and the supervisor's dashboard shows it completed and exports it, in real
Chromium; the team dashboard passes axe-core and keeps to the strict CSP."""

import csv
import re
from datetime import timedelta

import pytest
from browser_steps import page_width, serious_accessibility_violations, sign_in
from conftest import PASSWORD
from factories_course import import_course, write_course
from playwright.sync_api import expect
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import Attempt, Quiz
from elearn.supervision.services import today
from elearn.timeutil import utcnow

SLUG = "etika-asn"


@pytest.fixture
def team(app, make_unit, make_user, tmp_path):
    root = make_unit("Pemerintah Kabupaten", code="ROOT")
    dinas = make_unit("Dinas Komunikasi dan Informatika", root, code="DISKOMINFO")
    bidang = make_unit("Bidang Aplikasi Informatika", dinas, code="APTIKA")
    other = make_unit("Dinas Kesehatan", root, code="DINKES")
    supervisor = make_user(roles=["supervisor", "learner"], unit=dinas, full_name="Hendra Wijaya")
    learner = make_user(unit=bidang, full_name="Agus Setiawan")
    make_user(unit=other, full_name="Orang Luar")
    supervisor.supervised = [dinas]
    db.session.commit()
    course = import_course(
        write_course(tmp_path, SLUG, title="Etika ASN", jp=4, lessons=2, quizzes=True)
    )
    return {"supervisor": supervisor, "learner": learner, "course": course, "unit": bidang}


def pass_quiz(user, course):
    """The module quiz passed, as if submitted through the quiz pages."""
    quiz = db.session.scalar(select(Quiz).where(Quiz.version_id == course.current_version_id))
    db.session.add(
        Attempt(user_id=user.id, course_id=course.id, quiz_id=quiz.id, quiz_key=quiz.key,
                role=quiz.role, number=1, submitted_at=utcnow(), score_percent=100,
                passed=True)
    )  # fmt: skip
    db.session.commit()


def test_assign_complete_and_see_it_on_the_dashboard(live_server, page, browser, team):
    sup, learner, course = team["supervisor"], team["learner"], team["course"]
    sign_in(page, live_server, sup.email, PASSWORD)
    page.locator("#site-nav").get_by_role("link", name="Tim saya").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Tim saya"
    assert "Orang Luar" not in page.content()

    page.get_by_role("link", name="Tugaskan kursus").first.click()
    page.get_by_label("Kursus").select_option(label="Etika ASN")
    # picker.js (deferred) turns the search field into a combobox; a key pressed before then
    # is the plain field's and lists nothing.
    units_field = page.get_by_role("combobox", name="Cari unit kerja")
    expect(units_field).to_have_attribute("aria-expanded", "false")
    units_field.press("ArrowDown")  # lists the team's units
    units = page.locator("#units-picker").get_by_role("listbox")
    expect(units.get_by_role("option").first).to_be_visible()
    assert "Dinas Kesehatan" not in units.inner_text()  # only units of the team
    units.get_by_role("option", name=re.compile("^Bidang Aplikasi Informatika")).click()
    due = today() + timedelta(days=7)
    page.get_by_label("Tenggat waktu", exact=True).fill(due.isoformat())
    page.get_by_role("button", name="Lanjut: periksa siapa yang menerima").click()
    page.get_by_role("button", name="Tugaskan", exact=True).click()
    expect(page.get_by_text("Kursus telah ditugaskan kepada 1 orang.")).to_be_visible()
    assert page.csp_errors == []

    # The learner, in a browser of their own.
    context = browser.new_context(locale="id-ID")
    other = context.new_page()
    other.set_default_timeout(10_000)
    sign_in(other, live_server, learner.email, PASSWORD)
    assigned = other.locator("h3", has_text="Ditugaskan kepada Anda")
    expect(assigned).to_be_visible()
    entry = other.locator(".learning-list li", has_text="Etika ASN").first
    assert "Tenggat" in entry.inner_text()
    entry.get_by_role("link", name=re.compile("^Mulai")).click()
    pass_quiz(learner, course)
    for _ in range(2):
        other.get_by_role("button", name=re.compile("^Tandai selesai")).click()
    other.goto(f"{live_server}/")
    expect(other.get_by_role("link", name="Etika ASN").first).to_be_visible()
    completed = other.locator("table[aria-labelledby='completed-title']")
    assert "Etika ASN" in completed.inner_text()
    context.close()

    # The supervisor sees it completed.
    page.goto(f"{live_server}/team?course={course.id}")
    row = page.locator("table.team tr", has_text="Agus Setiawan")
    assert "Selesai" in row.inner_text()
    assert "4 / 20" in row.inner_text()
    assert serious_accessibility_violations(page) == []
    assert page.csp_errors == []

    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert [r[1] for r in rows[1:]] == ["Agus Setiawan"]

    page.goto(f"{live_server}/team/reports")
    with page.expect_download() as info:
        page.get_by_role("button", name="Unduh Excel (XLSX)").click()
    assert info.value.suggested_filename.endswith(".xlsx")


def test_team_dashboard_on_a_phone_is_accessible(live_server, phone, team):
    sign_in(phone, live_server, team["supervisor"].email, PASSWORD)
    phone.goto(f"{live_server}/team")
    assert phone.locator("svg.chart title").count() in (0, 1)
    assert serious_accessibility_violations(phone) == []
    assert page_width(phone) <= 360

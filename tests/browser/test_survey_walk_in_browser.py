"""The evaluation cycle in Chromium: a learner completes a course whose reaction survey is
required, is told which question is missing, sends it and gets the certificate; eight weeks
later (the completion moved back, the daily `flask reminders send` run) the learner answers
the follow-up from My learning and the supervisor from the team dashboard; the instructor's
report shows both answers side by side. On a phone, with axe-core and the CSP watched."""

import re
from datetime import timedelta

import pytest
from browser_steps import new_phone, page_width, serious_accessibility_violations, sign_in
from conftest import PASSWORD
from factories_course import import_course, write_course
from playwright.sync_api import expect
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import Certificate, Completion, CourseSurveySettings
from elearn.supervision.services import today

pytestmark = pytest.mark.browser

SLUG = "arsip-dinamis"


@pytest.fixture
def people(app, tmp_path, make_user, make_unit):
    course = import_course(write_course(tmp_path, SLUG, title="Arsip Dinamis", lessons=1))
    author = make_user(roles=["instructor"], full_name="Budi Santoso")
    course.owners.append(author)
    db.session.add(CourseSurveySettings(course_id=course.id, reaction_required=True))
    unit = make_unit("Bagian Umum")
    boss = make_user(roles=["supervisor", "learner"], unit=unit, full_name="Ir. Hendra Wijaya")
    learner = make_user(unit=unit, supervisor=boss, full_name="Dewi Lestari")
    db.session.commit()
    return learner, boss, author


def check(page):
    assert page_width(page) <= 360, page.url
    assert serious_accessibility_violations(page) == [], page.url


def answer_every_scale(page, example):
    """Pick the fourth point of every scale (the first option of a choice), write `example`
    in every text box."""
    for fieldset in page.locator("form.survey-form fieldset").all():
        radios = fieldset.locator("input[type=radio]")
        if radios.count():
            radios.nth(min(3, radios.count() - 1)).check()
    for box in page.locator("form.survey-form textarea, form.survey-form input[type=text]").all():
        box.fill(example)


def test_reaction_then_follow_up_of_learner_and_supervisor(live_server, browser, runner, people):
    learner, boss, author = people
    context, page = new_phone(browser)

    # The learner completes the one-lesson course: the certificate waits for the survey.
    sign_in(page, live_server, learner.email, PASSWORD)
    page.goto(f"{live_server}/courses/{SLUG}")
    page.get_by_role("button", name="Daftar").click()
    page.goto(f"{live_server}/learn/{SLUG}/modul/pelajaran-1")
    page.get_by_role("button", name=re.compile("^Tandai selesai")).click()
    page.goto(f"{live_server}/courses/{SLUG}")
    expect(page.get_by_text("Sertifikat diterbitkan setelah Anda mengirim survei.")).to_be_visible()
    assert page.get_by_role("link", name="Unduh sertifikat (PDF)").count() == 0
    page.get_by_role("link", name="Isi survei").click()
    check(page)

    # Sent blank: nothing is stored, the required questions are named.
    page.get_by_role("button", name="Kirim survei").click()
    expect(page.get_by_text("Beberapa jawaban perlu diperbaiki")).to_be_visible()
    assert page.locator(".survey-question.has-error").count() >= 6
    assert db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id)) is None
    check(page)

    answer_every_scale(page, "Materi retensi arsip langsung terpakai.")
    page.get_by_role("button", name="Kirim survei").click()
    expect(page.get_by_text("Sertifikat Anda telah diterbitkan")).to_be_visible()
    expect(page.get_by_role("link", name="Unduh sertifikat (PDF)")).to_be_visible()
    check(page)

    # Eight weeks pass: the completion is moved back, the daily job opens the follow-ups.
    completion = db.session.scalar(select(Completion).where(Completion.user_id == learner.id))
    completion.completed_at -= timedelta(weeks=8)
    db.session.commit()
    result = runner.invoke(args=["reminders", "send", "--day", today().isoformat(), "--no-digest"])
    assert "surveys: 2 follow-up invitations created" in result.output, result.output

    page.goto(f"{live_server}/")
    pending = page.locator("section.survey-pending")
    expect(pending).to_contain_text("Arsip Dinamis")
    check(page)
    pending.get_by_role("link", name=re.compile("Survei tindak lanjut")).click()
    answer_every_scale(page, "Saya menyusun jadwal retensi unit.")
    page.get_by_role("button", name="Kirim survei").click()
    expect(page.get_by_text("Terima kasih, jawaban Anda telah dikirim.")).to_be_visible()
    assert page.locator("section.survey-pending").count() == 0
    assert page.csp_errors == []
    context.close()

    # The supervisor answers about the learner from the team dashboard.
    context, page = new_phone(browser)
    sign_in(page, live_server, boss.email, PASSWORD)
    page.goto(f"{live_server}/team")
    pending = page.locator("section.survey-pending")
    expect(pending).to_contain_text("Dewi Lestari")
    check(page)
    pending.get_by_role("link", name=re.compile("Survei tindak lanjut")).click()
    expect(page.get_by_text("Tentang: Dewi Lestari")).to_be_visible()
    answer_every_scale(page, "Dewi kini mengelola arsip aktif bagian.")
    page.get_by_role("button", name="Kirim survei").click()
    expect(page.get_by_text("Terima kasih, jawaban Anda telah dikirim.")).to_be_visible()
    page.goto(f"{live_server}/team")
    assert page.locator("section.survey-pending").count() == 0
    assert page.csp_errors == []
    context.close()

    # The instructor's report shows the learner's and the supervisor's follow-up together.
    context, page = new_phone(browser)
    sign_in(page, live_server, author.email, PASSWORD)
    page.goto(f"{live_server}/surveys/reports/{SLUG}")
    row = page.locator("#people tbody tr", has_text="Dewi Lestari")
    expect(row).to_contain_text("Saya menyusun jadwal retensi unit.")
    expect(row).to_contain_text("Dewi kini mengelola arsip aktif bagian.")
    expect(page.get_by_text("Materi retensi arsip langsung terpakai.").first).to_be_visible()
    check(page)
    assert page.csp_errors == []
    context.close()

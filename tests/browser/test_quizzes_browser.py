"""A learner takes a quiz in real Chromium: accessible sheet, autosave, countdown, submit.
Marked `browser` (SQLite only, like tests/browser/)."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_steps import page_width
from conftest import PASSWORD
from playwright.sync_api import expect
from sqlalchemy import select
from test_quizzes import MODULE_QUIZ, enrol, install, open_attempt, quiz_url

from elearn.extensions import db
from elearn.models import Attempt
from elearn.timeutil import utcnow

pytestmark = pytest.mark.browser


def serious_violations(page):
    result = Axe().run(page)
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def learner(app, make_user):
    course = install()
    user = make_user()
    enrol(user, course)
    return user


def sign_in(page, base, user):
    page.goto(f"{base}/login")
    page.get_by_label("NIP atau email").fill(user.email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state("networkidle")


def test_take_a_quiz_with_autosave(live_server, page, learner):
    sign_in(page, live_server, learner)
    page.goto(live_server + quiz_url(MODULE_QUIZ))
    assert serious_violations(page) == []
    page.get_by_role("button", name="Mulai kuis").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("fieldset legend").count() == 3
    assert serious_violations(page) == []

    # Choosing an answer saves it without pressing a button.
    page.get_by_role("radio", name="Salah").check()
    page.get_by_label("Sebutkan ibu kota").fill("Semarang")
    expect(page.locator("#autosave-status")).to_contain_text("Tersimpan")
    page.wait_for_timeout(2000)  # the text field saves after a pause in typing
    db.session.expire_all()
    attempt = open_attempt(learner)
    assert "Semarang" in attempt.saved_answers.values()
    assert len(attempt.saved_answers) == 2

    # Reloading shows what was chosen.
    page.reload()
    assert page.get_by_role("radio", name="Salah").is_checked()

    # Three questions are left blank: the page names them before anything is sent.
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.locator("#submit-check")).to_contain_text("3 dari 5 soal belum dijawab")
    page.get_by_role("button", name="Tetap kirim").click()
    page.wait_for_url(f"{live_server}/attempts/*")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hasil")
    assert serious_violations(page) == []
    assert page.csp_errors == []


def test_countdown_and_submission_when_time_is_up(live_server, page, learner):
    sign_in(page, live_server, learner)
    page.goto(live_server + quiz_url("final"))
    page.get_by_role("button", name="Mulai kuis").click()
    page.wait_for_load_state("networkidle")
    countdown = page.locator("#quiz-timer .countdown")
    first = countdown.inner_text()
    page.wait_for_timeout(1500)
    assert countdown.inner_text() != first

    # The deadline moves (as if the learner had been away): the page, told by the server how
    # much time is left, sends the sheet by itself when the countdown reaches zero.
    attempt = db.session.scalar(select(Attempt).where(Attempt.user_id == learner.id))
    attempt.deadline_at = utcnow() + timedelta(seconds=2)
    db.session.commit()
    page.reload()
    page.wait_for_url(f"{live_server}/attempts/*", timeout=15_000)
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.submitted_at is not None and attempt.late is False
    assert page.csp_errors == []


def test_the_sheet_fits_a_phone(live_server, phone, learner):
    sign_in(phone, live_server, learner)
    phone.goto(live_server + quiz_url(MODULE_QUIZ))
    phone.get_by_role("button", name="Mulai kuis").click()
    phone.wait_for_load_state("networkidle")
    assert page_width(phone) <= 360

"""A learner walks through a whole shipped course in real Chromium: the pre-test, every lesson,
every module quiz and the final exam; the course completes, the certificate PDF downloads and
its public verification page says it is valid."""

import re

import pytest
from browser_steps import serious_accessibility_violations, sign_in
from conftest import PASSWORD
from factories_course import import_shipped
from playwright.sync_api import expect
from pypdf import PdfReader

from elearn.extensions import db
from elearn.models import Certificate, Completion, Course, Question

SLUG = "komunikasi-pelayanan-publik"


@pytest.fixture
def learner(app, make_user):
    import_shipped(SLUG)
    return make_user(full_name="Sri Wahyuningsih", nip="198807092014062003")


def _answer_correctly(page):
    """Fill the answer sheet with the right answers, looked up on the server side by id."""
    names = set(
        page.locator(".quiz-sheet [name^='q-']").evaluate_all("els => els.map(e => e.name)")
    )
    assert names, "no questions on the sheet"
    for name in names:
        question = db.session.get(Question, int(name.removeprefix("q-")))
        if question.is_choice:
            for key in question.correct_keys:
                page.locator(f"input[name='{name}'][value='{key}']").check()
        elif question.type == "short":
            page.locator(f"input[name='{name}']").fill(question.answer["accepted"][0])
        else:
            page.locator(f"input[name='{name}']").fill(question.answer["value"].replace(".", ","))


def _take_quiz(page, base, quiz_key, answer=True):
    page.goto(f"{base}/quizzes/{SLUG}/{quiz_key}")
    page.get_by_role("button", name=re.compile("^Mulai")).click()
    page.locator("#quiz-sheet").wait_for()  # the start POST redirects to the answer sheet
    if answer:
        _answer_correctly(page)
    page.get_by_role("button", name="Kirim jawaban").click()
    if not answer:  # blank questions are named first; the learner sends the sheet anyway
        page.get_by_role("button", name="Tetap kirim").click()
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    return page.locator("main").inner_text()


def test_a_learner_completes_a_whole_course_and_verifies_the_certificate(
    live_server, page, learner
):
    page.on("dialog", lambda dialog: dialog.accept())  # "Submit your answers now?"
    sign_in(page, live_server, learner.email, PASSWORD)
    page.goto(f"{live_server}/courses/{SLUG}")
    page.get_by_role("button", name="Daftar").click()

    version = db.session.scalar(db.select(Course).where(Course.slug == SLUG)).current_version
    items = [(item.kind, item.key) for item in version.items()]
    lessons = sum(1 for kind, _ in items if kind == "lesson")
    assert lessons >= 9

    for kind, key in items:
        if kind == "lesson":
            page.goto(f"{live_server}/learn/{SLUG}/{key}")
            page.get_by_role("button", name=re.compile("^Tandai selesai")).click()
            page.wait_for_url(lambda url, key=key: not url.endswith(key))  # on to the next item
        elif key == "pretest":
            # The pre-test before studying: left blank, so the final exam shows a gain.
            text = _take_quiz(page, live_server, key, answer=False)
            assert "Lulus" not in text
        else:
            text = _take_quiz(page, live_server, key)
            assert "100%" in text, f"{key} not passed"
            if key == "final":
                assert serious_accessibility_violations(page) == []

    completion = db.session.scalar(db.select(Completion).where(Completion.user_id == learner.id))
    assert completion is not None and completion.jp == version.jp

    page.goto(f"{live_server}/")
    expect(page.get_by_text(f"{version.jp} dari 20 JP")).to_be_visible()
    certificate = db.session.scalar(db.select(Certificate).where(Certificate.user_id == learner.id))
    expect(page.get_by_text(certificate.number)).to_be_visible()  # in the completed courses table
    page.locator("#site-nav").get_by_role("link", name="Sertifikat").click()
    expect(page.get_by_text(certificate.number)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^PDF")).click()
    text = PdfReader(download.value.path()).pages[0].extract_text()
    assert "Sri Wahyuningsih" in text and certificate.number in text

    # Anyone can check it, without signing in.
    page.context.clear_cookies()
    page.goto(f"{live_server}/verify")
    page.get_by_label(re.compile("Nomor")).fill(certificate.number.lower().replace("-", " "))
    page.get_by_role("button", name=re.compile("Periksa")).click()
    assert page.get_by_role("status").inner_text().upper().endswith("SAH")
    expect(page.get_by_text("Sri Wahyuningsih")).to_be_visible()
    assert page.csp_errors == []

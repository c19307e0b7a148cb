"""A learner walks a whole course in Chromium (pre-test, lesson, module quiz, final exam) on a
phone and on a desktop, going on only by the "Mulai belajar"/"Lanjutkan" and "Lanjut ke"
links: never back to a finished quiz, blank questions named before submitting, and the
completion moment with the JP and the certificate's links."""

import re
import time

import pytest
from browser_steps import page_width, serious_accessibility_violations, sign_in
from conftest import PASSWORD
from playwright.sync_api import expect
from test_quizzes import install

from elearn.extensions import db
from elearn.models import Certificate, Question

pytestmark = pytest.mark.browser

SLUG = "kursus-kuis"


@pytest.fixture
def learner(app, make_user):
    install()
    return make_user(full_name="Dewi Lestari")


def answer_correctly(page):
    """Fill the sheet with the right answers, looked up on the server side by field name."""
    names = set(
        page.locator(".quiz-sheet [name^='q-']").evaluate_all("els => els.map(e => e.name)")
    )
    for name in names:
        question = db.session.get(Question, int(name.removeprefix("q-")))
        if question.is_choice:
            for key in question.correct_keys:
                page.locator(f"input[name='{name}'][value='{key}']").check()
        elif question.type == "short":
            page.locator(f"input[name='{name}']").fill(question.answer["accepted"][0])
        else:
            page.locator(f"input[name='{name}']").fill(question.answer["value"].replace(".", ","))


def check_page(page, violations):
    violations.extend((page.url, v) for v in serious_accessibility_violations(page))
    assert page_width(page) <= page.viewport_size["width"]


def arrive_at_open_quiz(page, title):
    """A quiz reached by the way on is one still to do: its main button starts it."""
    assert re.search(r"/quizzes/kursus-kuis/", page.url), page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("button", name="Mulai kuis")).to_be_visible()
    assert page.get_by_role("link", name=re.compile("^Lanjut ke")).count() == 0


def submit(page):
    page.get_by_role("button", name="Kirim jawaban").click()


@pytest.mark.parametrize("screen", ["phone", "page"])
def test_a_learner_walks_the_course_by_its_next_links(live_server, request, learner, screen, app):
    page = request.getfixturevalue(screen)
    app.config["PUBLIC_BASE_URL"] = live_server  # so that the verification link can be followed
    csp = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else 0)
    confirms = []
    page.on("dialog", lambda d: (confirms.append(d.message), d.accept()))
    violations = []

    sign_in(page, live_server, learner.email, PASSWORD)
    page.goto(f"{live_server}/courses/{SLUG}")
    page.get_by_role("button", name="Daftar").click()
    page.get_by_role("link", name="Mulai belajar").click()

    # The pre-test, left blank: the page names the questions not answered, with links.
    arrive_at_open_quiz(page, "Pre-test")
    page.get_by_role("button", name="Mulai kuis").click()
    page.locator("#quiz-sheet").wait_for()
    check_page(page, violations)
    submit(page)
    panel = page.locator("#submit-check")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading")).to_have_text("2 dari 2 soal belum dijawab")
    expect(panel.get_by_role("link", name="Soal 1")).to_have_attribute("href", "#question-1")
    expect(panel.get_by_role("link", name="Soal 2")).to_be_visible()
    assert confirms == [] and "/quizzes/" in page.url  # nothing sent yet
    check_page(page, violations)
    panel.get_by_role("link", name="Soal 2").click()
    focused = page.evaluate("document.activeElement.closest('.question').id")
    assert focused == "question-2"
    page.get_by_role("button", name="Tetap kirim").click()
    page.wait_for_url(re.compile(r"/attempts/\d+$"))

    # Pre-test done: on to the first lesson; nothing invites to take it again.
    expect(page.get_by_role("button", name=re.compile("Coba lagi|Mulai percobaan"))).to_have_count(
        0
    )
    check_page(page, violations)
    page.get_by_role("link", name="Lanjut ke Pengantar").click()
    page.wait_for_url(f"**/learn/{SLUG}/dasar/pengantar")
    page.get_by_role("button", name=re.compile("^Tandai selesai")).click()

    # The module quiz, answered: the plain confirmation, then the way on to the final exam.
    arrive_at_open_quiz(page, "Kuis Dasar")
    page.get_by_role("button", name="Mulai kuis").click()
    page.locator("#quiz-sheet").wait_for()
    answer_correctly(page)
    submit(page)
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    assert confirms == ["Kirim jawaban Anda sekarang? Setelah itu jawaban tidak dapat diubah."]
    next_link = page.get_by_role("link", name="Lanjut ke Ujian Akhir")
    expect(next_link).to_be_visible()
    retake = page.get_by_role("button", name="Ulangi kuis (opsional)")
    expect(retake).to_be_visible()
    assert "primary" not in (retake.get_attribute("class") or "")
    check_page(page, violations)

    # Away and back: "Lanjutkan" on My learning leads to the final exam, not the passed quiz.
    page.goto(f"{live_server}/")
    page.get_by_role("link", name=re.compile("^Lanjutkan")).click()
    arrive_at_open_quiz(page, "Ujian Akhir")
    page.get_by_role("button", name="Mulai kuis").click()
    page.locator("#quiz-sheet").wait_for()
    posts = []
    page.on("request", lambda r: r.method == "POST" and posts.append(r.url.rsplit("/", 1)[-1]))
    answer_correctly(page)
    # The sheet sent at once, on a slow link: the autosave the answers scheduled must not follow.
    page.route("**/submit", lambda route: (time.sleep(0.8), route.continue_()))
    submit(page)
    page.wait_for_url(re.compile(r"/attempts/\d+$"))

    # The completion moment.
    main = page.locator("main")
    expect(main.get_by_role("heading", name="Kursus selesai")).to_be_visible()
    expect(main.get_by_text("Anda memperoleh 2 JP.")).to_be_visible()
    expect(page.get_by_text("Selamat! Anda telah menyelesaikan Kursus Uji Kuis")).to_be_visible()
    assert posts[posts.index("submit") :] == ["submit"]
    expect(page.get_by_text("Jawaban Anda telah dikirim.")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("Coba lagi|Ulangi|Mulai"))).to_have_count(0)
    number = db.session.scalar(
        db.select(Certificate.number).where(Certificate.user_id == learner.id)
    )
    download = main.get_by_role("link", name="Unduh sertifikat (PDF)")
    assert download.get_attribute("href") == f"/certificates/{number}.pdf"
    verify = main.get_by_role("link", name=f"{live_server}/verify/{number}")
    expect(verify).to_be_visible()
    check_page(page, violations)

    # "Lanjutkan" of the course (the resume link) now shows the same completion view.
    page.goto(f"{live_server}/learn/{SLUG}")
    page.wait_for_url(f"**/courses/{SLUG}")
    expect(page.get_by_role("heading", name="Kursus selesai")).to_be_visible()
    expect(page.get_by_role("link", name="Unduh sertifikat (PDF)")).to_be_visible()
    check_page(page, violations)
    page.get_by_role("link", name=f"{live_server}/verify/{number}").click()
    expect(page.get_by_role("status")).to_contain_text("Sah")

    assert violations == []
    assert csp == []

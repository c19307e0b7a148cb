"""Reading offline in real Chromium with its offline emulation: save a course, read every
lesson offline, mark two done, back online both are counted once; the quiz page offline explains
itself; sign-out leaves nothing saved; a republished course replaces the saved copy."""

import pytest
from browser_steps import sign_in, sign_out
from conftest import PASSWORD
from factories_course import import_course, write_course
from playwright.sync_api import expect
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import LessonProgress

LESSONS = [f"modul/pelajaran-{i}" for i in (1, 2, 3)]

CACHE_STATE = """async () => {
  const names = (await caches.keys()).filter((n) => n.startsWith("elearn-u"));
  const queued = Object.keys(localStorage).filter((k) => k.startsWith("elearn-queue"))
    .map((k) => JSON.parse(localStorage.getItem(k)).length).reduce((a, b) => a + b, 0);
  return {names, queued};
}"""


@pytest.fixture
def learner(app, make_user, tmp_path):
    import_course(write_course(tmp_path, "uji", title="Kursus Uji", lessons=3, quizzes=True))
    return make_user(full_name="Sari Wulandari")


def test_save_read_offline_sync_and_sign_out(live_server, page, learner):
    sign_in(page, live_server, learner.email, PASSWORD)
    page.goto(f"{live_server}/courses/uji")
    page.get_by_role("button", name="Daftar").click()
    page.wait_for_load_state("networkidle")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    # Chromium's own installability check (manifest, icons, worker): nothing of the app stands
    # in the way ("in-incognito" is Playwright's private browser context, not the app).
    cdp = page.context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []
    cdp.detach()
    save = page.get_by_role("button", name="Simpan untuk dibaca offline")
    expect(save).to_contain_text("±")
    save.click()
    expect(page.locator("[data-offline-note]")).to_contain_text("Disimpan untuk dibaca offline")
    expect(page.get_by_role("button", name="Hapus salinan offline")).to_be_visible()
    expect(save).to_be_hidden()
    page.reload()  # the page is now controlled by the worker
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    quiz_url = page.locator('a[href^="/quizzes/"]').first.get_attribute("href")

    page.context.set_offline(True)
    for key in LESSONS:
        page.goto(f"{live_server}/learn/uji/{key}")
        expect(page.locator("h1")).not_to_have_text("Anda sedang offline")
        expect(page.locator(".prose")).to_contain_text(f"Isi pelajaran {key}")
    for key in LESSONS[:2]:
        for _ in range(2):  # the second press of the same lesson must not count twice
            page.goto(f"{live_server}/learn/uji/{key}")
            if key == LESSONS[1]:  # the browser believes it is online: the worker catches it
                page.evaluate("Object.defineProperty(navigator, 'onLine', {get: () => true})")
            page.get_by_role("button", name="Tandai selesai").click()
            expect(page.locator("[data-offline-status]")).to_contain_text("menunggu koneksi")
    assert page.evaluate(CACHE_STATE)["queued"] == 2
    page.goto(f"{live_server}{quiz_url}")
    expect(page.locator("h1")).to_have_text("Kuis memerlukan koneksi internet")
    page.goto(f"{live_server}/notifications")
    expect(page.locator("h1")).to_have_text("Anda sedang offline")

    page.context.set_offline(False)
    page.goto(f"{live_server}/learn/uji/{LESSONS[2]}")
    expect(page.locator("[data-offline-status]")).to_contain_text("telah disinkronkan")
    db.session.expire_all()
    done = db.session.scalars(
        select(LessonProgress.lesson_key).where(
            LessonProgress.user_id == learner.id, LessonProgress.completed_at.is_not(None)
        )
    ).all()
    assert sorted(done) == LESSONS[:2]

    page.goto(f"{live_server}/offline/saved")
    expect(page.locator("[data-offline-saved] li")).to_contain_text("Kursus Uji")
    sign_out(page)
    state = page.evaluate(CACHE_STATE)
    assert state == {"names": [], "queued": 0}
    assert page.csp_errors == []


def test_a_republished_course_replaces_the_saved_copy(live_server, page, learner, tmp_path):
    sign_in(page, live_server, learner.email, PASSWORD)
    page.goto(f"{live_server}/courses/uji")
    page.get_by_role("button", name="Daftar").click()
    page.wait_for_load_state("networkidle")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.get_by_role("button", name="Simpan untuk dibaca offline").click()
    expect(page.locator("[data-offline-note]")).to_contain_text("Disimpan untuk dibaca offline")

    # The instructor publishes a new version with new lesson text.
    import_course(write_course(tmp_path, "uji", title="Kursus Uji", lessons=3, quizzes=True,
                               body="Isi baru {key}."))  # fmt: skip
    page.goto(f"{live_server}/courses/uji")  # online: the saved copy is replaced
    expect(page.locator("[data-offline-note]")).to_contain_text(
        "Versi baru kursus ini telah diterbitkan: salinan tersimpan telah diperbarui."
    )
    page.context.set_offline(True)
    page.goto(f"{live_server}/learn/uji/{LESSONS[0]}")
    expect(page.locator(".prose")).to_contain_text(f"Isi baru {LESSONS[0]}")
    page.context.set_offline(False)

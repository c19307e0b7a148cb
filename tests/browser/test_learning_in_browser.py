"""A learner finds a course, enrols, reads a lesson, marks it done and sees the progress, in
real Chromium; the catalog, course and lesson pages pass axe-core and fit a 360 px phone."""

import re

import pytest
from browser_steps import page_width, serious_accessibility_violations, sign_in
from conftest import PASSWORD
from factories_course import import_shipped
from playwright.sync_api import expect

SLUG = "literasi-digital-asn"
FIRST = "dokumen-dan-lembar-kerja/naskah-dinas-templat-style"
SECOND = "dokumen-dan-lembar-kerja/mail-merge-dan-versi-dokumen"


@pytest.fixture
def learner(app, make_user):
    import_shipped(SLUG)
    import_shipped("komunikasi-pelayanan-publik")
    return make_user(full_name="Agus Setiawan")


def test_learner_enrols_reads_and_sees_progress(live_server, page, learner):
    sign_in(page, live_server, learner.email, PASSWORD)
    page.locator("#site-nav").get_by_role("link", name="Kursus").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Kursus"
    assert serious_accessibility_violations(page) == []

    page.get_by_role("searchbox", name="Cari").fill("digital")
    page.get_by_role("button", name="Cari").click()
    expect(page.get_by_text("1 kursus ditemukan")).to_be_visible()
    page.get_by_role("link", name="Literasi Digital untuk ASN").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Literasi Digital untuk ASN"
    assert serious_accessibility_violations(page) == []

    page.get_by_role("button", name="Daftar").click()
    expect(page.get_by_text("Anda terdaftar di Literasi Digital untuk ASN.")).to_be_visible()
    page.get_by_role("link", name="Naskah Dinas yang Rapi dengan Templat, Style, dan Tabel").click()
    page.wait_for_url(f"**/learn/{SLUG}/{FIRST}")
    assert serious_accessibility_violations(page) == []
    current = page.locator('.outline a[aria-current="page"]')
    assert "Naskah Dinas yang Rapi" in current.inner_text()

    page.get_by_role("button", name=re.compile("^Tandai selesai")).click()
    page.wait_for_url(f"**/learn/{SLUG}/{SECOND}")
    done_link = page.locator(f'.outline a[href="/learn/{SLUG}/{FIRST}"]')
    assert "Selesai:" in done_link.inner_text()

    page.locator("#site-nav").get_by_role("link", name="Beranda").click()
    progress = page.get_by_role("progressbar", name="Kemajuan di Literasi Digital untuk ASN")
    assert int(progress.get_attribute("value")) > 0
    continue_link = page.get_by_role("link", name=re.compile("^Lanjutkan"))
    assert continue_link.get_attribute("href") == f"/learn/{SLUG}/{SECOND}"
    expect(page.get_by_text("Kurang 20 JP untuk mencapai target tahunan.")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    assert page.csp_errors == []


def test_lesson_page_on_a_phone(live_server, phone, learner):
    sign_in(phone, live_server, learner.email, PASSWORD)
    phone.goto(f"{live_server}/courses/{SLUG}")
    phone.get_by_role("button", name="Daftar").click()
    for key in (FIRST, "kata-sandi-dan-phishing/mengenali-phishing"):
        phone.goto(f"{live_server}/learn/{SLUG}/{key}")
        # Nothing wider than the screen (tables scroll inside the text, not the page).
        assert page_width(phone) <= 360
        article = phone.locator("article").bounding_box()
        outline = phone.locator("nav.outline").bounding_box()
        assert outline["y"] >= article["y"] + article["height"]  # the outline comes after
    # Keyboard only: reach the button and press it.
    phone.goto(f"{live_server}/learn/{SLUG}/{FIRST}")
    button = phone.get_by_role("button", name=re.compile("^Tandai selesai"))
    for _ in range(80):
        phone.keyboard.press("Tab")
        if button.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the mark-as-done button cannot be reached with Tab")
    phone.keyboard.press("Enter")
    phone.wait_for_url(f"**/learn/{SLUG}/{SECOND}")
    assert page_width(phone) <= 360

"""Each demo role signs in with real Chromium and sees its own navigation."""

import pytest
from browser_steps import page_width, serious_accessibility_violations, sign_in, sign_out
from playwright.sync_api import expect

from elearn.demo import DEMO_PASSWORD, EMAIL_DOMAIN, seed
from elearn.extensions import db


@pytest.fixture
def demo(app):
    seed()
    db.session.commit()


NAV = {
    "admin": {"Beranda", "Kompetensi saya", "Administrasi"},
    "ratna": {"Beranda"},
    "hendra": {"Beranda"},
    "agus": {"Beranda"},
}
HIDDEN = {
    "admin": set(),
    "ratna": {"Administrasi"},
    "hendra": {"Administrasi"},
    "agus": {"Administrasi", "Mengajar", "Tim saya"},
}


@pytest.mark.parametrize("who", ["admin", "ratna", "hendra", "agus"])
def test_each_role_sees_its_navigation(live_server, page, demo, who):
    sign_in(page, live_server, f"{who}@{EMAIL_DOMAIN}", DEMO_PASSWORD)
    assert page.url == f"{live_server}/"
    nav = set(page.locator("#site-nav ul a").all_inner_texts())
    assert NAV[who] <= nav
    assert not (HIDDEN[who] & nav)
    assert page.csp_errors == []


def test_sign_in_by_nip_and_sign_out(live_server, page, demo):
    sign_in(page, live_server, "199001152015031001", DEMO_PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Selamat datang")
    sign_out(page)


def test_wrong_password_shows_a_message(live_server, page, demo):
    sign_in(page, live_server, f"agus@{EMAIL_DOMAIN}", "wrong-password")
    assert page.get_by_role("alert").inner_text() == "NIP/email atau kata sandi salah."


def test_sign_in_and_home_pages_have_no_serious_accessibility_violations(live_server, page, demo):
    page.goto(f"{live_server}/login")
    assert serious_accessibility_violations(page) == []
    sign_in(page, live_server, f"admin@{EMAIL_DOMAIN}", DEMO_PASSWORD)
    assert serious_accessibility_violations(page) == []
    assert page.csp_errors == []


def test_phone_menu_opens_with_the_keyboard(live_server, phone, demo):
    sign_in(phone, live_server, f"agus@{EMAIL_DOMAIN}", DEMO_PASSWORD)
    nav_link = phone.locator("#site-nav ul a").first
    expect(nav_link).to_be_hidden()
    toggle = phone.get_by_role("button", name="Menu")
    toggle.focus()
    phone.keyboard.press("Enter")
    expect(nav_link).to_be_visible()
    # app.js (deferred) mirrors the open state on the summary after the toggle event.
    expect(toggle).to_have_attribute("aria-expanded", "true")
    # Nothing wider than the 360 px screen.
    assert page_width(phone) <= 360


def test_language_switch_to_english(live_server, page, demo):
    page.goto(f"{live_server}/login")
    page.get_by_label("Bahasa").select_option("en")
    page.get_by_role("button", name="Ganti").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in"
    assert page.locator("html").get_attribute("lang") == "en"

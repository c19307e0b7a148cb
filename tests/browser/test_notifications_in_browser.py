"""A learner who was assigned a course and got a certificate sees the count on the bell in the
header, opens the list, follows the assignment to its course and sees the count drop, then
marks the rest as read: on a 360 px phone and on a desktop in Chromium, with axe-core finding
nothing serious and the strict CSP kept."""

import re

import pytest
from browser_steps import page_width, serious_accessibility_violations, sign_in
from conftest import PASSWORD
from playwright.sync_api import expect
from test_supervision_helpers import assign, build_agency, complete

pytestmark = pytest.mark.browser


@pytest.fixture
def agency(app, make_unit, make_user, tmp_path):
    agency = build_agency(make_unit, make_user, tmp_path)
    assign(agency.sup_a, agency.course, people=[agency.agus], due_in_days=10)
    complete(agency.agus, agency.other_course)
    return agency


def check_page(page, violations):
    violations.extend((page.url, v) for v in serious_accessibility_violations(page))
    assert page_width(page) <= page.viewport_size["width"]


@pytest.mark.parametrize("screen", ["phone", "page"])
def test_the_bell_leads_to_the_notifications_and_counts_down(live_server, request, agency, screen):
    page = request.getfixturevalue(screen)
    csp = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else 0)
    violations = []

    sign_in(page, live_server, agency.agus.email, PASSWORD)
    # The bell is in the header bar itself: visible on a phone without opening the menu.
    bell = page.get_by_role("link", name="Notifikasi, 2 belum dibaca")
    expect(bell).to_be_visible()
    expect(bell.locator(".bell-count")).to_have_text("2")
    check_page(page, violations)

    bell.click()
    page.wait_for_url(f"{live_server}/notifications")
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifikasi")
    items = page.locator(".notification")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("Sertifikat Anda untuk kursus “Kearsipan” telah terbit")
    expect(page.locator(".notification.unread")).to_have_count(2)
    check_page(page, violations)

    page.get_by_role("link", name=re.compile("Kepala A menugaskan kursus “Etika ASN”")).click()
    page.wait_for_url(f"{live_server}/courses/etika")
    expect(page.get_by_role("heading", level=1)).to_have_text("Etika ASN")
    expect(page.get_by_role("link", name="Notifikasi, 1 belum dibaca")).to_be_visible()

    page.get_by_role("link", name="Notifikasi, 1 belum dibaca").click()
    expect(page.locator(".notification.unread")).to_have_count(1)
    page.get_by_role("button", name="Tandai semua sudah dibaca").click()
    expect(page.get_by_text("Semua notifikasi ditandai sudah dibaca.")).to_be_visible()
    bell = page.get_by_role("link", name="Notifikasi, tidak ada yang belum dibaca")
    expect(bell).to_be_visible()
    expect(bell).to_have_attribute("aria-current", "page")
    expect(page.locator(".bell-count")).to_have_count(0)
    expect(page.locator(".notification.unread")).to_have_count(0)
    check_page(page, violations)

    assert violations == []
    assert csp == []

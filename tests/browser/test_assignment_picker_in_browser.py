"""A supervisor assigns a course to a unit and two people found by searching, with the keyboard
only, checks the preview, and on a second try sees the duplicate warning and merges; on a
desktop and on a phone, in real Chromium, with axe-core and the strict CSP."""

import re
from datetime import timedelta

import pytest
from browser_steps import page_width, serious_accessibility_violations, sign_in
from conftest import PASSWORD
from factories_course import import_course, write_course
from playwright.sync_api import expect
from sqlalchemy import select

from elearn.extensions import db
from elearn.models import Assignment
from elearn.supervision.services import today


@pytest.fixture
def team(app, make_unit, make_user, tmp_path):
    root = make_unit("Pemerintah Kabupaten", code="ROOT")
    dinas = make_unit("Dinas Komunikasi dan Informatika", root, code="DISKOMINFO")
    bidang = make_unit("Bidang Aplikasi Informatika", dinas, code="APTIKA")
    other = make_unit("Dinas Kesehatan", root, code="DINKES")
    supervisor = make_user(roles=["supervisor", "learner"], unit=dinas, full_name="Hendra Wijaya")
    make_user(unit=bidang, full_name="Agus Setiawan")
    make_user(unit=dinas, full_name="Lina Marlina")
    make_user(unit=dinas, full_name="Sari Dewi")
    make_user(unit=other, full_name="Sarah Luar")
    supervisor.supervised = [dinas]
    db.session.commit()
    course = import_course(write_course(tmp_path, "etika-asn", title="Etika ASN", jp=4, lessons=1))
    return {"supervisor": supervisor, "course": course}


def focused(page):
    return page.evaluate("document.activeElement.id || document.activeElement.name")


def pick(page, field_id, typed, option_name):
    """In a picker's combobox (focused): type, wait for the option, arrow down to it, Enter."""
    assert focused(page) == field_id
    page.keyboard.type(typed, delay=30)
    listbox = (
        page.locator(f"#{field_id}").locator("xpath=ancestor::fieldset").get_by_role("listbox")
    )
    option = listbox.get_by_role("option", name=re.compile(option_name))
    expect(option).to_be_visible()
    expect(page.locator(f"#{field_id}")).to_have_attribute("aria-expanded", "true")
    for _ in range(10):
        page.keyboard.press("ArrowDown")
        if option.get_attribute("aria-selected") == "true":
            break
    active = page.locator(f"#{field_id}").get_attribute("aria-activedescendant")
    assert active == option.get_attribute("id")
    page.keyboard.press("Enter")
    expect(listbox).to_be_hidden()
    assert focused(page) == field_id  # still in the field, ready for the next one


def type_date(page, day):
    """Type a date into the focused date field, in the order its segments have (Chromium's
    interface locale decides it: day first or month first)."""
    field = page.locator(":focus")
    page.keyboard.type(day.strftime("%d%m%Y"))
    if field.input_value() != day.isoformat():
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        page.keyboard.type(day.strftime("%m%d%Y"))
    assert field.input_value() == day.isoformat()


def choose_everything(page, base, due, check_layout=None):
    """Course, a unit and two people, the due date: keyboard only, from the course field."""
    page.goto(f"{base}/team/assignments/new")
    page.get_by_label("Kursus").focus()  # where Tab from the page's top would arrive
    page.keyboard.type("Etika")
    assert page.get_by_label("Kursus").evaluate("s => s.selectedOptions[0].text") == "Etika ASN"

    page.keyboard.press("Tab")
    pick(page, "unit_q", "bidang", "Bidang Aplikasi Informatika")
    page.keyboard.press("Tab")  # the Search button (for use without script)
    page.keyboard.press("Tab")
    # Someone outside the supervisor's units is never offered.
    page.keyboard.type("sar", delay=30)
    people = page.locator("#people-picker").get_by_role("listbox")
    expect(people.get_by_role("option", name=re.compile("Sari Dewi"))).to_be_visible()
    assert "Sarah Luar" not in people.inner_text()
    if check_layout:
        check_layout(page)  # with the list open
    page.keyboard.press("Escape")
    expect(people).to_be_hidden()
    page.keyboard.press("Escape")  # clears the field
    assert page.locator("#people_q").input_value() == ""
    page.keyboard.type("zzqx", delay=30)  # nobody: said on screen, not only to screen readers
    expect(page.locator("#people-picker").get_by_text("Tidak ada yang ditemukan.")).to_be_visible()
    page.keyboard.press("Escape")  # clears the field and the message
    expect(page.locator("#people-picker p[role=status]")).to_have_class("visually-hidden")
    pick(page, "people_q", "sari", "Sari Dewi")
    pick(page, "people_q", "lina", "Lina Marlina")
    chosen = page.locator("#people-picker .chips input:checked")
    expect(chosen).to_have_count(2)
    expect(page.locator("#units-picker .chips input:checked")).to_have_count(1)

    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused(page) == "due_date"
    type_date(page, due)
    for _ in range(3):  # out of the field's segments
        page.keyboard.press("Tab")
        if focused(page) != "due_date":
            break
    assert focused(page) == "include_future_members"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Continue: check who receives it
    expect(page.get_by_role("heading", level=1)).to_have_text("Periksa sebelum menugaskan")


def confirm_by_keyboard(page):
    page.get_by_role("button", name="Tugaskan", exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")


def run_assign_twice(page, base, team, check_layout=None):
    first_due = today() + timedelta(days=7)
    choose_everything(page, base, first_due, check_layout)
    assert "3 orang akan menerima kursus ini." in page.content()  # Agus (via the unit), Sari, Lina
    table = page.locator("table.preview-people")
    assert [n.split(" (")[0] for n in table.locator("tbody td:first-child").all_inner_texts()] == [
        "Agus Setiawan",
        "Lina Marlina",
        "Sari Dewi",
    ]
    assert page.get_by_text("Sudah ditugaskan").count() == 0
    assert serious_accessibility_violations(page) == []
    if check_layout:
        check_layout(page)
    confirm_by_keyboard(page)
    expect(page.get_by_text("Kursus telah ditugaskan kepada 3 orang.")).to_be_visible()

    # A second time, with another due date: the warning, nobody new, and the choice of date.
    later = today() + timedelta(days=21)
    choose_everything(page, base, later)
    warning = page.locator(".duplicate-warning")
    expect(warning).to_contain_text("Sudah ditugaskan: tidak akan dibuat ganda")
    for name in ("Bidang Aplikasi Informatika", "Sari Dewi", "Lina Marlina"):
        expect(warning).to_contain_text(name)
    assert "0 orang akan menerima kursus ini." in page.content()
    assert "3 orang sudah mendapat penugasan kursus ini dan dilewati" in page.content()
    assert serious_accessibility_violations(page) == []
    keep = page.get_by_role("radio", name="Tetap pakai tenggat waktunya")
    expect(keep).to_be_checked()
    keep.focus()
    page.keyboard.press("ArrowDown")  # radio group: to "Change it to the new due date"
    expect(
        page.get_by_role("radio", name=re.compile("Ubah ke tenggat waktu yang baru"))
    ).to_be_checked()
    confirm_by_keyboard(page)
    expect(
        page.get_by_text(re.compile("3 penugasan kursus ini yang sudah ada dipertahankan"))
    ).to_be_visible()
    db.session.expire_all()
    rows = db.session.scalars(select(Assignment)).all()
    assert len(rows) == 3 and {a.due_date for a in rows} == {later}


def test_assign_by_searching_with_the_keyboard_on_a_desktop(live_server, page, team):
    sign_in(page, live_server, team["supervisor"].email, PASSWORD)
    page.goto(f"{live_server}/team/assignments/new")
    assert serious_accessibility_violations(page) == []
    run_assign_twice(page, live_server, team)
    assert page.csp_errors == []


def test_assign_by_searching_with_the_keyboard_on_a_phone(live_server, phone, team):
    def fits(p):
        assert page_width(p) <= 360
        assert serious_accessibility_violations(p) == []

    sign_in(phone, live_server, team["supervisor"].email, PASSWORD)
    run_assign_twice(phone, live_server, team, check_layout=fits)


def test_the_picker_works_without_script(live_server, browser, team):
    context = browser.new_context(java_script_enabled=False, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, live_server, team["supervisor"].email, PASSWORD)
        page.goto(f"{live_server}/team/assignments/new")
        page.get_by_label("Kursus").select_option(label="Etika ASN")
        page.get_by_label("Cari pegawai").fill("sari")
        page.locator("#people-picker").get_by_role("button", name="Cari").click()
        page.get_by_label(re.compile("^Sari Dewi")).check()
        page.get_by_label("Cari unit kerja").fill("bidang")
        page.locator("#units-picker").get_by_role("button", name="Cari").click()
        # Sari stays chosen across the reload; the course too.
        expect(page.locator("#people-picker .chips")).to_contain_text("Sari Dewi")
        assert page.get_by_label("Kursus").evaluate("s => s.selectedOptions[0].text") == "Etika ASN"
        page.get_by_label(re.compile("^Bidang Aplikasi Informatika")).check()
        page.get_by_label("Tenggat waktu", exact=True).fill(
            (today() + timedelta(days=7)).isoformat()
        )
        page.get_by_role("button", name="Lanjut: periksa siapa yang menerima").click()
        expect(page.get_by_text("2 orang akan menerima kursus ini.")).to_be_visible()
        page.get_by_role("button", name="Tugaskan", exact=True).click()
        expect(page.get_by_text("Kursus telah ditugaskan kepada 2 orang.")).to_be_visible()
    finally:
        context.close()

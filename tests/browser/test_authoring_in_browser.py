"""An instructor authors a small course in real Chromium, previews a lesson, writes a question,
publishes, and a learner finds the course in the catalog. The editor pages pass axe-core."""

import re

import pytest
from browser_steps import serious_accessibility_violations, sign_in, sign_out
from conftest import PASSWORD
from playwright.sync_api import expect


@pytest.fixture
def instructor(app, make_user):
    return make_user(roles=["instructor"], full_name="Dr. Ratna Sari Dewi")


def test_instructor_authors_and_publishes_a_course(live_server, page, instructor, make_user):
    sign_in(page, live_server, instructor.email, PASSWORD)
    page.locator("#site-nav").get_by_role("link", name="Mengajar").click()
    page.get_by_role("link", name="Kursus baru").click()
    page.get_by_label("Judul").fill("Etika Pelayanan")  # the address is made from the title
    page.get_by_label("Ringkasan").fill("Sikap melayani masyarakat.")
    page.get_by_label("Kompetensi 1", exact=True).fill("Pelayanan Publik")
    page.get_by_label("Jenis kompetensi 1").select_option("manajerial")
    page.get_by_role("button", name="Buat kursus").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Etika Pelayanan"

    page.get_by_role("link", name="Tambah modul").click()
    page.get_by_label("Judul").fill("Dasar Pelayanan")
    page.get_by_role("button", name="Tambahkan modul").click()

    # The course editor: keyboard-usable, no serious accessibility problems.
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Tambah pelajaran ke Dasar Pelayanan").click()
    page.get_by_label("Judul").fill("Standar Pelayanan")
    page.get_by_label("Isi (Markdown)").fill("## Maklumat\n\nLayanan **tepat waktu**.")
    page.get_by_role("button", name="Pratinjau").click()
    preview = page.locator("#preview")
    preview.get_by_role("heading", name="Maklumat").wait_for()
    assert preview.locator("strong").inner_text() == "tepat waktu"
    assert "/lessons/new" in page.url  # previewed in place, nothing saved yet
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Tambahkan pelajaran").click()
    expect(page.get_by_text("Pelajaran telah ditambahkan ke draf.")).to_be_visible()

    page.get_by_role("link", name="Susunan materi").first.click()
    page.get_by_role("link", name="Tambah kuis ke Dasar Pelayanan").click()
    page.get_by_label("Judul").fill("Kuis Pelayanan")
    page.get_by_role("button", name="Tambahkan kuis").click()
    page.get_by_label("Jenis soal baru").select_option("single")
    page.get_by_role("button", name="Tambah soal").click()
    page.get_by_label("Soal", exact=True).fill("Apa isi maklumat pelayanan?")
    page.get_by_label("Pilihan 1", exact=True).fill("Janji dan kesanggupan penyelenggara")
    page.get_by_label("Pilihan 1 benar").check()
    page.get_by_label("Pilihan 2", exact=True).fill("Daftar harga pribadi")
    # Only the fields of the chosen type are shown (the script hides the others).
    expect(page.get_by_label("Angka yang benar")).to_be_hidden()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.get_by_text("Soal telah disimpan di draf.")).to_be_visible()
    expect(page.get_by_role("link", name="Apa isi maklumat pelayanan?")).to_be_visible()

    page.get_by_role("navigation", name="Kursus").get_by_role("link", name="Terbitkan").click()
    expect(page.get_by_role("heading", name="Siap diterbitkan")).to_be_visible()
    page.get_by_role("button", name="Terbitkan kursus").click()
    expect(page.get_by_text(re.compile("Versi 1 telah diterbitkan"))).to_be_visible()
    expect(page.get_by_role("cell", name="Dr. Ratna Sari Dewi")).to_be_visible()
    assert page.csp_errors == []

    # A learner finds it in the catalog.
    learner = make_user(full_name="Agus Setiawan")
    sign_out(page)
    sign_in(page, live_server, learner.email, PASSWORD)
    page.locator("#site-nav").get_by_role("link", name="Kursus").click()
    expect(page.get_by_role("link", name="Etika Pelayanan")).to_be_visible()


def test_reorder_with_the_keyboard(live_server, page, instructor, app, tmp_path):
    from factories_course import import_course, write_course

    from elearn.extensions import db

    course = import_course(write_course(tmp_path, "urutan", lessons=3))
    course.owners.append(instructor)
    db.session.commit()
    sign_in(page, live_server, instructor.email, PASSWORD)
    page.goto(f"{live_server}/teach/urutan/")
    page.get_by_role("button", name="Mulai draf").click()
    down = page.get_by_role("button", name="Turunkan: Pelajaran pelajaran-1")
    down.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    titles = page.locator(".outline-editor .items a").all_inner_texts()
    assert titles[:2] == ["Pelajaran pelajaran-2", "Pelajaran pelajaran-1"]
    assert serious_accessibility_violations(page) == []


def test_the_editor_works_without_javascript(live_server, browser, instructor):
    context = browser.new_context(java_script_enabled=False, locale="id-ID")
    page = context.new_page()
    try:
        sign_in(page, live_server, instructor.email, PASSWORD)
        page.goto(f"{live_server}/teach/new")
        page.get_by_label("Judul").fill("Tanpa Skrip")
        page.get_by_label("Alamat kursus (opsional)").fill("tanpa-skrip")
        page.get_by_label("Ringkasan").fill("Uji tanpa JavaScript.")
        page.get_by_label("Kompetensi 1", exact=True).fill("Integritas")
        page.get_by_role("button", name="Buat kursus").click()
        page.get_by_role("link", name="Tambah modul").click()
        page.get_by_label("Judul").fill("Modul A")
        page.get_by_role("button", name="Tambahkan modul").click()
        page.get_by_role("link", name="Tambah pelajaran ke Modul A").click()
        page.get_by_label("Judul").fill("Pelajaran A")
        page.get_by_label("Isi (Markdown)").fill("Teks *miring*.")
        page.get_by_role("button", name="Pratinjau").click()  # a full round trip
        assert page.locator("#preview em").inner_text() == "miring"
        assert page.get_by_label("Isi (Markdown)").input_value() == "Teks *miring*."
        page.get_by_role("button", name="Tambahkan pelajaran").click()
        expect(page.get_by_text("Pelajaran telah ditambahkan ke draf.")).to_be_visible()
    finally:
        context.close()

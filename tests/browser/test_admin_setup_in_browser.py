"""An admin imports people and mails them their setup links with the progress bar filling up
round after round, then finds the certificate administration from the navigation and from a
person's page, in real Chromium; the pages pass axe-core and keep to the strict CSP."""

from collections import Counter

import pytest
from browser_steps import page_width, serious_accessibility_violations, sign_in
from conftest import PASSWORD
from factories_course import import_course, write_course
from playwright.sync_api import expect
from test_certificates import complete

from elearn.extensions import db

HEADER = "nip,nama,email,unit,jabatan,golongan,roles"
PEOPLE = [
    ("198609262015051001", "Rina Kartika, S.E.", "rina@sukamaju.go.id"),
    ("199001152015031001", "Agus Setiawan, S.Kom.", "agus@sukamaju.go.id"),
    ("197503122000031004", "Ir. Hendra Wijaya, M.M.", "hendra@sukamaju.go.id"),
    ("198111052006041003", "Budi Santoso, S.T.", "budi@sukamaju.go.id"),
    ("197906302005012005", "Siti Rahmawati, S.Sos.", "siti@sukamaju.go.id"),
]


@pytest.fixture
def agency(app, make_unit, make_user, smtp_server, tmp_path):
    # Two mails per round: the page has to go round after round by itself.
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, SETUP_LINKS_PER_ROUND=2)
    make_unit("Bidang Aplikasi Informatika", code="APTIKA")
    admin = make_user(roles=["admin", "learner"], full_name="Admin Sukamaju")
    lines = [HEADER] + [
        f'{nip},"{name}",{email},APTIKA,Pelaksana,III/a,peserta' for nip, name, email in PEOPLE
    ]
    csv_path = tmp_path / "pegawai-baru.csv"
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"admin": admin, "csv": csv_path, "inbox": smtp_server}


def test_import_then_send_every_setup_link_with_the_progress_bar(live_server, page, agency):
    sign_in(page, live_server, agency["admin"].email, PASSWORD)
    page.locator("#site-nav").get_by_role("link", name="Administrasi").click()
    page.get_by_role("main").get_by_role("link", name="Pengguna").click()
    page.get_by_role("link", name="Impor dari CSV").click()
    page.get_by_label("Berkas CSV").set_input_files(str(agency["csv"]))
    page.get_by_role("button", name="Periksa dan impor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Impor selesai")
    expect(page.get_by_text("5 orang baru belum memiliki kata sandi")).to_be_visible()
    assert serious_accessibility_violations(page) == []

    page.get_by_role("link", name="Kirim 5 tautan pengaturan").click()
    bar = page.get_by_label("Kemajuan")
    assert bar.get_attribute("value") == "0" and bar.get_attribute("max") == "5"
    assert serious_accessibility_violations(page) == []
    assert agency["inbox"].messages == []
    expect(page.get_by_role("button", name="Jeda")).to_be_hidden()  # only while sending

    page.get_by_role("button", name="Mulai mengirim (5 tautan)").click()
    # Three rounds of at most two, then the page reloads with everything sent.
    expect(page.get_by_role("status").filter(has_text="5 dari 5 diproses")).to_be_visible()
    page.wait_for_load_state("networkidle")
    bar = page.get_by_label("Kemajuan")
    expect(bar).to_have_attribute("value", "5")
    assert bar.get_attribute("max") == "5"
    expect(page.get_by_role("button", name="Mulai mengirim (5 tautan)")).to_have_count(0)
    stats = page.locator("dl.stats")
    expect(stats).to_contain_text("Terkirim")
    assert page.locator('[data-count="sent"]').inner_text() == "5"
    assert page.locator('[data-count="waiting"]').inner_text() == "0"
    inbox = Counter(m["To"] for m in agency["inbox"].messages)
    assert inbox == Counter(email for _nip, _name, email in PEOPLE)
    assert serious_accessibility_violations(page) == []
    assert page.csp_errors == []

    # The users list shows who has not activated yet, with when the link went out.
    page.goto(f"{live_server}/admin/users")
    expect(page.get_by_text("5 orang belum mengaktifkan akunnya")).to_be_visible()
    page.get_by_role("link", name="Tampilkan yang belum aktif").click()
    expect(page.get_by_text("5 orang ditemukan")).to_be_visible()
    expect(page.locator("tbody").get_by_text("Tautan dikirim")).to_have_count(5)
    assert serious_accessibility_violations(page) == []


def test_the_progress_page_fits_a_phone(live_server, phone, agency):
    sign_in(phone, live_server, agency["admin"].email, PASSWORD)
    phone.goto(f"{live_server}/admin/users/import")
    phone.get_by_label("Berkas CSV").set_input_files(str(agency["csv"]))
    phone.get_by_role("button", name="Periksa dan impor").click()
    phone.get_by_role("link", name="Kirim 5 tautan pengaturan").click()
    phone.get_by_role("button", name="Mulai mengirim (5 tautan)").click()
    expect(phone.get_by_label("Kemajuan")).to_have_attribute("value", "5")
    assert page_width(phone) <= 360


def test_certificate_administration_from_the_navigation_and_a_persons_page(
    live_server, page, agency, make_user, tmp_path
):
    course = import_course(
        write_course(tmp_path, "etika", title="Etika dan Integritas ASN", jp=6, lessons=1,
                     final_exam=True)
    )  # fmt: skip
    person = make_user(full_name="Ni Luh Putu Ayu Wulandari, S.Kom.")
    cert = complete(person, course)
    db.session.commit()

    sign_in(page, live_server, agency["admin"].email, PASSWORD)
    page.locator("#site-nav").get_by_role("link", name="Administrasi").click()
    page.get_by_role("main").get_by_role("link", name="Kelola sertifikat").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sertifikat")
    expect(page.get_by_role("link", name=cert.number)).to_be_visible()

    page.locator("#site-nav").get_by_role("link", name="Sertifikat", exact=True).click()
    page.get_by_role("link", name="Kelola semua sertifikat (cabut, terbitkan ulang)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sertifikat")

    page.goto(f"{live_server}/admin/users/{person.id}")
    section = page.get_by_role(
        "region", name="Sertifikat Ni Luh Putu Ayu Wulandari, S.Kom.", exact=True
    )
    expect(section).to_contain_text("Etika dan Integritas ASN")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name=f"Cabut atau terbitkan ulang {cert.number}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(cert.number)
    expect(page.get_by_role("button", name="Terbitkan ulang sertifikat")).to_be_visible()
    assert page.csp_errors == []

"""Learning beyond courses in Chromium: a learner records a seminar with its PDF and sees the
JP the rule gives before saving; nothing counts until the supervisor approves it from the
review page; then the learner's JP and the team dashboard both rise by the rule's amount. A
mentor logs a session, the mentee confirms it, both see it confirmed. Pages fit a 360 px
phone, pass axe-core and raise no CSP error."""

import re
from datetime import timedelta

import pytest
from browser_steps import new_phone, page_width, serious_accessibility_violations, sign_in
from conftest import PASSWORD
from playwright.sync_api import expect

from elearn.activities import mentoring
from elearn.extensions import db
from elearn.supervision.services import today

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def people(app, make_user, make_unit):
    unit = make_unit("Bagian Umum")
    boss = make_user(roles=["supervisor", "learner"], unit=unit, full_name="Ir. Hendra Wijaya")
    boss.supervised.append(unit)
    learner = make_user(unit=unit, supervisor=boss, full_name="Dewi Lestari")
    mentor = make_user(unit=unit, full_name="Budi Santoso")
    db.session.commit()
    return learner, boss, mentor


def check(page):
    assert page_width(page) <= 360, page.url
    assert serious_accessibility_violations(page) == [], page.url


def team_jp(page, name):
    row = page.locator("tr", has_text=name).first
    return int(re.search(r"(\d+) / 20", row.inner_text()).group(1))


def test_a_seminar_counts_once_approved_and_a_session_once_confirmed(
    live_server, browser, people, tmp_path
):
    learner, boss, mentor = people
    day = today()
    evidence = tmp_path / "sertifikat-seminar.pdf"
    evidence.write_bytes(PDF)

    # The learner records a one-day national seminar: the rule gives 4 JP, shown before saving.
    context, page = new_phone(browser)
    sign_in(page, live_server, learner.email, PASSWORD)
    expect(page.get_by_text("0 dari 20 JP")).to_be_visible()
    page.get_by_role("link", name="Catat seminar, lokakarya, coaching, atau kegiatan lain").click()
    check(page)
    page.get_by_label("Jenis kegiatan").select_option(label="Seminar/konferensi/sarasehan nasional")
    page.get_by_label("Judul").fill("Seminar Nasional Reformasi Birokrasi")
    page.get_by_label("Penyelenggara lain").check()
    page.get_by_label("Nama penyelenggara").fill("Kementerian PANRB")
    page.get_by_label("Hari pertama").fill(day.isoformat())
    page.get_by_label("Hari terakhir").fill(day.isoformat())
    page.get_by_label("Durasi").fill("1")
    page.get_by_label("Refleksi").fill("Materi manajemen talenta untuk rencana unit kami.")
    page.get_by_role("button", name="Hitung JP").click()
    expect(page.locator("#activity-credit")).to_have_text("4 JP")
    page.get_by_label("Refleksi").fill("Materi manajemen talenta untuk rencana unit kami.")
    page.locator("input[type=file]").set_input_files(str(evidence))
    page.get_by_role("button", name="Simpan dan kirim untuk disetujui").click()
    expect(page.get_by_text("Menunggu persetujuan").first).to_be_visible()
    check(page)
    page.goto(f"{live_server}/")
    expect(page.get_by_text("0 dari 20 JP")).to_be_visible()  # not counted before approval
    assert page.csp_errors == []
    context.close()

    # The supervisor sees 0 JP on the dashboard, approves from the review page, sees 4.
    context, page = new_phone(browser)
    sign_in(page, live_server, boss.email, PASSWORD)
    page.goto(f"{live_server}/team")
    assert team_jp(page, "Dewi Lestari") == 0
    page.get_by_role("link", name="Kegiatan pengembangan yang perlu diputuskan").click()
    check(page)
    page.get_by_role("link", name="Seminar Nasional Reformasi Birokrasi").click()
    expect(page.get_by_role("link", name=re.compile("sertifikat-seminar.pdf"))).to_be_visible()
    check(page)
    page.get_by_role("button", name="Setujui").click()
    expect(page.get_by_text("Disetujui").first).to_be_visible()
    page.goto(f"{live_server}/team")
    assert team_jp(page, "Dewi Lestari") == 4
    assert page.csp_errors == []
    context.close()

    context, page = new_phone(browser)
    sign_in(page, live_server, learner.email, PASSWORD)
    expect(page.get_by_text("4 dari 20 JP")).to_be_visible()
    context.close()

    # Mentoring: the supervisor pairs Budi with Dewi; Budi logs a session, Dewi confirms it.
    pair = mentoring.create_pair(
        boss, mentor.email, learner.email, "mentoring", "Tata kelola arsip",
        day - timedelta(days=30), day + timedelta(days=60),
    )  # fmt: skip
    db.session.commit()
    context, page = new_phone(browser)
    sign_in(page, live_server, mentor.email, PASSWORD)
    page.goto(f"{live_server}/activities/mentoring/{pair.id}")
    page.get_by_label("Tanggal sesi").fill(day.isoformat())
    page.get_by_label("Lama (menit)").fill("90")
    page.get_by_label("Topik").fill("Menyusun jadwal retensi")
    page.get_by_label("Langkah berikutnya yang disepakati").fill("Draf jadwal minggu depan.")
    page.get_by_role("button", name="Catat sesi").click()
    expect(page.get_by_text(re.compile("Menunggu Dewi Lestari"))).to_be_visible()
    check(page)
    context.close()

    context, page = new_phone(browser)
    sign_in(page, live_server, learner.email, PASSWORD)
    page.goto(f"{live_server}/activities/mentoring/{pair.id}")
    page.get_by_role("button", name=re.compile("^Konfirmasi")).click()
    expect(page.get_by_text("Dikonfirmasi").first).to_be_visible()
    page.goto(f"{live_server}/")
    expect(page.get_by_text("6 dari 20 JP")).to_be_visible()  # 90 minutes at 45 = 2 JP
    assert page.csp_errors == []
    context.close()

    context, page = new_phone(browser)
    sign_in(page, live_server, mentor.email, PASSWORD)
    page.goto(f"{live_server}/activities/mentoring/{pair.id}")
    expect(page.get_by_text("Dikonfirmasi").first).to_be_visible()
    check(page)
    context.close()

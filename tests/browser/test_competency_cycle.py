"""The competency cycle in real Chromium: a learner assesses themselves, plans the course that
closes the gap and sends the plan; the supervisor assesses and approves it; the learner
completes the course, the plan shows it done and the unit heatmap shows the numbers. The plan
page and the unit heatmap pass axe-core, keep to the strict CSP and fit a 360 px phone."""

import re

import pytest
from browser_steps import page_width, serious_accessibility_violations, sign_in
from conftest import PASSWORD
from factories_course import import_course, write_course
from playwright.sync_api import expect

from elearn.extensions import db
from elearn.learn.services import current_year
from elearn.models import (
    AssessorRole,
    Competency,
    CompetencyAssessment,
    CompetencyAssessmentItem,
)
from elearn.models.competency import PositionStandard, position_key

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def cycle(app, make_unit, make_user, tmp_path):
    root = make_unit("Pemerintah Kabupaten", code="ROOT")
    dinas = make_unit("Dinas Komunikasi dan Informatika", root, code="DISKOMINFO")
    bidang = make_unit("Bidang Aplikasi Informatika", dinas, code="APTIKA")
    boss = make_user(roles=["supervisor", "learner"], unit=dinas, full_name="Hendra Wijaya")
    learner = make_user(unit=bidang, full_name="Agus Setiawan", position="Analis Data")
    boss.supervised = [dinas]
    learner.supervisor = boss
    db.session.commit()
    # The course teaches "Literasi Digital" at level 2 (the factory's course.yml).
    course = import_course(
        write_course(tmp_path, "etika-asn", title="Etika ASN", jp=4, lessons=2, quizzes=False)
    )
    competency = db.session.query(Competency).filter_by(name="Literasi Digital").one()
    db.session.add(
        PositionStandard(position_key=position_key("Analis Data"), position_name="Analis Data",
                         competency_id=competency.id, level=2)
    )  # fmt: skip
    db.session.commit()
    return {"boss": boss, "learner": learner, "course": course, "competency": competency}


def assess(page, base, person_id, level):
    page.goto(f"{base}/competencies/assess/{person_id}")
    line = page.locator("fieldset", has_text="Literasi Digital")
    line.locator("label.level-choice", has_text=f"Level {level}").click()
    page.get_by_role("button", name=re.compile("^Simpan")).first.click()
    page.wait_for_load_state("networkidle")


def test_assess_plan_approve_complete_and_see_it_done(live_server, page, browser, cycle):
    learner, boss = cycle["learner"], cycle["boss"]
    sign_in(page, live_server, learner.email, PASSWORD)
    assess(page, live_server, learner.id, 1)  # below the standard (2): a gap of 1

    page.get_by_role("navigation", name="Kompetensi saya").get_by_role(
        "link", name="Rencana pengembangan"
    ).click()
    suggestions = page.locator("section", has=page.locator("#suggest-title"))
    expect(suggestions).to_contain_text("Etika ASN")
    suggestions.get_by_role("button", name=re.compile("^Tambahkan ke rencana")).click()
    expect(page.get_by_text("Kursus telah ditambahkan ke rencana.")).to_be_visible()
    page.get_by_label("Kegiatan", exact=True).fill("Coaching dengan atasan")
    page.locator("#activity-planned_jp").fill("4")
    page.get_by_role("button", name="Tambahkan kegiatan").click()
    expect(page.locator("dl.stats")).to_contain_text("8")
    page.get_by_role("button", name="Kirim untuk disetujui").click()
    expect(page.get_by_text("Menunggu persetujuan").first).to_be_visible()
    assert serious_accessibility_violations(page) == []
    assert page.csp_errors == []

    # The supervisor, in a browser of their own: assesses, then approves from the list.
    context = browser.new_context(locale="id-ID")
    sup = context.new_page()
    sup.set_default_timeout(10_000)
    sign_in(sup, live_server, boss.email, PASSWORD)
    assess(sup, live_server, learner.id, 1)
    sup.goto(f"{live_server}/competencies/plans")
    sup.get_by_role("link", name="Agus Setiawan").click()
    sup.get_by_label("Catatan untuk pegawai").fill("Sesuai kebutuhan, lanjutkan.")
    sup.get_by_role("button", name="Setujui rencana").click()
    expect(sup.get_by_text("Rencana telah disetujui.")).to_be_visible()
    assert serious_accessibility_violations(sup) == []

    # The learner completes the recommended course...
    page.goto(f"{live_server}/courses/etika-asn")
    page.get_by_role("button", name="Daftar").click()
    expect(page.get_by_text("Anda terdaftar di Etika ASN.")).to_be_visible()
    page.goto(f"{live_server}/learn/etika-asn")  # the first lesson
    for _ in range(2):
        page.get_by_role("button", name=re.compile("^Tandai selesai")).click()
        page.wait_for_load_state("networkidle")
    # ... and the approved plan shows it done, without anyone touching the plan.
    page.goto(f"{live_server}/competencies/plan")
    expect(page.get_by_text("Disetujui oleh Hendra Wijaya")).to_be_visible()
    row = page.locator("table.plan-items tr", has_text="Etika ASN")
    expect(row).to_contain_text("Selesai")
    expect(page.locator("dl.stats")).to_contain_text("1/2")
    assert serious_accessibility_violations(page) == []
    assert page.csp_errors == []

    # The unit heatmap: one person assessed, below the standard by one level.
    sup.goto(f"{live_server}/competencies/units")
    table = sup.locator("table.heat-table")
    expect(table).to_contain_text("Literasi Digital")
    total = table.locator("tr.total")
    expect(total).to_contain_text("100%")
    expect(total).to_contain_text("1 dari 1")
    # The heatmap's accessibility and fit: test_unit_heatmap_on_a_laptop_and_a_phone.
    context.close()


def test_plan_page_on_a_phone(live_server, phone, cycle):
    sign_in(phone, live_server, cycle["learner"].email, PASSWORD)
    phone.goto(f"{live_server}/competencies/plan")
    phone.get_by_label("Kursus", exact=True).select_option(label="Etika ASN (4 JP)")
    phone.get_by_role("button", name="Tambahkan kursus").click()
    expect(phone.locator("table.plan-items")).to_contain_text("Etika ASN")
    assert page_width(phone) <= 360
    assert serious_accessibility_violations(phone) == []


def test_unit_heatmap_on_a_laptop_and_a_phone(live_server, browser, cycle):
    """The chart is one image with a summary (no links inside it); the drill-down is a link
    of the table below; axe finds nothing serious, nothing scrolls sideways at 360 px."""
    learner, boss = cycle["learner"], cycle["boss"]
    for role, by, level in ((AssessorRole.SELF, learner, 2), (AssessorRole.SUPERVISOR, boss, 1)):
        assessment = CompetencyAssessment(
            user_id=learner.id, period=current_year(), role=role, assessor_id=by.id
        )
        assessment.items = [
            CompetencyAssessmentItem(competency_id=cycle["competency"].id, level=level)
        ]
        db.session.add(assessment)
    db.session.commit()
    for viewport in (LAPTOP, PHONE):
        context = browser.new_context(viewport=viewport, locale="id-ID")
        page = context.new_page()
        page.set_default_timeout(10_000)
        csp_errors = []
        page.on(
            "console",
            lambda msg, errors=csp_errors: (
                errors.append(msg.text) if "Content Security Policy" in msg.text else None
            ),
        )
        try:
            sign_in(page, live_server, boss.email, PASSWORD)
            page.goto(f"{live_server}/competencies/units")
            chart = page.get_by_role("img", name=re.compile("di bawah standar"))
            expect(chart).to_be_visible()
            assert chart.locator("a").count() == 0
            total = page.locator("table.heat-table tr.total")
            expect(total).to_contain_text("100%")  # the supervisor's level 1 counts, not 2
            width = viewport["width"]
            assert page_width(page) <= width
            assert serious_accessibility_violations(page) == []
            assert csp_errors == []
            total.get_by_role("link", name="100%").click()
            expect(page.locator("main")).to_contain_text("Agus Setiawan")
            assert page_width(page) <= width
            assert serious_accessibility_violations(page) == []
        finally:
            context.close()

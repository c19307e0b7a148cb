"""The admin's competency pages in real Chromium, on a 360 px phone and a 1366 px laptop: nothing
scrolls sideways, tables become cards on the phone, axe finds nothing serious; and the matrix of
standards is edited in the browser and saved in one form."""

import pytest
from browser_steps import serious_accessibility_violations, sign_in
from sqlalchemy import select

from elearn.competencies.dictionary_demo import seed_dictionary
from elearn.demo import DEMO_PASSWORD, EMAIL_DOMAIN, seed
from elearn.extensions import db
from elearn.models import Competency, PositionStandard

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def demo(app):
    seed()
    seed_dictionary()
    db.session.commit()
    return db.session.scalar(select(Competency.id).where(Competency.code == "M.1"))


def _problems(page, width):
    found = []
    sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if sizes[0] > width or sizes[1] != width:
        found.append(f"page is {sizes[0]} px wide (window {sizes[1]})")
    if width < 600:
        scrolling = page.evaluate(
            """[...document.querySelectorAll('.table-wrap.stacked')]
                .filter(e => e.scrollWidth > e.clientWidth + 1)
                .map(e => e.outerHTML.slice(0, 80))"""
        )
        found += [f"table scrolls sideways: {t}" for t in scrolling]
    return found + serious_accessibility_violations(page)


def test_pages_fit_both_screens_and_the_matrix_saves(live_server, browser, demo):
    paths = [
        "/competencies/dictionary",
        f"/competencies/dictionary/{demo}",
        "/competencies/dictionary/new",
        "/competencies/standards",
        "/competencies/standards?kind=teknis",
        "/competencies/standards/positions",
        "/competencies/import",
    ]
    problems = []
    for viewport in (PHONE, LAPTOP):
        context = browser.new_context(viewport=viewport, locale="id-ID")
        page = context.new_page()
        page.set_default_timeout(10_000)
        try:
            sign_in(page, live_server, f"admin@{EMAIL_DOMAIN}", DEMO_PASSWORD)
            for path in paths:
                response = page.goto(f"{live_server}{path}")
                assert response.ok, (path, response.status)
                problems += [
                    (viewport["width"], path, p) for p in _problems(page, viewport["width"])
                ]
            if viewport is PHONE:
                page.goto(f"{live_server}/competencies/standards")
                page.get_by_label("Pengawas, Integritas").select_option("4")
                page.get_by_role("button", name="Simpan standar").click()
                assert page.get_by_text("1 standar telah disimpan.").is_visible()
        finally:
            context.close()
    assert problems == []
    db.session.expire_all()
    level = db.session.scalar(
        select(PositionStandard.level).where(
            PositionStandard.position_kind == "pengawas", PositionStandard.competency_id == demo
        )
    )
    assert level == 4

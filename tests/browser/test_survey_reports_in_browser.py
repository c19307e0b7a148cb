"""The survey report of a course on a 360 px phone and a desktop: it fits the screen, its
tables turn into cards, no serious accessibility problem, nothing refused by the CSP."""

from browser_steps import serious_accessibility_violations, sign_in
from conftest import PASSWORD
from factories_course import import_course, write_course
from survey_helpers import answer, reaction

from elearn.extensions import db


def layout_problems(page, width):
    """A page wider than the screen, or on a phone a table scrolling sideways."""
    found = []
    sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if sizes[0] > width or sizes[1] != width:
        found.append(f"page is {sizes[0]} px wide on a {width} px screen")
    if width < 600:
        found += page.evaluate(
            """[...document.querySelectorAll('.table-wrap, table')]
                .filter(e => e.scrollWidth > e.clientWidth + 1)
                .map(e => e.outerHTML.slice(0, 80))"""
        )
    return found


def test_the_report_fits_a_phone_and_passes_axe(app, tmp_path, make_user, make_unit,
                                                live_server, browser):  # fmt: skip
    course = import_course(write_course(tmp_path, "uji-laporan", title="Kursus Laporan"))
    owner = make_user(roles=["instructor"], email="pengajar@example.go.id")
    course.owners.append(owner)
    db.session.commit()
    unit = make_unit("Dinas A")
    sup = make_user(roles=["supervisor"], unit=unit)
    for n in range(6):
        learner = make_user(unit=unit, full_name=f"Peserta Panjang Namanya {n}")
        answer(course, learner, reaction(overall=1 + n % 5),
               texts={"improve": "Perlu lebih banyak contoh kasus " * 8})  # fmt: skip
        answer(course, learner, {"applied": 3, "frequency": 2}, level=3,
               texts={"example": "Menyusun laporan " * 10})  # fmt: skip
        answer(course, learner, {"applied": 2, "frequency": 1}, level=3, audience="supervisor",
               respondent=sup, texts={"example": "Terlihat " * 10})  # fmt: skip
    for width in (360, 1280):
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="id-ID")
        page = context.new_page()
        csp = []
        page.on("console", lambda m, csp=csp: "Content Security" in m.text and csp.append(m.text))
        sign_in(page, live_server, owner.email, PASSWORD)
        for path in ("/surveys/reports/uji-laporan", "/surveys/reports"):
            page.goto(live_server + path)
            page.wait_for_load_state("load")
            assert layout_problems(page, width) == [], (path, width)
            assert serious_accessibility_violations(page) == [], (path, width)
        page.goto(live_server + "/surveys/reports/uji-laporan")
        assert page.locator("svg.survey-bars").count() > 6
        assert page.get_by_text("Peserta dan atasan berdampingan").is_visible()
        assert csp == []
        context.close()

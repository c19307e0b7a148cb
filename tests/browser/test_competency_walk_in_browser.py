"""The competency pages walked as their users would, on the demo agency, at 360 px and 1366 px:
a learner self-assesses and builds a plan with the keyboard only (Tab, Space, Enter: every
control reached, the focus visible), a supervisor assesses and approves, an admin edits an
indicator. No page scrolls sideways, every page answers quickly."""

import re
import time

import pytest
from browser_steps import sign_in
from playwright.sync_api import expect

from elearn.demo import DEMO_PASSWORD, EMAIL_DOMAIN
from elearn.learn.services import current_year

SIZES = {"phone": {"width": 360, "height": 740}, "laptop": {"width": 1366, "height": 768}}

LEARNER_PAGES = ["/competencies/mine", "/competencies/plan", "/notifications"]
SUPERVISOR_PAGES = [
    "/competencies/team",
    "/competencies/units",
    "/competencies/plans",
    "/notifications",
]
ADMIN_PAGES = [
    "/admin/",
    "/competencies/dictionary",
    "/competencies/standards",
    "/competencies/standards/positions",
    "/competencies/import",
    "/competencies/units",
    "/competencies/plans",
    "/competencies/team",
    "/teach/import",
]


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output


def context_page(browser, size):
    context = browser.new_context(viewport=SIZES[size], locale="id-ID", is_mobile=size == "phone")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.csp_errors = []
    page.on(
        "console",
        lambda msg: page.csp_errors.append(msg.text) if "Content Security" in msg.text else None,
    )
    return context, page


def sideways(page):
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def focus_state(page):
    """(tag, accessible text, outline visible) of the focused element."""
    return page.evaluate(
        """() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const s = getComputedStyle(el);
        const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
            || (s.boxShadow && s.boxShadow !== 'none');
        const label = el.labels && el.labels[0] ? el.labels[0].innerText : '';
        return [el.tagName.toLowerCase() + (el.type ? ':' + el.type : ''),
                (el.getAttribute('aria-label') || label || el.innerText || el.value || '')
                    .trim().slice(0, 60),
                ring];
    }"""
    )


def tab_to(page, predicate, limit=300):
    """Press Tab until the focused element satisfies `predicate(state)`; the states passed."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = focus_state(page)
        seen.append(state)
        if state and predicate(state):
            return seen
    raise AssertionError(f"not reached by Tab: {seen[-12:]}")


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_every_competency_page_fits_and_answers_quickly(live_server, browser, demo, size):
    slow, wide = [], []
    for key, urls in (("agus", LEARNER_PAGES), ("hendra", SUPERVISOR_PAGES),
                      ("admin", ADMIN_PAGES)):  # fmt: skip
        context, page = context_page(browser, size)
        sign_in(page, live_server, f"{key}@{EMAIL_DOMAIN}", DEMO_PASSWORD)
        for url in urls:
            start = time.monotonic()
            response = page.goto(live_server + url)
            took = time.monotonic() - start
            assert response.status == 200, url
            if took > 1.5:
                slow.append((url, round(took, 2)))
            if sideways(page) > 0:
                wide.append((key, url, sideways(page)))
        assert page.csp_errors == []
        context.close()
    assert wide == []
    assert slow == []


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_a_learner_self_assesses_and_plans_with_the_keyboard_only(live_server, browser, demo, size):
    context, page = context_page(browser, size)
    sign_in(page, live_server, f"agus@{EMAIL_DOMAIN}", DEMO_PASSWORD)
    page.goto(f"{live_server}/competencies/mine")
    # From "My competencies" to the assessment form by keyboard.
    tab_to(page, lambda s: s[0] == "a" and re.search(r"[Nn]ilai", s[1]) is not None)
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "/competencies/assess/" in page.url
    # The first level radio: reached by Tab, chosen with the arrow keys (a radio group).
    seen = tab_to(page, lambda s: s[0] == "input:radio")
    unlabelled = [s for s in seen if s and s[0].startswith(("input", "select", "textarea"))
                  and not s[1]]  # fmt: skip
    assert unlabelled == []
    assert focus_state(page)[2], "the focused radio shows no focus ring"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    tab_to(page, lambda s: s[0] == "button:submit" and s[1].startswith("Simpan"))
    assert focus_state(page)[2], "the focused save button shows no focus ring"
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Penilaian telah disimpan.")).to_be_visible()

    # The plan: an activity typed, its JP, added with Enter.
    # This year's demo plan is approved already: next year's plan is made ahead.
    page.goto(f"{live_server}/competencies/plan")
    expect(page.get_by_text("Status: Disetujui")).to_be_visible()
    page.get_by_role("link", name=str(current_year() + 1)).click()
    page.wait_for_load_state("networkidle")
    for title, jp in (("Coaching dengan atasan", "4"), ("Magang di BKPSDM", "6")):
        tab_to(page, lambda s: s[0] == "input:text" and s[1] == "Kegiatan")
        page.keyboard.type(title)
        page.keyboard.press("Tab")
        assert focus_state(page)[1].startswith("JP rencana"), focus_state(page)
        page.keyboard.type(jp)
        tab_to(page, lambda s: s[0] == "button:submit" and s[1] == "Tambahkan kegiatan")
        assert focus_state(page)[2]
        page.keyboard.press("Enter")
        page.wait_for_load_state("networkidle")
        expect(page.get_by_text("Kegiatan telah ditambahkan ke rencana.")).to_be_visible()
        assert f"year={current_year() + 1}" in page.url
    # Moving the second item up, by keyboard: the button says which item it moves.
    tab_to(page, lambda s: s[0] == "button:submit" and s[1].startswith("Naik"))
    assert "Magang di BKPSDM" in focus_state(page)[1]
    assert focus_state(page)[2]
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Urutan telah diubah.")).to_be_visible()
    rows = page.locator("table.plan-items tbody tr")
    expect(rows.first).to_contain_text("Magang di BKPSDM")
    # Sent for approval with the keyboard.
    tab_to(page, lambda s: s[0] == "button:submit" and s[1] == "Kirim untuk disetujui")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Menunggu persetujuan").first).to_be_visible()
    assert sideways(page) <= 0
    assert page.csp_errors == []
    context.close()


def test_a_supervisor_assesses_and_approves_and_an_admin_edits_an_indicator(
    live_server, browser, demo
):
    context, page = context_page(browser, "laptop")
    sign_in(page, live_server, f"hendra@{EMAIL_DOMAIN}", DEMO_PASSWORD)
    page.goto(f"{live_server}/competencies/plans?status=submitted")
    bell = page.get_by_role("link", name=re.compile("^Notifikasi, [0-9]+ belum dibaca"))
    expect(bell).to_be_visible()  # the demo's plan (and activities) awaiting a decision
    unread = int(
        re.search(r"(\d+) belum", bell.get_attribute("aria-label") or bell.inner_text())[1]
    )
    page.locator("table a[href*='/competencies/plans/people/']").first.click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Setujui rencana").click()
    expect(page.get_by_text("Rencana telah disetujui.")).to_be_visible()
    # Decided: the request no longer waits unread in the bell.
    left = f"Notifikasi, {unread - 1} belum dibaca" if unread > 1 else "Notifikasi, tidak ada"
    expect(page.get_by_role("link", name=re.compile("^" + left))).to_be_visible()
    page.goto(f"{live_server}/competencies/team")
    page.locator("table a[href*='/competencies/assess/']").first.click()
    page.wait_for_load_state("networkidle")
    page.locator("label.level-choice", has_text="Level 3").first.click()
    page.get_by_role("button", name=re.compile("^Simpan")).first.click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Penilaian telah disimpan.")).to_be_visible()
    context.close()

    context, page = context_page(browser, "phone")
    sign_in(page, live_server, f"admin@{EMAIL_DOMAIN}", DEMO_PASSWORD)
    page.goto(f"{live_server}/competencies/dictionary")
    page.locator("table a[href*='/competencies/dictionary/']").first.click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("Level 3").fill("Menjadi teladan dalam menjaga integritas di unitnya.")
    page.get_by_role("button", name=re.compile("^Simpan")).click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Perubahan telah disimpan.")).to_be_visible()
    expect(page.get_by_label("Level 3")).to_have_value(
        "Menjadi teladan dalam menjaga integritas di unitnya."
    )
    assert sideways(page) <= 0
    context.close()

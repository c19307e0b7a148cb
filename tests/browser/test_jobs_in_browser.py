"""A large export in Chromium with a real worker process: the supervisor asks for the file, the
page shows its progress and, without a reload, the download link once the worker is done; the
bell says so too. The pages fit a 360 px phone, pass axe-core and raise no CSP error."""

import pytest
from browser_steps import new_phone, page_width, serious_accessibility_violations, sign_in
from conftest import PASSWORD
from playwright.sync_api import expect
from test_jobs import agency_with_completions
from test_jobs_worker import Worker, sqlite_queue

pytestmark = pytest.mark.browser


@pytest.fixture
def config_overrides(tmp_path):
    return sqlite_queue(tmp_path)


@pytest.fixture
def agency(app, make_unit, make_user, tmp_path):
    return agency_with_completions(make_unit, make_user, tmp_path)


def check(page):
    assert page_width(page) <= 360, page.url
    assert serious_accessibility_violations(page) == [], page.url
    assert page.csp_errors == []


def test_a_large_export_is_prepared_while_the_supervisor_waits_or_leaves(
    app, live_server, browser, agency
):
    worker = Worker(app)
    context, page = new_phone(browser)
    try:
        sign_in(page, live_server, agency.sup_a.email, PASSWORD)
        page.goto(f"{live_server}/team/export.xlsx")
        expect(page.get_by_role("heading", name="Berkas besar: disiapkan di latar belakang"))
        check(page)
        page.get_by_role("button", name="Siapkan berkas XLSX").click()
        # No worker yet: the page says the file waits its turn.
        expect(page.get_by_role("status")).to_contain_text("Menunggu giliran")
        check(page)
        worker.start()
        link = page.get_by_role("link", name="Unduh tim-")
        expect(link).to_be_visible(timeout=30_000)  # the page's script, no reload
        expect(page.get_by_role("status")).to_have_text("Siap.")
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename.endswith(".xlsx")
        check(page)
        page.goto(f"{live_server}/notifications")
        expect(page.get_by_text("siap diunduh")).to_be_visible()
        page.goto(f"{live_server}/jobs")
        expect(page.get_by_role("link", name="Unduh")).to_be_visible()
        check(page)
    finally:
        worker.stop()
        context.close()

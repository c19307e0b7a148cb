"""Shared steps of the browser tests."""

from axe_playwright_python.sync_playwright import Axe

_axe = Axe()


def sign_in(page, base_url, identifier, password):
    page.goto(f"{base_url}/login")
    page.get_by_label("NIP atau email").fill(identifier)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state("networkidle")


def sign_out(page):
    """Press "Keluar" and wait for the sign-in page: the page first empties its offline
    copies, so the sign-out request leaves a moment after the click."""
    page.locator("#site-nav").get_by_role("button", name="Keluar").click()
    page.wait_for_url("**/login")
    page.get_by_text("Anda telah keluar.").wait_for()


def new_phone(browser):
    """A fresh 360 px phone (its own cookies), collecting CSP errors in `page.csp_errors`;
    returns (context, page): close the context when done."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="id-ID"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.csp_errors = []
    page.on(
        "console",
        lambda m: page.csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return context, page


def page_width(page):
    """The page's full width once every stylesheet has arrived: measured earlier, a page
    laid out without its CSS looks wider than it is."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth")


def serious_accessibility_violations(page):
    """axe-core violations of impact serious or critical on the current page."""
    result = _axe.run(page)
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]

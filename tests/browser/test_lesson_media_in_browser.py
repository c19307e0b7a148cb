"""On a 360 px phone: a wide package image takes its final box before it loads (no layout
shift), is the scaled copy, and fits the screen; a video link is a card that leaves the app; a
link to another lesson's heading lands on it. In real Chromium, with axe-core and the CSP."""

import re

import pytest
from browser_steps import page_width, serious_accessibility_violations, sign_in
from conftest import PASSWORD
from playwright.sync_api import expect
from test_content_images import BIG_PNG
from test_content_package import MINIMAL, write_package

from elearn.content import import_package, load_package
from elearn.extensions import db

FIRST = """\
---
title: Peta Wilayah
---
Teks pembuka yang cukup panjang untuk mengisi layar sebelum gambar.

![Peta wilayah kerja](images/peta.png)

Setelah gambar: [cara mengirim surel](02-surel.md#mengirim-surel).

[Webinar SPBE](https://www.youtube.com/watch?v=dQw4w9WgXcQ)
"""
SECOND = "---\ntitle: Surel\n---\n" + "Paragraf pengisi.\n\n" * 40 + "## Mengirim Surel\n\nIsi.\n"


@pytest.fixture
def learner(app, make_user, tmp_path):
    files = dict(MINIMAL)
    files["01-modul/01-pelajaran.md"] = FIRST
    files["01-modul/02-surel.md"] = SECOND
    files["01-modul/03-kuis.md"] = files.pop("01-modul/02-kuis.md")
    files["01-modul/images/peta.png"] = BIG_PNG
    package, problems = load_package(write_package(tmp_path / "pkg", files))
    assert problems == [], problems
    import_package(package)
    db.session.commit()
    return make_user(full_name="Lina Marlina")


LAYOUT_SHIFT = """
() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 300);
})
"""


def test_a_wide_image_on_a_phone_does_not_move_the_page(live_server, phone, learner):
    sign_in(phone, live_server, learner.email, PASSWORD)
    phone.goto(f"{live_server}/courses/uji")
    phone.get_by_role("button", name="Daftar").click()
    phone.goto(f"{live_server}/learn/uji/modul/pelajaran")
    img = phone.get_by_role("img", name="Peta wilayah kerja")
    box = img.bounding_box()
    assert box["width"] <= 360
    assert abs(box["height"] - box["width"] * 853 / 1280) < 2  # its box, loaded or not
    img.scroll_into_view_if_needed()
    phone.wait_for_function(
        "() => [...document.images].every(i => i.complete && i.naturalWidth > 0)"
    )
    assert img.evaluate("i => i.naturalWidth") == 1280  # the scaled copy, not the 3000 px file
    assert abs(img.bounding_box()["height"] - box["height"]) < 1
    assert phone.evaluate(LAYOUT_SHIFT) < 0.01
    assert page_width(phone) <= 360
    original = phone.get_by_role("link", name=re.compile("^Unduh gambar asli \\(3000 \u00d7 2000"))
    assert original.get_attribute("href").endswith("/images/peta.png?original=1")


def test_video_card_and_lesson_anchor(live_server, page, learner):
    sign_in(page, live_server, learner.email, PASSWORD)
    page.goto(f"{live_server}/courses/uji")
    page.get_by_role("button", name="Daftar").click()
    page.goto(f"{live_server}/learn/uji/modul/pelajaran")
    card = page.get_by_role("link", name=re.compile("^Webinar SPBE"))
    expect(card).to_contain_text("membuka di luar aplikasi")
    assert card.get_attribute("href") == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert page.locator("iframe").count() == 0
    assert serious_accessibility_violations(page) == []

    page.get_by_role("link", name="cara mengirim surel").click()
    page.wait_for_url("**/learn/uji/modul/surel#u-mengirim-surel")
    heading = page.get_by_role("heading", name="Mengirim Surel")
    expect(heading).to_be_in_viewport()
    assert page.csp_errors == []

"""Regressions found in review: raw HTML keeps its backslashes, converted links stay inside the
source's folder, image sizes are read once at validation."""

import io

from PIL import Image

from elearn.content.convert import convert_folder
from elearn.content.package import load_package
from elearn.content.render import render_markdown
from elearn.content.zipsafe import zip_bytes


def test_raw_html_keeps_backslashes_and_never_leaks_control_characters():
    html = render_markdown(r'<span title="a\*b \\ c">x</span> \*y\* and <img src="\\host/a.png">')
    assert "\x02" not in html and "\x03" not in html
    assert 'title="a\\*b \\\\ c"' in html  # raw HTML as written (CommonMark)
    assert "*y*" in html  # Markdown escapes outside raw HTML still work
    # `\\host` is `//host` to a browser: another site, marked as one like every `//` URL.
    assert 'src="https://host/a.png"' in html


def test_converted_link_to_a_sibling_folder_of_the_zip_is_outside_not_missing():
    files = {
        "kursus/README.md": "# Kursus\n\nRingkasan kursus.\n",
        "kursus/01-satu.md": (
            "# Satu\n\nIsi pelajaran.\n\n![foto](../kursus-lain/foto.png)\n\n"
            "[berkas](../kursus-lain/a.pdf)\n"
        ),
    }
    result = convert_folder(zip_bytes(files))
    messages = [str(p) for p in result.problems]
    assert any("'../kursus-lain/foto.png' berada di luar folder" in m for m in messages), messages
    assert any("'../kursus-lain/a.pdf' menunjuk ke luar folder" in m for m in messages), messages
    lesson = next(v for k, v in result.files.items() if k.endswith("satu.md")).decode()
    assert "kursus-lain" not in lesson and "[berkas]" not in lesson and "berkas" in lesson


def _png(width, height):
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


def test_validation_hands_the_image_size_to_the_import(tmp_path):
    from tests.test_content_convert import make_curriculum

    draft = convert_folder(make_curriculum(tmp_path / "src"))
    path = next(p for p in draft.files if p.endswith(".png"))
    draft.files[path] = _png(30, 20)
    package, problems = load_package(io.BytesIO(zip_bytes(draft.files)))
    assert problems == []
    size = package.assets[path].dimensions
    assert (size.width, size.height) == (30, 20)

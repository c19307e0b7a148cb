"""An attacker's round over /teach/import's conversion of Markdown zips and Word files: paths out
of the folder, symbolic links, too many files, Word images linked from outside (a file of the
server, an address of the intranet) or far too large: a page with a clear message, nothing
created, nothing read from outside. Markup in names is shown as text."""

import io
import re
import stat
import zipfile

import pytest
from test_authoring_import_convert import URL, counts, upload
from test_content_convert import docx_bytes, png_bytes

from elearn.content.zipsafe import zip_bytes
from elearn.extensions import db
from elearn.models import DraftFile

XSS = '</title><script>alert(1)</script>"><svg onload=alert(2)>'


@pytest.fixture
def teacher(client, login_as, make_user):
    return login_as(make_user(roles=["instructor"], full_name="Dr. Ratna Sari"))


def raw_zip(entries):
    """A zip written entry by entry (names as given, even unsafe ones)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return buf.getvalue()


LESSON = ("materi/README.md", "# Materi\n\nPengantar.\n")


def symlink_entry(name, target):
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target


def error_text(response):
    html = response.get_data(as_text=True)
    assert 'class="error"' in html, html[-3000:]
    found = re.findall(r'class="error"[^>]*>(.*?)<', html, re.S)
    return " ".join(found) or html


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([LESSON, ("../../etc/cron.d/jahat.md", "# Jahat\n")], "tidak aman"),
        ([LESSON, ("/etc/jahat.md", "# Jahat\n")], "tidak aman"),
        ([LESSON, ("materi\\..\\..\\jahat.md", "# Jahat\n")], "tidak aman"),
        ([LESSON, ("C:/Windows/jahat.md", "# Jahat\n")], "tidak aman"),
        ([LESSON, symlink_entry("materi/sandi.md", "/etc/passwd")], "simbolik"),
        ([LESSON, symlink_entry("materi/img/x.png", "../../../../etc/shadow")], "simbolik"),
    ],
)
def test_unsafe_markdown_zips_create_nothing(client, teacher, entries, message):
    before = counts()
    response = upload(client, raw_zip(entries), "materi.zip")
    assert response.status_code == 200
    assert message in error_text(response)
    assert counts() == before


def test_too_many_files_in_a_markdown_zip(app, client, teacher):
    app.config["CONTENT_MAX_FILES"] = 20
    entries = [LESSON] + [(f"materi/b{i}.md", f"# B{i}\n\nIsi.\n") for i in range(40)]
    before = counts()
    response = upload(client, raw_zip(entries), "banyak.zip")
    assert response.status_code == 200
    assert "lebih dari 20 berkas" in error_text(response)
    assert counts() == before


def _docx_with(rewrite):
    """docx_bytes() (which embeds one picture) with its parts passed through `rewrite`."""
    src = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = rewrite(info.filename, src.read(info.filename))
            if data is not None:
                out.writestr(info.filename, data)
    return buf.getvalue()


def linked_image_docx(target):
    """A Word file whose picture is linked (r:link, TargetMode External) to `target`."""

    def rewrite(name, data):
        if name == "word/_rels/document.xml.rels":
            text = data.decode()
            text = re.sub(
                r'(<Relationship [^>]*Type="[^"]*/image"[^>]*?)Target="[^"]*"',
                lambda m: f'{m.group(1)}Target="{target}" TargetMode="External"',
                text,
            )
            return text.encode()
        if name == "word/document.xml":
            return data.replace(b"r:embed=", b"r:link=")
        if name.startswith("word/media/"):
            return None
        return data

    return _docx_with(rewrite)


@pytest.mark.parametrize(
    "target",
    [
        "file:///etc/passwd#gambar.png",
        "file:///etc/hostname",
        "http://169.254.169.254/latest/meta-data/gambar.png",
        "../../../../etc/passwd.png",
    ],
)
def test_a_word_picture_linked_from_outside_is_never_fetched(client, teacher, target):
    before = counts()
    response = upload(client, linked_image_docx(target), "pelayanan.docx")
    assert response.status_code in (200, 302)
    stored = db.session.query(DraftFile).all()
    for f in stored:
        assert "root:" not in (f.text or "")
        assert not f.path.endswith((".png", ".jpg", ".jpeg", ".gif"))  # nothing came in
    if response.status_code == 200:  # refused: the message says why, in words a teacher reads
        message = error_text(response)
        assert "gambar" in message.lower(), message
        assert "Error" not in message  # not a Python exception's name
        assert counts() == before
    else:  # converted without the picture, and the report says it was left out
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "gambar" in page.lower()  # the report names the picture left out
        lessons = [f.text or "" for f in stored if f.path.endswith(".md")]
        assert not [t for t in lessons if "![]()" in t]  # no empty picture left behind


def test_a_huge_embedded_picture_is_refused_with_a_message(app, client, teacher):
    app.config["CONTENT_MAX_FILE_BYTES"] = 100 * 1024
    big = png_bytes() + b"\0" * 10 + bytes(range(256)) * 2000  # ~500 KB, not compressible away

    def rewrite(name, data):
        return big if name.startswith("word/media/") else data

    before = counts()
    response = upload(client, _docx_with(rewrite), "besar.docx")
    assert response.status_code == 200
    assert "terlalu besar" in error_text(response)
    assert counts() == before


def pixel_bomb_png(width=60000, height=60000):
    """A PNG whose header claims 3.6 billion pixels (a few hundred bytes on disk)."""
    import struct
    import zlib

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + chunk(b"IEND", b"")
    )


def test_a_pixel_bomb_picture_never_breaks_the_import(client, teacher):
    def rewrite(name, data):
        return pixel_bomb_png() if name.startswith("word/media/") else data

    response = upload(client, _docx_with(rewrite), "bom.docx")
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        page = client.get(response.headers["Location"])
        assert page.status_code == 200


def test_markup_in_names_and_titles_is_shown_as_text(client, teacher):
    data = zip_bytes(
        {
            "README.md": f"# Kursus {XSS}\n\nRingkasan {XSS}.\n",
            "01-bab/README.md": f"# Bab {XSS}\n\nIsi bab.\n",
            "01-bab/pelajaran.md": f"# Pelajaran {XSS}\n\nIsi.\n",
        },
        top_folder="kursus-uji",
    )
    response = upload(client, data, f"{XSS}.zip")
    assert response.status_code == 302
    for url in (response.headers["Location"], URL):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<svg onload" not in html, url

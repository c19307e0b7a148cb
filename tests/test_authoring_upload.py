"""Images and attachments uploaded into a draft: type sniffed from the bytes, web pages and SVG
refused, drafts served only to the course's editors (images inline, the rest as downloads),
and the media route serving them to learners only once published."""

import io
import zipfile

import pytest
from conftest import csrf_token, login
from sqlalchemy import select
from test_authoring import SLUG, add_lesson, add_module, create_course, post, publish

from elearn.authoring import uploads
from elearn.extensions import db
from elearn.models import DraftFile

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def docx():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


@pytest.fixture
def draft_course(client, make_user):
    owner = make_user(roles=["instructor"])
    login(client, owner.email)
    create_course(client)
    add_module(client)
    return owner


def upload(client, name, data, folder="01-nilai-dasar", next_url=None):
    fields = {"file": (io.BytesIO(data), name), "folder": folder}
    if next_url:
        fields["next"] = next_url
    return post(client, f"/teach/{SLUG}/files", fields, content_type="multipart/form-data")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("serangan.svg", SVG, "SVG"),
        ("halaman.html", HTML, "HTML"),
        ("skrip.js", b"alert(1)", "skrip"),
        ("program.exe", b"MZ\x90\x00", "program"),
        ("foto.png", HTML, "bukan berkas .png"),
        ("catatan.txt", HTML, "bukan berkas .txt"),
        ("laporan.docx", b"PK\x03\x04 not really", "bukan berkas .docx"),
        ("arsip.zip", docx(), "tidak diterima"),
    ],
)
def test_dangerous_or_disguised_files_are_refused(client, draft_course, name, data, message):
    response = upload(client, name, data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(DraftFile).where(DraftFile.sha256.is_not(None))) is None


def test_images_inline_attachments_as_downloads_for_editors_only(
    app, client, draft_course, make_user
):
    response = upload(client, "Alur Layanan.PNG", PNG)
    assert response.status_code == 302
    response = upload(client, "panduan.docx", docx())
    assert response.status_code == 302
    paths = set(db.session.scalars(select(DraftFile.path).where(DraftFile.sha256.is_not(None))))
    assert paths == {"01-nilai-dasar/images/alur_layanan.png", "01-nilai-dasar/files/panduan.docx"}

    image = client.get(f"/teach/{SLUG}/draft/files/01-nilai-dasar/images/alur_layanan.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in image.headers.get("Content-Disposition", "")
    doc = client.get(f"/teach/{SLUG}/draft/files/01-nilai-dasar/files/panduan.docx")
    assert doc.headers["Content-Disposition"].startswith("attachment")
    assert doc.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in doc.headers["Content-Security-Policy"]

    # The lesson links the image; after publishing, learners get it from the media route.
    add_lesson(client, "nilai-dasar", "Alur", "![Alur](images/alur_layanan.png)")
    preview = client.get(f"/teach/{SLUG}/lessons/nilai-dasar/alur").get_data(as_text=True)
    assert "alur_layanan.png" in preview
    assert publish(client).status_code == 302

    learner = make_user()
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, learner.email)
    assert (
        client.get(f"/teach/{SLUG}/draft/files/01-nilai-dasar/images/alur_layanan.png").status_code
        == 403
    )
    media = client.get(f"/media/{SLUG}/v1/01-nilai-dasar/images/alur_layanan.png")
    assert media.status_code == 200 and media.data == PNG


def test_an_upload_from_a_lesson_page_returns_there_with_the_link(client, draft_course):
    lesson_url = add_lesson(client, "nilai-dasar", "Alur", "Teks.")
    response = upload(client, "bagan.png", PNG, next_url=lesson_url)
    assert response.status_code == 302 and response.headers["Location"] == lesson_url
    page = client.get(lesson_url).get_data(as_text=True)
    assert "![bagan](images/bagan.png)" in page
    # A refused file also goes back, with the reason.
    response = upload(client, "x.svg", SVG, next_url=lesson_url)
    assert response.headers["Location"] == lesson_url
    assert "SVG" in client.get(lesson_url).get_data(as_text=True)
    # Only same-course addresses are followed.
    response = upload(client, "c.png", PNG, next_url="https://evil.example/")
    assert response.headers["Location"].endswith(f"/teach/{SLUG}/files")


def test_upload_size_is_limited(app, client, draft_course):
    app.config["CONTENT_MAX_FILE_BYTES"] = 100
    response = upload(client, "besar.png", PNG + b"\0" * 200)
    assert "terlalu besar" in response.get_data(as_text=True)


def test_clean_names():
    assert uploads.clean_name("../../etc/Pass wd.PNG") == "etc_pass_wd.png"
    assert uploads.clean_name(".htaccess") == "htaccess"
    assert uploads.markdown_snippet("01-a/files/x.pdf", "01-a") == "[x.pdf](files/x.pdf)"
    assert uploads.markdown_snippet("images/x.png", "01-a") == "![x](../images/x.png)"


def test_only_the_course_folders_take_uploads(client, draft_course):
    for folder in ("../../etc", "/abs", "bukan-modul"):
        response = upload(client, "a.png", PNG, folder=folder)
        assert response.status_code == 200, folder
    assert db.session.scalar(select(DraftFile).where(DraftFile.sha256.is_not(None))) is None
    assert upload(client, "a.png", PNG, folder="").status_code == 302
    assert db.session.scalar(select(DraftFile.path).where(DraftFile.sha256.is_not(None))) == (
        "images/a.png"
    )

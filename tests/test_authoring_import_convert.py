"""/teach/import: a package, a .zip of plain Markdown or a Word file; converted material
becomes a draft course; warnings are listed; bad or oversized uploads create nothing."""

import io
import zipfile

import pytest
from conftest import csrf_token
from factories_course import course_files
from sqlalchemy import func, select
from test_content_convert import docx_bytes, png_bytes

from elearn.content.zipsafe import zip_bytes
from elearn.extensions import db
from elearn.models import (
    AssetBlob,
    AuditLog,
    Course,
    CourseDraft,
    CourseVersion,
    DraftFile,
)

URL = "/teach/import"


@pytest.fixture
def instructor(make_user):
    return make_user(roles=["instructor"], full_name="Dr. Ratna Sari")


@pytest.fixture
def teacher(client, login_as, instructor):
    return login_as(instructor)


def upload(client, data, name, action="import", token_url=URL):
    return client.post(
        URL,
        data={
            "csrf_token": csrf_token(client, token_url),
            "file": (io.BytesIO(data), name),
            "action": action,
        },
        content_type="multipart/form-data",
    )


def counts():
    """Rows an import could write: courses, versions, drafts, draft files, blobs, audit."""
    return [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Course, CourseVersion, CourseDraft, DraftFile, AssetBlob, AuditLog)
    ]


def markdown_zip():
    """Two folders (README + lessons), an image, links between lessons, one link outside."""
    return zip_bytes(
        {
            "README.md": "# Arsip Digital\n\nMengelola arsip dinamis secara elektronik.\n",
            "01-dasar/README.md": (
                "# Dasar Kearsipan\n\nArsip adalah rekaman kegiatan.\n\n"
                "Lanjut ke [penyimpanan](../02-simpan/README.md).\n"
            ),
            "01-dasar/jenis.md": (
                "# Jenis Arsip\n\nArsip dinamis dan statis.\n\n![Bagan jenis](img/bagan.png)\n\n"
                "Lihat [pedoman](../../pedoman-luar.md).\n"
            ),
            "01-dasar/img/bagan.png": png_bytes(),
            "02-simpan/README.md": (
                "# Penyimpanan\n\nSimpan arsip di sistem.\n\n"
                "Kembali ke [jenis arsip](../01-dasar/jenis.md).\n"
            ),
            "02-simpan/server.md": "# Server Arsip\n\nServer arsip di pusat data.\n",
        },
        top_folder="arsip-digital",
    )


def draft_texts(course):
    draft = db.session.scalar(select(CourseDraft).where(CourseDraft.course_id == course.id))
    files = db.session.scalars(select(DraftFile).where(DraftFile.draft_id == draft.id))
    return {f.path: f.text for f in files}


# Converted material ------------------------------------------------------------------------------
def test_markdown_zip_becomes_a_draft_course_of_the_uploader(client, teacher, instructor):
    data = markdown_zip()
    before = counts()
    checked = upload(client, data, "arsip.zip", action="check")
    assert checked.status_code == 200
    html = checked.get_data(as_text=True)
    assert "Folder Markdown untuk dikonversi:" in html
    assert "2 modul, 4 pelajaran, 1 berkas" in html
    assert "pedoman-luar.md" in html  # the report: a link outside the folder
    assert counts() == before  # checking writes nothing

    response = upload(client, data, "arsip.zip")
    assert response.status_code == 302
    course = db.session.scalar(select(Course).where(Course.slug == "arsip-digital"))
    assert response.headers["Location"].endswith("/teach/arsip-digital/")
    assert [o.id for o in course.owners] == [instructor.id]
    assert course.current_version is None  # a draft, not published
    texts = draft_texts(course)
    assert sorted(texts) == [
        "01-dasar/01-dasar.md",
        "01-dasar/02-jenis.md",
        "01-dasar/img/bagan.png",
        "01-dasar/module.yml",
        "02-simpan/01-simpan.md",
        "02-simpan/02-server.md",
        "02-simpan/module.yml",
        "course.yml",
    ]
    assert texts["01-dasar/img/bagan.png"] is None  # stored as a blob
    assert "[penyimpanan](../02-simpan/01-simpan.md)" in texts["01-dasar/01-dasar.md"]
    assert "[jenis arsip](../01-dasar/02-jenis.md)" in texts["02-simpan/01-simpan.md"]
    assert "![Bagan jenis](img/bagan.png)" in texts["01-dasar/02-jenis.md"]

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Dasar Kearsipan" in page and "Server Arsip" in page
    assert "01-dasar/jenis.md: peringatan: tautan &#39;../../pedoman-luar.md&#39;" in page


def test_a_taken_slug_gets_a_free_one(client, teacher):
    assert upload(client, markdown_zip(), "arsip.zip").status_code == 302
    response = upload(client, markdown_zip(), "arsip.zip")
    assert response.headers["Location"].endswith("/teach/arsip-digital-2/")
    course = db.session.scalar(select(Course).where(Course.slug == "arsip-digital-2"))
    assert "slug: arsip-digital-2\n" in draft_texts(course)["course.yml"]


def test_word_document_becomes_a_draft_whatever_its_name(client, teacher):
    # Sniffed by content: a .docx sent with a .zip name is still a Word document.
    response = upload(client, docx_bytes(), "pelayanan.zip")
    assert response.status_code == 302
    course = db.session.scalar(select(Course).where(Course.slug == "pelayanan-prima"))
    texts = draft_texts(course)
    assert "01-pelayanan-prima/01-menyambut-warga.md" in texts
    assert "**ramah**" in texts["01-pelayanan-prima/01-menyambut-warga.md"]
    assert "01-pelayanan-prima/images/gambar-1.png" in texts
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Menyambut Warga" in page and "Mengelola Antrean" in page


# Packages ----------------------------------------------------------------------------------------
def package_zip(slug="etika-web", **kwargs):
    files = course_files(slug, **kwargs)
    return zip_bytes({p: t.encode() for p, t in files.items()}, top_folder=slug)


def test_package_still_imports_and_shows_its_warnings(client, teacher):
    data = package_zip(body="Isi {key}. ![Logo](https://example.org/logo.png)")
    checked = upload(client, data, "paket.zip", action="check")
    html = checked.get_data(as_text=True)
    assert "Paket sah:" in html and "2 peringatan" in html  # one external image per lesson
    assert "01-modul/01-pelajaran-1.md" in html and "example.org/logo.png" in html
    assert db.session.scalar(select(func.count()).select_from(Course)) == 0

    response = upload(client, data, "paket.zip")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/teach/etika-web/versions")
    course = db.session.scalar(select(Course).where(Course.slug == "etika-web"))
    assert course.current_version.number == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "01-modul/01-pelajaran-1.md:" in page and "example.org/logo.png" in page


# Bad input: a message, nothing written -----------------------------------------------------------
def zip_bomb():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("materi/README.md", "# Bom\n\nIsi.\n")
        zf.writestr("materi/besar.md", b"0" * (5 * 1024 * 1024))
    return buf.getvalue()


def corrupt_zip():
    data = bytearray(markdown_zip())
    return bytes(data[: len(data) // 2])


def broken_docx():
    # A zip that looks like a Word file but whose document part is not XML.
    return zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"bukan xml"})


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"bukan zip sama sekali", "materi.zip", "bukan .zip"),
        (corrupt_zip(), "arsip.zip", "rusak"),
        (zip_bomb(), "bom.zip", "rasio"),
        (zip_bytes({"materi/gambar.png": png_bytes()}), "kosong.zip", "tidak berisi berkas"),
        (broken_docx(), "rusak.docx", "bukan dokumen Word"),
        (b"", "kosong.docx", "berkas yang diunggah kosong"),
    ],
)
def test_bad_input_gives_a_message_and_creates_nothing(client, teacher, data, name, message):
    before = counts()
    response = upload(client, data, name)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="error"' in html
    assert message in html
    assert counts() == before


def test_oversize_upload_is_refused_while_read(app, client, teacher):
    app.config.update(IMPORT_MAX_BYTES=200 * 1024, MAX_CONTENT_LENGTH=1024 * 1024)
    before = counts()
    big = markdown_zip() + b"\0" * (300 * 1024)  # past IMPORT_MAX_BYTES only
    response = upload(client, big, "besar.zip")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="error"' in html and "200 KB" in html
    assert counts() == before

    huge = b"PK\x03\x04" + b"\0" * (1100 * 1024)  # past MAX_CONTENT_LENGTH: a page, not a bare 413
    response = upload(client, huge, "sangat-besar.zip")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert 'class="error"' in html and "200 KB" in html
    assert 'enctype="multipart/form-data"' in html  # the import form, to try again
    assert counts() == before


# Access ------------------------------------------------------------------------------------------
def test_only_instructors_and_admins_import(client, login_as, make_user):
    data = markdown_zip()
    assert client.get(URL).status_code == 302  # to the sign-in page
    login_as(make_user(roles=["learner"]))
    assert client.get(URL).status_code == 403
    assert upload(client, data, "a.zip", token_url="/").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Course)) == 0


def test_an_admin_imports_too(client, login_as, make_user):
    login_as(make_user(roles=["admin"]))
    assert upload(client, markdown_zip(), "a.zip").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Course)) == 1

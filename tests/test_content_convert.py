"""`flask content convert`: plain Markdown folders and Word files become package drafts."""

import io

import pytest
from PIL import Image
from sqlalchemy import select

from elearn.content.convert import ConvertError, convert_docx, convert_folder, load_files
from elearn.content.package import load_package
from elearn.extensions import db
from elearn.models import Course, Lesson


def png_bytes(color=(200, 30, 30), size=(8, 6)):
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def make_curriculum(root):
    """The layout of a public curriculum: one README.md per numbered folder."""
    files = {
        "README.md": (
            "# Web untuk Pemula\n\nDasar-dasar membuat halaman web untuk pelayanan publik.\n\n"
            "Mulai dari [pengenalan](01-intro/README.md).\n"
        ),
        "LICENSE.md": "MIT\n",
        "01-intro/README.md": (
            "# Pengenalan Web\n\nWeb terdiri atas halaman.\n\n"
            "Lanjut ke [HTML](../02-html/README.md#tag-dasar) dan "
            "[catatan lama](../catatan-hilang.md).\n\n"
            "Lihat juga [panduan](../../di-luar.md).\n"
        ),
        "02-html/README.md": (
            "HTML\n====\n\nHTML menyusun isi halaman.\n\n![Diagram tag](images/tag.png)\n\n"
            "## Tag dasar\n\n1. Buat berkas:\n\n   ```html\n   <p>[bukan](tautan.md)</p>\n"
            "   ```\n\n2. Buka di peramban.\n\n![Hilang](images/tidak-ada.png)\n\n"
            "Kembali ke [pengenalan](../01-intro/).\n"
        ),
        "02-html/images/tag.png": png_bytes(),
        "02-html/images/tak-dipakai.png": png_bytes((0, 0, 255)),
        "02-html/latihan.md": "# Latihan HTML\n\nBuat satu halaman profil unit kerja.\n",
    }
    for path, data in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data if isinstance(data, bytes) else data.encode())
    return root


def docx_bytes():
    from docx import Document
    from docx.shared import Inches

    doc = Document()
    doc.add_heading("Pelayanan Prima", level=0)  # the Title style
    doc.add_paragraph("Kursus singkat tentang pelayanan prima di loket.")
    doc.add_heading("Menyambut Warga", level=1)
    p = doc.add_paragraph("Sapa warga dengan ")
    p.add_run("ramah").bold = True
    p.add_run(" dan ")
    p.add_run("jelas").italic = True
    p.add_run(".")
    doc.add_paragraph("Senyum", style="List Bullet")
    doc.add_paragraph("Tatap mata", style="List Bullet")
    doc.add_picture(io.BytesIO(png_bytes()), width=Inches(1))
    doc.add_heading("Mengelola Antrean", level=1)
    doc.add_paragraph("Urutan layanan:")
    table = doc.add_table(rows=3, cols=2)
    for r, row in enumerate([("Layanan", "Waktu"), ("KTP", "15 menit"), ("KK", "20 menit")]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def read_tree(root):
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# A Markdown folder -----------------------------------------------------------------------------
def test_folder_becomes_a_valid_package(app, tmp_path):
    result = convert_folder(make_curriculum(tmp_path / "web-pemula"))
    files = result.files
    assert sorted(files) == [
        "01-intro/01-intro.md",
        "01-intro/module.yml",
        "02-html/01-html.md",
        "02-html/02-latihan.md",
        "02-html/images/tag.png",
        "02-html/module.yml",
        "course.yml",
    ]
    intro = files["01-intro/01-intro.md"].decode()
    assert intro.startswith("---\ntitle: Pengenalan Web\n")
    assert "# Pengenalan Web" not in intro  # the title is not doubled in the body
    assert "[HTML](../02-html/01-html.md#tag-dasar)" in intro
    assert "catatan lama" in intro and "catatan-hilang" not in intro
    html = files["02-html/01-html.md"].decode()
    assert "title: HTML\n" in html and "====" not in html
    assert "![Diagram tag](images/tag.png)" in html
    assert "   <p>[bukan](tautan.md)</p>" in html  # code in a list is left alone
    assert "[pengenalan](../01-intro/01-intro.md)" in html
    assert "tidak-ada.png" not in html
    course = files["course.yml"].decode()
    assert "title: Web untuk Pemula" in course
    assert "summary: Dasar-dasar membuat halaman web untuk pelayanan publik." in course
    assert "GANTI" in course and "jp: 1" in course

    report = [str(p) for p in result.problems]
    assert "01-intro/README.md: peringatan: tautan '../catatan-hilang.md': berkas tidak " in (
        " ".join(report)
    )
    assert any("'../../di-luar.md' menunjuk ke luar folder" in line for line in report)
    assert any(line.startswith("02-html/README.md") and "tidak-ada.png" in line for line in report)
    assert any(line.startswith("LICENSE.md:") for line in report)
    assert any(line.startswith("02-html/images/tak-dipakai.png:") for line in report)

    package, problems = load_package(io.BytesIO(_zip(files)))
    assert problems == []
    assert [m.title for m in package.modules] == ["Pengenalan Web", "HTML"]
    assert [lesson.title for lesson in package.lessons] == [
        "Pengenalan Web",
        "HTML",
        "Latihan HTML",
    ]


def _zip(files):
    from elearn.content.zipsafe import zip_bytes

    return zip_bytes(files)


def test_cli_convert_then_import(runner, tmp_path):
    source = make_curriculum(tmp_path / "web-pemula")
    out = tmp_path / "draf"
    result = runner.invoke(args=["content", "convert", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Draf paket ditulis ke {out}: 2 modul, 3 pelajaran, 1 berkas" in result.stdout
    assert f"{source}/01-intro/README.md: peringatan: tautan '../catatan-hilang.md'" in (
        result.stdout
    )
    assert f"{out}/course.yml: peringatan: isi 'jp' dan 'competencies'" in result.stdout
    assert "flask content validate" in result.stdout
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left

    imported = runner.invoke(args=["content", "import", str(out)])
    assert imported.exit_code == 0, imported.output
    course = db.session.scalar(select(Course).where(Course.slug == "web-pemula"))
    assert course is not None
    bodies = db.session.scalars(select(Lesson.body_html)).all()
    assert any("<img" in body and "Diagram tag" in body for body in bodies)


def test_cli_refuses_a_non_empty_out(runner, tmp_path):
    source = make_curriculum(tmp_path / "web")
    out = tmp_path / "ada"
    out.mkdir()
    (out / "catatan.txt").write_text("milik saya")
    result = runner.invoke(args=["content", "convert", str(source), "--out", str(out)])
    assert result.exit_code == 1
    assert "sudah ada dan tidak kosong" in result.output
    assert read_tree(out) == {"catatan.txt": b"milik saya"}


def test_flat_lessons_folder_in_order(app, tmp_path):
    root = tmp_path / "kursus"
    (root / "lessons").mkdir(parents=True)
    (root / "lessons" / "10-penutup.md").write_text("# Penutup\n\nSelesai.\n")
    (root / "lessons" / "2-isi.md").write_text("# Isi\n\nIsi [awal](1-awal.md).\n")
    (root / "lessons" / "1-awal.md").write_text("Tanpa judul, hanya teks.\n")
    result = convert_folder(root)
    lessons = [p for p in result.files if p.endswith(".md")]
    assert lessons == ["01-lessons/01-awal.md", "01-lessons/02-isi.md", "01-lessons/03-penutup.md"]
    assert "title: Awal\n" in result.files["01-lessons/01-awal.md"].decode()
    assert "[awal](01-awal.md)" in result.files["01-lessons/02-isi.md"].decode()
    _package, problems = load_package(io.BytesIO(_zip(result.files)))
    assert problems == []


def test_empty_folder_is_refused_and_nothing_written(runner, tmp_path):
    empty = tmp_path / "kosong"
    empty.mkdir()
    (empty / "gambar.png").write_bytes(png_bytes())
    with pytest.raises(ConvertError, match="tidak berisi berkas Markdown"):
        convert_folder(empty)
    out = tmp_path / "draf"
    result = runner.invoke(args=["content", "convert", str(empty), "--out", str(out)])
    assert result.exit_code == 1
    assert "tidak berisi berkas Markdown (.md)" in result.output
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kosong"]


# A Word document -------------------------------------------------------------------------------
def test_docx_becomes_two_lessons_keeping_its_formatting(app):
    result = convert_docx(docx_bytes(), name="pelayanan.docx")
    files = result.files
    lessons = sorted(p for p in files if p.endswith(".md"))
    assert lessons == ["01-pelayanan-prima/01-menyambut-warga.md",
                       "01-pelayanan-prima/02-mengelola-antrean.md"]  # fmt: skip
    first = files[lessons[0]].decode()
    assert "title: Menyambut Warga" in first
    assert "**ramah**" in first and "*jelas*" in first
    assert "- Senyum\n- Tatap mata" in first
    assert "](images/gambar-1.png)" in first
    assert files["01-pelayanan-prima/images/gambar-1.png"].startswith(b"\x89PNG")
    second = files[lessons[1]].decode()
    assert "| Layanan | Waktu |" in second and "| KTP | 15 menit |" in second
    course = files["course.yml"].decode()
    assert "title: Pelayanan Prima" in course
    assert "summary: Kursus singkat tentang pelayanan prima di loket." in course
    package, problems = load_package(io.BytesIO(_zip(files)))
    assert problems == []
    assert [lesson.title for lesson in package.lessons] == ["Menyambut Warga", "Mengelola Antrean"]


def test_docx_heading_2_splits_lessons_inside_heading_1_modules(app):
    from docx import Document

    doc = Document()
    for module in ("Modul Satu", "Modul Dua"):
        doc.add_heading(module, level=1)
        for lesson in ("Bagian A", "Bagian B"):
            doc.add_heading(f"{lesson} {module}", level=2)
            doc.add_heading("Rincian", level=3)
            doc.add_paragraph("Isi pelajaran.")
    buf = io.BytesIO()
    doc.save(buf)
    result = convert_docx(buf.getvalue(), name="materi.docx")
    assert sorted(p for p in result.files if p.endswith("module.yml")) == [
        "01-modul-satu/module.yml",
        "02-modul-dua/module.yml",
    ]
    lesson = result.files["02-modul-dua/02-bagian-b-modul-dua.md"].decode()
    assert "## Rincian" in lesson
    _package, problems = load_package(io.BytesIO(_zip(result.files)))
    assert problems == []


def test_cli_convert_docx_and_bad_docx(runner, tmp_path):
    good = tmp_path / "pelayanan.docx"
    good.write_bytes(docx_bytes())
    result = runner.invoke(args=["content", "convert", str(good)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "pelayanan-paket" / "course.yml").is_file()

    fake = tmp_path / "palsu.docx"
    fake.write_bytes(b"ini bukan dokumen Word")
    result = runner.invoke(args=["content", "convert", str(fake), "--out", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert "bukan dokumen Word .docx yang dapat dibaca" in result.output
    assert not (tmp_path / "x").exists()
    with pytest.raises(ConvertError, match="bukan dokumen Word"):
        convert_docx(_zip({"a.txt": b"zip, tapi bukan Word"}))


# Uploaded bytes: judged by their content -------------------------------------------------------
def test_sniff_tells_a_package_a_markdown_zip_and_a_word_file_apart(app):
    from elearn.content.convert import DOCX, FOLDER, PACKAGE, sniff
    from elearn.content.zipsafe import zip_bytes

    package = {"course.yml": b"slug: x\n", "01-a/module.yml": b"title: A\n"}
    assert sniff(zip_bytes(package)) == PACKAGE
    assert sniff(zip_bytes({**package, "__MACOSX/._x": b""}, top_folder="paket")) == PACKAGE
    assert sniff(zip_bytes({"materi/README.md": b"# A\n"})) == FOLDER
    assert sniff(docx_bytes()) == DOCX
    with pytest.raises(ConvertError, match=r"bukan \.zip"):
        sniff(b"%PDF-1.7 bukan zip")
    with pytest.raises(ConvertError, match="rusak"):
        sniff(b"PK\x03\x04" + b"\0" * 40)


def test_docx_parts_pass_the_zip_limits(app):
    from elearn.content.convert import convert_upload
    from elearn.content.zipsafe import Limits

    data = docx_bytes()
    with pytest.raises(ConvertError, match="terlalu besar"):
        convert_upload(data, name="a.docx", limits=Limits(max_file_bytes=2000))
    with pytest.raises(ConvertError, match="lebih dari 3 berkas"):
        convert_upload(data, name="a.docx", limits=Limits(max_files=3))
    assert convert_upload(data, name="a.docx").counts["lessons"] == 2


def test_a_translation_inside_a_checkout_takes_its_pictures_from_the_repository(app, tmp_path):
    """Translated curricula keep their images at the top of the repository (translations/id/x/
    README.md shows ../../../images/y.png, or /images/y.png as GitHub reads it)."""
    repo = tmp_path / "kurikulum"
    (repo / ".git").mkdir(parents=True)
    (repo / "images").mkdir()
    (repo / "images" / "alur.png").write_bytes(png_bytes())
    (repo / "images" / "logo.png").write_bytes(png_bytes((0, 90, 0)))
    (repo / "RAHASIA.md").write_text("# Rahasia\n\ntidak untuk kursus\n", encoding="utf-8")
    (repo / "settings.py").write_text("SECRET_KEY = 'x'\n", encoding="utf-8")
    lesson = repo / "translations" / "id" / "01-mulai" / "README.md"
    lesson.parent.mkdir(parents=True)
    lesson.write_text(
        "# Mulai\n\n![Alur kerja](../../../images/alur.png)\n\n![Logo](/images/logo.png)\n\n"
        "Baca [catatan](../../../RAHASIA.md), [kode](/settings.py) dan "
        "![jauh](../../../../di-luar.png)\n",
        encoding="utf-8",
    )
    (lesson.parent.parent / "02-lanjut").mkdir()
    (lesson.parent.parent / "02-lanjut" / "README.md").write_text("# Lanjut\n\nIsi.\n")
    (tmp_path / "di-luar.png").write_bytes(png_bytes((9, 9, 9)))  # outside the checkout

    result = convert_folder(repo / "translations" / "id")

    assert result.files["01-mulai/images/alur.png"] == png_bytes()
    assert result.files["01-mulai/images/logo.png"] == png_bytes((0, 90, 0))
    body = result.files["01-mulai/01-mulai.md"].decode()
    assert "![Alur kerja](images/alur.png)" in body and "![Logo](images/logo.png)" in body
    # Pictures only (no lesson, no code or settings), and nothing beyond the checkout.
    assert "Baca catatan, kode dan" in body and "di-luar" not in body
    assert sorted(p for p in result.files if not p.endswith((".yml", ".md"))) == [
        "01-mulai/images/alur.png",
        "01-mulai/images/logo.png",
    ]
    messages = " ".join(p.message for p in result.problems)
    assert "'../../../RAHASIA.md' menunjuk ke luar folder" in messages
    assert "'/settings.py': berkas tidak ditemukan" in messages
    assert "'../../../../di-luar.png' berada di luar folder" in messages
    _package, problems = load_files(result.files)
    assert [p for p in problems if not p.warning] == []

    (repo / ".git").rmdir()  # not a checkout: the folder is all there is
    plain = convert_folder(repo / "translations" / "id")
    assert "01-mulai/images/alur.png" not in plain.files

"""Importing packages into versions, and exporting them back: all or nothing, identical means
unchanged, changed means a new version, and export -> import gives the same course."""

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from test_content_package import MINIMAL, PACKAGES, PNG, package_files, write_package
from test_content_render import XSS_BLOCKS, XSS_VECTORS, executable_parts

from elearn.content import (
    CREATED,
    UNCHANGED,
    UPDATED,
    export_version,
    import_package,
    load_package,
    version_files,
)
from elearn.content import importer as importer_module
from elearn.extensions import db
from elearn.models import (
    Asset,
    AssetBlob,
    AuditLog,
    Competency,
    Course,
    CourseVersion,
    Lesson,
    Module,
    Question,
    Quiz,
)

ROOT = Path(__file__).resolve().parent.parent


def load(path):
    package, problems = load_package(path)
    assert [str(p) for p in problems] == []
    return package


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_creates_course_and_version(app, make_user):
    author = make_user(roles=("instructor",))
    result = import_package(load(PACKAGES / "complete"), actor=author)
    db.session.commit()
    assert result.status == CREATED
    course, version = result.course, result.version
    assert course.slug == "contoh-lengkap" and course.current_version == version
    assert course.owners == [author] and course.can_edit(author)
    assert version.number == 1 and version.title == "Contoh Paket Lengkap"
    assert version.imported_by == author and version.published_by == author
    assert version.published_at is not None and version.created_at.tzinfo is not None
    assert version.authors == ["Dr. Ratna Sari Dewi", "Budi Santoso"]
    assert version.version_label == "1.10"
    assert [(c.competency.name, c.competency.kind, c.level) for c in version.competency_links] == [
        ("Literasi Digital", "teknis", 2),
        ("Komunikasi", "manajerial", 1),
        ("Perekat Bangsa", "sosial_kultural", None),
    ]
    assert 'src="/media/contoh-lengkap/v1/images/sampul.png"' in version.description_html
    assert [m.slug for m in version.modules] == ["pengantar", "praktik"]
    first = version.modules[0]
    assert [(i.kind, i.key, i.position) for i in first.items] == [
        ("lesson", "pengantar/selamat-datang", 1),
        ("quiz", "pengantar/kuis-pengantar", 2),
    ]
    lesson = first.lessons[0]
    assert lesson.body_md.startswith("## Tujuan")
    assert 'src="/media/contoh-lengkap/v1/01-pengantar/images/alur.png"' in lesson.body_html
    assert 'href="/media/contoh-lengkap/v1/01-pengantar/files/panduan.pdf"' in lesson.body_html
    assert version.pretest.required is False and version.final_exam.draw_count == 2
    keys = [i.key for i in version.items()]
    assert keys[0] == "pretest" and keys[-1] == "final"

    quiz = first.quizzes[0]
    questions = {q.key: q for q in quiz.questions}
    single = questions["kepanjangan-spbe"]
    assert single.type == "single"
    assert [o["correct"] for o in single.options] == [False, True, False]
    assert single.correct_keys == {single.options[1]["key"]}
    assert single.explanation_html == "<p>SPBE diatur dalam Perpres 95/2018.</p>"
    assert "/media/contoh-lengkap/v1/01-pengantar/images/alur.png" in single.prompt_html
    assert questions["singkatan-asn"].answer == {"accepted": ["ASN", "A.S.N."]}
    assert questions["anggaran"].answer == {"value": "1000000", "tolerance": "1000"}
    assert questions["pilih-yang-termasuk-layanan-spbe"].points == 3

    assets = {a.path: a for a in version.assets}
    assert assets["images/sampul.png"].content_type == "image/png"
    assert assets["02-praktik/diagram.svg"].content_type == "image/svg+xml"
    assert assets["01-pengantar/files/panduan.pdf"].data.startswith(b"%PDF")
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "course.import"))
    assert entry.actor == author and entry.detail["status"] == CREATED


def test_identical_reimport_changes_nothing(app):
    first = import_package(load(PACKAGES / "complete"))
    db.session.commit()
    rows = {m: count(m) for m in (CourseVersion, Lesson, Quiz, Question, Asset, AssetBlob)}
    again = import_package(load(PACKAGES / "complete"))
    db.session.commit()
    assert again.status == UNCHANGED
    assert again.version.id == first.version.id
    assert {m: count(m) for m in rows} == rows


def test_changed_package_makes_a_new_version(app, tmp_path):
    v1 = import_package(load(write_package(tmp_path / "a", MINIMAL)))
    db.session.commit()
    changed = package_files(
        **{
            "01-modul/01-pelajaran.md": "---\ntitle: Pelajaran Satu (revisi)\n---\nIsi baru.\n",
            "01-modul/images/a.png": PNG,
        }
    )
    v2 = import_package(load(write_package(tmp_path / "b", changed)))
    db.session.commit()
    assert v2.status == UPDATED
    course = db.session.scalar(select(Course).where(Course.slug == "uji"))
    assert [v.number for v in course.versions] == [1, 2]
    assert course.current_version.number == 2
    old, new = course.versions
    # Old versions stay as they were: learners' records point at them.
    assert old.lessons[0].title == "Pelajaran Satu" and new.lessons[0].title.endswith("(revisi)")
    # Stable keys: the same lesson and question in both versions.
    assert old.lessons[0].key == new.lessons[0].key == "modul/pelajaran"
    assert old.quizzes[0].questions[0].key == new.quizzes[0].questions[0].key == "satu"
    # Competencies are shared rows, not copies.
    assert count(Competency) == 1
    assert v1.version.content_hash != v2.version.content_hash


def test_asset_bytes_are_stored_once(app, tmp_path):
    files = package_files(**{"01-modul/images/a.png": PNG, "01-modul/images/b.png": PNG})
    import_package(load(write_package(tmp_path / "a", files)))
    files["01-modul/01-pelajaran.md"] = "---\ntitle: P\n---\nBerubah.\n"
    import_package(load(write_package(tmp_path / "b", files)))
    db.session.commit()
    assert count(Asset) == 4 and count(AssetBlob) == 1


def test_import_is_all_or_nothing(app, monkeypatch):
    package = load(PACKAGES / "complete")

    def broken(self, version):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer_module._VersionBuilder, "assets", broken)
    with pytest.raises(RuntimeError):
        import_package(package)
    db.session.rollback()
    for model in (Course, CourseVersion, Module, Lesson, Quiz, Question, Asset, Competency):
        assert count(model) == 0, model


def test_versions_and_courses_can_be_deleted(app, tmp_path):
    """Cascades and the courses <-> versions cycle let an unused course go cleanly."""
    import_package(load(write_package(tmp_path / "a", MINIMAL)))
    db.session.commit()
    course = db.session.scalar(select(Course))
    db.session.delete(course)
    db.session.commit()
    for model in (Course, CourseVersion, Module, Lesson, Quiz, Question, Asset):
        assert count(model) == 0, model


# Export -> import round trip -----------------------------------------------------------------
def _packages():
    """Every course shipped in content/, and the valid fixtures."""
    shipped = sorted(p for p in (ROOT / "content").glob("*/") if p.is_dir())
    fixtures = [PACKAGES / "complete"]
    return [pytest.param(p, id=str(p.relative_to(ROOT))) for p in [*shipped, *fixtures]]


@pytest.mark.parametrize("path", _packages())
def test_export_then_import_gives_the_same_course(app, tmp_path, path):
    package = load(path)
    first = import_package(package)
    db.session.commit()

    folder = export_version(first.version, tmp_path / "out")
    archive = export_version(first.version, tmp_path / "out.zip")
    for exported in (folder, archive):
        again = load(exported)
        assert again.content_hash == package.content_hash
        assert again.files == package.files
        result = import_package(again)
        assert result.status == UNCHANGED and result.version.id == first.version.id
    assert version_files(first.version) == package.files
    with zipfile.ZipFile(archive) as zf:
        assert all(n.startswith(f"{package.slug}/") for n in zf.namelist())


def test_export_refuses_to_overwrite(app, tmp_path):
    result = import_package(load(write_package(tmp_path / "a", MINIMAL)))
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("x")
    from elearn.content import DestinationExists

    with pytest.raises(DestinationExists):
        export_version(result.version, tmp_path / "full")
    export_version(result.version, tmp_path / "p.zip")
    with pytest.raises(DestinationExists):
        export_version(result.version, tmp_path / "p.zip")
    export_version(result.version, tmp_path / "p.zip", force=True)


# XSS through a real import -----------------------------------------------------------------------
def _xss_package():
    lesson_body = "\n\n".join(["Pelajaran berbahaya.", *XSS_VECTORS, *XSS_BLOCKS])
    questions = []
    for i, vector in enumerate(XSS_VECTORS, start=1):
        questions.append(
            f"## Soal {i} {{#soal-{i}}}\n\n{vector}\n\n- [x] {vector}\n- [ ] Pilihan aman {i}\n\n"
            f"> {vector}\n"
        )
    quiz = (
        "---\ntype: quiz\ntitle: Kuis XSS\n---\n" + XSS_VECTORS[0] + "\n\n" + "\n".join(questions)
    )
    course = MINIMAL["course.yml"] + "description: |\n" + "".join(f"  {v}\n\n" for v in XSS_VECTORS)
    return package_files(
        **{
            "course.yml": course,
            "01-modul/01-pelajaran.md": "---\ntitle: XSS\n---\n" + lesson_body + "\n",
            "01-modul/02-kuis.md": quiz,
            # "<img src=x ...>" link to a file named x, and Markdown turns the "&#0000106..."
            # vector into a (harmless) relative link to "&": let both exist, so that the
            # package is valid and every vector reaches the database.
            "01-modul/x": b"bukan gambar",
            "x": b"bukan gambar",
            "01-modul/&": b"bukan gambar",
            "&": b"bukan gambar",
        }
    )


def test_xss_corpus_through_a_real_import(app, tmp_path):
    package = load(write_package(tmp_path / "xss", _xss_package()))
    result = import_package(package)
    db.session.commit()
    version = db.session.get(CourseVersion, result.version.id)
    stored = [("description", version.description_html)]
    for lesson in version.lessons:
        stored.append((lesson.key, lesson.body_html))
    quiz = version.quizzes[0]
    stored.append(("intro", quiz.intro_html))
    assert len(quiz.questions) == len(XSS_VECTORS)
    for question in quiz.questions:
        stored.append((f"{question.key} prompt", question.prompt_html))
        stored.append((f"{question.key} explanation", question.explanation_html))
        stored.extend((f"{question.key} option", o["html"]) for o in question.options)
    for where, html in stored:
        assert executable_parts(html) == [], (where, html)
    # The vectors did arrive (the test would be empty otherwise).
    assert "alert(1)" in version.lessons[0].body_html
    assert "/media/uji/v1/01-modul/x" in version.lessons[0].body_html


def test_upload_stream_can_be_imported(app):
    """The browser authoring pages will pass an uploaded file object."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for path, text in MINIMAL.items():
            zf.writestr(f"uji/{path}", text)
    buf.seek(0)
    result = import_package(load(buf))
    assert result.status == CREATED

"""`flask content validate|import|export` as an instructor uses them: output and exit codes."""

import zipfile

from sqlalchemy import func, select
from test_content_package import MINIMAL, PACKAGES, package_files, write_package

from elearn.content import importer as importer_module
from elearn.extensions import db
from elearn.models import Course, CourseVersion, Lesson

COMPLETE = str(PACKAGES / "complete")
BROKEN = str(PACKAGES / "broken")


def courses():
    return db.session.scalar(select(func.count()).select_from(Course))


def test_validate_ok(runner):
    result = runner.invoke(args=["content", "validate", COMPLETE])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"OK {COMPLETE}: contoh-lengkap (2 modul, 3 pelajaran, 3 kuis, 11 soal, 4 berkas)\n"
    )


def test_validate_prints_every_problem_and_fails(runner):
    result = runner.invoke(args=["content", "validate", COMPLETE, BROKEN])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"OK {COMPLETE}")
    assert (
        f"{BROKEN}/01-dasar/02-kuis.md:8: tidak ada pilihan yang benar (tandai dengan - [x])"
        in (lines)
    )
    assert f"{BROKEN}/course.yml:1: kunci wajib 'summary' tidak ada" in lines
    assert len(lines) == 1 + 15
    assert "15 masalah ditemukan" in result.stderr


def test_validate_missing_path(runner, tmp_path):
    result = runner.invoke(args=["content", "validate", str(tmp_path / "tidak-ada")])
    assert result.exit_code == 1
    assert result.stdout == f"{tmp_path / 'tidak-ada'}: paket tidak ditemukan\n"


def test_validate_needs_a_path(runner):
    assert runner.invoke(args=["content", "validate"]).exit_code == 2


def test_import_created_unchanged_new_version(runner, tmp_path):
    first = runner.invoke(args=["content", "import", COMPLETE])
    assert first.exit_code == 0, first.output
    assert first.stdout == "contoh-lengkap: kursus baru dibuat (versi 1)\n"
    again = runner.invoke(args=["content", "import", COMPLETE])
    assert again.stdout == "contoh-lengkap: tidak berubah (versi 1)\n"

    root = write_package(tmp_path / "uji", MINIMAL)
    assert runner.invoke(args=["content", "import", str(root)]).stdout == (
        "uji: kursus baru dibuat (versi 1)\n"
    )
    changed = package_files(**{"01-modul/01-pelajaran.md": "---\ntitle: Baru\n---\nIsi baru.\n"})
    root2 = write_package(tmp_path / "uji2", changed)
    result = runner.invoke(args=["content", "import", str(root2)])
    assert result.exit_code == 0
    assert result.stdout == "uji: versi baru 2\n"
    assert courses() == 2


def test_import_refuses_an_invalid_package_and_writes_nothing(runner):
    result = runner.invoke(args=["content", "import", BROKEN])
    assert result.exit_code == 1
    assert f"{BROKEN}/course.yml:3: 'jp' harus bilangan bulat" in result.stdout
    assert "tidak diimpor, 15 masalah" in result.stderr
    assert courses() == 0


def test_import_goes_on_after_a_bad_package(runner, tmp_path):
    good = write_package(tmp_path / "uji", MINIMAL)
    result = runner.invoke(args=["content", "import", BROKEN, str(good)])
    assert result.exit_code == 1
    assert "uji: kursus baru dibuat (versi 1)" in result.stdout
    assert courses() == 1


def test_failed_import_leaves_nothing_and_others_still_import(runner, tmp_path, monkeypatch):
    calls = []
    original = importer_module._VersionBuilder.assets

    def fail_first(self, version):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("disk penuh")
        return original(self, version)

    monkeypatch.setattr(importer_module._VersionBuilder, "assets", fail_first)
    good = write_package(tmp_path / "uji", MINIMAL)
    result = runner.invoke(args=["content", "import", COMPLETE, str(good)])
    assert result.exit_code == 1
    assert "gagal diimpor, tidak ada yang disimpan (disk penuh)" in result.stderr
    assert "uji: kursus baru dibuat (versi 1)" in result.stdout
    assert db.session.scalars(select(Course.slug)).all() == ["uji"]
    assert db.session.scalar(select(func.count()).select_from(Lesson)) == 1


def test_import_with_owner(runner, make_user):
    author = make_user(roles=("instructor",), email="penulis@example.go.id")
    result = runner.invoke(args=["content", "import", "--owner", "Penulis@example.go.id", COMPLETE])
    assert result.exit_code == 0, result.output
    course = db.session.scalar(select(Course))
    assert [u.id for u in course.owners] == [author.id]
    unknown = runner.invoke(args=["content", "import", "--owner", "siapa@example.go.id", COMPLETE])
    assert unknown.exit_code == 1 and "tidak ditemukan" in unknown.output


def test_export_folder_and_zip(runner, tmp_path):
    runner.invoke(args=["content", "import", COMPLETE])
    folder = tmp_path / "ekspor"
    result = runner.invoke(args=["content", "export", "contoh-lengkap", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"contoh-lengkap versi 1 diekspor ke {folder}\n"
    assert (folder / "course.yml").read_bytes() == (
        PACKAGES / "complete" / "course.yml"
    ).read_bytes()
    archive = tmp_path / "ekspor.zip"
    assert runner.invoke(args=["content", "export", "contoh-lengkap", str(archive)]).exit_code == 0
    with zipfile.ZipFile(archive) as zf:
        assert "contoh-lengkap/01-pengantar/images/alur.png" in zf.namelist()
    # Exported packages re-import as "unchanged".
    for exported in (folder, archive):
        result = runner.invoke(args=["content", "import", str(exported)])
        assert result.stdout == "contoh-lengkap: tidak berubah (versi 1)\n"
    # Refuses to overwrite.
    again = runner.invoke(args=["content", "export", "contoh-lengkap", str(folder)])
    assert again.exit_code == 1 and "sudah ada" in again.output
    forced = runner.invoke(args=["content", "export", "contoh-lengkap", str(archive), "--force"])
    assert forced.exit_code == 0


def test_export_a_given_version(runner, tmp_path):
    runner.invoke(args=["content", "import", str(write_package(tmp_path / "a", MINIMAL))])
    changed = package_files(**{"01-modul/01-pelajaran.md": "---\ntitle: Baru\n---\nIsi baru.\n"})
    runner.invoke(args=["content", "import", str(write_package(tmp_path / "b", changed))])
    assert db.session.scalar(select(func.count()).select_from(CourseVersion)) == 2
    out = tmp_path / "v1"
    result = runner.invoke(args=["content", "export", "uji", str(out), "--version", "1"])
    assert result.exit_code == 0
    assert "Pelajaran Satu" in (out / "01-modul" / "01-pelajaran.md").read_text()
    missing = runner.invoke(
        args=["content", "export", "uji", str(tmp_path / "v9"), "--version", "9"]
    )
    assert missing.exit_code == 1 and "tidak punya versi 9" in missing.output


def test_export_unknown_course(runner, tmp_path):
    result = runner.invoke(args=["content", "export", "tidak-ada", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert "kursus 'tidak-ada' tidak ditemukan" in result.output

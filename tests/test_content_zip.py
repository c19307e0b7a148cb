"""Zip safety: dangerous archives are refused from their directory, before anything is read or
written; nothing is ever extracted to disk."""

import io
import os
import stat
import zipfile

import pytest
from test_content_package import MINIMAL, write_package

from elearn.content import Limits, load_package
from elearn.content.zipsafe import read_package_files, zip_bytes


def _zip(entries, compression=zipfile.ZIP_DEFLATED):
    """entries: (name, bytes) or (ZipInfo, bytes)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    buf.seek(0)
    return buf


def _minimal_entries(prefix=""):
    return [(prefix + path, text.encode()) for path, text in MINIMAL.items()]


@pytest.fixture
def watch_disk(tmp_path, monkeypatch):
    """Run in an empty working directory and report any file that appears in it."""
    monkeypatch.chdir(tmp_path)

    def files():
        return sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))

    return files


def test_valid_zip_loads_with_or_without_top_folder(tmp_path):
    for prefix in ("", "paket-uji/"):
        package, problems = load_package(_zip(_minimal_entries(prefix)))
        assert problems == [] and package.slug == "uji"
    path = tmp_path / "uji.zip"
    path.write_bytes(zip_bytes({p: t.encode() for p, t in MINIMAL.items()}, top_folder="uji"))
    package, problems = load_package(path)
    assert problems == [] and package.slug == "uji"


def test_zip_and_folder_give_the_same_hash(tmp_path):
    folder, _ = load_package(write_package(tmp_path / "pkg", MINIMAL))
    zipped, _ = load_package(_zip(_minimal_entries("pkg/")))
    assert folder.content_hash == zipped.content_hash


@pytest.mark.parametrize(
    "name",
    ["../evil.txt", "pkg/../../evil.txt", "/etc/evil", "C:/Windows/evil.txt", "pkg\\..\\evil.txt"],
)
def test_path_traversal_and_absolute_paths_are_refused(name, watch_disk):
    package, problems = load_package(_zip([*_minimal_entries(), (name, b"x")]))
    assert package is None
    assert [p.file for p in problems] == [name]
    assert "jalur berkas tidak aman" in problems[0].message
    assert watch_disk() == []


def test_symlinks_are_refused(watch_disk):
    link = zipfile.ZipInfo("01-modul/images/passwd.png")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    package, problems = load_package(_zip([*_minimal_entries(), (link, b"/etc/passwd")]))
    assert package is None
    assert [str(p) for p in problems] == [
        "01-modul/images/passwd.png: tautan simbolik tidak diizinkan; paket ditolak"
    ]
    assert watch_disk() == []


def test_symlinks_in_folders_are_refused(tmp_path):
    root = write_package(tmp_path / "pkg", MINIMAL)
    (tmp_path / "secret.txt").write_text("rahasia")
    os.symlink(tmp_path / "secret.txt", root / "01-modul" / "lampiran.txt")
    os.symlink(tmp_path, root / "01-modul" / "folder")
    package, problems = load_package(root)
    assert package is None
    assert sorted(p.file for p in problems) == ["01-modul/folder", "01-modul/lampiran.txt"]


def test_oversized_file_is_refused_before_reading(watch_disk):
    limits = Limits(max_file_bytes=1000)
    big = ("01-modul/files/besar.pdf", b"%PDF" + b"\0" * 2000)
    package, problems = load_package(_zip([*_minimal_entries(), big]), limits=limits)
    assert package is None
    assert problems[0].file == "01-modul/files/besar.pdf"
    assert "berkas terlalu besar" in problems[0].message
    assert watch_disk() == []


def test_oversized_total_is_refused():
    limits = Limits(max_total_bytes=3000)
    entries = [(f"01-modul/files/f{i}.txt", os.urandom(800)) for i in range(5)]
    package, problems = load_package(_zip([*_minimal_entries(), *entries]), limits=limits)
    assert package is None
    assert [str(p) for p in problems] == ["ukuran total paket melebihi batas 3000 B; paket ditolak"]


def test_too_many_files_are_refused(watch_disk):
    limits = Limits(max_files=10)
    entries = [(f"01-modul/files/f{i}.txt", b"x") for i in range(20)]
    package, problems = load_package(_zip([*_minimal_entries(), *entries]), limits=limits)
    assert package is None
    assert [str(p) for p in problems] == ["paket berisi lebih dari 10 berkas; paket ditolak"]
    assert watch_disk() == []


def test_limits_come_from_the_app_config(app):
    app.config["CONTENT_MAX_FILES"] = 3
    package, problems = load_package(_zip(_minimal_entries()))
    assert package is None and "lebih dari 3 berkas" in problems[0].message


def test_zip_bomb_ratio_is_refused():
    bomb = ("01-modul/files/nol.txt", b"\0" * (5 * 1024 * 1024))
    package, problems = load_package(_zip([*_minimal_entries(), bomb]))
    assert package is None
    assert "rasio kompresi mencurigakan" in problems[0].message


def _central_entries(data):
    """Offsets of the central directory headers in a zip's bytes."""
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        yield pos
        pos = data.find(b"PK\x01\x02", pos + 1)


def test_lying_sizes_are_refused():
    buf = _zip([*_minimal_entries(), ("01-modul/files/a.txt", b"A" * 5000)], zipfile.ZIP_STORED)
    data = bytearray(buf.getvalue())
    # The directory declares 10 bytes for a 5000-byte member: reading must not trust it.
    name = b"01-modul/files/a.txt"
    for pos in _central_entries(data):
        if data[pos + 46 : pos + 46 + len(name)] == name:
            data[pos + 24 : pos + 28] = (10).to_bytes(4, "little")
    package, problems = load_package(io.BytesIO(bytes(data)))
    assert package is None
    assert problems


def test_duplicate_entries_are_refused():
    entries = [*_minimal_entries(), ("01-modul/module.yml", b"title: Lain\n")]
    with pytest.warns(UserWarning, match="Duplicate name"):
        buf = _zip(entries)
    package, problems = load_package(buf)
    assert package is None
    assert "nama berkas ganda" in problems[0].message


def test_encrypted_entries_are_refused():
    buf = _zip(_minimal_entries())
    data = bytearray(buf.getvalue())
    for pos in _central_entries(data):  # set the "encrypted" flag on every entry
        data[pos + 8] |= 0x1
    package, problems = load_package(io.BytesIO(bytes(data)))
    assert package is None
    assert all("terenkripsi" in p.message for p in problems)


def test_not_a_zip(tmp_path):
    path = tmp_path / "bukan.zip"
    path.write_bytes(b"ini bukan zip")
    package, problems = load_package(path)
    assert package is None
    assert "berkas .zip rusak atau bukan zip" in problems[0].message


def test_junk_is_skipped_and_not_counted():
    entries = [
        *_minimal_entries(),
        ("__MACOSX/01-modul/._01-pelajaran.md", b"\0\0"),
        (".DS_Store", b"\0"),
        ("01-modul/.hidden.png", b"\0"),
    ]
    files, problems = read_package_files(_zip(entries), Limits(max_files=len(MINIMAL)))
    assert problems == []
    assert sorted(files) == sorted(MINIMAL)


def test_nothing_is_read_when_the_directory_is_refused(monkeypatch):
    archive = _zip([*_minimal_entries(), ("../x", b"x")])
    opened = []
    original = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(name)
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    package, problems = load_package(archive)
    assert package is None and problems
    assert opened == []

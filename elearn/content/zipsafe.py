"""Read a package (folder or .zip) into memory, refusing anything unsafe before reading it.

Nothing is ever extracted to disk. A zip is judged on its central directory first (paths,
symlinks, encryption, sizes, counts, compression ratio); only a zip that passes is read, member
by member, with the declared sizes enforced while reading.
"""

import io
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from . import messages as M
from .problems import Problem

MB = 1024 * 1024

# Files that editors and operating systems leave behind: never part of a package.
_JUNK_NAMES = {"thumbs.db", "desktop.ini", "__macosx"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_PATH_CHARS = 400
# Text compresses 5-10x; a member above 1 MB compressing more than 100x is a zip bomb's mark.
RATIO_MIN_BYTES = 1 * MB


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 20 * MB
    max_total_bytes: int = 200 * MB
    max_files: int = 2000
    max_ratio: int = 100

    @classmethod
    def from_config(cls, config):
        return cls(
            max_file_bytes=int(config.get("CONTENT_MAX_FILE_BYTES", cls.max_file_bytes)),
            max_total_bytes=int(config.get("CONTENT_MAX_TOTAL_BYTES", cls.max_total_bytes)),
            max_files=int(config.get("CONTENT_MAX_FILES", cls.max_files)),
        )


def _size(n):
    return f"{n / MB:.1f} MB" if n >= MB else f"{n} B"


def is_junk(path):
    """Hidden files and folders (.git, .DS_Store...) and OS leftovers are skipped."""
    return any(part.startswith(".") or part.lower() in _JUNK_NAMES for part in path.split("/"))


def _bad_name(name):
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return bool(_CONTROL.search(name)) or len(name) > MAX_PATH_CHARS


def _unsafe_zip_path(name):
    if "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return True
    return any(part == ".." for part in name.split("/"))


def read_package_files(source, limits=None):
    """(files, problems): package-relative POSIX path -> bytes, from a folder or a zip.

    `source` is a folder path, a .zip path, a binary file object holding a zip (e.g. an upload)
    or a zipfile.ZipFile. With any problem, `files` is None and nothing was read beyond the
    zip's directory.
    """
    limits = limits or Limits()
    if isinstance(source, zipfile.ZipFile):
        return _read_zip(source, limits)
    if hasattr(source, "read"):
        return _open_zip(source, limits)
    path = Path(source)
    if path.is_dir():
        return _read_folder(path, limits)
    if path.is_file():
        return _open_zip(path, limits)
    if not path.exists():
        return None, [Problem("", None, M.NOT_FOUND)]
    return None, [Problem("", None, M.NOT_PACKAGE)]


def _open_zip(file, limits):
    try:
        zf = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return None, [Problem("", None, M.BAD_ZIP.format(detail=exc))]
    with zf:
        return _read_zip(zf, limits)


def _read_zip(zf, limits):
    infos = [i for i in zf.infolist() if not i.is_dir()]
    if sum(1 for i in infos if not is_junk(i.filename)) > limits.max_files:
        return None, [Problem("", None, M.TOO_MANY_FILES.format(limit=limits.max_files))]
    problems = []
    seen = set()
    total = 0
    wanted = []
    for info in infos:
        name = info.filename
        if _unsafe_zip_path(name):
            problems.append(Problem(name, None, M.UNSAFE_PATH))
            continue
        if _bad_name(name):
            problems.append(Problem(name, None, M.BAD_NAME.format(limit=MAX_PATH_CHARS)))
            continue
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            problems.append(Problem(name, None, M.SYMLINK))
            continue
        clean = str(PurePosixPath(name))
        if clean in seen:
            problems.append(Problem(name, None, M.DUPLICATE_ENTRY))
            continue
        seen.add(clean)
        if is_junk(clean):
            continue
        if info.flag_bits & 0x1:
            problems.append(Problem(name, None, M.ENCRYPTED))
            continue
        if info.file_size > limits.max_file_bytes:
            problems.append(
                Problem(
                    name,
                    None,
                    M.FILE_TOO_LARGE.format(
                        size=_size(info.file_size), limit=_size(limits.max_file_bytes)
                    ),
                )
            )
            continue
        if info.file_size >= RATIO_MIN_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                problems.append(Problem(name, None, M.SUSPICIOUS_RATIO.format(ratio=int(ratio))))
                continue
        total += info.file_size
        wanted.append((clean, info))
    if total > limits.max_total_bytes:
        problems.append(
            Problem("", None, M.TOTAL_TOO_LARGE.format(limit=_size(limits.max_total_bytes)))
        )
    if problems:
        return None, problems

    files = {}
    for clean, info in wanted:
        try:
            with zf.open(info) as member:
                data = member.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError) as exc:
            return None, [Problem(info.filename, None, M.BAD_ZIP.format(detail=exc))]
        if len(data) != info.file_size:
            return None, [Problem(info.filename, None, M.SIZE_MISMATCH)]
        files[clean] = data
    return _strip_top_folder(files), []


def _strip_top_folder(files):
    """A zip of the package folder holds "folder/course.yml": make paths package-relative."""
    if "course.yml" in files or not files:
        return files
    tops = {p.split("/", 1)[0] for p in files}
    if len(tops) == 1 and all("/" in p for p in files):
        top = tops.pop()
        if f"{top}/course.yml" in files:
            return {p[len(top) + 1 :]: data for p, data in files.items()}
    return files


def _read_folder(root, limits):
    problems = []
    entries = []
    total = 0
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        for d in list(dirnames):
            if is_junk(d):
                dirnames.remove(d)
            elif os.path.islink(os.path.join(dirpath, d)):
                problems.append(Problem(rel_dir + d, None, M.SYMLINK))
                dirnames.remove(d)
        dirnames.sort()
        for name in sorted(filenames):
            rel = rel_dir + name
            if is_junk(rel):
                continue
            full = os.path.join(dirpath, name)
            st = os.lstat(full)
            if stat.S_ISLNK(st.st_mode):
                problems.append(Problem(rel, None, M.SYMLINK))
                continue
            if not stat.S_ISREG(st.st_mode):
                problems.append(Problem(rel, None, M.NOT_REGULAR))
                continue
            if _bad_name(rel):
                problems.append(Problem(rel, None, M.BAD_NAME.format(limit=MAX_PATH_CHARS)))
                continue
            if st.st_size > limits.max_file_bytes:
                problems.append(
                    Problem(
                        rel,
                        None,
                        M.FILE_TOO_LARGE.format(
                            size=_size(st.st_size), limit=_size(limits.max_file_bytes)
                        ),
                    )
                )
                continue
            total += st.st_size
            entries.append((rel, full))
            if len(entries) > limits.max_files:
                return None, [Problem("", None, M.TOO_MANY_FILES.format(limit=limits.max_files))]
    if total > limits.max_total_bytes:
        problems.append(
            Problem("", None, M.TOTAL_TOO_LARGE.format(limit=_size(limits.max_total_bytes)))
        )
    if problems:
        return None, problems
    files = {}
    for rel, full in entries:
        with open(full, "rb") as fh:
            data = fh.read(limits.max_file_bytes + 1)
        if len(data) > limits.max_file_bytes:  # grew while we were reading
            return None, [Problem(rel, None, M.SIZE_MISMATCH)]
        files[rel] = data
    return files, []


def write_zip(files, dest, top_folder=None):
    """Write package files (path -> bytes) as a zip to a path or a binary file object."""
    target = dest if hasattr(dest, "write") else open(dest, "wb")  # noqa: SIM115
    try:
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(files):
                name = f"{top_folder}/{path}" if top_folder else path
                info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, files[path])
    finally:
        if target is not dest:
            target.close()


def zip_bytes(files, top_folder=None):
    buf = io.BytesIO()
    write_zip(files, buf, top_folder)
    return buf.getvalue()

"""Existing material -> a course package DRAFT: a folder of plain Markdown, or a Word file.

`convert_folder(source)` reads the layout of public curricula and docs sites (one README.md or
index.md per folder, or a flat folder of .md files); `convert_docx(data)` splits a Word document
at its headings. Both return a `ConvertResult` whose `files` (package path -> bytes) are a whole
package for `load_package` / the draft machinery, and whose `problems` say what could not be
brought over. Nothing is written here; `write_package` moves a finished folder into place.

course.yml gets placeholders for what material never says (JP, competencies): values the
validator accepts, marked `GANTI` so the instructor sees they must be edited.
"""

import io
import os
import posixpath
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import yaml

from .links import is_external, package_link_target
from .mdext import fence_mask
from .package import BLOCKED_EXTENSIONS, _ext, load_package
from .problems import Problem
from .quizparse import slugify as _slugify
from .zipsafe import Limits, is_junk, read_package_files, zip_bytes

MARKDOWN_EXTENSIONS = frozenset({"md", "markdown"})
INDEX_NAMES = ("readme", "index", "_index")
# Repository paperwork, not lessons.
META_NAMES = frozenset(
    {
        "license", "licence", "changelog", "contributing", "code_of_conduct", "code-of-conduct",
        "security", "summary", "authors", "contributors", "translations", "todo", "history",
    }
)  # fmt: skip
IMAGE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "webp", "svg"})
PLACEHOLDER = "GANTI"
PLACEHOLDER_JP = 1
PLACEHOLDER_COMPETENCY = f"{PLACEHOLDER}: nama kompetensi"
WORDS_PER_MINUTE = 150

# Messages (Indonesian, like messages.py: the instructors' language) -----------------------------
E_NOT_FOUND = "berkas atau folder tidak ditemukan: {path}"
E_EMPTY_FOLDER = "folder ini tidak berisi berkas Markdown (.md); tidak ada yang dapat dikonversi"
E_NOT_DOCX = "berkas ini bukan dokumen Word .docx yang dapat dibaca ({detail})"
E_EMPTY_DOCX = "dokumen Word ini tidak berisi teks; tidak ada yang dapat dikonversi"
E_NOT_SUPPORTED = "hanya folder Markdown, berkas .zip berisi Markdown, atau dokumen .docx"
E_EMPTY_UPLOAD = "berkas yang diunggah kosong"
E_NOT_ZIP_OR_DOCX = (
    "berkas ini bukan .zip (paket kursus atau folder Markdown) dan bukan dokumen Word .docx"
)
E_BAD_ZIP = "berkas .zip ini rusak atau tidak lengkap dan tidak dapat dibuka"
E_IS_PACKAGE = "berkas ini sudah berupa paket kursus (course.yml); impor langsung, tanpa konversi"
E_OUT_EXISTS = "folder tujuan {path} sudah ada dan tidak kosong; pilih --out yang lain"
E_OUT_IS_FILE = "tujuan {path} adalah berkas, bukan folder"
P_SKIPPED_META = "berkas administrasi repositori, bukan pelajaran; dilewati"
P_SKIPPED_UNUSED = "tidak dipakai oleh pelajaran mana pun; tidak disalin"
P_SKIPPED_EMPTY = "hanya berisi judul, tanpa isi; tidak dijadikan pelajaran"
P_SKIPPED_BLOCKED = (
    "jenis berkas .{ext} tidak diizinkan di paket; tautan dihapus, teksnya dipertahankan"
)
P_NOT_UTF8 = "bukan teks UTF-8; dilewati"
P_LINK_OUTSIDE = "tautan '{url}' menunjuk ke luar folder; tautan dihapus, teksnya dipertahankan"
P_LINK_MISSING = "tautan '{url}': berkas tidak ditemukan; tautan dihapus, teksnya dipertahankan"
P_IMAGE_MISSING = "gambar '{url}' tidak ditemukan; gambar dihapus"
P_IMAGE_OUTSIDE = "gambar '{url}' berada di luar folder; gambar dihapus"
P_FRONT_MATTER = "front matter YAML tidak terbaca; dibuang"
P_DOCX_NO_HEADINGS = (
    "tidak ada Judul (Heading 1/2) di dokumen; seluruh isi menjadi satu pelajaran. Pakai gaya "
    "Heading 1 untuk memisahkan pelajaran"
)
P_DOCX_NO_ALT = (
    "gambar ke-{n} tidak punya teks alternatif; tambahkan di draf agar terbaca pembaca layar"
)
P_DOCX_MESSAGE = "Word: {message}"
P_DOCX_EXTERNAL_IMAGE = (
    "gambar ke-{n} ditautkan dari luar dokumen dan tidak diambil: sisipkan gambarnya ke dalam "
    "dokumen Word (Sisipkan > Gambar), bukan sebagai tautan"
)
P_DOCX_IMAGE_TYPE = (
    "gambar ke-{n} berjenis {kind} yang tidak dapat ditampilkan di pelajaran dan dilewati: "
    "simpan sebagai PNG atau JPEG lalu sisipkan lagi"
)
P_PLACEHOLDERS = "isi 'jp' dan 'competencies' masih contoh bertanda GANTI; ubah sebelum diterbitkan"
P_SUMMARY_PLACEHOLDER = "ringkasan kursus tidak ditemukan; 'summary' bertanda GANTI perlu diisi"
DONE = (
    "Draf paket ditulis ke {dest}: {modules} modul, {lessons} pelajaran, "
    "{assets} berkas gambar/lampiran."
)
REPORT_HEADING = "Yang tidak dapat dibawa atau perlu Anda periksa:"
STILL_INVALID = "Draf belum lolos pemeriksaan paket ({count} masalah); perbaiki sebelum diimpor:"
NEXT_STEP = (
    "Periksa dan sunting draf (course.yml: jp, competencies, summary), lalu jalankan "
    "'flask content validate {dest}'."
)
INTRO_TITLE = "Pengantar"
DEFAULT_COURSE_TITLE = "Kursus baru"


class ConvertError(Exception):
    """Input that cannot become a package at all; the message is for the instructor."""


@dataclass
class ConvertResult:
    files: dict[str, bytes] = field(default_factory=dict)  # package path -> bytes
    problems: list[Problem] = field(default_factory=list)  # source-relative, non-fatal
    counts: dict = field(default_factory=dict)
    # Where each source file went (source-relative path -> package path): lessons, and the
    # assets copied for them (keyed by the package module folder too: one copy per module).
    lessons: dict[str, str] = field(default_factory=dict)
    assets: dict[tuple[str, str], str] = field(default_factory=dict)
    # Pictures found outside the folder, in the Git checkout around it:
    # (source file, URL as written) -> package path.
    outside: dict[tuple[str, str], str] = field(default_factory=dict)


# Shared helpers --------------------------------------------------------------------------------
def slugify(text, max_len=60):
    """quizparse.slugify, with the shorter default that suits folder and file names."""
    return _slugify(text, max_len=max_len)


def _unique(base, taken):
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    taken.add(slug)
    return slug


def _stem(path):
    return posixpath.splitext(posixpath.basename(path))[0]


def _natural_key(name):
    """Numeric prefix first ("2-b" before "10-a"), then the name, case-insensitively."""
    match = re.match(r"^(\d+)", name)
    return (int(match.group(1)) if match else float("inf"), name.casefold())


def _title_from_name(name):
    name = re.sub(r"^\d+[-_. ]*", "", _stem(name)) or _stem(name)
    words = re.sub(r"[-_]+", " ", name).strip()
    return words[:1].upper() + words[1:] if words else ""


def _duration(markdown_text):
    words = len(re.findall(r"\w+", markdown_text))
    return max(5, min(24 * 60, round(words / WORDS_PER_MINUTE / 5) * 5 or 5))


def _yaml(data):
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def _lesson_file(title, body):
    front = _yaml({"title": title[:200], "duration": _duration(body)})
    return f"---\n{front}---\n{body.strip()}\n".encode()


def _course_yml(slug, title, summary, description):
    lines = [
        f"# Draf hasil konversi. Ubah setiap nilai bertanda {PLACEHOLDER} sebelum diterbitkan.",
        _yaml({"slug": slug, "title": title[:200]}).rstrip("\n"),
    ]
    if summary:
        lines.append(_yaml({"summary": summary[:1000]}).rstrip("\n"))
    else:
        lines.append(_yaml({"summary": f"{PLACEHOLDER}: ringkasan kursus"}).rstrip("\n"))
    if description.strip():
        lines.append("description: |\n" + _indent(description.strip()))
    lines += [
        f"jp: {PLACEHOLDER_JP}  # {PLACEHOLDER}: jumlah jam pelajaran (JP) kursus ini",
        "language: id",
        "competencies:  # " + PLACEHOLDER + ": kompetensi yang dikembangkan kursus ini",
        f"  - name: '{PLACEHOLDER_COMPETENCY}'",
        "    kind: teknis  # teknis | manajerial | sosial_kultural",
    ]
    return ("\n".join(lines) + "\n").encode()


def _indent(text):
    return "\n".join(("  " + line) if line.strip() else "" for line in text.split("\n"))


def _module_yml(title, summary=""):
    data = {"title": title[:200]}
    if summary:
        data["summary"] = summary
    return _yaml(data).encode()


# Markdown: headings, code, links -----------------------------------------------------------------
_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")


def _code_mask(text):
    """A list of booleans, one per line: inside a fenced code block (fence lines included);
    fences in list items too, since this reader does not follow containers."""
    return fence_mask(text.split("\n"), nested=True)


def _plain(text):
    """Heading text without Markdown emphasis, links and inline HTML."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"[*_`]+", "", text)
    return " ".join(text.split())


def split_title(text):
    """(title, body without that heading): the first heading when it opens the text, else the
    first level-1 heading anywhere, else ("", text)."""
    lines = text.split("\n")
    mask = _code_mask(text)
    candidates = []
    first_content = None
    for i, line in enumerate(lines):
        if mask[i]:
            if first_content is None:
                first_content = i
            continue
        atx = _ATX.match(line)
        if atx:
            candidates.append((i, 1, len(atx.group(1)), atx.group(2)))
        elif (
            i > 0
            and line.strip()
            and _SETEXT.match(line)
            and lines[i - 1].strip()
            and not mask[i - 1]
            and (i < 2 or not lines[i - 2].strip())
        ):
            level = 1 if line.strip()[0] == "=" else 2
            candidates.append((i - 1, 2, level, lines[i - 1].strip()))
        if first_content is None and line.strip() and not _is_decoration(line):
            first_content = i
    chosen = None
    for start, size, level, title in candidates:
        if start == first_content or (chosen is None and level == 1):
            chosen = (start, size, title)
            break
    if chosen is None:
        return "", text
    start, size, title = chosen
    body = "\n".join(lines[:start] + lines[start + size :])
    return _plain(title), body.strip("\n")


def _is_decoration(line):
    """Badges, HTML comments and lone images above a README's title."""
    stripped = line.strip()
    return (
        stripped.startswith("<!--")
        or stripped.startswith("[![")
        or (stripped.startswith("<") and not stripped.startswith("<h"))
    )


def first_paragraph(body):
    """(the first plain paragraph of a Markdown body as one line, the body without it)."""
    mask = _code_mask(body)
    lines = body.split("\n")
    paragraph, start = [], None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if mask[i] or not stripped:
            if paragraph:
                break
            continue
        if re.match(r"^(#|>|[-*+] |\d+[.)] |\||<|!\[|\[!\[)", stripped):
            if paragraph:
                break
            continue
        start = i if start is None else start
        paragraph.append(stripped)
    if not paragraph:
        return "", body
    rest = "\n".join(lines[:start] + lines[start + len(paragraph) :]).strip("\n")
    return _plain(" ".join(paragraph)), rest


# [text](url "title"), ![alt](url), <url> forms; reference definitions; HTML src/href.
_INLINE_LINK = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)\]"
    r"\((?P<space>[ \t]*)(?P<url><[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?P<rest>[^)\n]*)\)"
)
_REFERENCE = re.compile(r"^(?P<lead> {0,3}\[[^\]]+\]:[ \t]*)(?P<url><[^>]*>|\S+)(?P<rest>.*)$")
_HTML_ATTR = re.compile(
    r"""(?P<lead><(?:img|a|source)\b[^>]*?\b(?:src|href)=)(?P<q>["'])(?P<url>[^"']*)(?P=q)""",
    re.I,
)
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1", re.S)


def rewrite_links(text, rewrite):
    """`text` with every link and image URL passed through `rewrite(url, is_image)`, which
    returns a new URL, or None to drop the link (keeping its text) or the image (keeping
    nothing but its alt text). Fenced code and code spans are left alone."""
    mask = _code_mask(text)
    out, chunk = [], []

    def flush():
        if chunk:
            out.append(_rewrite_prose("\n".join(chunk), rewrite))
            chunk.clear()

    for i, line in enumerate(text.split("\n")):
        if mask[i]:
            flush()
            out.append(line)
        else:
            chunk.append(line)
    flush()
    return "\n".join(out)


def _rewrite_prose(text, rewrite):
    pieces, last = [], 0
    for match in _CODE_SPAN.finditer(text):
        pieces.append((False, text[last : match.start()]))
        pieces.append((True, match.group(0)))
        last = match.end()
    pieces.append((False, text[last:]))
    return "".join(p if code else _rewrite_plain(p, rewrite) for code, p in pieces)


def _rewrite_plain(text, rewrite):
    def inline(match):
        raw = match.group("url")
        url = raw[1:-1] if raw.startswith("<") else raw
        is_image = bool(match.group("bang"))
        new = rewrite(url, is_image)
        if new is None:
            return match.group("text") if not is_image else _alt(match.group("text"))
        if new == url:
            return match.group(0)
        new = f"<{new}>" if " " in new else new
        return (
            f"{match.group('bang')}[{match.group('text')}]"
            f"({match.group('space')}{new}{match.group('rest')})"
        )

    def reference(match):
        raw = match.group("url")
        url = raw[1:-1] if raw.startswith("<") else raw
        new = rewrite(url, _ext(urlsplit(url).path) in IMAGE_EXTENSIONS)
        if new is None:
            return match.group("lead") + "#" + match.group("rest")
        return match.group("lead") + new + match.group("rest")

    def html(match):
        new = rewrite(match.group("url"), match.group("lead").lower().startswith("<img"))
        if new is None:
            new = "#"
        return f"{match.group('lead')}{match.group('q')}{new}{match.group('q')}"

    text = _INLINE_LINK.sub(inline, text)
    text = "\n".join(_REFERENCE.sub(reference, line) for line in text.split("\n"))
    return _HTML_ATTR.sub(html, text)


def _alt(text):
    return f"*{text}*" if text.strip() else ""


# A folder (or a zip) of plain Markdown ---------------------------------------------------------
def _repository_root(folder):
    """The Git checkout a folder lies in (the nearest folder holding `.git`), or None."""
    folder = Path(folder).resolve()
    for parent in (folder, *folder.parents):
        if (parent / ".git").exists():
            return parent
    return None


class _Source:
    """The input's files: package-style relative paths, read lazily from a folder.

    `outer` (a folder's Git checkout) is where pictures the lessons show from outside the
    folder may be read from: translated curricula keep their images at the repository's top
    (`../../../../translated_images/x.png`), and GitHub reads `/x.png` from there too."""

    def __init__(self, root=None, files=None, limits=None, outer=None):
        self.root, self._files, self.limits = root, files, limits or Limits()
        self.outer = outer
        if files is not None:
            self.paths = sorted(files)
        else:
            self.paths = []
            for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
                rel = Path(dirpath).relative_to(root).as_posix()
                rel = "" if rel == "." else rel + "/"
                dirnames[:] = sorted(
                    d
                    for d in dirnames
                    if not is_junk(d)
                    and d != "node_modules"
                    and not os.path.islink(os.path.join(dirpath, d))
                )
                for name in sorted(filenames):
                    full = os.path.join(dirpath, name)
                    if is_junk(name) or os.path.islink(full) or not os.path.isfile(full):
                        continue
                    self.paths.append(rel + name)
        self.known = set(self.paths)

    def read(self, path):
        if self._files is not None:
            return self._files[path]
        full = Path(self.root, path)
        if full.stat().st_size > self.limits.max_file_bytes:
            return None
        return full.read_bytes()

    def read_outside(self, base, url):
        """(checkout-relative path, bytes) of a file that `url`, written in folder `base`,
        reaches outside the folder but inside its checkout; None for anything else (no
        checkout, a symbolic link on the way, a missing, junk or too large file)."""
        if self.outer is None or self.root is None:
            return None
        path = unquote(urlsplit(url).path)
        start = self.outer if path.startswith("/") else Path(self.root).resolve() / base
        full = Path(os.path.normpath(start / path.lstrip("/")))
        try:
            if full.resolve() != full or not full.is_relative_to(self.outer):
                return None
            rel = full.relative_to(self.outer).as_posix()
            if any(is_junk(part) for part in rel.split("/")) or not full.is_file():
                return None
            if full.stat().st_size > self.limits.max_file_bytes:
                return None
            return rel, full.read_bytes()
        except OSError:
            return None


def convert_folder(source, limits=None, name=""):
    """A folder of Markdown (a path), or a zip of one (path, bytes or file object) -> draft.

    `name` (e.g. an uploaded zip's file name) names the course when the zip has no top folder."""
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    if hasattr(source, "read") or (Path(source).is_file() and _ext(str(source)) == "zip"):
        files, problems = read_package_files(source, limits)
        if problems:
            raise ConvertError(_joined(problems))
        src = _Source(files=files, limits=limits)
        name = _stem(name) if name else ""
    else:
        path = Path(source)
        if not path.exists():
            raise ConvertError(E_NOT_FOUND.format(path=source))
        if not path.is_dir():
            raise ConvertError(E_NOT_SUPPORTED)
        src = _Source(root=path, limits=limits, outer=_repository_root(path))
        name = path.resolve().name
    return _FolderConverter(src, name).convert()


def _joined(problems):
    return "; ".join(str(p) for p in problems)


# An upload: what it is, judged by its content --------------------------------------------------
PACKAGE, FOLDER, DOCX = "package", "folder", "docx"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip's first entry, or an empty zip


def sniff(data):
    """PACKAGE (a zip with course.yml at its root or inside its one top folder), DOCX (a zip
    holding word/document.xml and [Content_Types].xml) or FOLDER (any other zip: Markdown
    to convert). The name of the file is not looked at. ConvertError for anything else."""
    if not data:
        raise ConvertError(E_EMPTY_UPLOAD)
    if bytes(data[:4]) not in _ZIP_MAGIC:
        raise ConvertError(E_NOT_ZIP_OR_DOCX)
    try:
        with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
            names = [n for n in zf.namelist() if not n.endswith("/")]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ConvertError(E_BAD_ZIP) from exc
    if "word/document.xml" in names and "[Content_Types].xml" in names:
        return DOCX
    kept = [n for n in names if not is_junk(n)]
    if "course.yml" in kept:
        return PACKAGE
    tops = {n.split("/", 1)[0] for n in kept}
    if len(tops) == 1 and all("/" in n for n in kept) and f"{tops.pop()}/course.yml" in kept:
        return PACKAGE
    return FOLDER


def convert_upload(data, name="", limits=None):
    """Uploaded bytes (a zip of Markdown, or a .docx) -> draft, by what `sniff` finds.

    The same converters as `flask content convert`; ConvertError for a package (nothing to
    convert) and for input that cannot be converted."""
    kind = sniff(data)
    if kind == DOCX:
        return convert_docx(data, name=name, limits=limits)
    if kind == FOLDER:
        return convert_folder(bytes(data), limits, name=name)
    raise ConvertError(E_IS_PACKAGE)


def load_files(files, limits=None):
    """(Package | None, problems) of a draft's files (path -> bytes), as load_package says."""
    return load_package(io.BytesIO(zip_bytes(files)), limits)


def set_slug(files, slug):
    """The draft's files with `slug` in course.yml (when the converted one is taken)."""
    text = files["course.yml"].decode("utf-8")
    line = _yaml({"slug": slug}).rstrip("\n")
    text, count = re.subn(r"(?m)^slug:.*$", lambda _m: line, text, count=1)
    if not count:
        text = f"{line}\n{text}"
    return {**files, "course.yml": text.encode("utf-8")}


def draft_slug(files):
    """The slug course.yml of a converted draft names."""
    data = yaml.safe_load(files["course.yml"].decode("utf-8")) or {}
    return str(data.get("slug") or "")


class _FolderConverter:
    def __init__(self, src, name):
        self.src = src
        self.name = name
        self.prefix = ""
        self.problems = []
        self.files = {}
        self.copied = {}  # (module dir, source asset) -> package path
        self.used_assets = set()
        self.outside = {}  # (source file, url) -> package path

    def problem(self, file, message, **fields):
        self.problems.append(Problem(file, None, message.format(**fields), warning=True))

    def convert(self):
        md = [p for p in self.src.paths if _ext(p) in MARKDOWN_EXTENSIONS]
        if not md:
            raise ConvertError(E_EMPTY_FOLDER)
        # A zip of one folder (or a folder holding one folder): start inside it.
        while True:
            tops = {p[len(self.prefix) :].split("/", 1)[0] for p in self.src.paths
                    if p.startswith(self.prefix)}  # fmt: skip
            only = next(iter(tops)) if len(tops) == 1 else None
            if only and any(p.startswith(f"{self.prefix}{only}/") for p in self.src.paths):
                self.prefix += only + "/"
                self.name = only
            else:
                break
        md = [p for p in md if p.startswith(self.prefix)]

        texts = {}
        for path in md:
            data = self.src.read(path)
            try:
                texts[path] = (data or b"").decode("utf-8").removeprefix("\ufeff")
            except UnicodeDecodeError:
                self.problem(self.rel(path), P_NOT_UTF8)
                continue
            texts[path] = texts[path].replace("\r\n", "\n").replace("\r", "\n")

        top_index = self.index_of(self.prefix, texts)
        course_title, course_body = "", ""
        if top_index:
            course_title, course_body = self.parse(top_index, texts[top_index])
        course_title = course_title or _title_from_name(self.name) or DEFAULT_COURSE_TITLE

        # Modules: the top folder's loose files (if any), then each sub-folder holding Markdown.
        groups = {}
        for path in texts:
            if path == top_index:
                continue
            rest = path[len(self.prefix) :]
            if "/" not in rest and _stem(rest).lower() in META_NAMES:
                self.problem(rest, P_SKIPPED_META)
                continue
            group = rest.split("/", 1)[0] if "/" in rest else ""
            groups.setdefault(group, []).append(path)
        if not groups and top_index:  # a lone README: the course and its one lesson
            groups[""] = [top_index]
        plan = []  # (module dir in source, title, [source paths in order])
        module_order = sorted((g for g in groups if g), key=_natural_key)
        if "" in groups:
            module_order.insert(0, "")
        taken_modules = set()
        lesson_paths = {}  # source path -> package path
        for number, group in enumerate(module_order, start=1):
            folder = self.prefix + (group + "/" if group else "")
            index = self.index_of(folder, texts) if group else None
            ordered = sorted(
                groups[group],
                key=lambda p, index=index, folder=folder: (
                    p != index,
                    p.count("/"),
                    [_natural_key(part) for part in p[len(folder) :].split("/")],
                ),
            )
            title = ""
            if index:
                title = self.parse(index, texts[index])[0]
            if not group:
                title = INTRO_TITLE if len(module_order) > 1 else course_title
            title = title or _title_from_name(group) or INTRO_TITLE
            base = slugify(re.sub(r"^\d+[-_. ]*", "", group) or title) or "modul"
            module_dir = f"{number:02d}-{_unique(base, taken_modules)}"
            taken_lessons = set()
            entries = []
            for path in ordered:
                lesson_title, body = self.parse(path, texts[path])
                if not body.strip():
                    self.problem(self.rel(path), P_SKIPPED_EMPTY)
                    continue
                name = _stem(path)
                if name.lower() in INDEX_NAMES:
                    inner = posixpath.dirname(path[len(folder) :])
                    name = inner.rsplit("/", 1)[-1] if inner else group
                name = re.sub(r"^\d+[-_. ]*", "", name) or lesson_title
                lesson_slug = _unique(slugify(name) or slugify(lesson_title) or "pelajaran",
                                      taken_lessons)  # fmt: skip
                lesson_title = lesson_title or _title_from_name(name) or lesson_slug
                entries.append((path, lesson_title, body, lesson_slug))
            if not entries:
                continue
            for position, (path, *_rest, lesson_slug) in enumerate(entries, start=1):
                lesson_paths[path] = f"{module_dir}/{position:02d}-{lesson_slug}.md"
            plan.append((module_dir, title, entries))
        if not plan:
            raise ConvertError(E_EMPTY_FOLDER)

        # Folders open their README/index lesson.
        folder_lessons = {}
        for path, target in lesson_paths.items():
            if _stem(path).lower() in INDEX_NAMES:
                folder_lessons[posixpath.dirname(path)] = target
        self.lesson_paths, self.folder_lessons = lesson_paths, folder_lessons

        for module_dir, title, entries in plan:
            self.files[f"{module_dir}/module.yml"] = _module_yml(title)
            for path, lesson_title, body, _slug in entries:
                target = lesson_paths[path]
                body = self.links(path, target, body)
                self.files[target] = _lesson_file(lesson_title, body)

        summary, rest = first_paragraph(course_body)
        description = self.links(top_index, "course.yml", rest) if top_index else ""
        slug = slugify(self.name or course_title, max_len=100) or slugify(course_title) or "kursus"
        self.files["course.yml"] = _course_yml(slug, course_title, summary, description)
        self.problem("course.yml", P_PLACEHOLDERS)
        if not summary:
            self.problem("course.yml", P_SUMMARY_PLACEHOLDER)

        for path in self.src.paths:
            if not path.startswith(self.prefix) or path in texts or path in self.used_assets:
                continue
            self.problem(self.rel(path), P_SKIPPED_UNUSED)
        files = dict(sorted(self.files.items()))
        counts = {
            "modules": len(plan),
            "lessons": sum(len(entries) for _d, _t, entries in plan),
            "assets": len(set(self.copied.values())),
        }
        problems = sorted(set(self.problems), key=lambda p: (p.file != "course.yml", p.file,
                                                             p.message))  # fmt: skip
        return ConvertResult(
            files=files,
            problems=problems,
            counts=counts,
            lessons={self.rel(src): dest for src, dest in lesson_paths.items()},
            assets={
                (module, self.rel(src)): dest
                for (module, src), dest in self.copied.items()
                if not src.startswith(_OUTSIDE)
            },
            outside=dict(self.outside),
        )

    def rel(self, path):
        return path[len(self.prefix) :]

    def index_of(self, folder, texts):
        for name in INDEX_NAMES:
            for ext in ("md", "markdown"):
                for candidate in (name, name.upper(), name.capitalize()):
                    path = f"{folder}{candidate}.{ext}"
                    if path in texts:
                        return path
        return None

    def parse(self, path, text):
        """(title, body): front matter dropped (its title kept), first heading taken out."""
        fm_title = ""
        if text.startswith("---\n"):
            end = text.find("\n---", 4)
            if end > 0:
                try:
                    data = yaml.safe_load(text[4:end])
                except yaml.YAMLError:
                    data = None
                    self.problem(self.rel(path), P_FRONT_MATTER)
                if isinstance(data, dict) and isinstance(data.get("title"), str):
                    fm_title = data["title"].strip()
                text = text[end + 4 :].split("\n", 1)[-1] if "\n" in text[end + 4 :] else ""
        title, body = split_title(text)
        return fm_title or title, body

    def links(self, source_path, target_path, body):
        base = posixpath.dirname(source_path)
        target_dir = posixpath.dirname(target_path)
        module_dir = target_path.split("/", 1)[0] if "/" in target_path else ""
        rel = self.rel(source_path)

        def rewrite(url, is_image):
            url = url.strip()
            if not url or url.startswith("#") or is_external(url) or urlsplit(url).scheme:
                return url
            # The package's own rule (`/` = its root, never above it), inside self.prefix.
            inner, fragment = package_link_target(self.rel(base), url)
            if inner is None and urlsplit(url).path:
                copied = self.copy_outside(source_path, base, url, module_dir, is_image)
                if copied is not None:
                    return _relative(copied, target_dir)
                self.problem(rel, P_IMAGE_OUTSIDE if is_image else P_LINK_OUTSIDE, url=url)
                return None
            joined = posixpath.normpath(self.prefix + (inner or self.rel(base)))
            fragment = f"#{fragment}" if fragment else ""
            lesson = self.lesson_paths.get(joined) or self.folder_lessons.get(joined.rstrip("/"))
            if lesson is not None and not is_image:
                return _relative(lesson, target_dir) + fragment
            if joined not in self.src.known:
                if url.startswith("/"):  # GitHub: from the top of the repository
                    copied = self.copy_outside(source_path, base, url, module_dir, is_image)
                    if copied is not None:
                        return _relative(copied, target_dir)
                self.problem(rel, P_IMAGE_MISSING if is_image else P_LINK_MISSING, url=url)
                return None
            if _ext(joined) in MARKDOWN_EXTENSIONS:  # a Markdown file that is no lesson
                self.problem(rel, P_LINK_MISSING, url=url)
                return None
            if _ext(joined) in BLOCKED_EXTENSIONS:
                self.problem(rel, P_SKIPPED_BLOCKED, ext=_ext(joined))
                return None
            copied = self.copy_asset(joined, module_dir, is_image)
            if copied is None:
                self.problem(rel, P_IMAGE_MISSING if is_image else P_LINK_MISSING, url=url)
                return None
            return _relative(copied, target_dir) + fragment

        return rewrite_links(body, rewrite)

    def copy_outside(self, source_path, base, url, module_dir, is_image):
        """A picture outside the folder, from the Git checkout around it. Pictures only: a
        checkout also holds code and settings, which a lesson's link must not carry into a
        package unseen."""
        if _ext(urlsplit(url).path) not in IMAGE_EXTENSIONS:
            return None
        found = self.src.read_outside(base, url)
        if found is None:
            return None
        rel, data = found
        copied = self.copy_asset(_OUTSIDE + rel, module_dir, is_image, data=data)
        if copied is not None:
            self.outside[(self.rel(source_path), url)] = copied
        return copied

    def copy_asset(self, source, module_dir, is_image, data=None):
        key = (module_dir, source)
        if key in self.copied:
            return self.copied[key]
        if data is None:
            data = self.src.read(source)
        if data is None:
            return None
        group_folder = self.prefix + source[len(self.prefix) :].split("/", 1)[0] + "/"
        inner = source[len(group_folder) :] if source.startswith(group_folder) else ""
        if inner and "/" in inner and module_dir and self._module_of(source) == module_dir:
            dest = f"{module_dir}/{inner}"  # keeps `images/x.png` where the lesson had it
        else:
            folder = "images" if is_image or _ext(source) in IMAGE_EXTENSIONS else "files"
            dest = (
                f"{module_dir}/{folder}/{posixpath.basename(source)}"
                if module_dir
                else (f"{folder}/{posixpath.basename(source)}")
            )
        dest = _safe_asset_path(dest)
        stem, ext = posixpath.splitext(dest)
        n = 2
        while dest in self.files and self.files[dest] != data:
            dest = f"{stem}-{n}{ext}"
            n += 1
        self.files[dest] = data
        self.copied[key] = dest
        self.used_assets.add(source)
        return dest

    def _module_of(self, source):
        """The package module folder made from the source folder holding `source`."""
        group = source[len(self.prefix) :].split("/", 1)[0]
        for lesson_source, lesson in self.lesson_paths.items():
            if (
                lesson_source[len(self.prefix) :].split("/", 1)[0] == group
                and "/" in (lesson_source[len(self.prefix) :])
            ):
                return lesson.split("/", 1)[0]
        return None


_OUTSIDE = "\0outside/"  # marks a source path read from the checkout, not the folder


def _safe_asset_path(path):
    """Folder and file names that survive every zip tool and URL: ASCII, no spaces."""
    parts = path.split("/")
    out = []
    for i, part in enumerate(parts):
        if i == len(parts) - 1:
            stem, ext = posixpath.splitext(part)
            out.append((slugify(stem, max_len=80) or "berkas") + ext.lower())
        else:
            out.append(part if i == 0 else (slugify(part) or "berkas"))
    return "/".join(out)


def _relative(path, from_dir):
    rel = posixpath.relpath(path, from_dir or ".")
    return quote(rel, safe="/-._~")


# A Word document -------------------------------------------------------------------------------
DOCX_STYLE_MAP = """
p[style-name='Title'] => h1.doc-title:fresh
p[style-name='Judul'] => h1.doc-title:fresh
p[style-name='Subtitle'] => p.doc-subtitle:fresh
"""
_IMAGE_EXT = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp",
              "image/svg+xml": "svg"}  # fmt: skip


def convert_docx(data, name="", limits=None):
    """A Word document (bytes) -> draft: Heading 1 -> lessons, or Heading 1 -> modules and
    Heading 2 -> lessons when both are used. `name` (the file's name) titles the course when
    the document has no Title paragraph. A .docx is a zip: its parts (text, embedded images)
    pass the package's zip `limits` (file count, sizes, ratio, paths) before Word reads it."""
    import mammoth
    from bs4 import BeautifulSoup

    if not data or not bytes(data[:2]) == b"PK":
        raise ConvertError(E_NOT_DOCX.format(detail="bukan berkas Office Open XML"))
    _parts, refused = read_package_files(io.BytesIO(bytes(data)), limits)
    if refused:
        raise ConvertError(_joined(refused))
    images, problems = [], []

    seen = [0]  # pictures met so far, kept or not: the report counts them as Word shows them

    def keep_image(image):
        seen[0] += 1
        ext = _IMAGE_EXT.get(image.content_type)
        if ext is None:
            kind = image.content_type or "?"
            problems.append(
                Problem(name, None, P_DOCX_IMAGE_TYPE.format(n=seen[0], kind=kind), warning=True)
            )
            return {}  # an <img> without src: dropped below, never an empty ![]()
        with image.open() as stream:
            images.append((ext, stream.read()))
        if not (image.alt_text or "").strip():
            problems.append(Problem(name, None, P_DOCX_NO_ALT.format(n=len(images)), warning=True))
        return {"src": f"docx-image:{len(images) - 1}", "alt": image.alt_text or ""}

    try:
        result = mammoth.convert_to_html(
            io.BytesIO(bytes(data)),
            style_map=DOCX_STYLE_MAP,
            convert_image=mammoth.images.img_element(keep_image),
        )
    except Exception as exc:  # a broken zip, a zip that is no Word file, bad XML
        raise ConvertError(E_NOT_DOCX.format(detail=type(exc).__name__)) from exc
    external = 0
    for m in result.messages:
        if m.type == "warning" and "external image" in m.message:
            # mammoth never fetches a linked picture (file:, http:, ../): say it was left out.
            external += 1
            problems.append(
                Problem(name, None, P_DOCX_EXTERNAL_IMAGE.format(n=external), warning=True)
            )
        elif m.type == "error":
            problems.append(
                Problem(name, None, P_DOCX_MESSAGE.format(message=m.message), warning=True)
            )
    soup = BeautifulSoup(result.value, "html.parser")
    for img in soup.find_all("img"):
        if not img.get("src"):
            img.decompose()
    if not soup.get_text(strip=True) and not images:
        raise ConvertError(E_EMPTY_DOCX)

    title = ""
    for el in soup.select("h1.doc-title"):
        title = title or el.get_text(" ", strip=True)
        el.decompose()
    for el in soup.select("p.doc-subtitle"):
        el.name = "p"
        del el["class"]
    levels = sorted({int(el.name[1]) for el in soup.find_all(re.compile(r"^h[1-6]$"))})
    top = levels[0] if levels else None
    split_modules = top is not None and (top + 1) in levels
    lesson_level = (top + 1) if split_modules else top

    # Walk the top-level blocks into modules -> lessons -> [html].
    modules = []  # [title, [[title, [html]]]]
    preamble = []
    for el in list(soup.contents):
        tag = getattr(el, "name", None)
        level = int(tag[1]) if tag and re.match(r"^h[1-6]$", tag) else None
        if split_modules and level == top:
            modules.append([el.get_text(" ", strip=True), []])
        elif level == lesson_level:
            if not modules:
                modules.append(["", []])
            modules[-1][1].append([el.get_text(" ", strip=True), []])
        elif modules and modules[-1][1]:
            modules[-1][1][-1][1].append(str(el))
        elif modules:  # text under a module heading, before its first lesson
            modules[-1][1].append([INTRO_TITLE, [str(el)]])
        else:
            preamble.append(str(el))

    course_title = title or _title_from_name(name) or DEFAULT_COURSE_TITLE
    preamble_md = _to_markdown("".join(preamble), 1).strip()
    summary, preamble_md = first_paragraph(preamble_md)
    if top is None:
        problems.append(Problem(name, None, P_DOCX_NO_HEADINGS, warning=True))
        modules = [["", [[course_title, preamble]]]]
        preamble_md = summary = ""
    files, taken_modules = {}, set()
    used_images = {}
    module_count = lesson_count = 0
    for number, (module_title, lessons) in enumerate(modules, start=1):
        module_title = module_title or course_title
        module_dir = f"{number:02d}-{_unique(slugify(module_title) or 'modul', taken_modules)}"
        taken, position = set(), 0
        for lesson_title, parts in lessons:
            if lesson_title == INTRO_TITLE and not any(
                BeautifulSoup(p, "html.parser").get_text(strip=True) or "<img" in p for p in parts
            ):
                continue
            body = _to_markdown("".join(parts), lesson_level or 1)
            if not body.strip():
                body = f"*{PLACEHOLDER}: isi pelajaran ini.*"

            def place(match, module_dir=module_dir):
                index = int(match.group(1))
                ext, blob = images[index]
                key = (module_dir, index)
                if key not in used_images:
                    used_images[key] = f"images/gambar-{index + 1}.{ext}"
                    files[f"{module_dir}/{used_images[key]}"] = blob
                return used_images[key]

            body = re.sub(r"docx-image:(\d+)", place, body)
            position += 1
            slug = _unique(slugify(lesson_title) or "pelajaran", taken)
            files[f"{module_dir}/{position:02d}-{slug}.md"] = _lesson_file(
                lesson_title or course_title, body
            )
        if position:
            files[f"{module_dir}/module.yml"] = _module_yml(module_title)
            module_count += 1
            lesson_count += position
    if not lesson_count:
        raise ConvertError(E_EMPTY_DOCX)
    slug = slugify(course_title, max_len=100) or "kursus"
    files["course.yml"] = _course_yml(slug, course_title, summary[:1000], preamble_md)
    problems.insert(0, Problem("course.yml", None, P_PLACEHOLDERS, warning=True))
    if not summary:
        problems.insert(1, Problem("course.yml", None, P_SUMMARY_PLACEHOLDER, warning=True))
    counts = {"modules": module_count, "lessons": lesson_count, "assets": len(used_images)}
    return ConvertResult(files=dict(sorted(files.items())), problems=problems, counts=counts)


def _to_markdown(html, lesson_level):
    """Mammoth's HTML -> Markdown; headings inside a lesson move up to start at `##`."""
    from markdownify import MarkdownConverter

    class _Converter(MarkdownConverter):
        def convert_hN(self, n, el, text, parent_tags):
            shifted = max(2, min(6, n - lesson_level + 1))
            return super().convert_hN(shifted, el, text, parent_tags)

    converter = _Converter(
        heading_style="ATX",
        bullets="-",
        strong_em_symbol="*",
        table_infer_header=True,
        escape_underscores=False,
        escape_misc=False,
    )
    markdown = converter.convert(html)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown)
    return markdown.strip() + "\n" if markdown.strip() else ""


# Writing a draft folder ------------------------------------------------------------------------
def check_destination(out):
    """Refuse a non-empty folder or a file; ConvertError with the instructor's message."""
    out = Path(out)
    if out.exists():
        if not out.is_dir():
            raise ConvertError(E_OUT_IS_FILE.format(path=out))
        if any(out.iterdir()):
            raise ConvertError(E_OUT_EXISTS.format(path=out))


def write_package(files, out):
    """Write every file into a temporary folder next to `out`, then move it into place: a
    draft is either all there or not there at all."""
    out = Path(out)
    check_destination(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        for path, data in files.items():
            target = tmp.joinpath(*path.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        check_destination(out)  # someone may have written there meanwhile
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


__all__ = [
    "DOCX",
    "FOLDER",
    "PACKAGE",
    "ConvertError",
    "ConvertResult",
    "check_destination",
    "convert_docx",
    "convert_folder",
    "convert_upload",
    "draft_slug",
    "load_files",
    "set_slug",
    "sniff",
    "write_package",
]

"""Images and attachments uploaded into a draft: name, type sniffed from the bytes, size.

Pure code. Only raster images (PNG, JPEG, GIF, WebP) and common documents (PDF, Word, Excel,
PowerPoint, CSV, plain text) are accepted, and the content must really be of the type its
name says: a web page renamed `foto.png` or `catatan.txt` is refused. Web pages, SVG (it can
carry script), scripts and programs are refused by name and by content.
"""

import io
import posixpath
import re
import zipfile

from flask_babel import lazy_gettext as _l
from werkzeug.utils import secure_filename

from ..content.package import _MAGIC, BLOCKED_EXTENSIONS, content_type_for

IMAGE_EXTENSIONS = ("png", "jpg", "jpeg", "gif", "webp")
ATTACHMENT_EXTENSIONS = ("pdf", "docx", "xlsx", "pptx", "csv", "txt")
ALLOWED_EXTENSIONS = IMAGE_EXTENSIONS + ATTACHMENT_EXTENSIONS
OFFICE_FOLDERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
MAX_NAME = 100
_MARKUP = re.compile(rb"<\s*(!doctype|html|head|body|script|svg|iframe|\?xml)\b", re.IGNORECASE)
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")


class UploadRefused(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def clean_name(filename):
    """A safe, lower-case file name ("Alur Layanan.PNG" -> "alur_layanan.png"), or ""."""
    name = secure_filename(filename or "").lower()
    name = re.sub(r"[^a-z0-9._-]+", "-", name).strip(".-_")
    stem, ext = posixpath.splitext(name)
    if len(name) > MAX_NAME:
        name = stem[: MAX_NAME - len(ext)] + ext
    return name


def extension(name):
    return posixpath.splitext(name)[1].lower().lstrip(".")


def is_image(name):
    return extension(name) in IMAGE_EXTENSIONS


def check_upload(name, data, max_bytes):
    """Refuse (UploadRefused, message for the instructor) what may not enter a draft."""
    ext = extension(name)
    if not name or not ext:
        raise UploadRefused(_l("The file needs a name with an extension, e.g. diagram.png."))
    if ext == "svg" or ext == "svgz":
        raise UploadRefused(
            _l("SVG images are not accepted: they can contain scripts. Upload a PNG or WebP.")
        )
    if ext in ("htm", "html", "xhtml", "xht", "shtml", "mht", "mhtml"):
        raise UploadRefused(_l("Web pages (HTML) are not accepted as files of a course."))
    if ext in BLOCKED_EXTENSIONS:
        raise UploadRefused(_l("Scripts and programs (.%(ext)s) are not accepted.", ext=ext))
    if ext not in ALLOWED_EXTENSIONS:
        raise UploadRefused(
            _l(
                "Files of type .%(ext)s are not accepted. Allowed: %(allowed)s.",
                ext=ext,
                allowed=", ".join(ALLOWED_EXTENSIONS),
            )
        )
    if not data:
        raise UploadRefused(_l("The file is empty."))
    if len(data) > max_bytes:
        raise UploadRefused(
            _l("The file is too large (at most %(mb)s MB).", mb=f"{max_bytes / 1048576:.0f}")
        )
    if not _content_matches(ext, data):
        raise UploadRefused(_l("The content of the file is not a valid .%(ext)s file.", ext=ext))


def _content_matches(ext, data):
    if data.startswith(_EXECUTABLE_MAGIC):
        return False
    check = _MAGIC.get(content_type_for(f"x.{ext}"))
    if check is not None:
        return check[0](data)
    if ext == "pdf":
        return data.startswith(b"%PDF-")
    if ext in OFFICE_FOLDERS:
        return _office(data, OFFICE_FOLDERS[ext])
    # csv, txt: text, and not a web page or SVG in disguise.
    head = data[:4096]
    if b"\0" in head:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            data.decode("cp1252")  # Excel's "CSV" in Windows; still text
        except UnicodeDecodeError:
            return False
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return not (stripped.startswith(b"<") and _MARKUP.search(stripped[:1024]))


def _office(data, folder):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)


def markdown_snippet(path, from_dir):
    """How a lesson in `from_dir` links the file: ![..](images/x.png) or [..](files/x.pdf)."""
    rel = posixpath.relpath(path, from_dir or ".")
    name = posixpath.basename(path)
    if is_image(path):
        return f"![{posixpath.splitext(name)[0]}]({rel})"
    return f"[{name}]({rel})"

"""Evidence of a development activity: PDF or pictures (PNG, JPEG, WebP), their type sniffed
from the bytes (a web page renamed `sertifikat.pdf` is refused), their number and size
limited. The bytes are stored once in the content-addressed asset_blobs table; an
ActivityEvidence row names them. Files are checked all together before anything is stored,
so a refused file leaves nothing behind. Flushes, never commits.
"""

import hashlib
import posixpath
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..authoring.services import size
from ..authoring.uploads import UploadRefused, check_upload, clean_name, extension
from ..extensions import db
from ..media import store as media_store
from ..models import ActivityEvidence

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
}
ACCEPT = ",".join(f".{ext}" for ext in CONTENT_TYPES)  # the file input's `accept`
SHOWN_NAME = 80  # characters of a refused file's name quoted in the message


class EvidenceRefused(ValueError):
    """A file (or the set of files) refused; `message` names the file and says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class Upload:
    """A file as the browser sent it: its name and (at most the limit + 1) bytes."""

    filename: str
    data: bytes


@dataclass
class CheckedFile:
    name: str  # cleaned ("Sertifikat Seminar.PDF" -> "sertifikat_seminar.pdf")
    content_type: str
    data: bytes
    sha256: str

    @property
    def size(self):
        return len(self.data)


def read_uploads(files, max_bytes):
    """Upload for each chosen file (objects with `.filename` and `.stream`, e.g. werkzeug's
    FileStorage), reading at most `max_bytes` + 1 bytes of each: enough to know a file is
    too large without holding it whole. An empty file input (no name) is skipped."""
    out = []
    for f in files or ():
        name = getattr(f, "filename", None) or ""
        if not name:
            continue
        out.append(Upload(name, f.stream.read(max_bytes + 1)))
    return out


def _shown(filename):
    name = " ".join(str(filename).replace("\\", "/").rsplit("/", 1)[-1].split())
    return name if len(name) <= SHOWN_NAME else name[: SHOWN_NAME - 1] + "…"


def check_files(uploads, max_files, max_bytes, keep=()):
    """The uploads as CheckedFile, or EvidenceRefused naming the first refused file. `keep`:
    the sha256 of the files the activity keeps (a file already attached is not added twice,
    and counts toward `max_files`)."""
    keep = list(keep)
    checked, seen = [], set(keep)
    for upload in uploads:
        shown = _shown(upload.filename)
        name = clean_name(upload.filename)
        typed_ext = posixpath.splitext(str(upload.filename))[1].lower().lstrip(".")
        if typed_ext in CONTENT_TYPES and extension(name) != typed_ext:
            name = f"bukti.{typed_ext}"  # a name of other letters only ("证书.pdf")
        ext = extension(name)
        if ext not in CONTENT_TYPES:
            raise EvidenceRefused(
                _l(
                    "%(name)s: only PDF files and pictures (PNG, JPEG, WebP) are accepted as "
                    "evidence.",
                    name=shown,
                )
            )
        if len(upload.data) > max_bytes:
            raise EvidenceRefused(
                _l(
                    "%(name)s is larger than %(limit)s, the limit for one evidence file.",
                    name=shown,
                    limit=size(max_bytes),
                )
            )
        try:
            check_upload(name, upload.data, max_bytes)
        except UploadRefused as exc:
            raise EvidenceRefused(
                _l("%(name)s: %(reason)s", name=shown, reason=str(exc.message))
            ) from None
        sha256 = hashlib.sha256(upload.data).hexdigest()
        if sha256 in seen:
            continue
        seen.add(sha256)
        checked.append(CheckedFile(name, CONTENT_TYPES[ext], upload.data, sha256))
    if len(keep) + len(checked) > max_files:
        raise EvidenceRefused(
            _l("An activity can have at most %(max)d evidence files.", max=max_files)
        )
    return checked


def attach(activity, files, now=None):
    """Store the checked files' bytes (once per content) and name them on `activity`."""
    for f in files:
        media_store.ensure_blob(f.sha256, f.data)
        row = ActivityEvidence(
            filename=f.name, content_type=f.content_type, size=f.size, sha256=f.sha256
        )
        if now is not None:
            row.uploaded_at = now
        activity.evidence.append(row)
    db.session.flush()


def evidence_bytes(sha256):
    return media_store.read(sha256)

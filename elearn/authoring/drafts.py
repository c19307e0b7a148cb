"""Drafts: a course package kept in the database, edited file by file, published as a version.

Services: they flush, never commit, and take the acting user as an argument.

Every change first bumps the draft's revision with one UPDATE. That statement takes the draft
row's lock (PostgreSQL) or the database's write lock (SQLite), so two saves of one draft take
turns, and the second one reads what the first wrote before it decides anything. An edit form
carries the revision and a fingerprint of what it showed; a save is refused (`Conflict`) when
the file changed since and the part the form edits (a lesson, a quiz's settings, one question)
is no longer what the form showed. Changes to other parts of the same file merge cleanly,
because the new text is computed from the current file under the lock (`transform`).
"""

import hashlib
import io
import posixpath
import zipfile
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import undefer

from ..content import Problem, import_package, load_package, version_files
from ..content.package import SOURCE_EXTENSIONS
from ..dbutil import insert_if_absent
from ..extensions import db
from ..media import store as media_store
from ..models import AssetBlob, CourseDraft, DraftFile, audit
from ..timeutil import utcnow
from . import sourcefmt as fmt

ROOT = "_"  # the module part of the pre-test's and final exam's references


class DraftGone(Exception):
    """The draft was published or discarded meanwhile."""


class Conflict(Exception):
    """The part being saved changed since the form was loaded (or was deleted: `file` None)."""

    def __init__(self, file=None, current=None):
        super().__init__("conflict")
        self.file = file
        self.current = current  # the current text of the edited part, when it still exists


def is_text_path(path):
    return posixpath.splitext(path)[1].lower().lstrip(".") in SOURCE_EXTENSIONS


# Reading -----------------------------------------------------------------------------------------
def draft_for(course):
    return db.session.scalar(select(CourseDraft).where(CourseDraft.course_id == course.id))


def all_files(draft):
    """Every file of the draft, texts loaded: {path: DraftFile}."""
    rows = db.session.scalars(
        select(DraftFile)
        .where(DraftFile.draft_id == draft.id)
        .options(undefer(DraftFile.text))
        .order_by(DraftFile.path)
    )
    return {f.path: f for f in rows}


def all_paths(draft):
    return set(db.session.scalars(select(DraftFile.path).where(DraftFile.draft_id == draft.id)))


def get_file(draft, path, fresh=False):
    stmt = select(DraftFile).where(DraftFile.draft_id == draft.id, DraftFile.path == path)
    stmt = stmt.options(undefer(DraftFile.text))
    if fresh:
        stmt = stmt.execution_options(populate_existing=True)
    return db.session.scalar(stmt)


@dataclass
class Item:
    kind: str  # lesson | quiz
    module: str | None  # module slug; None for the pre-test and the final exam
    slug: str  # item slug; "pretest" or "final" for those
    number: int
    path: str
    title: str
    role: str = "module"  # module | pretest | final

    @property
    def key(self):
        return f"{self.module}/{self.slug}" if self.module else self.role

    @property
    def module_ref(self):
        return self.module or ROOT

    @property
    def base_dir(self):
        return posixpath.dirname(self.path)


@dataclass
class ModuleEntry:
    slug: str
    number: int
    path: str  # folder name
    title: str
    summary: str
    items: list = field(default_factory=list)

    def item(self, slug):
        return next((i for i in self.items if i.slug == slug), None)


@dataclass
class Outline:
    course: dict
    modules: list
    pretest: Item | None
    final: Item | None
    files: dict  # path -> DraftFile

    def module(self, slug):
        return next((m for m in self.modules if m.slug == slug), None)

    def item(self, module_ref, slug):
        if module_ref == ROOT:
            return next((q for q in (self.pretest, self.final) if q and q.slug == slug), None)
        module = self.module(module_ref)
        return module.item(slug) if module else None

    @property
    def items(self):
        out = [self.pretest] if self.pretest else []
        for module in self.modules:
            out.extend(module.items)
        return out + ([self.final] if self.final else [])

    @property
    def assets(self):
        return [f for f in self.files.values() if not f.is_text]

    @property
    def total_size(self):
        return sum(f.size or 0 for f in self.files.values())

    def locate(self, path):
        """What a package path belongs to: ("course", None), ("module", ModuleEntry),
        ("item", Item), ("file", path) or ("package", None)."""
        if not path:
            return "package", None
        if path == "course.yml":
            return "course", None
        for item in self.items:
            if item.path == path:
                return "item", item
        for module in self.modules:
            if path in (module.path, f"{module.path}/module.yml"):
                return "module", module
        return "file", path


def outline(draft, files=None):
    """The draft's structure, read leniently (a draft may be invalid while being edited)."""
    files = all_files(draft) if files is None else files
    course_file = files.get("course.yml")
    course = fmt.read_course_yml(course_file.text if course_file else "")
    modules = {}
    for path in files:
        if "/" not in path:
            continue
        folder, rest = path.split("/", 1)
        numbered = fmt.split_numbered(folder)
        if numbered is None:
            continue
        module = modules.get(folder)
        if module is None:
            module = modules[folder] = ModuleEntry(numbered[1], numbered[0], folder, "", "")
        if rest == "module.yml":
            data = fmt.read_module_yml(files[path].text)
            module.title, module.summary = data["title"], data["summary"]
        elif "/" not in rest and rest.endswith(".md"):
            item_numbered = fmt.split_numbered(rest)
            if item_numbered is None:
                continue
            kind, title = fmt.item_header(files[path].text)
            module.items.append(
                Item(kind, module.slug, item_numbered[1], item_numbered[0], path, title or rest)
            )
    ordered = sorted(modules.values(), key=lambda m: (m.number, m.slug))
    for module in ordered:
        module.items.sort(key=lambda i: (i.number, i.slug))
        module.title = module.title or module.slug
    root = {}
    for key, role in (("pretest", "pretest"), ("final_exam", "final")):
        path = course.get(key)
        if path and path in files and "/" not in path:
            _kind, title = fmt.item_header(files[path].text)
            root[role] = Item("quiz", None, role, 0, path, title or path, role=role)
    return Outline(course, ordered, root.get("pretest"), root.get("final"), files)


# Starting, ending --------------------------------------------------------------------------------
def _rows(draft_id, files, actor, now, revision=1):
    rows = []
    for path, data in files.items():
        row = {
            "draft_id": draft_id,
            "path": path,
            "size": len(data),
            "revision": revision,
            "updated_at": now,
            "updated_by_id": actor.id if actor else None,
            "text": None,
            "sha256": None,
        }
        if is_text_path(path):
            row["text"] = data.decode("utf-8")
        else:
            row["sha256"] = hashlib.sha256(data).hexdigest()
        rows.append(row)
    return rows


def start_draft(course, actor, files=None):
    """The course's draft, started from the current version's files when there is none."""
    existing = draft_for(course)
    if existing is not None:
        return existing
    now = utcnow()
    version = course.current_version or course.latest_version()
    if files is None:
        files = version_files(version) if version is not None else {}
    draft = CourseDraft(
        course=course,
        base_version=version,
        revision=1,
        created_at=now,
        created_by=actor,
        updated_at=now,
        updated_by=actor,
    )
    db.session.add(draft)
    db.session.flush()
    rows = _rows(draft.id, files, actor, now)
    _ensure_blobs({r["sha256"]: files[r["path"]] for r in rows if r["sha256"]})
    if rows:
        db.session.execute(DraftFile.__table__.insert(), rows)
    audit(
        actor,
        "course.draft_start",
        course,
        slug=course.slug,
        base_version=version.number if version else None,
    )
    return draft


def _ensure_blobs(blobs):
    """Store the bytes ({sha256: data}) that no AssetBlob holds yet (a version's are stored)."""
    if not blobs:
        return
    known = set(db.session.scalars(select(AssetBlob.sha256).where(AssetBlob.sha256.in_(blobs))))
    for sha256, data in blobs.items():
        if sha256 not in known:
            insert_if_absent(AssetBlob, media_store.blob_row(sha256, data), ["sha256"])


def end_draft(draft):
    db.session.execute(delete(DraftFile).where(DraftFile.draft_id == draft.id))
    db.session.delete(draft)
    db.session.flush()


def discard_draft(draft, actor):
    course = draft.course
    audit(actor, "course.draft_discard", course, slug=course.slug, revision=draft.revision)
    end_draft(draft)


# Writing -----------------------------------------------------------------------------------------
def _lock(draft, actor):
    """Bump the revision (and take the lock, see the module's docstring); the new revision."""
    revision = db.session.execute(
        update(CourseDraft)
        .where(CourseDraft.id == draft.id)
        .values(revision=CourseDraft.revision + 1, updated_at=utcnow(), updated_by_id=actor.id)
        .returning(CourseDraft.revision),
        execution_options={"synchronize_session": False},
    ).scalar_one_or_none()
    if revision is None:
        raise DraftGone
    db.session.expire(draft, ["revision", "updated_at", "updated_by_id", "updated_by"])
    return revision


@dataclass
class Expected:
    """What an edit form was loaded with."""

    revision: int
    fingerprint: str
    part: object = None  # text -> the edited part's text (None: the whole file)

    def current_part(self, text):
        return text if self.part is None else self.part(text)


def update_text(draft, path, actor, transform, expected=None):
    """Rewrite a text file: `transform(current text) -> new text`, under the draft's lock.

    With `expected`, a change made since the form was loaded raises Conflict (see above).
    Returns the DraftFile."""
    revision = _lock(draft, actor)
    file = get_file(draft, path, fresh=True)
    if file is None or not file.is_text:
        raise Conflict(None, None)
    if expected is not None and file.revision != expected.revision:
        current = expected.current_part(file.text)
        if current is None or fmt.fingerprint(current) != expected.fingerprint:
            raise Conflict(file, current)
    new_text = transform(file.text)
    if new_text != file.text:
        file.text = new_text
        file.size = len(new_text.encode("utf-8"))
        file.revision = revision
        file.updated_at = utcnow()
        file.updated_by = actor
    db.session.flush()
    return file


def create_text(draft, path, text, actor):
    revision = _lock(draft, actor)
    if get_file(draft, path, fresh=True) is not None:
        raise Conflict(None, None)
    file = DraftFile(
        draft_id=draft.id,
        path=path,
        text=text,
        size=len(text.encode("utf-8")),
        revision=revision,
        updated_at=utcnow(),
        updated_by=actor,
    )
    db.session.add(file)
    db.session.flush()
    return file


def put_blob(draft, path, data, sha256, actor):
    """Add or replace a binary file (an image or attachment) of the draft."""
    revision = _lock(draft, actor)
    media_store.ensure_blob(sha256, data)
    file = get_file(draft, path, fresh=True)
    if file is None:
        file = DraftFile(draft_id=draft.id, path=path)
        db.session.add(file)
    elif file.is_text:
        raise Conflict(file, None)
    file.sha256, file.size, file.text = sha256, len(data), None
    file.revision, file.updated_at, file.updated_by = revision, utcnow(), actor
    db.session.flush()
    return file


def delete_files(draft, paths, actor):
    _lock(draft, actor)
    if paths:
        db.session.execute(
            delete(DraftFile).where(DraftFile.draft_id == draft.id, DraftFile.path.in_(paths))
        )
    db.session.flush()


def rename_files(draft, mapping, actor):
    """Move files ({old path: new path}); contents and their revisions stay."""
    _lock(draft, actor)
    if not mapping:
        return
    files = db.session.scalars(
        select(DraftFile)
        .where(DraftFile.draft_id == draft.id, DraftFile.path.in_(list(mapping)))
        .execution_options(populate_existing=True)
    ).all()
    old = {f.id: f.path for f in files}
    # Two steps, so that swapping names never meets the (draft_id, path) unique constraint.
    for f in files:
        f.path = f"~moving/{f.id}"
    db.session.flush()
    for f in files:
        f.path = mapping[old[f.id]]
    db.session.flush()


def draft_size(draft):
    return db.session.execute(
        select(func.count(DraftFile.id), func.coalesce(func.sum(DraftFile.size), 0)).where(
            DraftFile.draft_id == draft.id
        )
    ).one()


# Publishing --------------------------------------------------------------------------------------
def package_files(draft):
    """{path: bytes}: the draft as a package."""
    rows = db.session.execute(
        select(DraftFile.path, DraftFile.text, DraftFile.sha256, AssetBlob.data)
        .outerjoin(AssetBlob, AssetBlob.sha256 == DraftFile.sha256)
        .where(DraftFile.draft_id == draft.id)
        .order_by(DraftFile.path)
    )
    return {
        path: text.encode("utf-8") if sha256 is None else media_store.contents(sha256, data)
        for path, text, sha256, data in rows
    }


def as_zip(files):
    """An in-memory zip of package files, as load_package reads uploads."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for path in sorted(files):
            zf.writestr(path, files[path])
    buf.seek(0)
    return zipfile.ZipFile(buf)


def check(draft):
    """(Package | None, problems): the whole draft through the package validator."""
    with as_zip(package_files(draft)) as zf:
        return load_package(zf)


def publish(draft, actor):
    """Validate and import the draft as the course's new version, then end the draft.

    Returns (ImportResult, the package's warnings) or (None, problems): then nothing is
    written."""
    package, problems = check(draft)
    if problems:
        return None, problems
    course = draft.course
    if package.slug != course.slug:
        # The forms never change it; a slug is the course's identity.
        message = _("The slug in course.yml must stay %(slug)s.", slug=course.slug)
        return None, [Problem("course.yml", 1, message)]
    result = import_package(package, actor)
    audit(
        actor,
        "course.publish",
        course,
        slug=course.slug,
        version=result.version.number,
        status=result.status,
        draft_revision=draft.revision,
    )
    end_draft(draft)
    return result, package.warnings

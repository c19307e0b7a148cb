"""Authoring: courses, their owners, and the structured edits that rewrite a draft's files.

Services flush, never commit, never read the request: the routes commit once per request.
Each edit turns form fields into the package's own text (sourcefmt) and writes it into the
draft (drafts), so publishing is `load_package` + `import_package`, as on the command line.
"""

import hashlib
import posixpath
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..activities.partners import active_partner_choices
from ..content import load_package
from ..extensions import db
from ..models import (
    Course,
    CourseDraft,
    CourseVersion,
    Partner,
    Role,
    User,
    audit,
    course_owners,
)
from . import drafts, uploads
from . import sourcefmt as fmt
from .drafts import ROOT

EXAM_FILES = {"pretest": ("pretest", "pretest.md"), "final": ("final_exam", "final-exam.md")}


class Invalid(Exception):
    """Field -> [messages]; "" holds messages about the whole form."""

    def __init__(self, errors):
        super().__init__("invalid")
        self.errors = errors


class Refused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# Courses -----------------------------------------------------------------------------------------
def editable_courses(user):
    """The courses `user` may edit (admins: all), newest first, with versions and drafts."""
    stmt = (
        select(Course)
        .options(selectinload(Course.current_version))
        .order_by(Course.created_at.desc(), Course.id.desc())
    )
    if not user.has_role(Role.ADMIN):
        stmt = stmt.join(course_owners, course_owners.c.course_id == Course.id).where(
            course_owners.c.user_id == user.id
        )
    return stmt


def drafts_of(course_ids):
    if not course_ids:
        return {}
    rows = db.session.scalars(
        select(CourseDraft)
        .where(CourseDraft.course_id.in_(course_ids))
        .options(selectinload(CourseDraft.updated_by))
    )
    return {d.course_id: d for d in rows}


def find_course(slug):
    return db.session.scalar(
        select(Course).where(Course.slug == slug).options(selectinload(Course.owners))
    )


def course_data(form_data, base=None):
    """course.yml fields from the metadata form, over what course.yml held (`base`)."""
    data = dict(base or {})
    data.update(form_data)
    data["competencies"] = [c for c in form_data.get("competencies", []) if c["name"].strip()]
    return data


def _check_course(data):
    errors = {}
    if not data["competencies"]:
        errors["competencies"] = [_l("Name at least one competency the course develops.")]
    return errors


def create_course(actor, data):
    """A new course (its slug reserved), owned by `actor`, with a draft holding course.yml."""
    errors = _check_course(data)
    if not data.get("slug") and data.get("title"):
        data["slug"] = _free_slug(data["title"])
    slug = data["slug"]
    if not fmt.valid_slug(slug):
        errors["slug"] = [
            _l("Use lower-case letters, digits and hyphens, e.g. literasi-digital-asn.")
        ]
    elif db.session.scalar(select(Course.id).where(Course.slug == slug)) is not None:
        errors["slug"] = [_l("A course with this slug exists already.")]
    if errors:
        raise Invalid(errors)
    data.setdefault("authors", [actor.full_name])
    course = Course(slug=slug)
    course.owners.append(actor)
    db.session.add(course)
    db.session.flush()
    text = fmt.write_course_yml(data)
    drafts.start_draft(course, actor, files={"course.yml": text.encode("utf-8")})
    audit(actor, "course.create", course, slug=slug)
    return course


def _free_slug(title):
    """A course address made from the title, unique among the courses (etika-asn-2 when taken)."""
    base = fmt.make_slug(title)
    taken = set(db.session.scalars(select(Course.slug).where(Course.slug.startswith(base))))
    return fmt.make_slug(title, taken=taken)


def delete_unpublished(course, actor):
    """A course never published, with its draft: nothing of it stays."""
    if db.session.scalar(select(CourseVersion.id).where(CourseVersion.course_id == course.id)):
        raise Refused(_l("A published course cannot be deleted."))
    draft = drafts.draft_for(course)
    if draft is not None:
        drafts.end_draft(draft)
    audit(actor, "course.delete", course, slug=course.slug)
    db.session.delete(course)
    db.session.flush()


def save_course_settings(draft, actor, form_data, expected):
    def transform(text):
        data = course_data(form_data, fmt.read_course_yml(text))
        errors = _check_course(data)
        if errors:
            raise Invalid(errors)
        return fmt.write_course_yml(data)

    return drafts.update_text(draft, "course.yml", actor, transform, expected)


# Owners ------------------------------------------------------------------------------------------
def find_person(who):
    who = (who or "").strip()
    if not who:
        return None
    return db.session.scalar(
        select(User).where(
            or_(User.nip == who.replace(" ", ""), func.lower(User.email) == who.lower())
        )
    )


def add_owner(actor, course, who):
    person = find_person(who)
    if person is None or not person.active:
        raise Refused(_l("Nobody with this NIP or email was found."))
    if not person.has_role(Role.INSTRUCTOR):
        raise Refused(
            _l(
                "%(name)s is not an instructor. Ask an administrator to give them the "
                "instructor role first.",
                name=person.full_name,
            )
        )
    if course.is_owner(person):
        raise Refused(
            _l("%(name)s is already an instructor of this course.", name=person.full_name)
        )
    course.owners.append(person)
    audit(actor, "course.owner_add", course, slug=course.slug, user_id=person.id)
    db.session.flush()
    return person


def remove_owner(actor, course, person):
    if not course.is_owner(person):
        raise Refused(_l("This person is not an instructor of the course."))
    if len(course.owners) == 1:
        raise Refused(_l("A course keeps at least one instructor."))
    course.owners = [o for o in course.owners if o.id != person.id]
    audit(actor, "course.owner_remove", course, slug=course.slug, user_id=person.id)
    db.session.flush()


# Co-organiser ------------------------------------------------------------------------------------
def co_organiser_choices(course):
    """(id, name) of the partners a course may name: the active ones, and its current one."""
    return active_partner_choices(include_id=course.partner_id)


def set_co_organiser(actor, course, partner_id):
    """Name the partner `partner_id` (None: none) as the course's co-organiser; audited.
    Returns False when nothing changed. Only an active partner may be newly chosen."""
    partner = db.session.get(Partner, partner_id) if partner_id else None
    if partner_id and (partner is None or not (partner.active or partner.id == course.partner_id)):
        raise Refused(_l("Choose an active partner organisation."))
    if (course.partner_id or None) == (partner.id if partner else None):
        return False
    old = course.partner.name if course.partner is not None else ""
    course.partner = partner
    db.session.flush()
    audit(
        actor,
        "course.co_organiser",
        course,
        slug=course.slug,
        partner_id=partner.id if partner else None,
        changes={"co_organiser": [old, partner.name if partner else ""]},
    )
    return True


def set_siasn_type(actor, course, type_id):
    """Set the course's SIASN course type (None: the instance's default); audited. Returns
    False when nothing changed. Only a type of the instance's list may be chosen."""
    from ..siasn import course_types

    if type_id is not None and type_id not in course_types():
        raise Refused(_l("Choose a course type from the list."))
    if course.siasn_type_id == type_id:
        return False
    old = course.siasn_type_id
    course.siasn_type_id = type_id
    db.session.flush()
    audit(actor, "course.siasn_type", course, slug=course.slug,
          changes={"siasn_type_id": [old, type_id]})  # fmt: skip
    return True


# Import ------------------------------------------------------------------------------------------
@dataclass
class ImportCheck:
    package: object
    problems: list
    course: Course | None  # the existing course of the package's slug

    @property
    def ok(self):
        return self.package is not None and not self.problems


def check_upload(stream):
    package, problems = load_package(stream)
    course = None
    if package is not None:
        course = db.session.scalar(select(Course).where(Course.slug == package.slug))
    return ImportCheck(package, problems, course)


def import_checked(actor, check):
    """Import a checked package (the same import as `flask content import --owner`)."""
    from ..content import import_package

    if check.course is not None and not check.course.can_edit(actor):
        raise Refused(
            _l(
                "A course with the slug %(slug)s exists and you are not one of its instructors.",
                slug=check.package.slug,
            )
        )
    return import_package(check.package, actor)


# Files ------------------------------------------------------------------------------------------
def upload(draft, actor, upload_file, folder, limits):
    """Store an uploaded image or attachment in `folder` (its images/ or files/); its path.

    Raises uploads.UploadRefused with a message for the instructor."""
    name = uploads.clean_name(upload_file.filename)
    data = upload_file.stream.read(limits.max_file_bytes + 1)
    uploads.check_upload(name, data, limits.max_file_bytes)
    count, total = drafts.draft_size(draft)
    if count + 1 > limits.max_files:
        raise uploads.UploadRefused(_l("The course has the maximum number of files."))
    if total + len(data) > limits.max_total_bytes:
        raise uploads.UploadRefused(
            _l("The files of the course would exceed the size limit of a course package.")
        )
    sub = "images" if uploads.is_image(name) else "files"
    path = posixpath.join(folder, sub, name) if folder else posixpath.join(sub, name)
    try:
        drafts.put_blob(draft, path, data, hashlib.sha256(data).hexdigest(), actor)
    except drafts.Conflict:
        raise uploads.UploadRefused(_l("A text file of the course has this name.")) from None
    return path


# Modules -----------------------------------------------------------------------------------------
def _taken_module_slugs(outline):
    return {m.slug for m in outline.modules}


def add_module(draft, actor, outline, title, slug, summary):
    slug = slug or fmt.make_slug(title, _taken_module_slugs(outline))
    if not fmt.valid_slug(slug):
        raise Invalid({"slug": [_l("Use lower-case letters, digits and hyphens.")]})
    if slug in _taken_module_slugs(outline):
        raise Invalid({"slug": [_l("Another module of this course has this slug.")]})
    number = max((m.number for m in outline.modules), default=0) + 1
    folder = fmt.numbered_name(number, slug)
    drafts.create_text(draft, f"{folder}/module.yml", fmt.write_module_yml(title, summary), actor)
    return slug


def save_module(draft, actor, module, title, summary, expected):
    path = f"{module.path}/module.yml"
    if path not in drafts.all_paths(draft):
        drafts.create_text(draft, path, fmt.write_module_yml(title, summary), actor)
        return
    drafts.update_text(
        draft, path, actor, lambda _text: fmt.write_module_yml(title, summary), expected
    )


def _moved(entries, slug, direction):
    """The entries in their new order after moving `slug` up or down (None: cannot)."""
    order = list(entries)
    index = next((i for i, e in enumerate(order) if e.slug == slug), None)
    if index is None:
        return None
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(order):
        return None
    order[index], order[target] = order[target], order[index]
    return order


def move_module(draft, actor, outline, slug, direction):
    order = _moved(outline.modules, slug, direction)
    if order is None:
        return False
    mapping = {}
    for number, module in enumerate(order, start=1):
        folder = fmt.numbered_name(number, module.slug)
        if folder == module.path:
            continue
        for path in outline.files:
            if path.startswith(module.path + "/"):
                mapping[path] = folder + path[len(module.path) :]
    drafts.rename_files(draft, mapping, actor)
    return True


def delete_module(draft, actor, outline, module):
    paths = [p for p in outline.files if p.startswith(module.path + "/")]
    drafts.delete_files(draft, paths, actor)


# Lessons and quizzes -----------------------------------------------------------------------------
def _new_item_path(module, title, slug):
    taken = {i.slug for i in module.items}
    slug = slug or fmt.make_slug(title, taken)
    if not fmt.valid_slug(slug):
        raise Invalid({"slug": [_l("Use lower-case letters, digits and hyphens.")]})
    if slug in taken:
        raise Invalid({"slug": [_l("Another lesson or quiz of this module has this slug.")]})
    number = max((i.number for i in module.items), default=0) + 1
    return slug, f"{module.path}/{fmt.numbered_name(number, slug, '.md')}"


def add_lesson(draft, actor, module, data):
    slug, path = _new_item_path(module, data["title"], data.get("slug"))
    text = fmt.write_lesson(data["title"], data["duration"], data["required"], data["body"])
    drafts.create_text(draft, path, text, actor)
    return slug


def add_quiz(draft, actor, module, data):
    slug, path = _new_item_path(module, data["title"], data.get("slug"))
    doc = fmt.QuizDoc(settings={**fmt.QUIZ_DEFAULTS, **data, "role": "module"}, intro="", blocks=[])
    drafts.create_text(draft, path, fmt.write_quiz(doc), actor)
    return slug


def add_exam(draft, actor, outline, role, title):
    """The pre-test or final exam: a quiz file at the package root, named in course.yml."""
    key, filename = EXAM_FILES[role]
    if outline.item(ROOT, role) is not None:
        return
    if filename in outline.files:
        filename = f"{role}-{draft.revision}.md"
    settings = {**fmt.QUIZ_DEFAULTS, "title": title, "required": role != "pretest", "role": role}
    doc = fmt.QuizDoc(settings=settings, intro="", blocks=[])
    drafts.create_text(draft, filename, fmt.write_quiz(doc), actor)

    def transform(text):
        data = fmt.read_course_yml(text)
        data[key] = filename
        return fmt.write_course_yml(data)

    drafts.update_text(draft, "course.yml", actor, transform)


def delete_item(draft, actor, outline, item):
    drafts.delete_files(draft, [item.path], actor)
    if item.module is None:
        key = EXAM_FILES[item.role][0]

        def transform(text):
            data = fmt.read_course_yml(text)
            data[key] = ""
            return fmt.write_course_yml(data)

        drafts.update_text(draft, "course.yml", actor, transform)


def move_item(draft, actor, module, slug, direction):
    order = _moved(module.items, slug, direction)
    if order is None:
        return False
    mapping = {}
    for number, item in enumerate(order, start=1):
        path = f"{module.path}/{fmt.numbered_name(number, item.slug, '.md')}"
        if path != item.path:
            mapping[item.path] = path
    drafts.rename_files(draft, mapping, actor)
    return True


def save_lesson(draft, actor, item, data, expected):
    text = fmt.write_lesson(data["title"], data["duration"], data["required"], data["body"])
    return drafts.update_text(draft, item.path, actor, lambda _old: text, expected)


def quiz_settings_part(text):
    return fmt.read_quiz(text).settings_text()


def save_quiz_settings(draft, actor, item, data, expected):
    def transform(text):
        doc = fmt.read_quiz(text, role=item.role, path=item.path)
        settings = {**doc.settings, **data}
        if settings["draw"] and settings["draw"] > len(doc.blocks):
            raise Invalid(
                {
                    "draw": [
                        _l(
                            "Cannot draw more questions than the quiz has (%(n)d).",
                            n=len(doc.blocks),
                        )
                    ]
                }
            )
        doc.settings = settings
        doc.intro = data.get("intro", doc.intro)
        doc.head = None
        return fmt.write_quiz(doc)

    expected.part = quiz_settings_part
    return drafts.update_text(draft, item.path, actor, transform, expected)


def question_part(key):
    def part(text):
        block = fmt.read_quiz(text).block(key)
        return block.text if block else None

    return part


def save_question(draft, actor, item, old_key, data, language, expected=None):
    """Add (old_key None) or replace a question; the quiz's other questions stay as written.

    Returns the question's key. Raises Invalid with the validator's messages."""

    def transform(text):
        doc = fmt.read_quiz(text, role=item.role, path=item.path)
        others = [b.key for b in doc.blocks if b.key != old_key]
        if old_key is not None and doc.block(old_key) is None:
            raise drafts.Conflict(None, None)
        key = (data.get("key") or "").strip()
        if not key:
            key = fmt.make_slug(data["text"], set(others))
        elif not fmt.QUESTION_ID.match(key):
            raise Invalid({"key": [_l("Use letters, digits, - and _ (at most 100).")]})
        if key in others:
            raise Invalid({"key": [_l("Another question of this quiz has this id.")]})
        block_text = fmt.question_block({**data, "key": key}, language)
        spec, problems = fmt.parse_block(block_text, 1, item.path)
        if problems or spec is None:
            raise Invalid({"": sorted({p.message for p in problems}) or [_l("Not a question.")]})
        saved["key"] = key
        block = fmt.QuestionBlock(block_text, 0, spec, [])
        index = doc.index(old_key) if old_key is not None else None
        if index is None:
            doc.blocks.append(block)
        else:
            doc.blocks[index] = block
        return fmt.write_quiz(doc)

    saved = {}
    if expected is not None:
        expected.part = question_part(old_key)
        drafts.update_text(draft, item.path, actor, transform, expected)
    else:
        drafts.update_text(draft, item.path, actor, transform)
    return saved["key"]


def move_question(draft, actor, item, key, direction):
    def transform(text):
        doc = fmt.read_quiz(text, role=item.role, path=item.path)
        index = doc.index(key)
        if index is None:
            return text
        target = index - 1 if direction == "up" else index + 1
        if not 0 <= target < len(doc.blocks):
            return text
        doc.blocks[index], doc.blocks[target] = doc.blocks[target], doc.blocks[index]
        return fmt.write_quiz(doc)

    drafts.update_text(draft, item.path, actor, transform)


def delete_question(draft, actor, item, key):
    def transform(text):
        doc = fmt.read_quiz(text, role=item.role, path=item.path)
        doc.blocks = [b for b in doc.blocks if b.key != key]
        return fmt.write_quiz(doc)

    drafts.update_text(draft, item.path, actor, transform)


# Material to convert (a zip of Markdown, a Word file) --------------------------------------------
def read_upload(stream, max_bytes):
    """The uploaded file's bytes; Refused past `max_bytes` (nothing beyond it is read)."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise Refused(
            _l("The file is larger than %(limit)s, the limit for an import.", limit=size(max_bytes))
        )
    return data


def size(n):
    """A byte count as instructors read it: 50 MB, 1.5 MB, 200 KB."""
    mb = 1024 * 1024
    return f"{n / mb:.3g} MB" if n >= mb else f"{-(-n // 1024)} KB"


@dataclass
class Conversion:
    """Material converted into package files, and what the package check says of them."""

    kind: str  # convert.FOLDER | convert.DOCX
    name: str  # the uploaded file's name
    result: object  # convert.ConvertResult: files, problems (what could not be brought over)
    package: object | None  # the draft as a package, when it is already valid
    problems: list  # the draft's package problems when it is not valid yet

    @property
    def report(self):
        """Everything the instructor should read: what was not brought over, then what the
        package check found (problems, or the warnings of a valid draft)."""
        checked = self.package.warnings if self.package is not None else self.problems
        return list(self.result.problems) + list(checked)


def convert_upload(data, name, limits):
    """Convert uploaded material with the same converter as `flask content convert`.

    Raises convert.ConvertError with the instructor's message; writes nothing."""
    from ..content import convert as C

    result = C.convert_upload(data, name=name, limits=limits)
    package, problems = C.load_files(result.files, limits)
    return Conversion(C.sniff(data), name, result, package, [] if package else problems)


def create_converted_course(actor, conversion):
    """A new, unpublished course whose draft holds the converted files; `actor` is its
    instructor. A taken slug gets a free one (kursus-2...), written into course.yml."""
    from ..content import convert as C

    files = conversion.result.files
    slug = C.draft_slug(files)
    taken = not fmt.valid_slug(slug) or (
        db.session.scalar(select(Course.id).where(Course.slug == slug)) is not None
    )
    if taken:
        slug = _free_slug(slug or "kursus")
        files = C.set_slug(files, slug)
    course = Course(slug=slug)
    course.owners.append(actor)
    db.session.add(course)
    db.session.flush()
    drafts.start_draft(course, actor, files=files)
    audit(actor, "course.create", course, slug=slug, converted_from=conversion.kind)
    return course

"""The outline of a course version: its lessons and quizzes in learning order, kept per process.

Course versions never change after import, so what a page needs to draw an outline (keys,
titles, durations, required flags) and lesson bodies can be kept in memory by version. Pages
then pay for the learner's own rows only, whatever the size of the course. Outlines are loaded
in batches (three queries for any number of versions) and never include quiz questions.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import CourseVersion, Lesson, Module, Quiz, QuizRole

OUTLINES_KEPT = 256  # versions per worker process
BODIES_KEPT = 512  # lesson bodies per worker process


@dataclass(frozen=True)
class VersionInfo:
    """What the lesson page needs of a course version (frozen after import), kept per process
    beside its outline, instead of the whole row (description, course.yml) on every view."""

    id: int
    course_id: int
    number: int
    content_hash: str
    title: str
    jp: int


@dataclass(frozen=True)
class OutlineItem:
    kind: str  # "lesson" | "quiz"
    key: str  # stable across versions: "module-slug/item-slug", "pretest", "final"
    title: str
    minutes: int  # study time of a lesson, time limit of a quiz (0 = none)
    required: bool
    role: str | None = None  # QuizRole for quizzes
    module: int | None = None  # index in Outline.modules; None for the pre-test and final exam
    attempts: int = 0  # attempts allowed at a quiz (0 = no limit)

    @property
    def is_lesson(self):
        return self.kind == "lesson"

    @property
    def is_quiz(self):
        return self.kind == "quiz"


@dataclass(frozen=True)
class OutlineModule:
    slug: str
    title: str
    summary: str
    items: tuple


@dataclass(frozen=True)
class Outline:
    version_id: int
    version_number: int
    pretest: OutlineItem | None
    modules: tuple
    final: OutlineItem | None
    items: tuple  # every item in learning order (CourseVersion.items())
    _index: dict = field(repr=False, compare=False)

    def get(self, key):
        i = self._index.get(key)
        return None if i is None else self.items[i]

    def neighbours(self, item):
        """(previous item, next item) in learning order, across modules."""
        i = self._index[item.key]
        prev = self.items[i - 1] if i > 0 else None
        nxt = self.items[i + 1] if i + 1 < len(self.items) else None
        return prev, nxt

    def after(self, item):
        """The items after `item` in learning order (all of them for an unknown item)."""
        i = self._index.get(item.key, -1)
        return self.items[i + 1 :]

    @property
    def lessons(self):
        return [i for i in self.items if i.is_lesson]

    @property
    def required_lessons(self):
        return {i.key for i in self.items if i.is_lesson and i.required}

    @property
    def required_quizzes(self):
        """Pre-tests never count toward completion."""
        return {
            i.key for i in self.items if i.is_quiz and i.required and i.role != QuizRole.PRETEST
        }

    @property
    def minutes(self):
        return sum(i.minutes for i in self.items)


class LRU:
    """A small thread-safe least-recently-used map (the test server runs threads)."""

    def __init__(self, size):
        self.size = size
        self.data = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.data.get(key)
            if value is not None:
                self.data.move_to_end(key)
            return value

    def put(self, key, value):
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)


def app_cache(name, size):
    """The app's LRU named `name` (made on first use): per process, shared by its threads."""
    cache = current_app.extensions.get(name)
    if cache is None:
        cache = current_app.extensions.setdefault(name, LRU(size))
    return cache


def _caches():
    ext = current_app.extensions
    if "elearn.outlines" not in ext:
        ext["elearn.outlines"] = LRU(OUTLINES_KEPT)
        ext["elearn.lesson_bodies"] = LRU(BODIES_KEPT)
    return ext["elearn.outlines"], ext["elearn.lesson_bodies"]


def version_info(version_id, number, content_hash):
    """The VersionInfo of a version, given the id, number and hash its course row pointed to
    (they pin the version, as for outlines); one query the first time in a process."""
    cache = app_cache("elearn.versions", OUTLINES_KEPT)
    key = (version_id, number, content_hash)
    info = cache.get(key)
    if info is None:
        row = db.session.execute(
            select(
                CourseVersion.id,
                CourseVersion.course_id,
                CourseVersion.number,
                CourseVersion.content_hash,
                CourseVersion.title,
                CourseVersion.jp,
            ).where(CourseVersion.id == version_id)
        ).one()
        info = VersionInfo(*row)
        cache.put(key, info)
    return info


def _version_key(version):
    # The id alone could come back after a deletion on SQLite; the content hash pins the rest.
    return (version.id, version.number, version.content_hash)


def outline_for(version):
    return outlines_for([version])[version.id]


def outlines_for(versions):
    """{version id: Outline} for these CourseVersion rows; missing ones in three queries."""
    cache, _bodies = _caches()
    found, missing = {}, {}
    for version in versions:
        outline = cache.get(_version_key(version))
        if outline is None:
            missing[version.id] = version
        else:
            found[version.id] = outline
    if missing:
        for version_id, outline in _load(missing).items():
            cache.put(_version_key(missing[version_id]), outline)
            found[version_id] = outline
    return found


def _load(versions):
    ids = list(versions)
    modules = db.session.execute(
        select(Module.id, Module.version_id, Module.slug, Module.title, Module.summary)
        .where(Module.version_id.in_(ids))
        .order_by(Module.version_id, Module.position)
    ).all()
    lessons = db.session.execute(
        select(
            Lesson.module_id,
            Lesson.position,
            Lesson.key,
            Lesson.title,
            Lesson.duration_minutes,
            Lesson.required,
        ).where(Lesson.version_id.in_(ids))
    ).all()
    quizzes = db.session.execute(
        select(
            Quiz.version_id,
            Quiz.module_id,
            Quiz.position,
            Quiz.key,
            Quiz.title,
            Quiz.time_limit_minutes,
            Quiz.required,
            Quiz.role,
            Quiz.attempts_allowed,
        ).where(Quiz.version_id.in_(ids))
    ).all()

    by_module = {}
    for row in lessons:
        by_module.setdefault(row.module_id, []).append(
            (
                row.position,
                ("lesson", row.key, row.title, row.duration_minutes, row.required, None, 0),
            )
        )
    loose = {}  # version id -> {role: quiz}
    for row in quizzes:
        data = (
            "quiz",
            row.key,
            row.title,
            row.time_limit_minutes,
            row.required,
            row.role,
            row.attempts_allowed or 0,
        )
        if row.module_id is None:
            loose.setdefault(row.version_id, {})[row.role] = data
        else:
            by_module.setdefault(row.module_id, []).append((row.position, data))

    version_modules = {vid: [] for vid in ids}
    for row in modules:
        version_modules[row.version_id].append(row)

    out = {}
    for vid, rows in version_modules.items():
        out[vid] = _build(versions[vid], rows, by_module, loose.get(vid, {}))
    return out


def _item(data, module=None):
    kind, key, title, minutes, required, role, attempts = data
    return OutlineItem(kind, key, title, minutes or 0, bool(required), role, module, attempts)


def _build(version, module_rows, by_module, loose):
    pretest = _item(loose[QuizRole.PRETEST]) if QuizRole.PRETEST in loose else None
    final = _item(loose[QuizRole.FINAL]) if QuizRole.FINAL in loose else None
    modules, items = [], []
    if pretest:
        items.append(pretest)
    for index, row in enumerate(module_rows):
        entries = sorted(by_module.get(row.id, []), key=lambda entry: entry[0])
        module_items = tuple(_item(data, index) for _pos, data in entries)
        modules.append(OutlineModule(row.slug, row.title, row.summary or "", module_items))
        items.extend(module_items)
    if final:
        items.append(final)
    return Outline(
        version_id=version.id,
        version_number=version.number,
        pretest=pretest,
        modules=tuple(modules),
        final=final,
        items=tuple(items),
        _index={item.key: i for i, item in enumerate(items)},
    )


def lesson_body(version, key):
    """The stored (sanitized at import) HTML of a lesson; one query the first time."""
    _outlines, bodies = _caches()
    cache_key = (*_version_key(version), key)
    body = bodies.get(cache_key)
    if body is None:
        body = db.session.scalar(
            select(Lesson.body_html).where(Lesson.version_id == version.id, Lesson.key == key)
        )
        if body is None:
            return None
        bodies.put(cache_key, body)
    return body

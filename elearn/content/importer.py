"""Store a validated Package as a course version, rendering its Markdown to safe HTML once.

A service: it adds and flushes, never commits. The caller commits (the CLI does, once per
package) or rolls back, so a failure leaves nothing behind.
"""

import hashlib
import io
from dataclasses import dataclass, field

from flask import current_app, has_app_context
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..media import store as media_store
from ..media.images import DEFAULT_MAX_WIDTH, RASTER_TYPES, downscale
from ..models import (
    Asset,
    AssetBlob,
    Competency,
    Course,
    CourseCompetency,
    CourseVersion,
    Lesson,
    Module,
    Question,
    Quiz,
    audit,
)
from ..timeutil import utcnow
from .links import AppUrls, ImageInfo, LinkMap, package_targets
from .render import render_inline, render_markdown

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"


@dataclass
class ImportResult:
    course: Course
    version: CourseVersion
    status: str  # created | updated | unchanged


def import_package(package, actor=None):
    """Create the course, or add a version when the package changed; identical -> unchanged.

    `package` comes from load_package (already validated). `actor` (a User or None for the
    command line) is recorded as importer and publisher, and becomes owner of a new course.
    """
    course = db.session.scalar(select(Course).where(Course.slug == package.slug))
    if course is not None:
        current = course.current_version or course.latest_version()
        if current is not None and current.content_hash == package.content_hash:
            return ImportResult(course, current, UNCHANGED)
        status = UPDATED
    else:
        course = Course(slug=package.slug)
        if actor is not None:
            course.owners.append(actor)
        db.session.add(course)
        db.session.flush()
        status = CREATED

    number = (
        db.session.scalar(
            select(func.max(CourseVersion.number)).where(CourseVersion.course_id == course.id)
        )
        or 0
    ) + 1
    builder = _VersionBuilder(package, course, number)
    version = builder.build(actor)
    course.current_version = version
    if package.siasn_type is not None:  # stated in course.yml; otherwise as chosen on the course
        course.siasn_type_id = package.siasn_type
    db.session.flush()
    audit(
        actor,
        "course.import",
        course,
        slug=course.slug,
        version=number,
        status=status,
        content_hash=package.content_hash,
    )
    return ImportResult(course, version, status)


@dataclass
class RerenderResult:
    changed: int  # stored HTML fields that were rendered differently today
    problems: list = field(default_factory=list)  # today's checks refuse it: nothing changed


def rerender_version(version):
    """Render the stored Markdown of `version` again with today's renderer, in place.

    Only the stored HTML changes (course description, lessons, quiz introductions, question
    stems, options and explanations); no version is added, nothing of learners' progress is
    touched, and a second run changes nothing. Flushes, never commits."""
    from .exporter import version_files
    from .package import load_package
    from .zipsafe import zip_bytes

    package, problems = load_package(io.BytesIO(zip_bytes(version_files(version))))
    if problems:
        return RerenderResult(0, problems)
    builder = _VersionBuilder(package, version.course, version.number)
    builder.images = _stored_images(version)
    builder.links = builder.link_map()
    changed = 0

    def put(row, attr, value):
        nonlocal changed
        if getattr(row, attr) != value:
            setattr(row, attr, value)
            changed += 1

    put(version, "description_html", builder.description_html())
    lessons = {
        lesson.key: lesson
        for lesson in db.session.scalars(select(Lesson).where(Lesson.version_id == version.id))
    }
    for spec in package.lessons:
        if spec.key in lessons:
            put(lessons[spec.key], "body_html", builder.lesson_html(spec))
    quizzes = {
        quiz.key: quiz
        for quiz in db.session.scalars(
            select(Quiz).where(Quiz.version_id == version.id).options(selectinload(Quiz.questions))
        )
    }
    specs = [item for module in package.modules for item in module.items if item.kind != "lesson"]
    specs += [quiz for quiz in (package.pretest, package.final_exam) if quiz is not None]
    for spec in specs:
        quiz = quizzes.get(spec.key)
        if quiz is None:
            continue
        put(quiz, "intro_html", builder.quiz_intro_html(spec))
        questions = {question.key: question for question in quiz.questions}
        for q in spec.questions:
            question = questions.get(q.key)
            if question is None:
                continue
            fields = builder.question_html(q, spec.base_dir)
            put(question, "prompt_html", fields["prompt_html"])
            put(question, "explanation_html", fields["explanation_html"])
            html = {o["key"]: o["html"] for o in fields["options"]}
            options = [{**o, "html": html.get(o["key"], o["html"])} for o in question.options]
            put(question, "options", options)
    db.session.flush()
    return RerenderResult(changed)


def _stored_images(version):
    """{path: _Image} as the version's import measured them (no image is scaled again)."""
    images = {}
    for asset in db.session.scalars(select(Asset).where(Asset.version_id == version.id)):
        if asset.width is None or asset.height is None:
            continue
        display = None
        if asset.display_sha256:
            display = _Copy(asset.display_sha256, asset.display_width, asset.display_height)
        images[asset.path] = _Image(asset.width, asset.height, display)
    return images


@dataclass
class _Copy:
    """The smaller copy of an image shown in lessons (`data` None: stored by an earlier import)."""

    sha256: str
    width: int
    height: int
    data: bytes | None = None


@dataclass
class _Image:
    width: int
    height: int
    display: _Copy | None = None


class _VersionBuilder:
    def __init__(self, package, course, number):
        self.package = package
        self.course = course
        self.number = number
        app = current_app._get_current_object() if has_app_context() else None
        self.url_prefix = app.config.get("APPLICATION_ROOT", "/") if app else "/"
        self.max_width = (
            int(app.config.get("CONTENT_IMAGE_MAX_WIDTH", DEFAULT_MAX_WIDTH))
            if app
            else DEFAULT_MAX_WIDTH
        )
        self.urls = AppUrls(course.slug, number, self.url_prefix, app)
        self.images = {}
        self.links = None

    def markdown(self, text, base_dir, id_prefix="u-", current=None, inline=False):
        """Sanitized HTML, package links resolved to this version's URLs (links.py)."""
        render = render_inline if inline else render_markdown
        with self.links.scope(base_dir, current) as scope:
            return render(text, scope.resolve_raw, id_prefix=id_prefix)

    def link_map(self):
        p = self.package
        items = [item for module in p.modules for item in module.items]
        items += [quiz for quiz in (p.pretest, p.final_exam) if quiz is not None]
        files = {path: spec.content_type for path, spec in p.assets.items()}
        infos = {}
        for path, image in self.images.items():
            if image.display is None:
                infos[path] = ImageInfo(image.width, image.height)
            else:
                d, size = image.display, p.assets[path].size
                infos[path] = ImageInfo(d.width, d.height, image.width, image.height, size)
        targets = package_targets(items, files, self.urls, infos)
        return LinkMap(targets, p.language, sources=p.files)

    def build(self, actor):
        p = self.package
        now = utcnow()
        self.images = self.measure_images()
        self.links = self.link_map()
        version = CourseVersion(
            course=self.course,
            number=self.number,
            title=p.title,
            summary=p.summary,
            description_html=self.description_html(),
            jp=p.jp,
            level=p.level,
            language=p.language,
            category=p.category,
            authors=list(p.authors),
            version_label=p.version_label,
            content_hash=p.content_hash,
            source_yml=p.source_yml,
            imported_by=actor,
            published_at=now,
            published_by=actor,
        )
        db.session.add(version)
        self.competencies(version)
        for spec in p.modules:
            module = Module(
                version=version,
                slug=spec.slug,
                position=spec.position,
                title=spec.title,
                summary=spec.summary,
                source_path=spec.path,
                source_yml=spec.source_yml,
            )
            db.session.add(module)
            for item in spec.items:
                if item.kind == "lesson":
                    self.lesson(version, module, item)
                else:
                    self.quiz(version, module, item)
        for quiz in (p.pretest, p.final_exam):
            if quiz is not None:
                self.quiz(version, None, quiz)
        self.assets(version)
        return version

    def competencies(self, version):
        specs = self.package.competencies
        kinds = {c.kind for c in specs}
        existing = {
            (c.name.casefold(), c.kind): c
            for c in db.session.scalars(select(Competency).where(Competency.kind.in_(kinds)))
        }
        # The dictionary's entry: by the code the package gives, else by kind and name.
        codes = {s.code.casefold() for s in specs if s.code}
        by_code = {}
        if codes:
            by_code = {
                c.code.casefold(): c
                for c in db.session.scalars(select(Competency).where(Competency.code.is_not(None)))
                if c.code.casefold() in codes
            }
        linked = set()
        for position, spec in enumerate(specs):
            competency = by_code.get(spec.code.casefold()) if spec.code else None
            competency = competency or existing.get((spec.name.casefold(), spec.kind))
            if competency is None:
                competency = Competency(name=spec.name, kind=spec.kind, code=spec.code or None)
                db.session.add(competency)
                existing[(spec.name.casefold(), spec.kind)] = competency
                if spec.code:
                    by_code[spec.code.casefold()] = competency
            if competency in linked:
                continue  # named twice (by its code and by its name): one link
            linked.add(competency)
            version.competency_links.append(
                CourseCompetency(competency=competency, level=spec.level, position=position)
            )

    def lesson(self, version, module, spec):
        db.session.add(
            Lesson(
                version=version,
                module=module,
                key=spec.key,
                position=spec.position,
                title=spec.title,
                duration_minutes=spec.duration,
                required=spec.required,
                body_md=spec.body,
                body_html=self.lesson_html(spec),
                source_path=spec.path,
                source=spec.source,
            )
        )

    def quiz(self, version, module, spec):
        quiz = Quiz(
            version=version,
            module=module,
            key=spec.key,
            role=spec.role,
            position=spec.position,
            title=spec.title,
            intro_html=self.quiz_intro_html(spec),
            pass_mark=spec.pass_mark,
            attempts_allowed=spec.attempts,
            time_limit_minutes=spec.time_limit,
            shuffle_questions=spec.shuffle_questions,
            shuffle_options=spec.shuffle_options,
            draw_count=spec.draw,
            show_answers=spec.show_answers,
            scoring=spec.scoring,
            required=spec.required,
            source_path=spec.path,
            source=spec.source,
        )
        db.session.add(quiz)
        for q in spec.questions:
            quiz.questions.append(
                Question(
                    key=q.key,
                    position=q.position,
                    type=q.type,
                    points=q.points,
                    answer=q.answer,
                    **self.question_html(q, spec.base_dir),
                )
            )

    # The rendered fields, shared by the import and `rerender` -----------------------------------
    def description_html(self):
        return self.markdown(self.package.description, "")

    def lesson_html(self, spec):
        return self.markdown(spec.body, spec.base_dir, current=spec.path)

    def quiz_intro_html(self, spec):
        return self.markdown(spec.intro, spec.base_dir)

    def question_html(self, q, base):
        """prompt_html, options (with their html) and explanation_html of a question."""
        # Several questions share one page: give each its own id prefix.
        return {
            "prompt_html": self.markdown(q.prompt, base, id_prefix=f"u-q{q.position}-"),
            "options": [
                {
                    "key": o.key,
                    "html": self.markdown(o.text, base, id_prefix="u-o-", inline=True),
                    "correct": o.correct,
                }
                for o in q.options
            ],
            "explanation_html": self.markdown(q.explanation, base, id_prefix=f"u-e{q.position}-"),
        }

    def measure_images(self):
        """{path: _Image} for raster images: their size, and a smaller copy when wider than
        CONTENT_IMAGE_MAX_WIDTH. A copy made for an earlier import of the same bytes at the
        same width is reused (re-importing a course does not scale its images again)."""
        specs = {
            path: spec
            for path, spec in self.package.assets.items()
            if spec.content_type in RASTER_TYPES
        }
        earlier = {}
        if specs:
            rows = db.session.execute(
                select(Asset.sha256, Asset.display_sha256, Asset.display_width,
                       Asset.display_height)
                .where(Asset.sha256.in_({s.sha256 for s in specs.values()}),
                       Asset.display_sha256.is_not(None), Asset.display_width == self.max_width)
            )  # fmt: skip
            earlier = {sha: _Copy(display, w, h) for sha, display, w, h in rows}
        images = {}
        for path, spec in sorted(specs.items()):
            size = spec.dimensions  # read when the package was validated
            if size is None:
                continue
            image = _Image(size.width, size.height)
            if size.width > self.max_width:
                image.display = earlier.get(spec.sha256)
                if image.display is None:
                    scaled = downscale(spec.data, spec.content_type, self.max_width)
                    if scaled is not None:
                        sha = hashlib.sha256(scaled.data).hexdigest()
                        image.display = _Copy(sha, scaled.width, scaled.height, scaled.data)
            images[path] = image
        return images

    def assets(self, version):
        specs = self.package.assets
        copies = {
            image.display.sha256: image.display
            for image in self.images.values()
            if image.display is not None and image.display.data is not None
        }
        shas = {a.sha256 for a in specs.values()} | set(copies)
        known = set()
        if shas:
            known = set(
                db.session.scalars(select(AssetBlob.sha256).where(AssetBlob.sha256.in_(shas)))
            )
        for sha, copy in sorted(copies.items()):
            if sha not in known:
                db.session.add(AssetBlob(**media_store.blob_row(sha, copy.data)))
                known.add(sha)
        for path in sorted(specs):
            spec = specs[path]
            if spec.sha256 not in known:
                db.session.add(AssetBlob(**media_store.blob_row(spec.sha256, spec.data)))
                known.add(spec.sha256)
            image = self.images.get(path)
            asset = Asset(
                path=path,
                content_type=spec.content_type,
                size=spec.size,
                sha256=spec.sha256,
            )
            if image is not None:
                asset.width, asset.height = image.width, image.height
                if image.display is not None:
                    asset.display_sha256 = image.display.sha256
                    asset.display_width = image.display.width
                    asset.display_height = image.display.height
            version.assets.append(asset)

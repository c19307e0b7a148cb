"""Store a validated Package as a course version, rendering its Markdown to safe HTML once.

A service: it adds and flushes, never commits. The caller commits (the CLI does, once per
package) or rolls back, so a failure leaves nothing behind.
"""

from dataclasses import dataclass

from flask import current_app, has_app_context
from sqlalchemy import func, select

from ..extensions import db
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
from .package import package_link_target
from .render import media_url, render_inline, render_markdown

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


class _VersionBuilder:
    def __init__(self, package, course, number):
        self.package = package
        self.course = course
        self.number = number
        prefix = current_app.config.get("APPLICATION_ROOT", "/") if has_app_context() else "/"
        self.url_prefix = prefix

    def resolver(self, base_dir):
        def resolve(url):
            target, fragment = package_link_target(base_dir, url)
            if target is None or target not in self.package.assets:
                return None  # cannot happen after validation; never link outside the package
            resolved = media_url(self.course.slug, self.number, target, self.url_prefix)
            return f"{resolved}#{fragment}" if fragment else resolved

        return resolve

    def markdown(self, text, base_dir, id_prefix="u-"):
        return render_markdown(text, self.resolver(base_dir), id_prefix=id_prefix)

    def build(self, actor):
        p = self.package
        now = utcnow()
        version = CourseVersion(
            course=self.course,
            number=self.number,
            title=p.title,
            summary=p.summary,
            description_html=self.markdown(p.description, ""),
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
        for position, spec in enumerate(specs):
            competency = existing.get((spec.name.casefold(), spec.kind))
            if competency is None:
                competency = Competency(name=spec.name, kind=spec.kind)
                db.session.add(competency)
                existing[(spec.name.casefold(), spec.kind)] = competency
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
                body_html=self.markdown(spec.body, spec.base_dir),
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
            intro_html=self.markdown(spec.intro, spec.base_dir),
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
        base = spec.base_dir
        for q in spec.questions:
            # Several questions share one page: give each its own id prefix.
            resolve = self.resolver(base)
            quiz.questions.append(
                Question(
                    key=q.key,
                    position=q.position,
                    type=q.type,
                    points=q.points,
                    prompt_html=render_markdown(q.prompt, resolve, id_prefix=f"u-q{q.position}-"),
                    options=[
                        {
                            "key": o.key,
                            "html": render_inline(o.text, resolve, id_prefix="u-o-"),
                            "correct": o.correct,
                        }
                        for o in q.options
                    ],
                    answer=q.answer,
                    explanation_html=render_markdown(
                        q.explanation, resolve, id_prefix=f"u-e{q.position}-"
                    ),
                )
            )

    def assets(self, version):
        specs = self.package.assets
        shas = {a.sha256 for a in specs.values()}
        known = set()
        if shas:
            known = set(
                db.session.scalars(select(AssetBlob.sha256).where(AssetBlob.sha256.in_(shas)))
            )
        for path in sorted(specs):
            spec = specs[path]
            if spec.sha256 not in known:
                db.session.add(AssetBlob(sha256=spec.sha256, size=spec.size, data=spec.data))
                known.add(spec.sha256)
            version.assets.append(
                Asset(
                    path=path,
                    content_type=spec.content_type,
                    size=spec.size,
                    sha256=spec.sha256,
                )
            )

"""Courses and their immutable versions: metadata, competencies, modules, lessons and files.

A course is a stable identity (its slug); every import of a changed package adds a
CourseVersion and moves the course's pointer to it. Versions are never edited afterwards, so
learners' records can reference them. Items carry stable keys ("module-slug/lesson-slug") that
survive renumbering and rewording, which is how progress follows a learner into a new version.
"""

import enum

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow
from .base import UTCDateTime
from .user import Role, User


class CourseLevel(enum.StrEnum):
    DASAR = "dasar"
    MENENGAH = "menengah"
    LANJUT = "lanjut"


class CompetencyKind(enum.StrEnum):
    """The three kinds of the Standar Kompetensi Jabatan. Packages may write "sosial kultural"."""

    TEKNIS = "teknis"
    MANAJERIAL = "manajerial"
    SOSIAL_KULTURAL = "sosial_kultural"


course_owners = Table(
    "course_owners",
    db.metadata,
    Column("course_id", Integer, ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_course_owners_user_id", "user_id"),
)


class Course(db.Model):
    """The stable identity of a course; what it says lives in its versions."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    # The version learners get when they enrol. Cyclic with course_versions.course_id, hence
    # use_alter (the constraint is added after both tables exist) and post_update below.
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey(
            "course_versions.id",
            use_alter=True,
            ondelete="SET NULL",
            name="fk_courses_current_version_id_course_versions",
        ),
        index=True,
    )
    # Restricted courses are open only to learners they are assigned to.
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    # A partner organisation co-organising the course (named on the course and certificate).
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="SET NULL"), index=True
    )
    # Its SIASN course type (jenisDiklatId, a key of SIASN_COURSE_TYPES); None: the instance's
    # default (SIASN_JENIS_DIKLAT_ID). The record's jenisKursusSertipikat follows from the type.
    siasn_type_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    current_version: Mapped["CourseVersion | None"] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    versions: Mapped[list["CourseVersion"]] = relationship(
        back_populates="course",
        foreign_keys="CourseVersion.course_id",
        order_by="CourseVersion.number",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    owners: Mapped[list[User]] = relationship(secondary=course_owners)
    partner: Mapped["Partner | None"] = relationship()  # noqa: F821 (models/activity.py)

    def __repr__(self):
        return f"<Course {self.slug}>"

    @property
    def title(self):
        return self.current_version.title if self.current_version else self.slug

    def latest_version(self):
        return db.session.scalar(
            select(CourseVersion)
            .where(CourseVersion.course_id == self.id)
            .order_by(CourseVersion.number.desc())
            .limit(1)
        )

    def is_owner(self, user):
        return user is not None and any(o.id == user.id for o in self.owners)

    def can_edit(self, user):
        """Admins and the course's owners (instructors who imported or were given it)."""
        if user is None or not getattr(user, "is_authenticated", True):
            return False
        return user.has_role(Role.ADMIN) or self.is_owner(user)


class CourseVersion(db.Model):
    """One imported package, frozen: numbered 1, 2, 3... per course."""

    __tablename__ = "course_versions"
    __table_args__ = (UniqueConstraint("course_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    jp: Mapped[int] = mapped_column(Integer)  # learning hours (jam pelajaran)
    level: Mapped[str] = mapped_column(String(20), default="", index=True)  # CourseLevel or ""
    language: Mapped[str] = mapped_column(String(5), default="id", index=True)
    category: Mapped[str] = mapped_column(String(100), default="", index=True)
    authors: Mapped[list] = mapped_column(JSON, default=list)
    version_label: Mapped[str] = mapped_column(String(50), default="")  # the author's "1.2"
    # sha256 over the package's files: an identical re-import changes nothing.
    content_hash: Mapped[str] = mapped_column(String(64))
    # course.yml as written, so that an export gives back the author's file.
    source_yml: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[object | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    course: Mapped[Course] = relationship(back_populates="versions", foreign_keys=[course_id])
    imported_by: Mapped[User | None] = relationship(foreign_keys=[imported_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    modules: Mapped[list["Module"]] = relationship(
        back_populates="version",
        order_by="Module.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="version",
        order_by="Lesson.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    quizzes: Mapped[list["Quiz"]] = relationship(  # noqa: F821 (quiz.py)
        back_populates="version",
        order_by="Quiz.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    competency_links: Mapped[list["CourseCompetency"]] = relationship(
        back_populates="version", cascade="all, delete-orphan", passive_deletes=True
    )
    assets: Mapped[list["Asset"]] = relationship(
        back_populates="version",
        order_by="Asset.path",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self):
        return f"<CourseVersion {self.course.slug if self.course else '?'} v{self.number}>"

    @property
    def is_current(self):
        return self.course is not None and self.course.current_version_id == self.id

    def quiz_by_role(self, role):
        return next((q for q in self.quizzes if q.role == role), None)

    @property
    def pretest(self):
        return self.quiz_by_role("pretest")

    @property
    def final_exam(self):
        return self.quiz_by_role("final")

    def items(self):
        """Every lesson and quiz in learning order: pre-test, modules' items, final exam."""
        out = []
        if self.pretest:
            out.append(self.pretest)
        for module in self.modules:
            out.extend(module.items)
        if self.final_exam:
            out.append(self.final_exam)
        return out


class Competency(db.Model):
    """A competency of the Standar Kompetensi Jabatan, shared by every course that trains it."""

    __tablename__ = "competencies"
    __table_args__ = (UniqueConstraint("name", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150))
    kind: Mapped[str] = mapped_column(String(20), index=True)  # CompetencyKind
    # The dictionary (issue 13): a short code agencies use ("M-01", "T-KEU-03"), the sector of a
    # technical competency, a definition. Competencies first met in a course package have none
    # until an admin completes them.
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    sector: Mapped[str] = mapped_column(String(120), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[object | None] = mapped_column(UTCDateTime, onupdate=utcnow)

    levels: Mapped[list["CompetencyLevel"]] = relationship(
        back_populates="competency",
        cascade="all, delete-orphan",
        order_by="CompetencyLevel.level",
    )

    def __repr__(self):
        return f"<Competency {self.kind}:{self.name}>"


class CompetencyLevel(db.Model):
    """The behaviour indicator of one level (1-5) of a competency, in the dictionary's words.

    Assessments copy the indicator they were made against (CompetencyAssessmentItem.indicator),
    so editing the dictionary never rewrites history."""

    __tablename__ = "competency_levels"

    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator: Mapped[str] = mapped_column(Text, default="")

    competency: Mapped[Competency] = relationship(back_populates="levels")


class CourseCompetency(db.Model):
    """A competency a course version develops, with the target level (1-5) when given."""

    __tablename__ = "course_competencies"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("course_versions.id", ondelete="CASCADE"), primary_key=True
    )
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    level: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)

    version: Mapped[CourseVersion] = relationship(back_populates="competency_links")
    competency: Mapped[Competency] = relationship(lazy="joined")


class Module(db.Model):
    __tablename__ = "modules"
    __table_args__ = (
        UniqueConstraint("version_id", "slug"),
        Index("ix_modules_version_id_position", "version_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, 3... in the version
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    source_path: Mapped[str] = mapped_column(String(200))  # folder name, e.g. "01-dasar"
    source_yml: Mapped[str] = mapped_column(Text, default="")  # module.yml as written

    version: Mapped[CourseVersion] = relationship(back_populates="modules")
    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="module", order_by="Lesson.position"
    )
    quizzes: Mapped[list["Quiz"]] = relationship(  # noqa: F821
        back_populates="module", order_by="Quiz.position"
    )

    def __repr__(self):
        return f"<Module {self.slug}>"

    @property
    def items(self):
        """Lessons and quizzes in the author's order (positions are shared between them)."""
        return sorted([*self.lessons, *self.quizzes], key=lambda item: item.position)


class Lesson(db.Model):
    __tablename__ = "lessons"
    __table_args__ = (
        UniqueConstraint("version_id", "key"),
        Index("ix_lessons_module_id_position", "module_id", "position"),
    )

    kind = "lesson"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    # "module-slug/lesson-slug": the same in every version while the author keeps both slugs.
    key: Mapped[str] = mapped_column(String(201), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, 3... among the module's items
    title: Mapped[str] = mapped_column(String(200))
    duration_minutes: Mapped[int] = mapped_column(Integer, default=10)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    body_md: Mapped[str] = mapped_column(Text, default="", deferred=True)
    body_html: Mapped[str] = mapped_column(Text, default="")  # sanitized at import
    source_path: Mapped[str] = mapped_column(String(300))  # "01-dasar/02-surel-dinas.md"
    source: Mapped[str] = mapped_column(Text, default="", deferred=True)  # the file as written

    version: Mapped[CourseVersion] = relationship(back_populates="lessons")
    module: Mapped[Module] = relationship(back_populates="lessons")

    def __repr__(self):
        return f"<Lesson {self.key}>"

    @property
    def slug(self):
        return self.key.rsplit("/", 1)[-1]


class AssetBlob(db.Model):
    """File contents, stored once however many versions (or courses) use the same bytes.

    The bytes are in `data` (the default store: several application servers need no shared
    disk), or in S3-compatible object storage when `data` is NULL (elearn/media/store.py)."""

    __tablename__ = "asset_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)


class Asset(db.Model):
    """An image or attachment of a course version, served at /media/<slug>/v<N>/<path>."""

    __tablename__ = "assets"
    __table_args__ = (UniqueConstraint("version_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(500))  # relative to the package root
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(ForeignKey("asset_blobs.sha256"), index=True)
    # Raster images: their size (as shown, EXIF rotation applied), and a copy scaled down to
    # CONTENT_IMAGE_MAX_WIDTH when wider, which lessons show instead (?original=1 serves the
    # file itself, which exports write back).
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    display_sha256: Mapped[str | None] = mapped_column(ForeignKey("asset_blobs.sha256"))
    display_width: Mapped[int | None] = mapped_column(Integer)
    display_height: Mapped[int | None] = mapped_column(Integer)

    version: Mapped[CourseVersion] = relationship(back_populates="assets")
    blob: Mapped[AssetBlob] = relationship(foreign_keys=[sha256])

    def __repr__(self):
        return f"<Asset {self.path}>"

    @property
    def data(self):
        return self.blob.data

"""Drafts of courses being edited in the browser: a draft is a course package kept in the database.

One draft per course. Its files are the package's files (course.yml, module.yml, lessons and
quizzes as Markdown text; images and attachments as AssetBlob references), so publishing runs
the same validator and importer as `flask content import`, and a draft exports as a package.

`revision` counts the draft's changes; each file remembers the revision of its last change, which
is how an edit form loaded earlier notices that someone else changed the same file meanwhile.
"""

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow
from .base import UTCDateTime
from .course import AssetBlob, Course, CourseVersion
from .user import User


class CourseDraft(db.Model):
    __tablename__ = "course_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), unique=True
    )
    # The version the draft was started from (None for a course never published).
    base_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_versions.id", ondelete="SET NULL")
    )
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    course: Mapped[Course] = relationship()
    base_version: Mapped[CourseVersion | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    files: Mapped[list["DraftFile"]] = relationship(
        back_populates="draft",
        order_by="DraftFile.path",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self):
        return f"<CourseDraft course={self.course_id} r{self.revision}>"


class DraftFile(db.Model):
    """One file of a draft: Markdown/YAML as text, anything else as a stored blob."""

    __tablename__ = "draft_files"
    __table_args__ = (UniqueConstraint("draft_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("course_drafts.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(500))  # package-relative, "01-dasar/02-surel.md"
    text: Mapped[str | None] = mapped_column(Text, deferred=True)
    sha256: Mapped[str | None] = mapped_column(ForeignKey("asset_blobs.sha256"), index=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    # The draft's revision when this file's content last changed (renaming keeps it).
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    draft: Mapped[CourseDraft] = relationship(back_populates="files")
    blob: Mapped[AssetBlob | None] = relationship()
    updated_by: Mapped[User | None] = relationship()

    def __repr__(self):
        return f"<DraftFile {self.path} r{self.revision}>"

    @property
    def is_text(self):
        return self.sha256 is None

"""Course packages: Markdown and YAML -> validated data -> database, and back.

Public API (pure code: no request objects; services flush, callers commit):

    load_package(source, limits=None) -> (Package | None, [Problem])
    import_package(package, actor=None) -> ImportResult(course, version, status)
    export_version(version, dest, force=False); version_files(version); find_version(slug, n)
    render_markdown(text, resolve_link=None), render_inline(...), sanitize_text(text)
"""

from .exporter import DestinationExists, export_version, find_version, version_files
from .importer import CREATED, UNCHANGED, UPDATED, ImportResult, import_package
from .package import content_hash, load_package
from .problems import Problem
from .render import media_url, render_inline, render_markdown, sanitize_text
from .spec import (
    AssetSpec,
    CompetencySpec,
    LessonSpec,
    ModuleSpec,
    OptionSpec,
    Package,
    QuestionSpec,
    QuizSpec,
)
from .zipsafe import Limits

__all__ = [
    "CREATED",
    "UNCHANGED",
    "UPDATED",
    "AssetSpec",
    "CompetencySpec",
    "DestinationExists",
    "ImportResult",
    "LessonSpec",
    "Limits",
    "ModuleSpec",
    "OptionSpec",
    "Package",
    "Problem",
    "QuestionSpec",
    "QuizSpec",
    "content_hash",
    "export_version",
    "find_version",
    "import_package",
    "load_package",
    "media_url",
    "render_inline",
    "render_markdown",
    "sanitize_text",
    "version_files",
]

"""Read a course package (folder or .zip) into validated plain data, collecting every problem.

`load_package(source) -> (Package | None, [Problem])` is the one entry point, used by the
command line and later by the browser authoring pages. The package format is content/README.md.
"""

import hashlib
import posixpath
import re
from html.parser import HTMLParser
from urllib.parse import unquote

from flask import current_app, has_app_context

from ..media.images import MAX_PIXELS, RASTER_TYPES, BadImage, image_size
from . import messages as M
from .links import (
    AppUrls,
    LinkMap,
    element_ids,
    is_external,
    lesson_fragment,
    package_link_target,  # noqa: F401 (used from here by the authoring preview)
    package_targets,
)
from .problems import Problem
from .quizparse import parse_quiz
from .render import render_inline, render_markdown
from .spec import AssetSpec, CompetencySpec, LessonSpec, ModuleSpec, Package
from .yamldoc import YamlDoc, split_front_matter
from .zipsafe import Limits, read_package_files

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NUMBERED = re.compile(r"^(\d{1,4})-(.*)$")
SOURCE_EXTENSIONS = frozenset({"md", "markdown", "yml", "yaml"})

COURSE_KEYS = frozenset(
    {
        "slug",
        "title",
        "summary",
        "description",
        "jp",
        "level",
        "language",
        "version",
        "category",
        "authors",
        "competencies",
        "pretest",
        "final_exam",
        "siasn_type",
    }
)
COMPETENCY_KEYS = frozenset({"name", "kind", "level", "code"})
MODULE_KEYS = frozenset({"title", "summary"})
LESSON_KEYS = frozenset({"title", "duration", "required", "type"})
LEVELS = ("dasar", "menengah", "lanjut")
LANGUAGES = ("id", "en")
KINDS = ("teknis", "manajerial", "sosial_kultural")
KIND_ALIASES = {"sosial kultural": "sosial_kultural", "sosial-kultural": "sosial_kultural"}

# Content types by extension: a fixed table, not the host's mime.types, so every server agrees.
CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "txt": "text/plain",
    "csv": "text/csv",
    "json": "application/json",
    "zip": "application/zip",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "ogg": "audio/ogg",
    "mp4": "video/mp4",
    "webm": "video/webm",
}
# Web pages, scripts and programs are refused: an attachment must not be a way to run code.
BLOCKED_EXTENSIONS = frozenset(
    {
        "htm", "html", "xhtml", "xht", "shtml", "mht", "mhtml", "js", "mjs", "swf", "exe", "dll",
        "msi", "bat", "cmd", "com", "scr", "ps1", "vbs", "vbe", "wsf", "wsh", "hta", "jar", "apk",
        "lnk", "reg", "pif", "cpl", "svgz",
    }
)  # fmt: skip
_MAGIC = {
    "image/png": (lambda b: b.startswith(b"\x89PNG\r\n\x1a\n"), "PNG"),
    "image/jpeg": (lambda b: b.startswith(b"\xff\xd8\xff"), "JPEG"),
    "image/gif": (lambda b: b[:6] in (b"GIF87a", b"GIF89a"), "GIF"),
    "image/webp": (lambda b: b[:4] == b"RIFF" and b[8:12] == b"WEBP", "WebP"),
}


def content_type_for(path):
    ext = posixpath.splitext(path)[1].lower().lstrip(".")
    return CONTENT_TYPES.get(ext, "application/octet-stream")


def _ext(path):
    return posixpath.splitext(path)[1].lower().lstrip(".")


def content_hash(files):
    """sha256 over every file's path and bytes: equal packages have equal hashes."""
    h = hashlib.sha256()
    for path in sorted(files):
        h.update(path.encode())
        h.update(b"\0")
        h.update(hashlib.sha256(files[path]).hexdigest().encode())
        h.update(b"\n")
    return h.hexdigest()


def load_package(source, limits=None):
    """(Package, []) for a valid package; (None, problems) otherwise.

    `source`: a folder, a .zip path, a binary file object holding a zip, or a ZipFile.
    Problems name package-relative files. Limits default to the app's CONTENT_MAX_* settings.
    Warnings (Problem.warning) do not stop a package: a valid one carries them in
    `package.warnings`; with errors, they are listed among the problems.
    """
    if limits is None:
        limits = Limits.from_config(current_app.config) if has_app_context() else Limits()
    files, problems = read_package_files(source, limits)
    if problems:
        return None, problems
    return _Loader(files).load()


class _Loader:
    def __init__(self, files):
        self.raw = files
        self.files = {}  # as stored: normalized text or asset bytes
        self.texts = {}
        self.problems = []
        self.image_sizes = {}  # raster image path -> media.images.Size (the importer uses it)

    def problem(self, file, line, message, warning=False, **fields):
        self.problems.append(Problem(file, line, message.format(**fields), warning))

    # Text ----------------------------------------------------------------------------------------
    def text(self, path):
        """The file as text (UTF-8, BOM dropped, newlines normalized), or None after a problem."""
        if path in self.texts:
            return self.texts[path]
        data = self.raw[path]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            self.problem(path, line, M.NOT_UTF8, byte=f"0x{data[exc.start]:02x}")
            self.texts[path] = None
            return None
        text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        self.texts[path] = text
        self.files[path] = text.encode("utf-8")
        return text

    # The whole package ---------------------------------------------------------------------------
    def load(self):
        if "course.yml" not in self.raw:
            self.problem("course.yml", None, M.COURSE_YML_MISSING)
            course = None
        else:
            course = self.course_yml()
        root_quizzes = {}
        if course:
            for key in ("pretest", "final_exam"):
                if course[key]:
                    root_quizzes[course[key]] = key

        top_dirs = sorted({p.split("/", 1)[0] for p in self.raw if "/" in p})
        assets = []
        for path in sorted(p for p in self.raw if "/" not in p):
            if path == "course.yml" or path in root_quizzes:
                continue
            if _ext(path) in SOURCE_EXTENSIONS:
                self.problem(path, None, M.UNKNOWN_FILE)
            else:
                assets.append(path)

        modules = []
        for name in top_dirs:
            inside = sorted(p for p in self.raw if p.startswith(name + "/"))
            numbered = NUMBERED.match(name)
            if numbered and SLUG.match(numbered.group(2)):
                modules.append(self.module(name, int(numbered.group(1)), numbered.group(2), inside))
                assets.extend(p for p in inside if _ext(p) not in SOURCE_EXTENSIONS)
                continue
            direct_sources = [
                p for p in inside if p.count("/") == 1 and _ext(p) in SOURCE_EXTENSIONS
            ]
            if numbered or direct_sources:
                self.problem(name, None, M.BAD_MODULE_DIR)
            for path in inside:
                if _ext(path) in SOURCE_EXTENSIONS:
                    if not direct_sources:
                        self.problem(path, None, M.UNKNOWN_FILE)
                else:
                    assets.append(path)
        modules = [m for m in modules if m is not None]
        self.check_unique(modules, "module")
        modules.sort(key=lambda m: m[0])
        if not modules and course is not None:
            self.problem("course.yml", None, M.NO_MODULES)

        for path in assets:
            self.asset(path)
        asset_specs = {p: self.asset_spec(p) for p in assets}

        pretest = final = None
        if course:
            pretest = self.root_quiz(course, "pretest", "pretest")
            final = self.root_quiz(course, "final_exam", "final")

        module_specs = []
        for position, (_number, spec) in enumerate(modules, start=1):
            spec.position = position
            module_specs.append(spec)

        self.check_links(course, module_specs, pretest, final, asset_specs)
        if course is None or any(not p.warning for p in self.problems):
            return None, self.sorted_problems()
        package = Package(
            slug=course["slug"],
            title=course["title"],
            summary=course["summary"],
            description=course["description"],
            jp=course["jp"],
            level=course["level"],
            language=course["language"],
            version_label=course["version"],
            category=course["category"],
            authors=course["authors"],
            competencies=course["competencies"],
            siasn_type=course["siasn_type"],
            modules=module_specs,
            pretest=pretest,
            final_exam=final,
            assets=asset_specs,
            source_yml=self.texts["course.yml"],
            files=dict(sorted(self.files.items())),
            content_hash="",
        )
        package.content_hash = content_hash(package.files)
        package.warnings = self.sorted_problems()
        return package, []

    def sorted_problems(self):
        unique = set(self.problems)  # a link can be seen in a prompt, an option and more
        return sorted(unique, key=lambda p: (p.file, p.line or 0, p.message))

    # course.yml ----------------------------------------------------------------------------------
    def siasn_type(self, doc):
        """The course's SIASN course type (jenisDiklatId), one of the instance's list; None:
        not stated (the course keeps the type chosen on its organiser page)."""
        value = doc.integer("siasn_type", default=None, low=1, high=9999)
        if value is None or not has_app_context():
            return value
        from ..siasn import course_types

        types = course_types()
        if value not in types:
            doc.report(M.SIASN_TYPE_UNKNOWN, "siasn_type", value=value,
                       choices=", ".join(str(key) for key in types))  # fmt: skip
            return None
        return value

    def course_yml(self):
        text = self.text("course.yml")
        if text is None:
            return None
        doc = YamlDoc.parse(text, "course.yml", self.problems)
        if doc is None:
            return None
        doc.check_keys(COURSE_KEYS)
        slug = doc.text("slug", required=True, max_len=100)
        if slug and not SLUG.match(slug):
            doc.report(M.BAD_SLUG, "slug", value=slug)
        course = {
            "slug": slug,
            "title": doc.text("title", required=True, max_len=200),
            "summary": doc.text("summary", required=True, max_len=1000),
            "description": doc.text("description", multiline=True),
            "jp": doc.integer("jp", required=True, low=1, high=1000),
            "level": doc.choice("level", LEVELS, default=""),
            "language": doc.choice("language", LANGUAGES, default="id"),
            "version": doc.text("version", max_len=50),
            "category": doc.text("category", max_len=100),
            "authors": self.authors(doc),
            "competencies": self.competencies(doc),
            "siasn_type": self.siasn_type(doc),
        }
        for key in ("pretest", "final_exam"):
            value = doc.text(key, default="")
            if value and ("/" in value or "\\" in value or not value.endswith(".md")):
                doc.report(M.QUIZ_FILE_NOT_ROOT, key, key=key)
                value = ""
            elif value and value not in self.raw:
                doc.report(M.QUIZ_FILE_MISSING, key, key=key, path=value)
                value = ""
            course[key] = value
        if course["pretest"] and course["pretest"] == course["final_exam"]:
            doc.report(M.QUIZ_FILE_TWICE, "final_exam")
            course["final_exam"] = ""
        return course

    def authors(self, doc):
        value = doc.data.get("authors")
        if value is None:
            return []
        if isinstance(value, str):
            return [value.strip()] if value.strip() else []
        if not isinstance(value, list):
            doc.report(M.NOT_LIST, "authors", key="authors")
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, (dict, list)) or item is None:
                doc.report(M.NOT_TEXT, "authors", i, key="authors")
            elif str(item).strip():
                out.append(str(item).strip()[:200])
        return out

    def competencies(self, doc):
        value = doc.data.get("competencies")
        if value is None:
            doc.report(M.COMPETENCY_REQUIRED, "competencies")
            return []
        if not isinstance(value, list):
            doc.report(M.NOT_LIST, "competencies", key="competencies")
            return []
        if not value:
            doc.report(M.COMPETENCY_REQUIRED, "competencies")
        out, seen = [], set()
        for i, item in enumerate(value):
            path = ("competencies", i)
            if not isinstance(item, dict):
                doc.report(M.YAML_NOT_MAPPING, *path)
                continue
            doc.check_keys(COMPETENCY_KEYS, item, path)
            name = doc.text("name", required=True, max_len=150, path=path)
            kind = doc.choice("kind", KINDS, default=None, required=True, path=path,
                              aliases=KIND_ALIASES)  # fmt: skip
            level = doc.integer("level", default=None, low=1, high=5, path=path)
            code = doc.text("code", default="", max_len=40, path=path)  # the dictionary's code
            if not name or not kind:
                continue
            if (name.casefold(), kind) in seen:
                doc.report(M.COMPETENCY_DUPLICATE, *path, name=name, kind=kind)
                continue
            seen.add((name.casefold(), kind))
            if code and code.casefold() in seen:
                doc.report(M.COMPETENCY_DUPLICATE, *path, name=code, kind=kind)
                continue
            seen.add(code.casefold())
            out.append(CompetencySpec(name=name, kind=kind, level=level, code=code or ""))
        return out

    # Modules, lessons, quizzes -------------------------------------------------------------------
    def module(self, name, number, slug, inside):
        yml_path = f"{name}/module.yml"
        title, summary, source_yml = "", "", ""
        if yml_path not in self.raw:
            self.problem(name, None, M.MODULE_YML_MISSING)
        else:
            text = self.text(yml_path)
            doc = YamlDoc.parse(text, yml_path, self.problems) if text is not None else None
            if doc is not None:
                doc.check_keys(MODULE_KEYS)
                title = doc.text("title", required=True, max_len=200)
                summary = doc.text("summary", multiline=True)
                source_yml = text
        items = []
        for path in inside:
            rest = path[len(name) + 1 :]
            if rest == "module.yml":
                continue
            if "/" in rest:  # a sub-folder: images and attachments
                if _ext(path) in SOURCE_EXTENSIONS:
                    self.problem(path, None, M.UNKNOWN_FILE)
                continue
            if _ext(path) not in SOURCE_EXTENSIONS:
                continue  # an asset next to the lessons
            numbered = NUMBERED.match(rest[:-3]) if rest.endswith(".md") else None
            if not numbered or not SLUG.match(numbered.group(2)):
                bad_name = M.BAD_ITEM_NAME if rest.endswith(".md") else M.UNKNOWN_FILE
                self.problem(path, None, bad_name)
                continue
            item = self.item(path, f"{slug}/{numbered.group(2)}", "module")
            if item is not None:
                items.append((int(numbered.group(1)), item))
        self.check_unique(items, "item")
        items.sort(key=lambda pair: pair[0])
        for position, (_n, item) in enumerate(items, start=1):
            item.position = position
        if not items and yml_path in self.raw:
            self.problem(name, None, M.EMPTY_MODULE)
        spec = ModuleSpec(
            slug=slug,
            path=name,
            position=0,
            title=title,
            summary=summary,
            source_yml=source_yml,
            items=[item for _n, item in items],
        )
        return number, spec

    def check_unique(self, numbered_specs, what):
        """Numbers (order) and slugs (identity) must each be unique among siblings."""
        by_number, by_slug = {}, {}
        for number, spec in numbered_specs:
            path = spec.path
            slug = spec.slug if what == "module" else spec.key.rsplit("/", 1)[-1]
            if number in by_number:
                self.problem(path, None, M.DUPLICATE_NUMBER, number=number, other=by_number[number])
            else:
                by_number[number] = path
            if slug in by_slug:
                self.problem(path, None, M.DUPLICATE_SLUG, slug=slug, other=by_slug[slug])
            else:
                by_slug[slug] = path

    def item(self, path, key, role, course_key=None):
        """A lesson or a quiz (front matter `type: quiz`); None after a fatal problem."""
        text = self.text(path)
        if text is None:
            return None
        fm, body, fm_line, body_line, problem = split_front_matter(text)
        if problem:
            self.problem(path, 1, problem)
            return None
        doc = YamlDoc.parse(fm, path, self.problems, first_line=fm_line)
        if doc is None:
            return None
        kind = doc.text("type", default="lesson").lower()
        if kind == "quiz":
            return parse_quiz(
                doc,
                body,
                body_line,
                path=path,
                key=key,
                role=role,
                position=0,
                source=text,
                problems=self.problems,
            )
        if kind != "lesson":
            doc.report(M.BAD_ITEM_TYPE, "type", value=kind)
            return None
        if role != "module":
            doc.report(M.NOT_A_QUIZ, "type", key=course_key)
            return None
        doc.check_keys(LESSON_KEYS)
        lesson = LessonSpec(
            key=key,
            path=path,
            position=0,
            title=doc.text("title", required=True, max_len=200),
            duration=doc.integer("duration", default=10, low=1, high=24 * 60),
            required=doc.boolean("required", default=True),
            body=body.strip("\n"),
            body_line=body_line,
            source=text,
        )
        if not lesson.body.strip():
            self.problem(path, body_line, M.EMPTY_LESSON)
        return lesson

    def root_quiz(self, course, key, role):
        path = course[key]
        if not path:
            return None
        return self.item(path, role, role, course_key=key)

    # Files -----------------------------------------------------------------------------------
    def asset(self, path):
        ext = _ext(path)
        data = self.raw[path]
        if ext in BLOCKED_EXTENSIONS:
            self.problem(path, None, M.BLOCKED_TYPE, ext=ext)
            return
        content_type = content_type_for(path)
        check = _MAGIC.get(content_type)
        if check and not check[0](data):
            self.problem(path, None, M.IMAGE_MISMATCH, kind=check[1])
        elif content_type in RASTER_TYPES:
            # Read now (the header only), so that import can always size and scale it.
            try:
                size = self.image_sizes[path] = image_size(data)
            except BadImage:
                self.problem(path, None, M.IMAGE_UNREADABLE)
            else:
                if size.pixels > MAX_PIXELS:
                    self.problem(path, None, M.IMAGE_TOO_LARGE, width=size.width,
                                 height=size.height, limit=MAX_PIXELS // 1_000_000)  # fmt: skip
        self.files[path] = data

    def asset_spec(self, path):
        data = self.raw[path]
        return AssetSpec(
            path=path,
            data=data,
            content_type=content_type_for(path),
            sha256=hashlib.sha256(data).hexdigest(),
            dimensions=self.image_sizes.get(path),
        )

    # Links -------------------------------------------------------------------------------------
    def check_links(self, course, modules, pretest, final, assets):
        """Every package link and image must name a lesson, a quiz or a file of the package
        (see links.py); anchors into lessons and images from other sites are warnings."""
        items = [item for module in modules for item in module.items]
        items += [quiz for quiz in (pretest, final) if quiz is not None]
        urls = AppUrls((course or {}).get("slug") or "x", 1)
        files = {path: spec.content_type for path, spec in assets.items()}
        links = LinkMap(package_targets(items, files, urls), sources=self.raw)
        texts = []
        if course:
            texts.append(("course.yml", "", course["description"], 1))
        for item in items:
            texts.extend(_markdown_texts(item))
        ids = {}  # lesson path -> (every id, heading ids) of its rendered body
        anchors = []
        for path, base_dir, markdown_text, default_line, *inline in texts:
            if not markdown_text:
                continue
            source = self.texts.get(path) or ""
            with links.scope(base_dir, current=path) as scope:
                render = render_inline if inline else render_markdown
                rendered = render(markdown_text, resolve_link=scope.resolve_raw)
            if links.targets.get(path) and links.targets[path].kind == "lesson":
                ids[path] = element_ids(rendered)
            found = [(i.url, i.message, i.warning) for i in scope.issues]
            # Raw HTML <img> from another site: the tree never saw it.
            found += [(url, M.EXTERNAL_IMAGE, True) for url in _external_images(rendered)]
            for url, message, warning in found:
                line = _find_line(source, url, default_line)
                self.problem(path, line, message, warning=warning, url=url)
            anchors += [(path, source, default_line, a) for a in scope.anchors]
        for path, source, default_line, anchor in anchors:
            if anchor.target not in ids:
                continue
            all_ids, heading_ids = ids[anchor.target]
            if lesson_fragment(anchor.fragment) in all_ids:
                continue
            known = ", ".join("#" + i.removeprefix("u-") for i in heading_ids[:8])
            self.problem(
                path,
                _find_line(source, anchor.url, default_line),
                M.ANCHOR_MISSING,
                warning=True,
                fragment=anchor.fragment,
                target=M.THIS_PAGE if anchor.target == path else anchor.target,
                known=M.ANCHOR_KNOWN.format(ids=known) if known else "",
            )


def _markdown_texts(item):
    """(file, base dir, Markdown, line, [inline]) for every Markdown text of a lesson or quiz."""
    if item.kind == "lesson":
        return [(item.path, item.base_dir, item.body, item.body_line)]
    out = [(item.path, item.base_dir, item.intro, 1)]
    for q in item.questions:
        out.append((item.path, item.base_dir, q.prompt, q.line))
        out.append((item.path, item.base_dir, q.explanation, q.line))
        out.extend((item.path, item.base_dir, o.text, q.line, True) for o in q.options)
    return out


class _ImageSources(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sources = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            src = dict(attrs).get("src")
            if src and is_external(src):  # `//host/x.png` is another site all the same
                self.sources.append(src)


def _external_images(html):
    parser = _ImageSources()
    parser.feed(html)
    return parser.sources


def _find_line(source, needle, default):
    """The first line of `source` that contains `needle` (a URL as written), else `default`."""
    for candidate in (needle, unquote(needle)):
        index = source.find(candidate)
        if index >= 0:
            return source.count("\n", 0, index) + 1
    return default

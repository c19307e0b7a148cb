"""Links and images in course Markdown: package files become the app's own URLs.

A Python-Markdown extension (a treeprocessor, listed in render.MARKDOWN_EXTENSIONS) that works
on every text, and knows the package only inside `LinkMap.scope(...)`, which the package
validator and the importer open around each render:

- a link to a lesson's `.md` file opens that lesson (`#section` becomes the id the heading has
  on the lesson page), a link to a quiz file opens the quiz, a link to any other file of the
  package its media URL; links and images starting with `/` are read from the package root.
  Anything else (a missing file, a path out of the package, course.yml) is reported.
- images get the size they are shown at (no layout shift), `loading="lazy"` and
  `decoding="async"`; one that was scaled down for slow links is followed by a link to the
  original.
- a YouTube or Vimeo link (or a thumbnail linked to one) becomes a card that says it opens
  outside the app; videos are never embedded (the Content-Security-Policy forbids frames).
- an image from another site is shown as a link to it (the CSP would block it anyway) and
  reported as a warning.

Raw HTML in the Markdown is not in the tree: its links reach `Scope.resolve_raw` through the
sanitizer's `resolve_link` hook instead.
"""

import logging
import posixpath
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit
from xml.etree import ElementTree as ET

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from werkzeug.routing import BuildError

from . import messages as M
from .render import _normalized, is_external, is_package_url, is_root_path, media_url

log = logging.getLogger(__name__)

LESSON_ID_PREFIX = "u-"  # lesson bodies are rendered with the sanitizer's default id prefix
ORIGINAL_QUERY = "original=1"

VIDEO_SITES = {
    "youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "youtube-nocookie.com": "YouTube",
    "vimeo.com": "Vimeo",
}

# Text written into stored lesson HTML, in the course's language (content/README.md: language).
TEXTS = {
    "id": {
        "video": "Video {site}",
        "outside": "membuka di luar aplikasi",
        "image": "Gambar",
        "image_from": "gambar dari {host}",
        "original": "Unduh gambar asli ({width} \u00d7 {height} piksel, {size})",
        "decimal": ",",
    },
    "en": {
        "video": "{site} video",
        "outside": "opens outside the app",
        "image": "Image",
        "image_from": "image from {host}",
        "original": "Download the original image ({width} \u00d7 {height} px, {size})",
        "decimal": ".",
    },
}

_IDS = re.compile(r"""<[a-z][a-z0-9]*\s[^>]*?\bid="([^"]+)\"""")
_HEADING_IDS = re.compile(r"""<h[1-6]\s[^>]*?\bid="([^"]+)\"""")


def package_link_target(base_dir, url):
    """(package path | None, fragment) a package link points to, from a file in `base_dir`.

    Paths starting with `/` start from the package root. None when the link climbs out of the
    package."""
    parts = urlsplit(url.strip())
    path = unquote(parts.path)
    if not path:
        return None, parts.fragment
    if path.startswith("/"):
        base_dir, path = "", path.lstrip("/")
    joined = posixpath.normpath(posixpath.join(base_dir, path))
    if joined == ".." or joined.startswith("../") or joined.startswith("/"):
        return None, parts.fragment
    return joined, parts.fragment


def video_site(url):
    """ "YouTube" or "Vimeo" for a link to one of them, else None."""
    if not is_external(url):
        return None
    host = (urlsplit(_normalized(url)).hostname or "").lower()
    for domain, site in VIDEO_SITES.items():
        if host == domain or host.endswith("." + domain):
            return site
    return None


def element_ids(html):
    """Every id in rendered HTML, and those of headings (for hints)."""
    return set(_IDS.findall(html)), _HEADING_IDS.findall(html)


def lesson_fragment(fragment):
    """The id a `#section` has on the lesson page (the sanitizer prefixes author ids)."""
    if not fragment or fragment.startswith(LESSON_ID_PREFIX):
        return fragment
    return LESSON_ID_PREFIX + fragment


def human_size(size, decimal=","):
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".replace(".", decimal) + " MB"
    return f"{max(1, round(size / 1024))} KB"


# URLs ---------------------------------------------------------------------------------------------
class AppUrls:
    """The in-app URLs of one course version's lessons, quizzes and files, built without a
    request (imports also run from the command line), under the app's APPLICATION_ROOT."""

    LESSON = ("learn.lesson", "item_key", "/learn/{slug}/{key}")
    QUIZ = ("quizzes.quiz", "quiz_key", "/quizzes/{slug}/{key}")

    def __init__(self, course_slug, version_number, prefix="/", app=None):
        self.slug = course_slug
        self.number = version_number
        self.prefix = (prefix or "/").rstrip("/")
        self.adapter = app.url_map.bind("localhost", script_name=prefix or "/") if app else None

    def _build(self, spec, key):
        endpoint, argument, fallback = spec
        if self.adapter is not None:
            try:
                return self.adapter.build(endpoint, {"course_slug": self.slug, argument: key})
            except BuildError:  # the feature is not registered: the URL it would have
                log.warning("cannot build %s for %s", endpoint, key)
        return self.prefix + fallback.format(slug=self.slug, key=quote(key, safe="/"))

    def lesson(self, key):
        return self._build(self.LESSON, key)

    def quiz(self, key):
        return self._build(self.QUIZ, key)

    def file(self, path):
        return media_url(self.slug, self.number, path, self.prefix)

    def original(self, path):
        return f"{self.file(path)}?{ORIGINAL_QUERY}"


@dataclass(frozen=True)
class ImageInfo:
    """An image file: the size shown in lessons, and its original when that is larger."""

    width: int
    height: int
    original_width: int | None = None  # set when a smaller copy is shown
    original_height: int | None = None
    original_size: int | None = None


@dataclass(frozen=True)
class Target:
    path: str
    kind: str  # lesson | quiz | file
    url: str
    content_type: str = ""
    image: ImageInfo | None = None
    original_url: str | None = None  # a smaller copy is shown; the original is here

    @property
    def is_image(self):
        return self.kind == "file" and self.content_type.startswith("image/")


def package_targets(items, files, urls, images=None):
    """{package path: Target} for lessons and quizzes (`items`: LessonSpec/QuizSpec) and files
    (`files`: {path: content type}); `images`: {path: ImageInfo} where sizes are known."""
    images = images or {}
    targets = {}
    for item in items:
        kind = "lesson" if item.kind == "lesson" else "quiz"
        url = urls.lesson(item.key) if kind == "lesson" else urls.quiz(item.key)
        targets[item.path] = Target(item.path, kind, url)
    for path, content_type in files.items():
        info = images.get(path)
        original = urls.original(path) if info and info.original_width else None
        targets[path] = Target(path, "file", urls.file(path), content_type, info, original)
    return targets


# Resolving ---------------------------------------------------------------------------------------
@dataclass
class Issue:
    url: str  # as written
    message: str  # a messages.* template with {url}
    warning: bool = False


@dataclass
class AnchorLink:
    url: str  # as written
    target: str  # package path of the lesson
    fragment: str


class LinkMap:
    """A package's files as link targets, for `scope()`. `sources`: the package's other
    files (course.yml, module.yml), which exist but cannot be linked."""

    def __init__(self, targets, language="id", sources=()):
        self.targets = targets
        self.sources = frozenset(sources)
        self.language = language if language in TEXTS else "id"
        self.urls = {t.url for t in targets.values()}

    @contextmanager
    def scope(self, base_dir, current=None):
        """Resolve package links of the texts rendered inside, as if written in `base_dir`
        (the file `current`, a package path, for same-page anchors of a lesson)."""
        scope = Scope(self, base_dir, current)
        token = _SCOPE.set(scope)
        try:
            yield scope
        finally:
            _SCOPE.reset(token)


@dataclass
class Scope:
    links: LinkMap
    base_dir: str
    current: str | None
    issues: list = field(default_factory=list)
    anchors: list = field(default_factory=list)

    @property
    def texts(self):
        return TEXTS[self.links.language]

    def report(self, url, message, warning=False):
        self.issues.append(Issue(url, message, warning))

    def resolve(self, url, image=False):
        """The in-app URL of a package link, or None (and an issue) when it has none."""
        path, fragment = package_link_target(self.base_dir, url)
        if path is None:
            self.report(url, M.LINK_OUTSIDE)
            return None
        target = self.links.targets.get(path)
        if target is None:
            if path in self.links.sources:
                self.report(url, M.LINK_TO_SOURCE)
            else:
                self.report(url, M.ROOT_LINK_MISSING if is_root_path(url) else M.LINK_MISSING)
            return None
        if image and not target.is_image:
            self.report(url, M.NOT_AN_IMAGE)
            return None
        return self.url_of(target, fragment, url)

    def url_of(self, target, fragment, written):
        if target.kind == "quiz" or not fragment:
            return target.url  # a quiz page has no sections to jump to
        if target.kind == "lesson":
            self.anchors.append(AnchorLink(written, target.path, fragment))
            return f"{target.url}#{lesson_fragment(fragment)}"
        return f"{target.url}#{fragment}"  # e.g. #page=3 of a PDF, as written

    def same_page(self, url):
        """A `#section` link: checked when the text is a lesson's (its ids are known)."""
        fragment = url.strip()[1:]
        current = self.links.targets.get(self.current) if self.current else None
        if fragment and current is not None and current.kind == "lesson":
            self.anchors.append(AnchorLink(url, current.path, fragment))

    def resolve_raw(self, url):
        """The sanitizer's resolve_link: links of raw HTML (the tree's are already resolved)."""
        if urlsplit(url.strip()).path in self.links.urls:
            return url
        return self.resolve(url)


_SCOPE: ContextVar[Scope | None] = ContextVar("elearn_link_scope", default=None)


# The treeprocessor --------------------------------------------------------------------------------
class _Links(Treeprocessor):
    def run(self, root):
        scope = _SCOPE.get()
        texts = scope.texts if scope is not None else TEXTS["id"]
        parents = {child: parent for parent in root.iter() for child in parent}
        for link in list(root.iter("a")):
            self.link(link, parents, scope, texts)
        parents = {child: parent for parent in root.iter() for child in parent}
        for img in list(root.iter("img")):
            self.image(img, parents, scope, texts)

    # Links
    def link(self, a, parents, scope, texts):
        href = a.get("href")
        if href is None:
            return
        site = video_site(href)
        if site is not None:
            self.video_card(a, href, site, parents, texts)
        elif href.strip().startswith("#"):
            if scope is not None:
                scope.same_page(href)
        elif scope is not None and is_package_url(href):
            resolved = scope.resolve(href)
            if resolved is None:
                del a.attrib["href"]  # the text stays; the problem is reported
            else:
                a.set("href", resolved)

    def video_card(self, a, href, site, parents, texts):
        text = " ".join("".join(a.itertext()).split())
        if not text or text == href.strip():
            alts = [img.get("alt", "").strip() for img in a.iter("img")]
            text = next((alt for alt in alts if alt), "")
        kind = texts["video"].format(site=site)
        title = text or kind
        parent = parents.get(a)
        alone = (
            parent is not None
            and parent.tag in ("p", "li")
            and len(parent) == 1
            and not (parent.text or "").strip()
            and not (a.tail or "").strip()
        )
        tail = a.tail
        a.clear()
        a.tail = tail
        a.set("href", href)
        if alone:
            a.set("class", "media-card")
            span = ET.SubElement(a, "span", {"class": "media-card-title"})
            span.text = title
            span.tail = " "
            note = ET.SubElement(a, "span", {"class": "media-card-note"})
            note.text = f"{kind} · {texts['outside']}"
        else:
            a.set("class", "media-link")
            a.text = title + " "
            note = ET.SubElement(a, "span", {"class": "media-card-note"})
            detail = texts["outside"] if title == kind else f"{kind}, {texts['outside']}"
            note.text = f"({detail})"

    # Images
    def image(self, img, parents, scope, texts):
        src = img.get("src")
        if src is not None and is_external(src):
            self.external_image(img, src, parents, scope, texts)
            return
        img.set("loading", "lazy")
        img.set("decoding", "async")
        if src is None or scope is None or not is_package_url(src):
            return
        path, _fragment = package_link_target(scope.base_dir, src)
        resolved = scope.resolve(src, image=True)
        if resolved is None:
            del img.attrib["src"]
            return
        img.set("src", resolved)
        target = scope.links.targets[path]
        if target.image is not None:
            _set_size(img, target.image.width, target.image.height)
        if target.original_url is not None:
            self.original_link(img, target, parents, texts)

    def original_link(self, img, target, parents, texts):
        info = target.image
        link = ET.Element("a", {"class": "image-original", "href": target.original_url})
        link.text = texts["original"].format(
            width=info.original_width,
            height=info.original_height,
            size=human_size(info.original_size or 0, texts["decimal"]),
        )
        after = img  # never inside another link: after the author's link around the image
        node = img
        while node in parents:
            node = parents[node]
            if node.tag == "a":
                after = node
        parent = parents.get(after)
        if parent is None:
            return
        link.tail = after.tail
        after.tail = None
        parent.insert(list(parent).index(after) + 1, link)

    def external_image(self, img, src, parents, scope, texts):
        if scope is not None:
            scope.report(src, M.EXTERNAL_IMAGE, warning=True)
        parent = parents.get(img)
        if parent is None:
            return
        alt = " ".join((img.get("alt") or "").split())
        inside_link = False
        node = img
        while node in parents:
            node = parents[node]
            inside_link = inside_link or node.tag == "a"
        host = urlsplit(_normalized(src)).hostname or ""
        if inside_link:  # the author's link stays; the picture becomes its words
            replacement = ET.Element("span")
            replacement.text = alt or texts["image"]
        else:
            replacement = ET.Element("a", {"href": src, "class": "media-link"})
            replacement.text = (alt or texts["image"]) + " "
            note = ET.SubElement(replacement, "span", {"class": "media-card-note"})
            note.text = f"({texts['image_from'].format(host=host)}, {texts['outside']})"
        replacement.tail = img.tail
        index = list(parent).index(img)
        parent.remove(img)
        parent.insert(index, replacement)


def _number(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def _set_size(img, width, height):
    """The shown size, or the author's width (or height) with the image's proportions."""
    given_w, given_h = _number(img.get("width")), _number(img.get("height"))
    if img.get("width") is None and img.get("height") is None:
        img.set("width", str(width))
        img.set("height", str(height))
    elif given_w and img.get("height") is None:
        img.set("height", str(max(1, round(given_w * height / width))))
    elif given_h and img.get("width") is None:
        img.set("width", str(max(1, round(given_h * width / height))))


class LinkExtension(Extension):
    def extendMarkdown(self, md):
        # After inline patterns (20) made the links and images, toc (5) the heading ids, and
        # attr_list (8) the author's width/height.
        md.treeprocessors.register(_Links(md), "elearn_links", 4)


def makeExtension(**kwargs):
    return LinkExtension(**kwargs)

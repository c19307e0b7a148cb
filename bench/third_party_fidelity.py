"""Does a third-party Markdown curriculum survive conversion and import? Lesson by lesson.

    .venv/bin/python bench/third_party_fidelity.py FOLDER [--details]

FOLDER is a curriculum as published in a Git repository (README.md per folder, images beside
it). It goes through the project's converter (`convert_folder`, `write_package`), then
`load_package` and `import_package` into a throw-away SQLite app, exactly as
`flask content convert` and `flask content import` do. Every stored lesson's HTML is then
compared with a reference rendering of its SOURCE Markdown by markdown-it-py (CommonMark with
GitHub's tables, strikethrough, task lists and autolinks, as GitHub shows a README), counting
per lesson: fenced code blocks (language, exact text), lists (kind, nesting depth, item count,
start number, task boxes), tables (cell text), images (alt, where they point), links (where
they point: lesson links to the lesson page, files to the course media, external ones
unchanged, `#section` links to an id on the page), headings (text and level), block quotes,
paragraph text and inline marks (code spans, emphasis, strikethrough). Both sides are read as
a browser's HTML5 parser reads them. A folder inside a Git checkout (translations/id of a
repository) may show pictures from the checkout's top, as GitHub does; the converter brings
those in.

Differences that are there on purpose are counted apart and named (DELIBERATE), never as
identical; everything else is a real difference and is printed. Needs requirements-dev.txt
(markdown-it-py, mdit-py-plugins, linkify-it-py).
"""

import argparse
import posixpath
import re
import secrets
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bleach._vendor import html5lib  # noqa: E402  (bleach's own copy: the sanitizer's parser)
from bleach._vendor.html5lib.serializer import HTMLSerializer  # noqa: E402
from markdown_it import MarkdownIt  # noqa: E402
from mdit_py_plugins.tasklists import tasklists_plugin  # noqa: E402

from elearn.content.convert import convert_folder, split_title, write_package  # noqa: E402
from elearn.content.links import TEXTS, AppUrls, package_link_target, video_site  # noqa: E402
from elearn.content.render import ALLOWED_TAGS, is_external, sanitize_html  # noqa: E402

CATEGORIES = (
    "code", "lists", "tables", "images", "links", "headings", "quotes", "paragraphs", "inline",
)  # fmt: skip
LABELS = {
    "code": "code blocks",
    "lists": "lists",
    "tables": "tables",
    "images": "images",
    "links": "links",
    "headings": "headings",
    "quotes": "block quotes",
    "paragraphs": "paragraphs",
    "inline": "inline marks",  # code spans, emphasis, strong, strikethrough, kbd
}
DELIBERATE = {
    "title": "the lesson's first heading is its title (shown as the page's h1), not in the body",
    "headings-down": "body headings move one level down under the lesson title",
    "sanitizer": "raw HTML cleaned by the sanitizer (script, iframe, style, forms...)",
    "video-card": "YouTube/Vimeo links (and thumbnails) become link cards, never embeds",
    "external-image": "images from other sites are shown as links to them (CSP)",
    "diagram": "```mermaid diagrams stay their source code (GitHub draws them with a script)",
    "source-broken": "link or image to a file missing or outside the folder: the converter "
    "reports it, keeps the text",
}


# Reference rendering ---------------------------------------------------------------------------
def _reference_renderer():
    md = MarkdownIt("gfm-like").use(tasklists_plugin)
    # GitHub autolinks scheme URLs, www. addresses and e-mail addresses; `example.com/x` stays
    # text.
    match = md.linkify.match

    def github_match(text):
        found = match(text) or []
        return [m for m in found if m.schema or m.raw.lower().startswith("www.")] or None

    md.linkify.match = github_match
    return md


_REFERENCE = None


def reference_html(text):
    """The source Markdown as GitHub renders a README (before its own sanitizing)."""
    global _REFERENCE
    if _REFERENCE is None:
        _REFERENCE = _reference_renderer()
    return _REFERENCE.render(text)


# A small HTML tree -----------------------------------------------------------------------------
_VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self, *tags):
        for child in self.children:
            if isinstance(child, Node):
                if not tags or child.tag in tags:
                    yield child
                yield from child.iter(*tags)

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#root", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in _VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def browser_html(html):
    """HTML as a browser's parser reads it (HTML5 tree building: an unclosed tag, a block in a
    paragraph...), serialized again; our stored HTML has already been through this."""
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    walker = html5lib.getTreeWalker("etree")
    return HTMLSerializer(omit_optional_tags=False, quote_attr_values="always").render(
        walker(parser.parseFragment(html))
    )


def parse_html(html):
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def _words(text):
    return " ".join(text.split())


# What a reader sees, per category ---------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    """One construct: `key` is what must be equal; `where` says where it is, for the report."""

    key: tuple
    where: str
    href: str = ""  # links and images: the URL as written (reference) or served (ours)


def _language(code):
    for cls in (code.attrs.get("class") or "").split():
        if cls.startswith("language-"):
            return cls[len("language-") :]
    return ""


_INLINE_SAME = {"s": "del", "i": "em", "b": "strong"}
_BALLOT = re.compile(r"^[\u2610\u2611] ?")


def _task_state(li):
    """`x` a done task, `o` an open one, `-` no task: GitHub's checkbox, or our ballot box."""
    box = next((i for i in li.iter("input") if i.attrs.get("type") == "checkbox"), None)
    if box is not None and not any(a.tag == "li" for a in box.ancestors() if a is not li):
        return "x" if "checked" in box.attrs else "o"
    text = li.text().lstrip()
    return "x" if text.startswith("\u2611") else "o" if text.startswith("\u2610") else "-"


def _text_without_videos(node):
    return "".join(
        c if isinstance(c, str)
        else "" if c.tag == "a" and video_site(c.attrs.get("href") or "")
        else _text_without_videos(c)
        for c in node.children
    )  # fmt: skip


def features(html):
    """{category: [Item, ...]} in document order."""
    root = parse_html(html)
    out = {c: [] for c in CATEGORIES}
    for pre in root.iter("pre"):
        code = next(pre.iter("code"), None)
        text = pre.text()
        lang = _language(code) if code is not None else ""
        out["code"].append(Item((lang, text.removesuffix("\n")), _words(text)[:40]))
    for lst in root.iter("ul", "ol"):
        depth = sum(1 for a in lst.ancestors() if a.tag in ("ul", "ol"))
        items = [c for c in lst.children if isinstance(c, Node) and c.tag == "li"]
        start = int(lst.attrs.get("start") or 1) if lst.tag == "ol" else None
        first = _words(items[0].text())[:40] if items else ""
        tasks = "".join(_task_state(li) for li in items)
        out["lists"].append(Item((lst.tag, depth, len(items), start, tasks), first))
    for table in root.iter("table"):
        rows = tuple(
            tuple(_words(cell.text()) for cell in tr.iter("td", "th")) for tr in table.iter("tr")
        )
        shape = f"{len(rows)} rows x {max((len(r) for r in rows), default=0)} cells"
        out["tables"].append(Item(rows, shape))
    for img in root.iter("img"):
        alt = _words(img.attrs.get("alt") or "")
        out["images"].append(Item((alt,), alt[:40], img.attrs.get("src") or ""))
    for a in root.iter("a"):
        href = a.attrs.get("href")
        out["links"].append(Item((_words(a.text()),), _words(a.text())[:40], href or ""))
    for h in root.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        out["headings"].append(Item((int(h.tag[1]), _words(h.text())), _words(h.text())[:40]))
    for p in root.iter("p"):
        text = _BALLOT.sub("", _words(p.text()))
        if text:
            media = any(video_site(a.attrs.get("href") or "") for a in p.iter("a")) or any(
                is_external(i.attrs.get("src") or "") for i in p.iter("img")
            )
            out["paragraphs"].append(Item((text,), text[:40], "media" if media else ""))
    for el in root.iter("em", "strong", "code", "del", "s", "i", "b", "kbd"):
        if el.tag == "code" and any(a.tag == "pre" for a in el.ancestors()):
            continue
        tag = _INLINE_SAME.get(el.tag, el.tag)
        text = el.text() if tag == "code" else _words(el.text())
        out["inline"].append(Item((tag, text), f"<{tag}>{text[:30]}"))
    for q in root.iter("blockquote"):
        depth = sum(1 for a in q.ancestors() if a.tag == "blockquote")
        text = _words(_text_without_videos(q))  # a video card's words are its own (deliberate)
        out["quotes"].append(Item((depth, text), text[:40]))
    return out


# Comparing one lesson ----------------------------------------------------------------------------
@dataclass
class LessonReport:
    source: str
    title: str
    counts: dict = field(default_factory=lambda: {c: [0, 0] for c in CATEGORIES})  # ok, total
    deliberate: Counter = field(default_factory=Counter)
    differences: list = field(default_factory=list)  # (category, text)

    def differ(self, category, text):
        self.differences.append((category, text))


class _Links:
    """Where a source link should lead in the imported course."""

    def __init__(self, source_path, lesson_urls, asset_urls, outside=None):
        self.base = posixpath.dirname(source_path)
        self.lesson_urls, self.asset_urls = lesson_urls, asset_urls
        self.outside = outside or {}  # URL as written -> media URL (a file from the checkout)

    def expected(self, url, image=False):
        """(kind, URL or None): kind is external | fragment | lesson | file | broken."""
        url = url.strip()
        if not url:
            return "broken", None
        if url.startswith("#"):
            return "fragment", url
        if is_external(url) or urlsplit(url).scheme:
            return "external", url
        if url in self.outside:
            return "file", self.outside[url]
        inner, _fragment = package_link_target(self.base, unquote(url))
        if inner is None:
            return "broken", None
        inner = posixpath.normpath(inner or self.base)
        if not image:
            target = self.lesson_urls.get(inner) or self.lesson_urls.get(inner.rstrip("/"))
            if target is not None:
                return "lesson", target
        asset = self.asset_urls.get(inner)
        if asset is None:
            return "broken", None
        return "file", asset


def _same_href(kind, expected, ours):
    if ours is None:
        return False
    if kind == "fragment":
        return ours in (expected, "#u-" + expected[1:])
    if kind == "lesson":
        return ours.split("#", 1)[0] == expected
    if kind == "file":
        return ours.split("?", 1)[0] == expected
    return ours == expected


def compare_lesson(report, source_text, ours_html, links):
    """Fill `report` from the source Markdown and our stored HTML of the same lesson."""
    ref_html = browser_html(reference_html(source_text))
    ref = features(ref_html)
    clean = features(sanitize_html(ref_html, resolve_link=lambda url: url))
    ours = features(ours_html)

    # Raw HTML elements the sanitizer takes out (iframe, script, form...) are deliberate, and
    # so is whatever a reader would have seen inside them.
    report.deliberate["sanitizer"] += sum(
        1
        for el in parse_html(ref_html).iter()
        if el.tag not in ALLOWED_TAGS and not (el.tag == "input" and _in_task(el))
    )
    # What the sanitizer changes inside allowed elements is deliberate too.
    for category in CATEGORIES:
        kept = [_presence(category, i) for i in clean[category]]
        matcher = SequenceMatcher(
            None, [_presence(category, i) for i in ref[category]], kept, autojunk=False
        )
        survivors = []
        for op, i1, i2, _j1, _j2 in matcher.get_opcodes():
            chunk = ref[category][i1:i2]
            if op == "equal":
                survivors.extend(chunk)
            elif op in ("replace", "delete"):
                report.deliberate["sanitizer"] += len(chunk)
        ref[category] = survivors

    # The title heading became the lesson title; when the body still has an h1, every heading
    # is one level down (h6 stays h6).
    title, _body = split_title(source_text)
    headings = list(ref["headings"])
    for i, h in enumerate(headings):
        if title and _words(re.sub(r"[*_`]", "", h.key[1])) == _words(title):
            del headings[i]
            report.deliberate["title"] += 1
            break
    # (Markdown headings only: a raw <h1> in the text is not one, and stays an h1.)
    markdown_h1 = sum(
        1 for t in _REFERENCE.parse(source_text) if t.type == "heading_open" and t.tag == "h1"
    )
    if markdown_h1 > (1 if report.deliberate["title"] else 0):
        demoted = []
        for h in headings:
            if h.key[0] < 6:
                report.deliberate["headings-down"] += 1
            demoted.append(Item((min(h.key[0] + 1, 6), h.key[1]), h.where))
        headings = demoted
    ref["headings"] = headings

    # Videos become cards: their thumbnails go, the link stays (its text becomes the title).
    images, cards = [], set()
    video_links = [a for a in ref["links"] if video_site(a.href)]
    for a in video_links:
        cards.add(a.href)
    ref_root = parse_html(ref_html)
    in_video = {
        id(img) for a in ref_root.iter("a") if video_site(a.attrs.get("href") or "")
        for img in a.iter("img")
    }  # fmt: skip
    ref_imgs = list(ref_root.iter("img"))
    external_links, dropped_alts = [], set()
    for item, node in zip(ref["images"], _align_nodes(ref["images"], ref_imgs), strict=False):
        if node is not None and id(node) in in_video:
            report.deliberate["video-card"] += 1
            continue
        kind, _url = links.expected(item.href, image=True)
        if kind in ("external", "broken"):
            dropped_alts.add(item.key[0])
        if kind == "external":
            report.deliberate["external-image"] += 1
            inside = node is not None and any(a.tag == "a" for a in node.ancestors())
            if not inside:
                external_links.append(item.href)
            continue
        if kind == "broken":
            report.deliberate["source-broken"] += 1
            continue
        images.append(item)
    ref["images"] = images

    _compare_images(report, ref["images"], ours["images"], links)
    _compare_links(report, ref["links"], ours["links"], links, external_links, cards)
    # A paragraph holding a video card or an outside image reads differently on purpose, and
    # so does one that held only an image the converter had to drop (its alt text stays).
    ref["paragraphs"] = [p for p in ref["paragraphs"] if p.href != "media"]
    ours["paragraphs"] = [
        p for p in ours["paragraphs"]
        if not any(note in p.key[0] for note in _MEDIA_NOTES) and p.key[0] not in dropped_alts
    ]  # fmt: skip
    ours["inline"] = [
        i for i in ours["inline"] if not (i.key[0] == "em" and i.key[1] in dropped_alts)
    ]
    # Diagrams: the same code on both sides, but GitHub shows a drawing; counted apart.
    diagrams = [c for c in ref["code"] if c.key[0].lower() == "mermaid"]
    report.deliberate["diagram"] += len(diagrams)
    ref["code"] = [c for c in ref["code"] if c not in diagrams]
    ours["code"] = [c for c in ours["code"] if c.key[0].lower() != "mermaid"]
    for category in ("code", "lists", "tables", "headings", "quotes", "paragraphs", "inline"):
        _compare_keys(report, category, ref[category], ours[category])
    _check_fragments(report, ours_html, ours["links"])


_MEDIA_NOTES = tuple(
    t[k].split("{")[0].strip() for t in TEXTS.values() for k in ("outside",)
)  # the words a link card adds ("membuka di luar aplikasi")


def _check_fragments(report, html, links):
    """A same-page link must reach an id of the lesson page (headings get theirs at import)."""
    ids = {el.attrs["id"] for el in parse_html(html).iter() if el.attrs.get("id")}
    for a in links:
        if a.href.startswith("#") and len(a.href) > 1 and unquote(a.href[1:]) not in ids:
            report.differ("links", f"[{a.key[0][:40]}]({a.href}): no such id on the page")


def _in_task(el):
    return el.attrs.get("type") == "checkbox" and any(a.tag == "li" for a in el.ancestors())


def _presence(category, item):
    """What must survive the sanitizer (the code's language and a task's checkbox are not
    measured there: the one is a class, the other an input, and both are rendered apart)."""
    if category == "code":
        return item.key[1]
    return item.key[:4] if category == "lists" else item.key


def _align_nodes(items, nodes):
    return nodes if len(nodes) == len(items) else [None] * len(items)


def _compare_keys(report, category, ref, ours):
    counts = report.counts[category]
    counts[1] += len(ref)
    matcher = SequenceMatcher(None, [i.key for i in ref], [i.key for i in ours], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            counts[0] += i2 - i1
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            a = ref[i1 + k] if i1 + k < i2 else None
            b = ours[j1 + k] if j1 + k < j2 else None
            report.differ(category, _describe(category, a, b))


def _describe(category, a, b):
    def show(item):
        if item is None:
            return "(none)"
        key = item.key
        if category == "code":
            return f"lang={key[0] or '-'} {key[1][:70]!r}"
        if category == "lists":
            kind, depth, n, start, tasks = key
            return (
                f"<{kind}> depth {depth}, {n} items"
                + (f", start {start}" if start else "")
                + (f", tasks {tasks}" if tasks.strip("-") else "")
            )
        if category == "tables":
            return item.where + " " + repr(key[:2])[:90]
        return repr(key)[:90]

    note = ""
    if category == "code" and a is not None and b is not None and _rstripped(a) == _rstripped(b):
        note = "  [only spaces at line ends differ]"
    return f"source {show(a)}  ->  ours {show(b)}{note}"


def _rstripped(item):
    return (item.key[0], [line.rstrip() for line in item.key[1].split("\n")])


def _compare_images(report, ref, ours, links):
    counts = report.counts["images"]
    counts[1] += len(ref)
    pool = list(ours)
    for item in ref:
        kind, expected = links.expected(item.href, image=True)
        match = next(
            (o for o in pool if o.key == item.key and _same_href(kind, expected, o.href)), None
        )
        if match is not None:
            pool.remove(match)
            counts[0] += 1
        else:
            report.differ("images", f"source ![{item.key[0]}]({item.href}) -> not found")
    for extra in pool:
        report.differ("images", f"ours has an extra image ![{extra.key[0]}]({extra.href})")


def _compare_links(report, ref, ours, links, external_images, cards):
    counts = report.counts["links"]
    pool = [o for o in ours if o.href]
    unlinked = [o for o in ours if not o.href]
    for src in external_images:  # shown as links on purpose; not counted again
        match = next((o for o in pool if o.href == src), None)
        if match is not None:
            pool.remove(match)
    for item in ref:
        kind, expected = links.expected(item.href)
        if kind == "broken":
            report.deliberate["source-broken"] += 1
            match = next((o for o in unlinked if o.key == item.key), None)
            if match is not None:
                unlinked.remove(match)
            continue
        counts[1] += 1
        match = next(
            (o for o in pool if _same_href(kind, expected, o.href)
             and (item.href in cards or o.key == item.key or not item.key[0])),
            None,
        )  # fmt: skip
        if match is None:
            report.differ("links", f"source [{item.key[0][:40]}]({item.href}) ({kind}) -> missing")
            continue
        pool.remove(match)
        counts[0] += 1
        if item.href in cards:
            report.deliberate["video-card"] += 1
    for extra in pool:
        if "image-original" in extra.href or extra.href.endswith("?original=1"):
            continue
        report.differ("links", f"ours has an extra link [{extra.key[0][:40]}]({extra.href})")


# A whole folder -------------------------------------------------------------------------------
@dataclass
class FolderReport:
    lessons: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # the converter's and the importer's words

    def totals(self):
        ok = Counter()
        total = Counter()
        for lesson in self.lessons:
            for category, (good, count) in lesson.counts.items():
                ok[category] += good
                total[category] += count
        return ok, total

    def deliberate(self):
        out = Counter()
        for lesson in self.lessons:
            out.update(lesson.deliberate)
        return out

    def real_differences(self):
        return [(lesson.source, c, t) for lesson in self.lessons for c, t in lesson.differences]


def compare_folder(folder, app=None):
    """Convert, import and compare. Without `app`, a throw-away SQLite app is made."""
    if app is None:
        with tempfile.TemporaryDirectory(prefix="fidelity-") as tmp:
            app = _throwaway_app(Path(tmp))
            with app.app_context():
                from elearn.extensions import db

                db.create_all()
                try:
                    return _compare_in_app(Path(folder), app)
                finally:
                    db.session.remove()
                    db.engine.dispose()
    return _compare_in_app(Path(folder), app)


def _throwaway_app(tmp):
    from elearn import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": secrets.token_hex(16),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.sqlite3'}",
            "SERVER_NAME": "localhost",
            "PUBLIC_BASE_URL": "http://localhost",
            "RATELIMIT_STORAGE_URI": "memory://",
            "MAIL_SERVER": "",
            "INSTANCE_PATH": str(tmp),
        }
    )


def _compare_in_app(folder, app):
    from sqlalchemy import select

    from elearn.content.importer import import_package
    from elearn.content.package import load_package
    from elearn.extensions import db
    from elearn.models import Lesson

    report = FolderReport()
    result = convert_folder(folder)
    report.problems.extend(str(p) for p in result.problems)
    with tempfile.TemporaryDirectory(prefix="fidelity-out-") as tmp:
        out = write_package(result.files, Path(tmp) / "draft")
        package, problems = load_package(out)
        report.problems.extend(f"PACKAGE: {p}" for p in problems)
        if any(not p.warning for p in problems):
            return report
        imported = import_package(package)
        db.session.commit()
    version = imported.version
    urls = AppUrls(imported.course.slug, version.number, app=app)
    lessons = {
        lesson.source_path: lesson
        for lesson in db.session.scalars(select(Lesson).where(Lesson.version_id == version.id))
    }
    lesson_urls = {}
    for source, target in result.lessons.items():
        if target in lessons:
            url = urls.lesson(lessons[target].key)
            lesson_urls[source] = url
            if posixpath.basename(source).lower().split(".")[0] in ("readme", "index", "_index"):
                lesson_urls[posixpath.dirname(source)] = url
    for source, target in sorted(result.lessons.items()):
        lesson = lessons.get(target)
        if lesson is None:
            continue
        asset_urls = {
            src: urls.file(dest)
            for (module, src), dest in result.assets.items()
            if module == target.split("/", 1)[0]
        }
        text = (folder / source).read_text(encoding="utf-8").removeprefix("\ufeff")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        lesson_report = LessonReport(source, lesson.title)
        outside = {
            url: urls.file(dest) for (src, url), dest in result.outside.items() if src == source
        }
        links = _Links(source, lesson_urls, asset_urls, outside)
        compare_lesson(lesson_report, text, lesson.body_html, links)
        report.lessons.append(lesson_report)
    return report


# Output ----------------------------------------------------------------------------------------
def print_report(report, details=False, out=sys.stdout):
    def w(line=""):
        print(line, file=out)

    short = {c: LABELS[c].split()[0][:6] for c in CATEGORIES}
    w(f"{'lesson':48} " + " ".join(f"{short[c]:>9}" for c in CATEGORIES) + "  diff")
    for lesson in report.lessons:
        cells = " ".join(f"{'{}/{}'.format(*lesson.counts[c]):>9}" for c in CATEGORIES)
        w(f"{lesson.source[-48:]:48} {cells}  {len(lesson.differences)}")
    w()
    ok, total = report.totals()
    for category in CATEGORIES:
        w(f"{LABELS[category]:13} {ok[category]}/{total[category]} identical")
    deliberate = report.deliberate()
    w()
    w("Deliberate differences (counted apart):")
    for name, why in DELIBERATE.items():
        w(f"  {deliberate.get(name, 0):5}  {name}: {why}")
    real = report.real_differences()
    w()
    w(f"Real differences: {len(real)}")
    by_category = Counter(c for _s, c, _t in real)
    for category, n in sorted(by_category.items()):
        w(f"  {LABELS[category]}: {n}")
    if details and real:
        w()
        for source, category, text in real:
            w(f"{source}: {LABELS[category]}: {text}")
    if details and report.problems:
        w()
        w("Converter / package problems:")
        for p in report.problems:
            w(f"  {p}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("folder")
    parser.add_argument("--details", action="store_true", help="print every real difference")
    args = parser.parse_args(argv)
    report = compare_folder(args.folder)
    print_report(report, details=args.details)
    return 0


if __name__ == "__main__":
    sys.exit(main())

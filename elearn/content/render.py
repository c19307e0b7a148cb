"""The one door for untrusted HTML: Markdown (or plain text) from authors and users -> safe HTML.

Everything a template marks `|safe` must come out of `render_markdown`, `render_inline` or
`sanitize_text`. They run at import/publish time and their output is stored; pages never render
Markdown per request.

Decisions:
- Raw HTML in Markdown is allowed but cleaned with an allowlist (bleach): no script, style,
  iframe, object, embed, form or input elements; no event handlers; no `style` attribute (the
  Content-Security-Policy forbids inline styles anyway); tables align with `align`.
- URLs: http, https, mailto and relative ones. `data:` URLs are refused everywhere, images
  included: pictures belong in the package, where they are validated, counted, cached and
  served by the app.
- `class` values are limited to what the Markdown extensions emit (admonitions, footnotes,
  code highlighting with Pygments classes), so authors cannot borrow the app's own CSS classes
  to imitate its interface. `id` values get a prefix ("u-" by default, fragment links are
  rewritten to match) so author content cannot clobber the page's own ids.
- Every link gets rel="noopener noreferrer".
"""

import html
import re
import threading
from collections.abc import Callable
from functools import partial
from urllib.parse import quote, urlsplit

import bleach
import markdown
from bleach.html5lib_shim import Filter
from pygments.token import STANDARD_TYPES

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd",
        "del", "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3",
        "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q",
        "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody",
        "td", "tfoot", "th", "thead", "tr", "u", "ul", "var",
    }
)  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "*": ["id", "class", "title"],
    "a": ["href"],
    "img": ["src", "alt", "width", "height", "loading", "decoding"],
    "th": ["align", "colspan", "rowspan", "scope"],
    "td": ["align", "colspan", "rowspan"],
    "ol": ["start", "reversed"],
    "col": ["span"],
    "colgroup": ["span"],
    "details": ["open"],
}

ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Classes the Markdown extensions produce; anything else an author writes is dropped.
_ADMONITION_TYPES = {
    "note", "tip", "hint", "important", "warning", "caution", "danger", "attention", "error",
    "info", "example", "question", "success", "failure", "bug", "quote", "abstract", "seealso",
}  # fmt: skip
ALLOWED_CLASSES = frozenset(
    {
        "admonition",
        "admonition-title",
        "codehilite",
        "footnote",
        "footnote-ref",
        "footnote-backref",
        "toc",
        "toclink",
        # elearn.content.links: video and external-image link cards, original-image links
        "media-card",
        "media-card-title",
        "media-card-note",
        "media-link",
        "image-original",
        *_ADMONITION_TYPES,
    }
)
# Pygments token classes, allowed on <span> inside highlighted code only.
CODE_CLASSES = frozenset(c for c in STANDARD_TYPES.values() if c) | {"hll"}
# A fenced block's language, as CommonMark writes it on <code> ("language-js").
_LANGUAGE_CLASS = re.compile(r"^language-[\w#.+-]+$")

# One list: a new extension (an instance, or a dotted name with its settings in MARKDOWN_CONFIG)
# is one more line here. Order matters only where a comment says so.
MARKDOWN_EXTENSIONS = [
    "tables",
    "pymdownx.superfences",  # fenced code anywhere, list items and quotes included
    "pymdownx.highlight",  # Pygments classes for fenced and indented code
    "pymdownx.magiclink",  # bare URLs and www. addresses become links (GFM autolinks)
    "pymdownx.tilde",  # ~~struck through~~ (GFM strikethrough); no ~subscript~
    "footnotes",
    "admonition",
    "toc",
    "attr_list",
    "sane_lists",
    # CommonMark list indentation (2-space nesting), `\|` in table cells, separate quotes,
    # body headings under the lesson title: after sane_lists, whose processors it adjusts.
    "elearn.content.mdext",
    # CommonMark links, images and reference definitions (replace Python-Markdown's own).
    "elearn.content.mdlinks",
    # CommonMark emphasis (flanking delimiter runs, rule of 3) instead of Python-Markdown's.
    "elearn.content.mdemphasis",
    # Package links -> app URLs, image sizes, video link cards (inside links.LinkMap.scope).
    "elearn.content.links",
]
MARKDOWN_CONFIG = {
    # CSS classes only (static/css/code.css), no inline styles; no guessing of languages.
    "pymdownx.highlight": {
        "css_class": "codehilite",
        "guess_lang": False,
        "noclasses": False,
        "use_pygments": True,
        # CommonMark keeps a fence's leading and trailing blank lines (Pygments would drop them).
        "stripnl": False,
    },
    "pymdownx.magiclink": {
        "hide_protocol": False,
        "repo_url_shortener": False,
        "social_url_shortener": False,
    },
    "pymdownx.tilde": {"subscript": False},
    "tables": {"use_align_attribute": True},
    "footnotes": {"BACKLINK_TITLE": "Kembali ke catatan %d"},
    "toc": {"permalink": False},
}

ResolveLink = Callable[[str], str | None]

_local = threading.local()


def _markdown():
    """A Markdown converter for this thread, reset between texts (building one is slow)."""
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(
            extensions=MARKDOWN_EXTENSIONS, extension_configs=MARKDOWN_CONFIG, output_format="html"
        )
    return md.reset()


def _normalized(url):
    return (url or "").strip().replace("\\", "/")


def is_external(url):
    """http(s)://… or //host/… (protocol-relative: another site all the same)."""
    url = _normalized(url)
    return url.startswith("//") or urlsplit(url).scheme.lower() in ("http", "https")


def is_root_path(url):
    """`/images/a.png`: a package path from the package root (not `//host`, another site)."""
    url = _normalized(url)
    return url.startswith("/") and not url.startswith("//")


def is_package_url(url):
    """A link into the package: relative (`a.md`, `../b.png`) or from its root (`/c.pdf`)."""
    url = _normalized(url)
    if not url or url.startswith("#"):
        return False
    if is_root_path(url):
        return True
    parts = urlsplit(url)
    return not url.startswith("/") and not parts.scheme and not parts.netloc


def media_url(course_slug, version_number, path, prefix=""):
    """Where the media blueprint serves a package file (see elearn/media)."""
    return f"{prefix.rstrip('/')}/media/{course_slug}/v{version_number}/{quote(path, safe='/')}"


class _ContentFilter(Filter):
    """After bleach: trim classes, prefix ids, add rel to links, resolve package links."""

    def __init__(self, source, resolve_link=None, id_prefix="u-"):
        super().__init__(source)
        self.resolve_link = resolve_link
        self.id_prefix = id_prefix

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag"):
                token["data"] = self._attrs(token["name"], dict(token["data"]))
            yield token

    def _attrs(self, tag, attrs):
        out = {}
        for (ns, name), value in attrs.items():
            if name == "class":
                allowed = CODE_CLASSES | ALLOWED_CLASSES if tag == "span" else ALLOWED_CLASSES
                value = " ".join(
                    c
                    for c in value.split()
                    if c in allowed or (tag == "code" and _LANGUAGE_CLASS.match(c))
                )
                if not value:
                    continue
            elif name == "id":
                value = self._prefixed(value.strip())
                if not value:
                    continue
            elif (tag, name) in (("a", "href"), ("img", "src")):
                value = self._url(value)
                if value is None:
                    continue
                if _normalized(value).startswith("//"):
                    # `//host/x` is another site (protocol-relative): say so, so that every
                    # check that looks for external links and images sees it as one.
                    value = "https:" + _normalized(value)
            out[(ns, name)] = value
        if tag == "a" and (None, "href") in out:
            out[(None, "rel")] = "noopener noreferrer"
        return out

    def _prefixed(self, ident):
        if not ident:
            return ""
        return ident if ident.startswith(self.id_prefix) else self.id_prefix + ident

    def _url(self, url):
        stripped = url.strip()
        if stripped.startswith("#"):
            fragment = stripped[1:]
            return "#" + self._prefixed(fragment) if fragment else "#"
        if self.resolve_link is not None and is_package_url(stripped):
            return self.resolve_link(stripped)
        return url


def _cleaner(resolve_link, id_prefix):
    return bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[partial(_ContentFilter, resolve_link=resolve_link, id_prefix=id_prefix)],
    )


def sanitize_html(raw_html, resolve_link=None, id_prefix="u-"):
    """Clean HTML with the allowlist above (used by render_markdown; prefer that)."""
    return _cleaner(resolve_link, id_prefix).clean(raw_html or "")


def render_markdown(text, resolve_link: ResolveLink | None = None, id_prefix="u-"):
    """Markdown from an author -> sanitized HTML (a str to store and later mark safe).

    `resolve_link(url)` is called with every relative or `/`-rooted link or image source (as
    written, after HTML entities are decoded) and returns the URL to use, or None to drop it.
    """
    if not text or not text.strip():
        return ""
    return _scrollable_tables(
        sanitize_html(_markdown().convert(text), resolve_link, id_prefix).strip()
    )


_TABLE_START = re.compile(r"<table(?=[\s>])")


def _scrollable_tables(clean_html):
    """Each table in a region that scrolls sideways on a narrow screen and can be reached with
    the keyboard (axe: scrollable-region-focusable). Runs after the sanitizer, which escapes
    every `<` of text and attributes, so only real tags match. The label is Indonesian like
    the footnote links: stored HTML is the same for every reader."""
    numbers = iter(range(1, clean_html.count("<table") + 1))
    wrapped = _TABLE_START.sub(
        lambda _: (
            f'<div class="table-scroll" role="region" tabindex="0" '
            f'aria-label="Tabel {next(numbers)}"><table'
        ),
        clean_html,
    )
    return wrapped.replace("</table>", "</table></div>")


_SINGLE_P = re.compile(r"\A<p>((?:(?!</?p[ >]).)*)</p>\Z", re.DOTALL)


def render_inline(text, resolve_link: ResolveLink | None = None, id_prefix="u-"):
    """Like render_markdown, without the <p> around a single paragraph (answer options)."""
    rendered = render_markdown(text, resolve_link, id_prefix)
    match = _SINGLE_P.match(rendered)
    return match.group(1) if match else rendered


def sanitize_text(text):
    """Plain text typed by a user -> HTML: escaped, blank lines make paragraphs, newlines <br>."""
    if not text or not text.strip():
        return ""
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip())
    return "\n".join(
        "<p>" + "<br>\n".join(html.escape(line) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )

"""CommonMark links and images for Python-Markdown: inline, reference and definitions.

Python-Markdown reads `[text](url)` with regular expressions: no angle-bracket destinations,
no balanced parentheses, no `(title)`, the outer of two nested links wins, reference labels are
not case-folded as CommonMark does and the last definition wins. This module replaces its six
link patterns and its reference-definition block processor with CommonMark 0.29's algorithm
(spec section 6.7, "look for link or image"): brackets are matched innermost first, a link
deactivates the `[` openers around it (links never nest), images may contain links (their alt
text is the plain text of what they contain).

Nothing here decides whether a URL is safe: every href and src still goes through bleach in
render.py, which drops `javascript:`, `data:` and the like after decoding entities.
"""

import html
import re
import string
import xml.etree.ElementTree as etree
from functools import partial
from html.entities import html5

from markdown import util
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

ASCII_PUNCTUATION = string.punctuation

# The element that carries an image's content until `_ImageAlt` turns it into its alt text.
_ALT = "x-elearn-alt"

# CommonMark raw HTML (as mdext._RAW_HTML): inside link text it binds tighter than brackets.
_ATTRIBUTE = r"""(?:\s+[a-zA-Z_:][a-zA-Z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)"""
_RAW_HTML = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9-]*" + _ATTRIBUTE + r"*\s*/?"
    r"|/[A-Za-z][A-Za-z0-9-]*\s*"
    r"|!--(?:-?>|[\s\S]*?--)"
    r"|\?[\s\S]*?\?"
    r"|![A-Za-z][^>]*"
    r"|!\[CDATA\[[\s\S]*?\]\])>"
)
_PLACEHOLDER = re.compile("\x02(?:[a-z]+:)?[0-9]+\x03")
_ESCAPED = re.compile("\x02([0-9]+)\x03")
_ENTITY = re.compile(r"&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});")
_BACKSLASH = re.compile(r"\\([!-/:-@\[-`{-~])")
_WHITESPACE = re.compile(r"[ \t\r\n]+")
_MAX_LABEL = 999
_MAX_DEPTH = 20


def decode_entities(text):
    """HTML entities as CommonMark reads them: named (with `;`), decimal and hexadecimal."""

    def one(m):
        ref = m.group(0)
        if ref[1] != "#":
            return html5.get(ref[1:], ref)
        number = int(ref[3:-1], 16) if ref[2] in "xX" else int(ref[2:-1])
        if number == 0 or number > 0x10FFFF or 0xD800 <= number <= 0xDFFF:
            return "\ufffd"
        return chr(number)

    return _ENTITY.sub(one, text)


def normalize_label(label):
    """Labels match case-insensitively (Unicode case fold) with whitespace collapsed."""
    return _WHITESPACE.sub(" ", label.strip()).casefold()


# Scanning ------------------------------------------------------------------------------------
# The scanners below read Python-Markdown's inline data: text in which code spans, autolinks
# and backslash escapes are already placeholders (STX ... ETX). A placeholder is one ordinary
# character to them, so an escaped `\)` or `\"` never ends a destination or a title.


def _skip_space(text, i, newlines=1):
    """Spaces and tabs with at most `newlines` line endings; None if a blank line follows."""
    seen = 0
    while i < len(text) and text[i] in " \t\n":
        if text[i] == "\n":
            seen += 1
            if seen > newlines:
                return None
        i += 1
    return i


def _unit_end(text, i):
    """The end of the character or placeholder at i."""
    if text[i] == "\x02":
        m = _PLACEHOLDER.match(text, i)
        if m:
            return m.end()
    return i + 1


def scan_destination(text, i):
    """A link destination at i: (raw destination, end) or None."""
    if i < len(text) and text[i] == "<":
        j = i + 1
        while j < len(text):
            c = text[j]
            if c == "\\" and j + 1 < len(text) and text[j + 1] in ASCII_PUNCTUATION:
                j += 2  # block text still has its escapes (inline data has placeholders)
                continue
            if c == ">":
                return text[i + 1 : j], j + 1
            if c in "<\n":
                return None
            j = _unit_end(text, j)
        return None
    depth, j = 0, i
    while j < len(text):
        c = text[j]
        if c == "\\" and j + 1 < len(text) and text[j + 1] in ASCII_PUNCTUATION:
            j += 2
            continue
        if c == "(":
            depth += 1
            if depth > 32:
                return None
        elif c == ")":
            if depth == 0:
                break
            depth -= 1
        elif c == " " or (ord(c) < 0x20 and c not in "\x02") or c == "\x7f":
            break
        j = _unit_end(text, j)
    if j == i or depth:
        return None
    return text[i:j], j


def scan_title(text, i):
    """A link title at i ("…", '…' or (…)): (raw title, end) or None."""
    if i >= len(text) or text[i] not in "\"'(":
        return None
    close = ")" if text[i] == "(" else text[i]
    j = i + 1
    while j < len(text):
        c = text[j]
        if c == "\\" and j + 1 < len(text) and text[j + 1] in ASCII_PUNCTUATION:
            j += 2
            continue
        if c == close:
            return text[i + 1 : j], j + 1
        if close == ")" and c == "(":
            return None
        if c == "\n":
            nxt = j + 1
            while nxt < len(text) and text[nxt] in " \t":
                nxt += 1
            if nxt == len(text) or text[nxt] == "\n":
                return None  # a blank line ends the paragraph
        j = _unit_end(text, j)
    return None


def scan_label(text, i):
    """A link label `[...]` at i: (raw label, end) or None (brackets must be escaped)."""
    if i >= len(text) or text[i] != "[":
        return None
    j = i + 1
    while j < len(text):
        c = text[j]
        if c == "\\" and j + 1 < len(text) and text[j + 1] in ASCII_PUNCTUATION:
            j += 2
            continue
        if c == "[":
            return None
        if c == "]":
            label = text[i + 1 : j]
            if len(label) > _MAX_LABEL or not label.strip():
                return None
            return label, j + 1
        j = _unit_end(text, j)
    return None


# Reference definitions -----------------------------------------------------------------------


_INDENT = re.compile(r" {0,3}")


def parse_definition(text, i=0):
    """A link reference definition at i of raw block text: (label, url, title, end) or None."""
    m = _INDENT.match(text, i)
    found = scan_label(text, m.end())
    if not found or found[1] >= len(text) or text[found[1]] != ":":
        return None
    label, j = found[0], found[1] + 1
    j = _skip_space(text, j)
    if j is None:
        return None
    dest = scan_destination(text, j)
    if dest is None or (not dest[0] and text[j] != "<"):
        return None
    url, j = dest
    line_end = _line_end(text, j)
    k = _skip_space(text, j)
    title = None
    if k is not None and k > j:
        found_title = scan_title(text, k)
        if found_title is not None:
            end = _line_end(text, found_title[1])
            if end is not None:
                title, line_end = found_title[0], end
    if line_end is None:
        return None
    return (
        label,
        _unescape_source(url),
        None if title is None else _unescape_source(title),
        line_end,
    )


def _line_end(text, i):
    """After optional spaces, the end of the line (past its newline); None if text follows."""
    while i < len(text) and text[i] in " \t":
        i += 1
    if i == len(text):
        return i
    return i + 1 if text[i] == "\n" else None


def _unescape_source(text):
    return decode_entities(_BACKSLASH.sub(r"\1", text))


class ReferenceDefinitions(BlockProcessor):
    """Definitions at the start of a paragraph (never inside one); the first one wins."""

    def test(self, parent, block):
        return block.lstrip(" ").startswith("[")

    def run(self, parent, blocks):
        block = blocks[0]
        end, found = 0, False
        while end < len(block):
            definition = parse_definition(block, end)
            if definition is None:
                break
            label, url, title, end = definition
            self.parser.md.references.setdefault(normalize_label(label), (url, title))
            found = True
        if not found:
            return False
        blocks.pop(0)
        rest = block[end:]
        if rest.strip():
            blocks.insert(0, rest)
        return True


# Inline links and images ---------------------------------------------------------------------


class _Result:
    __slots__ = ("end", "href", "image", "start", "text_end", "text_start", "title")

    def __init__(self, start, end, image, text_start, text_end, href, title):
        self.start, self.end, self.image = start, end, image
        self.text_start, self.text_end = text_start, text_end
        self.href, self.title = href, title


class _Opener:
    __slots__ = ("active", "image", "pos")

    def __init__(self, pos, image):
        self.pos, self.image, self.active = pos, image, True


_TEXT_UNITS = re.compile(_PLACEHOLDER.pattern + r"|\\[!-/:-@\[-`{-~]|" + _ENTITY.pattern)


def _stashed(stash, placeholder):
    if placeholder.startswith(util.INLINE_PLACEHOLDER_PREFIX):
        return stash.get(placeholder[len(util.INLINE_PLACEHOLDER_PREFIX) : -1])
    m = _ESCAPED.fullmatch(placeholder)
    return placeholder if m else None


def _decoded(stash, m):
    unit = m.group(0)
    if unit[0] == "\\":
        return unit[1]
    if unit[0] == "&":
        return decode_entities(unit)
    value = _stashed(stash, unit)
    if value is None:
        return ""
    if isinstance(value, str):
        return _ESCAPED.sub(lambda e: chr(int(e.group(1))), value)
    return "".join(value.itertext())


def _written(stash, m):
    value = _stashed(stash, m.group(0))
    if value is None:
        return m.group(0)
    if isinstance(value, str):
        return _ESCAPED.sub(lambda e: "\\" + chr(int(e.group(1))), value)
    text = "".join(value.itertext())
    if value.tag == "code":
        return f"`{text}`"
    if value.tag == "a":
        return f"<{text}>"
    return text


class LinkProcessor(InlineProcessor):
    """Every `[` and `![` of a text, resolved as CommonMark does."""

    ANCESTOR_EXCLUDES = ("a", _ALT)

    def __init__(self, md):
        super().__init__(r"!?\[", md)
        self._cache = None  # the last scan: (stash, text after the last link, its length, results)

    # The whole text at once: whether `[` at p opens a link depends on what follows it. Each
    # link found is replaced by a placeholder before the next call; what follows it is the
    # same text, so the scan stays valid, its positions moved by the difference in length.
    def _results(self, data, pos):
        """({start: result}, shift to add to their positions)."""
        stash = self._stash()
        cache = self._cache
        if (
            cache is not None
            and cache[0] is stash
            and len(data) - pos <= len(cache[1])
            and data.endswith(cache[1])
        ):
            return cache[3], len(data) - cache[2]
        self._cache = (stash, data, len(data), self._scan(data, 0))
        return self._cache[3], 0

    def _scan(self, data, pos):
        results, stack, i = {}, [], pos
        while i < len(data):
            c = data[i]
            if c == "\x02":
                i = _unit_end(data, i)
                continue
            if c == "<":
                m = _RAW_HTML.match(data, i)
                i = m.end() if m else i + 1
                continue
            if c == "!" and data.startswith("[", i + 1):
                stack.append(_Opener(i, True))
                i += 2
                continue
            if c == "[":
                stack.append(_Opener(i, False))
                i += 1
                continue
            if c != "]" or not stack:
                i += 1
                continue
            opener = stack.pop()
            if not opener.active:
                i += 1
                continue
            text_start = opener.pos + (2 if opener.image else 1)
            found = self._after_text(data, text_start, i)
            if found is None:
                i += 1
                continue
            href, title, end = found
            results[opener.pos] = _Result(opener.pos, end, opener.image, text_start, i, href, title)
            if not opener.image:
                for other in stack:
                    if not other.image:
                        other.active = False
            i = end
        return results

    def _after_text(self, data, text_start, close):
        """What follows the `]` at close: (href, title, end) or None."""
        j = close + 1
        if data.startswith("(", j):
            inline = self._inline_tail(data, j + 1)
            if inline is not None:
                return inline
        label = scan_label(data, j)
        if label is not None:
            key, end = label[0], label[1]
        elif data.startswith("[]", j):
            key, end = None, j + 2
        else:
            key, end = None, j
        if key is None:
            key = data[text_start:close]
            if len(key) > _MAX_LABEL:
                return None
        reference = self.md.references.get(normalize_label(self._source(key)))
        if reference is None:
            return None
        return reference[0], reference[1], end

    def _inline_tail(self, data, j):
        """`(destination "title")` from after its `(`: (href, title, end) or None."""
        j = _skip_space(data, j)
        if j is None:
            return None
        href, title = "", None
        if j < len(data) and data[j] != ")":
            dest = scan_destination(data, j)
            if dest is None:
                return None
            href, after = dest
            j = _skip_space(data, after)
            if j is None:
                return None
            if j > after:
                found = scan_title(data, j)
                if found is not None:
                    title, j = found
                    j = _skip_space(data, j)
                    if j is None:
                        return None
        if j >= len(data) or data[j] != ")":
            return None
        return self._value(href), None if title is None else self._value(title), j + 1

    def _stash(self):
        return self.md.treeprocessors["inline"].stashed_nodes

    def _value(self, text):
        """Placeholders back to their text, escapes and entities decoded: an attribute value."""
        return _TEXT_UNITS.sub(partial(_decoded, self._stash()), text)

    def _source(self, text):
        """Link text back to what the author wrote, for comparing it with a label."""
        return _PLACEHOLDER.sub(partial(_written, self._stash()), text)

    # Building ------------------------------------------------------------------------------
    def handleMatch(self, m, data):
        results, shift = self._results(data, m.start(0))
        result = results.get(m.start(0) - shift)
        if result is None:
            return None, None, None
        # `text` reads the data at a result's (unshifted) positions.
        text = _Shifted(data, shift)
        el = self._element(result, text, results)
        stash, _suffix, scanned_length, _results = self._cache
        self._cache = (stash, data[result.end + shift :], scanned_length, results)
        return el, result.start + shift, result.end + shift

    def _inner(self, result, text, results):
        """The results directly inside `result`'s text, in order."""
        if "[" not in text[result.text_start : result.text_end]:
            return []
        inner, end = [], result.text_start
        for start in range(result.text_start, result.text_end):
            if start >= end and start in results:
                inner.append(results[start])
                end = results[start].end
        return inner

    def _element(self, result, text, results):
        if result.image:
            el = etree.Element("img")
            el.set("src", result.href)
            alt = etree.SubElement(el, _ALT)
            alt.text = self._plain(result, text, results)
        else:
            el = etree.Element("a")
            el.set("href", result.href)
            parts, pos = [], result.text_start
            tree = self.md.treeprocessors["inline"]
            for inner in self._inner(result, text, results):  # images: a link holds no link
                parts.append(text[pos : inner.start])
                node = self._element(inner, text, results)
                parts.append(tree._InlineProcessor__stashNode(node, "link"))
                pos = inner.end
            parts.append(text[pos : result.text_end])
            el.text = "".join(parts)
        if result.title is not None:
            el.set("title", result.title)
        return el

    def _plain(self, result, text, results, depth=0):
        """An image's content with the links and images in it reduced to their text."""
        parts, pos = [], result.text_start
        # Images in images in images…: past a depth no alt text needs, the rest as written.
        inside = self._inner(result, text, results) if depth < _MAX_DEPTH else []
        for inner in inside:
            parts.append(text[pos : inner.start])
            parts.append(self._plain(inner, text, results, depth + 1))
            pos = inner.end
        parts.append(text[pos : result.text_end])
        return "".join(parts)


class _Shifted:
    """The data of a scan that has since had its links before `shift` replaced."""

    __slots__ = ("data", "shift")

    def __init__(self, data, shift):
        self.data, self.shift = data, shift

    def __getitem__(self, span):
        return self.data[span.start + self.shift : span.stop + self.shift]


class ImageAlt(Treeprocessor):
    """An image's content (emphasis, code, entities processed) becomes its plain-text alt."""

    def run(self, root):
        raw = partial(_alt_raw_html, self.md.htmlStash.rawHtmlBlocks)
        for img in list(root.iter("img")):
            for child in list(img):
                if child.tag == _ALT:
                    img.set("alt", _HTML_PLACEHOLDER.sub(raw, "".join(child.itertext())))
                    img.remove(child)


_HTML_PLACEHOLDER = re.compile(util.HTML_PLACEHOLDER % r"([0-9]+)")


def _alt_raw_html(stash, m):
    """Entities are raw HTML to Python-Markdown: their character; a tag is no alt text."""
    number = int(m.group(1))
    value = stash[number] if number < len(stash) else ""
    value = value if isinstance(value, str) else ""
    return html.unescape(value) if _ENTITY.fullmatch(value) else ""


class CommonMarkLinksExtension(Extension):
    def extendMarkdown(self, md):
        for name in (
            "reference",
            "link",
            "image_link",
            "image_reference",
            "short_reference",
            "short_image_ref",
        ):
            if name in md.inlinePatterns:
                md.inlinePatterns.deregister(name)
        md.inlinePatterns.register(LinkProcessor(md), "link", 160)
        if "reference" in md.parser.blockprocessors:
            md.parser.blockprocessors.deregister("reference")
        md.parser.blockprocessors.register(ReferenceDefinitions(md.parser), "reference", 15)
        md.treeprocessors.register(ImageAlt(md), "commonmark_image_alt", 19.5)
        # CommonMark: every ASCII punctuation character may be escaped.
        for char in ASCII_PUNCTUATION:
            if char not in md.ESCAPED_CHARS:
                md.ESCAPED_CHARS.append(char)


def makeExtension(**kwargs):
    return CommonMarkLinksExtension(**kwargs)

"""Python-Markdown extension that makes author Markdown render as CommonMark and GitHub do.

Lesson material comes from GitHub repositories and public curricula written for CommonMark:
lists nest by the marker's width (2 spaces under "- ", 3 under "1. "), fenced code sits inside
list items, a list may follow a paragraph directly, a fence needs no closing line. Python-Markdown
nests by 4 spaces and sees none of that. `normalize_blocks` reads the text's container structure
as CommonMark does (block quotes, list items, fences, paragraphs with lazy lines) and writes it
back in the form Python-Markdown and pymdownx.superfences parse the same way: 4 spaces a level,
canonical fences with blank lines around them, "1." for "1)". Where the two still differ
(tight or loose lists), the preprocessor notes CommonMark's answer and a treeprocessor applies it.

The other pieces: autolinks `<scheme:...>` and raw HTML tags as CommonMark defines them (so
`<nama berkas>`-like text that is no tag is shown, not dropped), `\\|` in table cells is `|`,
a block quote after a blank line is a new quote, a table ends where another block begins (a
line of plain text is one more row, as on GitHub), a header row alone has no body, and a
body that uses `#` headings moves every heading one level down (the lesson title is the h1),
code spans keep their inner spaces, an empty fence is an empty block, and `fence_opening`,
`closes_fence` and `fence_mask` are the one definition of a code fence (quizparse uses them).
Links and images are elearn.content.mdlinks, emphasis elearn.content.mdemphasis.
Everything produced still goes through the sanitizer in render.py.
"""

import html
import re
import xml.etree.ElementTree as etree

from markdown import util
from markdown.blockprocessors import BlockQuoteProcessor
from markdown.extensions import Extension
from markdown.extensions.toc import remove_fnrefs, render_inner_html, strip_tags
from markdown.inlinepatterns import (
    BACKTICK_RE,
    BacktickInlineProcessor,
    HtmlInlineProcessor,
    InlineProcessor,
)
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from pymdownx.slugs import slugify as _slugify

_github_slug = _slugify(case="lower")

# A paragraph made of this character alone keeps two lists apart (CommonMark starts a new list
# when the bullet or the delimiter changes; Python-Markdown would merge them). Removed again by
# the treeprocessor, and stripped from the author's text first.
_SPLIT = "\ue000"
# The only line of a fenced block that has none: Pygments writes an empty block as one empty
# line, CommonMark as nothing; `_EmptyCode` takes the line out again.
_EMPTY = "\ue001"
# A tab inside a top-level fenced block, kept from Python-Markdown's tab expansion (CommonMark
# keeps code as written) and written back as a tab when the block is highlighted.
_TAB = "\ue002"
# A space of a blank-looking line in such a block (Python-Markdown empties those lines).
_SPACE = "\ue003"

_BULLET = re.compile(r"^( {0,3})([-*+])( +|$)")
_ORDERED = re.compile(r"^( {0,3})(\d{1,9})([.)])( +|$)")
_QUOTE = re.compile(r"^ {0,3}> ?")
_FENCE_OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
_THEMATIC = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_ATX = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_HTML_START = re.compile(
    r"^ {0,3}<(?:/?(?:address|article|aside|blockquote|details|dialog|div|dl|fieldset|figcaption|"
    r"figure|footer|form|h[1-6]|header|hr|main|nav|ol|p|pre|section|table|ul|script|style)"
    r"(?:\s|/?>|$)|!--)",
    re.IGNORECASE,
)
_BODY_START = re.compile(r"^(?:!!!|\?\?\?\+?) |^\[\^[^\]\s]+\]:")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+) *$")
_LANG = re.compile(r"^[\w#.+-]+$")


def _indent(text):
    return len(text) - len(text.lstrip(" "))


# Code fences: the one place that says what opens and closes one (the block normaliser below,
# the table-pipe pass, quizparse and convert all ask these).
def fence_opening(line):
    """(indent, character, length, info string) if the line opens a fenced code block.

    CommonMark: up to 3 spaces, then 3 or more backticks or tildes; a backtick fence's info
    string may not contain a backtick (``` ``x`` ``` is a code span in a paragraph)."""
    m = _FENCE_OPEN.match(line)
    if not m or (m.group(2)[0] == "`" and "`" in m.group(3)):
        return None
    return len(m.group(1)), m.group(2)[0], len(m.group(2)), m.group(3).strip()


def closes_fence(line, char, length):
    """Whether the line closes a fence of `length` times `char`: up to 3 spaces, at least as
    many of the same character, nothing else after them but spaces."""
    stripped = line.strip()
    return (
        _indent(line) < 4 and bool(stripped) and set(stripped) == {char} and len(stripped) >= length
    )


def fence_mask(lines, nested=False):
    """One boolean per line: inside a fenced code block (its fence lines included). A fence
    left open runs to the end. `nested`: also fences indented further (in list items), as a
    line-based reader that does not follow containers needs them."""
    mask, fence = [], None
    for line in lines:
        text = line.lstrip(" \t") if nested else line
        if fence is None:
            opened = fence_opening(text)
            if opened is not None:
                fence = opened[1:3]
            mask.append(fence is not None)
        else:
            mask.append(True)
            if closes_fence(text, *fence):
                fence = None
    return mask


class _Quote:
    kind = "quote"


class _Body:
    """The 4-space body of an admonition (`!!! note`) or a footnote definition (`[^1]:`)."""

    kind = "body"
    offset = 4
    opening = False
    has_content = True

    def __init__(self, footnote):
        self.footnote = footnote  # its lists end up in the footnotes at the end of the page


class _Item:
    kind = "item"

    def __init__(self, lst, offset):
        self.list = lst
        self.offset = offset  # columns of the item's content, relative to its container
        self.has_content = False
        self.opening = True  # the marker still has to be written


class _List:
    def __init__(self, number, ordered, mark, start):
        self.number = number  # position among the document's lists (for tightness)
        self.ordered = ordered
        self.mark = mark  # bullet character or ordered delimiter
        self.start = start
        self.tight = True


def _item_start(text, interrupts_paragraph):
    """(ordered, mark, number, width of marker, spaces after it, content) or None."""
    if _THEMATIC.match(text):
        return None
    m = _BULLET.match(text)
    if m:
        ordered, mark, number, marker = False, m.group(2), None, m.group(1) + m.group(2)
        spaces = m.group(3)
    else:
        m = _ORDERED.match(text)
        if not m:
            return None
        ordered, mark, number = True, m.group(3), int(m.group(2))
        marker, spaces = m.group(1) + m.group(2) + m.group(3), m.group(4)
    content = text[m.end() :]
    if interrupts_paragraph and (not content.strip() or (ordered and number != 1)):
        return None  # only a non-empty item (and "1.") may interrupt a paragraph
    return ordered, mark, number, len(marker), len(spaces), content


class _Normalizer:
    """CommonMark's block structure (containers, fences, paragraphs) -> Python-Markdown text."""

    def __init__(self):
        self.out = []
        self.stack = []  # open containers, outermost first
        self.lists = []
        self.fence = None  # (char, length, indent, owner depth, index of its first line in out)
        self.fence_blank_end = False  # its last line so far is blank
        self.paragraph = False  # an open paragraph in the innermost container
        self.html = False  # inside an HTML block (until a blank line)
        self.blank_before = False
        # The deepest block quote the last blank line was in (">"): a blank line inside a quote
        # separates nothing in the lists around that quote.
        self.blank_quote = -1
        self.closed_list = {}  # depth -> the list that just ended there (for siblings)

    # Writing -------------------------------------------------------------------------------
    def prefix(self, depth=None):
        parts = []
        for container in self.stack[: len(self.stack) if depth is None else depth]:
            if container.kind == "quote":
                parts.append("> ")
            elif container.kind == "body":
                parts.append("    ")
            elif container.opening:
                container.opening = False
                lst = container.list
                marker = f"{lst.start}." if lst.ordered else "-"
                parts.append((marker + " ").ljust(4))
            else:
                parts.append("    ")
        return "".join(parts)

    def emit(self, text, depth=None):
        marker = any(c.kind == "item" and c.opening for c in self.stack[:depth])
        line = self.prefix(depth) + text
        self.out.append(line if marker or text.strip() else line.rstrip())

    def flush_markers(self):
        """An item whose content opens with a block: its marker goes on a line of its own."""
        if self.stack_opening():
            self.out.append(self.prefix())

    def blank(self, depth=None, keep=False):
        """A blank line inside the containers up to `depth` (quotes keep their `>`).

        Blank lines this class adds are never doubled; the author's (`keep`) are kept, as
        indented code shows them."""
        if any(c.kind == "item" and c.opening for c in self.stack[:depth]):
            return  # never between a marker and its first content
        line = "".join("> " if c.kind == "quote" else "    " for c in self.stack[:depth])
        line = line.rstrip()
        if keep or not self.out or self.out[-1] != line:
            self.out.append(line)

    # Containers ----------------------------------------------------------------------------
    def close_to(self, depth):
        """Close the containers deeper than `depth` (and what is open inside them)."""
        if len(self.stack) > depth:
            if self.fence is not None and self.fence[3] >= depth:
                self.close_fence()
            if self.stack_opening():
                self.flush_markers()  # an empty item
            quote = False
            while len(self.stack) > depth:
                container = self.stack.pop()
                quote = quote or container.kind == "quote"
                if container.kind == "item":
                    self.closed_list[len(self.stack)] = container.list
            self.paragraph = False
            self.html = False
            for level in list(self.closed_list):
                if level > depth:
                    del self.closed_list[level]
            # Or Python-Markdown would read what follows lazily (a quote's own blank line ">"
            # does not end it for Python-Markdown).
            if self.out and (self.out[-1].strip(" >") or (quote and self.out[-1].strip())):
                self.blank(depth)

    def close_fence(self):
        char, length, _, depth, first = self.fence
        if len(self.out) == first:
            self.emit(_EMPTY, depth)
        elif self.fence_blank_end:
            # superfences joins the lines without a last newline: a blank last line would be lost.
            self.out.append(self.out[-1])
        self.emit(char * length, depth)
        self.blank(depth)
        self.fence = None

    def match(self, line):
        """Match open containers: (number matched, the rest of the line)."""
        rest = line
        for i, container in enumerate(self.stack):
            if container.kind == "quote":
                m = _QUOTE.match(rest)
                if not m:
                    return i, rest
                rest = rest[m.end() :]
            elif container.kind == "body":
                if rest.strip() and _indent(rest) < 4:
                    return i, rest
                rest = rest[4:] if rest.strip() else ""
            else:
                if not rest.strip():
                    if not container.has_content and self.blank_before:
                        return i, rest  # an item may begin with one blank line only
                    rest = ""
                    continue
                if _indent(rest) < container.offset:
                    return i, rest
                rest = rest[container.offset :]
        return len(self.stack), rest

    # The main loop -------------------------------------------------------------------------
    def run(self, lines):
        for line in lines:
            self.line(line.replace(_SPLIT, "").replace(_EMPTY, ""))
        self.close_to(0)
        if self.fence is not None:
            # A fence may run to the end of the text; the blank lines that end every text
            # (Python-Markdown adds two) are not its content.
            while len(self.out) > self.fence[4] and not self.out[-1].strip(" >"):
                self.out.pop()
                self.fence_blank_end = False
            self.close_fence()
        while self.out and not self.out[-1].strip():
            self.out.pop()
        # Python-Markdown's own preprocessor ends the text with two blank lines; its parser
        # counts on them (a last block of "text\n" would keep its newline).
        return [*self.out, "", ""], [lst.tight for lst in self.lists]

    def line(self, line):
        matched, rest = self.match(line)
        if self.fence is not None and matched >= self.fence[3] and matched == len(self.stack):
            self.fence_line(rest)
            return
        if self.fence is not None and matched < len(self.stack):
            self.close_to(matched)
        if matched < len(self.stack) and self.paragraph and self.is_lazy(rest):
            self.emit(_escape_markers(rest.lstrip(" ")))
            self.blank_before = False
            return
        if matched < len(self.stack):
            self.close_to(matched)
        if not rest.strip():
            self.blank_line()
            return
        if self.blank_before and self.stack and self.blank_quote < len(self.stack) - 1:
            # Content after a blank line: two blocks of this item -> its list is loose.
            container = self.stack[-1]
            if container.kind == "item" and container.has_content:
                container.list.tight = False
        self.open_containers(rest)

    def blank_line(self):
        self.paragraph = False
        self.html = False
        self.blank_before = True
        quotes = [i for i, c in enumerate(self.stack) if c.kind == "quote"]
        self.blank_quote = quotes[-1] if quotes else -1
        if self.stack and self.stack[-1].kind == "item" and not self.stack[-1].has_content:
            return  # the blank line right after an empty marker
        self.blank(keep=True)

    def is_lazy(self, rest):
        if not rest.strip() or _QUOTE.match(rest) or fence_opening(rest):
            return False
        if _ATX.match(rest) or _THEMATIC.match(rest) or _HTML_START.match(rest):
            return False
        return _item_start(rest, interrupts_paragraph=False) is None

    def open_containers(self, rest):
        interrupts = self.paragraph
        while True:
            if _indent(rest) >= 4:
                break  # indented code or paragraph continuation: no new container
            m = _QUOTE.match(rest)
            if m:
                self.before_block()
                self.flush_markers()
                self.stack.append(_Quote())
                self.paragraph = False
                rest = rest[m.end() :]
                if not rest.strip():
                    self.emit("")
                    self.blank_before = True
                    self.blank_quote = len(self.stack) - 1
                    return
                continue
            if not self.paragraph and _BODY_START.match(rest):
                self.mark_content()
                self.emit(rest)
                self.stack.append(_Body(rest.startswith("[")))
                return
            start = _item_start(rest, interrupts_paragraph=interrupts)
            if start is None:
                break
            ordered, mark, number, width, spaces, content = start
            depth = len(self.stack)
            previous = self.closed_list.get(depth)
            if previous is not None and previous.ordered == ordered and previous.mark == mark:
                lst = previous
                if self.blank_before and self.blank_quote < depth:
                    lst.tight = False
            else:
                if previous is not None and previous.ordered == ordered:
                    self.split_lists(depth)
                lst = _List(len(self.lists), ordered, mark, number)
                if not any(c.kind == "body" and c.footnote for c in self.stack):
                    self.lists.append(lst)
            # Python-Markdown reads an item right after other lines as their text: a blank line
            # before every item (the tightness treeprocessor takes back the <p> this adds).
            self.flush_markers()
            if self.out and self.out[-1].strip(" >"):
                self.blank(depth)
            self.closed_list.pop(depth, None)
            if not content.strip():
                offset = width + 1
                content = ""
            elif spaces > 4:
                offset = width + 1
                content = " " * (spaces - 1) + content
            else:
                offset = width + spaces
            self.stack.append(_Item(lst, offset))
            self.paragraph = False
            self.blank_before = False
            rest = content
            if not rest.strip():
                return  # the marker is written with the item's first content
        self.leaf(rest)

    def split_lists(self, depth):
        self.blank(depth)
        self.emit(_SPLIT, depth)
        self.blank(depth)

    def before_block(self):
        """A block that Python-Markdown wants apart from the paragraph before it."""
        if self.paragraph:
            self.blank()
            self.paragraph = False

    def mark_content(self):
        for container in self.stack:
            if container.kind == "item":
                container.has_content = True
        self.blank_before = False

    def leaf(self, rest):
        self.mark_content()
        depth = len(self.stack)
        ended_list = self.closed_list.pop(depth, None)  # a block between lists parts them
        # Python-Markdown lets nothing but a fence (or an item's opening line) begin a block in
        # the middle of a paragraph; everything else is the paragraph's text, as in CommonMark.
        fence = fence_opening(rest)
        if fence:
            self.before_block()
            self.flush_markers()
            if self.out and self.out[-1].strip(" >"):
                self.blank()
            indent, char, length, info = fence
            words = info.split()
            lang = words[0] if words and _LANG.match(words[0]) else ""
            self.emit(char * length + lang)
            self.fence = (char, length, indent, depth, len(self.out))
            self.fence_blank_end = False
            self.html = False
            return
        if self.html or (not self.paragraph and _HTML_START.match(rest)):
            self.html = True
            self.emit(rest)
            return
        if self.paragraph and _SETEXT.match(rest):
            self.emit(rest)  # the paragraph is a heading
            self.paragraph = False
            return
        if _ATX.match(rest) or _THEMATIC.match(rest):
            self.before_block()
            if self.out and self.out[-1].strip(" >") and not self.stack_opening():
                self.blank()
            self.emit(rest)
            self.paragraph = False
            return
        if not self.paragraph and _indent(rest) >= 4:
            # Indented code (or an admonition's or a footnote's body).
            if self.stack_opening():
                self.flush_markers()
                self.blank()
            elif ended_list is not None:
                self.split_lists(depth)  # Python-Markdown would take it into the list
            self.emit(rest)
            return
        # CommonMark drops a continuation line's indentation; so must we, or Python-Markdown
        # could read 4 spaces inside a list item as indented code.
        self.emit(_escape_markers(rest.lstrip(" ") if self.paragraph else rest))
        self.paragraph = True

    def stack_opening(self):
        return any(c.kind == "item" and c.opening for c in self.stack)

    def fence_line(self, rest):
        char, length, indent, depth, _ = self.fence
        if closes_fence(rest, char, length):
            self.close_fence()
            return
        body = rest[min(indent, _indent(rest)) :]
        self.fence_blank_end = not body.strip()
        if body.strip() or not depth:
            self.emit(body, depth)
        else:
            # A blank line of code inside a container keeps the container's indentation:
            # Python-Markdown would otherwise end the item's block there (and lose the line).
            self.out.append(self.prefix(depth) + body)


_PYMD_ITEM = re.compile(r"^( {0,3})(\d+)(\.)(?= )|^( {0,3})([*+-])(?= )")


def _escape_markers(text):
    """A line that is a paragraph for CommonMark but would start a Python-Markdown list."""
    m = _PYMD_ITEM.match(text)
    if not m:
        return text
    if m.group(3):
        return text[: m.end(2)] + "\\" + text[m.end(2) :]
    return text[: m.start(5)] + "\\" + text[m.start(5) :]


def normalize_blocks(lines):
    """CommonMark block structure -> (Python-Markdown lines, tightness of each list)."""
    return _Normalizer().run(lines)


_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_TABLE_DELIMITER = re.compile(r"^ {0,3}\|? *:?-+:? *(\| *:?-+:? *)*\|? *$")


def _ends_table(line):
    """A line that begins another block, where a table ends (GFM; a line of text is a row)."""
    if _QUOTE.match(line) or fence_opening(line) or _ATX.match(line):
        return True
    if _THEMATIC.match(line) or _HTML_START.match(line) or _indent(line) >= 4:
        return True
    return _item_start(line, interrupts_paragraph=True) is not None


_CONTAINER_PREFIX = re.compile(r"^(?:> ?| {4})*")


def _row(line, container):
    """Whether a line after a table's delimiter row is one more row of it."""
    if "|" in line:
        return True
    if not line.startswith(container):
        return False
    return not _ends_table(line[len(container) :])


def unescape_table_pipes(lines):
    """In table rows `\\|` is a pipe inside the cell, code spans included (GFM)."""
    out = list(lines)
    fence = None
    i = 0
    while i < len(out):
        line = out[i]
        text = line.lstrip(" >")
        if fence is not None:
            if closes_fence(text, *fence):
                fence = None
            i += 1
            continue
        opened = fence_opening(text)
        if opened:
            fence = opened[1:3]
            i += 1
            continue
        if "|" in line and i + 1 < len(out) and _TABLE_DELIMITER.match(out[i + 1]):
            j = i
            container = _CONTAINER_PREFIX.match(line).group(0)
            while j < len(out) and out[j].strip() and (j <= i + 1 or _row(out[j], container)):
                # Python-Markdown reads `\|` as a pipe outside code spans; inside, as it stands.
                out[j] = _CODE_SPAN.sub(
                    lambda m: m.group(1) + m.group(2).replace("\\|", "|") + m.group(1), out[j]
                )
                j += 1
            if j < len(out) and out[j].strip():
                out.insert(j, "")  # GFM: another block ends a table (a line of text is a row)
            i = j
            continue
        i += 1
    return out


_HEADING = re.compile(r"^h[1-6]$")


class _GitHubHeadingIds(Treeprocessor):
    """Heading ids as GitHub makes them, so that a curriculum's own `#section` links (tables of
    contents, "see above") still land: lower case, punctuation out, each space a hyphen, letters
    of any script kept ("Tinjauan & Studi" -> "tinjauan--studi"), a repeat gets "-1", "-2".
    Before toc, which keeps ids it finds (and those written with attr_list `{#id}`)."""

    def run(self, root):
        used = {el.get("id") for el in root.iter() if el.get("id")}
        counts = {}
        for el in root.iter():
            if not isinstance(el.tag, str) or not _HEADING.match(el.tag) or "id" in el.attrib:
                continue
            name = html.unescape(strip_tags(render_inner_html(remove_fnrefs(el), self.md)))
            base = _github_slug(name, "-")
            if not base:
                continue  # toc gives it one
            slug = base
            while slug in used:
                counts[base] = counts.get(base, 0) + 1
                slug = f"{base}-{counts[base]}"
            used.add(slug)
            el.set("id", slug)


_TASK = re.compile(r"^\[([ xX])\](?=[ \t])")
TASK_OPEN, TASK_DONE = "\u2610", "\u2611"  # ☐ ☑


class _TaskListItems(Treeprocessor):
    """GFM task list items (`- [ ] to do`, `- [x] done`) start with a ballot box, ☐ or ☑: the
    checkbox GitHub shows would be a form input, which the sanitizer never lets through."""

    def run(self, root):
        for li in root.iter("li"):
            holder = li
            if not (li.text or "").strip() and len(li) and li[0].tag == "p":
                holder = li[0]
            text = holder.text or ""
            m = _TASK.match(text)
            if m:
                holder.text = (TASK_DONE if m.group(1) in "xX" else TASK_OPEN) + text[m.end() :]


class _KeepFenceTabs(Preprocessor):
    """Before Python-Markdown expands every tab to 4 spaces and empties lines of spaces: the tabs
    and such lines of fenced code that starts at the margin are marked to stay as written.
    (Fences in list items and quotes still lose them: there the leading whitespace is partly
    the container's indentation.)"""

    def run(self, lines):
        out, fence = [], None
        for line in lines:
            if fence is None:
                opened = fence_opening(line)
                if opened is not None and opened[0] == 0:
                    fence = opened[1:3]
            elif closes_fence(line, *fence):
                fence = None
            elif line and not line.strip(" \t"):
                line = line.replace(" ", _SPACE).replace("\t", _TAB)
            elif "\t" in line:
                line = line.replace("\t", _TAB)
            out.append(line)
        return out


class _Tabs(Postprocessor):
    """A marked tab or space that reached the output outside a highlighted block is itself
    again."""

    def run(self, text):
        return _unmark(text)


def _unmark(text):
    if _TAB in text or _SPACE in text:
        return text.replace(_TAB, "\t").replace(_SPACE, " ")
    return text


def _code_languages(md):
    """Fenced code keeps its language as CommonMark writes it, `<code class="language-js">`
    (the sanitizer allows `language-*` on <code> only), and its marked tabs."""
    if "fenced_code_block" not in md.preprocessors:
        return
    fenced = md.preprocessors["fenced_code_block"]
    entry = getattr(getattr(fenced, "extension", None), "superfences", [None])[0]
    if not entry or entry.get("formatter") is None:
        return
    highlight = entry["formatter"]

    def formatter(src="", language="", **kwargs):
        html = highlight(src=_unmark(src), language=language, **kwargs)
        if language and _LANG.match(language):
            html = html.replace("<code>", f'<code class="language-{language}">', 1)
        return html

    entry["formatter"] = formatter


class _CommonMarkPreprocessor(Preprocessor):
    def run(self, lines):
        lines, tightness = normalize_blocks(lines)
        self.md.commonmark_tight_lists = tightness
        return unescape_table_pipes(lines)


class _SeparateQuotes(BlockQuoteProcessor):
    """A block quote after a blank line is a new quote (Python-Markdown would merge them)."""

    def run(self, parent, blocks):
        block = blocks.pop(0)
        m = self.RE.search(block)
        if m:
            before = block[: m.start()]
            self.parser.parseBlocks(parent, [before])
            block = "\n".join([self.clean(line) for line in block[m.start() :].split("\n")])
        quote = etree.SubElement(parent, "blockquote")
        self.parser.state.set("blockquote")
        self.parser.parseChunk(quote, block)
        self.parser.state.reset()


_BLOCK_TAGS = {"p", "ul", "ol", "pre", "div", "blockquote", "table", "hr", "dl"} | {
    f"h{n}" for n in range(1, 7)
}


class _ListTightness(Treeprocessor):
    """Tight lists without <p> in items, loose ones with, as CommonMark decided per list."""

    def run(self, root):
        tightness = getattr(self.md, "commonmark_tight_lists", None) or []
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tag == "p" and (child.text or "").strip() == _SPLIT and not len(child):
                    _remove(parent, child)
        footnotes = [el for el in root.iter("div") if el.get("class") == "footnote"]
        skip = {id(el) for div in footnotes for el in div.iter()}
        lists = [el for el in root.iter() if el.tag in ("ul", "ol") and id(el) not in skip]
        if len(lists) != len(tightness):
            return  # a list the preprocessor did not see (admonition, footnote): leave all
        for lst, tight in zip(lists, tightness, strict=True):
            for item in lst:
                if item.tag == "li":
                    (_tighten if tight else _loosen)(item)


def _remove(parent, child):
    if child.tail and child.tail.strip():
        index = list(parent).index(child)
        if index:
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + child.tail
        else:
            parent.text = (parent.text or "") + child.tail
    parent.remove(child)


def _tighten(item):
    for child in list(item):
        if child.tag != "p":
            continue
        index = list(item).index(child)
        text = child.text or ""
        if index == 0:
            item.text = (item.text or "") + text
        else:
            previous = item[index - 1]
            previous.tail = (previous.tail or "") + text
        for offset, grandchild in enumerate(list(child)):
            item.insert(index + offset, grandchild)
        item.remove(child)
        tail = child.tail or ""
        if len(child):
            last = child[-1]
            last.tail = (last.tail or "") + tail
        elif index == 0:
            item.text = (item.text or "") + tail
        else:
            item[index - 1].tail = (item[index - 1].tail or "") + tail


def _loosen(item):
    """Wrap the item's leading inline content in a paragraph."""
    inline = []
    for child in item:
        if child.tag in _BLOCK_TAGS:
            break
        inline.append(child)
    if not (item.text or "").strip() and not inline:
        return
    p = etree.Element("p")
    p.text, item.text = item.text, None
    for child in inline:
        item.remove(child)
        p.append(child)
    if len(p):
        p[-1].tail = (p[-1].tail or "").rstrip("\n") or None
    item.insert(0, p)
    p.tail = "\n"


class _DemoteHeadings(Treeprocessor):
    """If the body uses h1, every heading moves one level down (h6 stays h6)."""

    def run(self, root):
        headings = [el for el in root.iter() if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
        if not any(el.tag == "h1" for el in headings):
            return
        for el in headings:
            el.tag = "h" + str(min(6, int(el.tag[1]) + 1))


# CommonMark autolinks: <scheme:...> with a scheme of 2-32 characters, and <address@host>.
_AUTOLINK = r"<([A-Za-z][A-Za-z0-9.+-]{1,31}:[^<>\x00-\x20]*)>"
_AUTOMAIL = (
    r"<([a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*)>"
)
# CommonMark raw HTML: a tag, a comment, a processing instruction, a declaration or CDATA.
_ATTRIBUTE = r"""(?:\s+[a-zA-Z_:][a-zA-Z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)"""
_RAW_HTML = (
    r"(<(?:[A-Za-z][A-Za-z0-9-]*" + _ATTRIBUTE + r"*\s*/?"
    r"|/[A-Za-z][A-Za-z0-9-]*\s*"
    r"|!--(?:-?>|[\s\S]*?--)"
    r"|\?[\s\S]*?\?"
    r"|![A-Za-z][^>]*"
    r"|!\[CDATA\[[\s\S]*?\]\])>)"
)


class _AutolinkProcessor(InlineProcessor):
    def handleMatch(self, m, data):
        el = etree.Element("a")
        el.set("href", self.unescape(m.group(1)))
        el.text = util.AtomicString(m.group(1))
        return el, m.start(0), m.end(0)


class _AutomailProcessor(InlineProcessor):
    def handleMatch(self, m, data):
        el = etree.Element("a")
        el.set("href", "mailto:" + m.group(1))
        el.text = util.AtomicString(m.group(1))
        return el, m.start(0), m.end(0)


class _RawHtmlProcessor(HtmlInlineProcessor):
    """Only real tags are raw HTML; `<` before anything else stays text.

    Raw HTML is kept as written: a backslash in it escapes nothing (CommonMark), so the
    escapes Python-Markdown already took out (`\\\\`, `\\*`) go back with their backslash; left
    alone they would reach the page as control characters."""

    def backslash_unescape(self, text):
        try:
            escaped = self.md.treeprocessors["unescape"].RE
        except KeyError:  # pragma: no cover
            return text
        return escaped.sub(lambda m: "\\" + chr(int(m.group(1))), text)

    def unescape(self, text):
        try:
            stash = self.md.treeprocessors["inline"].stashed_nodes
        except KeyError:  # pragma: no cover
            return text

        def get_stash(m):
            value = stash.get(m.group(1))
            if value is not None:
                try:
                    return self.md.serializer(value)
                except Exception:
                    return rf"\{value}"
            return m.group(0)

        return util.INLINE_PLACEHOLDER_RE.sub(get_stash, text)


_STASHED_BLOCK_IN_P = re.compile(r"<p>\s*(%s)\s*</p>" % (util.HTML_PLACEHOLDER % r"[0-9]+"))


class _StashedBlocks(Postprocessor):
    """A fenced block alone in a paragraph: as Python-Markdown's own check expects it."""

    def run(self, text):
        return _STASHED_BLOCK_IN_P.sub(r"<p>\1</p>", text)


_EMPTY_CODE = re.compile(r"(<code[^>]*>)(?:<span[^>]*>)?" + _EMPTY + r"(?:</span>)?\n?")


class _EmptyCode(Postprocessor):
    """An empty fenced block is an empty <code> (see `_EMPTY`)."""

    def run(self, text):
        return _EMPTY_CODE.sub(r"\1", text).replace(_EMPTY, "") if _EMPTY in text else text


class _CodeSpanProcessor(BacktickInlineProcessor):
    """CommonMark code spans: line endings are spaces, and one space is taken off each end
    only when both ends have one and the span is not all spaces (Python-Markdown strips all)."""

    def handleMatch(self, m, data):
        el, start, end = super().handleMatch(m, data)
        if el is None or isinstance(el, str):
            return el, start, end
        first, last = self.find_code_spans(start, data)
        content = data[first:last].replace("\n", " ")
        if len(content) > 1 and content[0] == content[-1] == " " and content.strip(" "):
            content = content[1:-1]
        el.text = util.AtomicString(util.code_escape(content))
        return el, start, end


def _no_empty_table_body(processor):
    """GFM: a table of a header row alone has no <tbody> (Python-Markdown adds an empty row)."""
    run = processor.run

    def run_without_empty_body(parent, blocks):
        result = run(parent, blocks)
        table = parent[-1] if len(parent) else None
        if table is not None and table.tag == "table":
            body = table.find("tbody")
            if body is not None and not len(body):
                table.remove(body)
        return result

    processor._build_empty_row = lambda parent, align: None
    processor.run = run_without_empty_body


class CommonMarkExtension(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(_CommonMarkPreprocessor(md), "commonmark_blocks", 29)
        md.preprocessors.register(_KeepFenceTabs(md), "commonmark_fence_tabs", 30.5)
        md.treeprocessors.register(_GitHubHeadingIds(md), "github_heading_ids", 6)
        md.treeprocessors.register(_TaskListItems(md), "github_task_lists", 7)
        md.postprocessors.register(_Tabs(md), "commonmark_tabs", 5)
        _code_languages(md)
        md.parser.blockprocessors.register(_SeparateQuotes(md.parser), "quote", 20)
        md.treeprocessors.register(_DemoteHeadings(md), "demote_headings", 25)
        md.treeprocessors.register(_ListTightness(md), "commonmark_lists", 19)
        # Above backslash escapes (180): CommonMark reads no escapes inside an autolink.
        md.inlinePatterns.register(_AutolinkProcessor(_AUTOLINK, md), "autolink", 185)
        md.inlinePatterns.register(_AutomailProcessor(_AUTOMAIL, md), "automail", 184)
        md.inlinePatterns.register(_RawHtmlProcessor(_RAW_HTML, md), "html", 90)
        md.postprocessors.register(_StashedBlocks(md), "commonmark_stashed_blocks", 35)
        md.postprocessors.register(_EmptyCode(md), "commonmark_empty_code", 25)
        if "backtick" in md.inlinePatterns:
            md.inlinePatterns.register(_CodeSpanProcessor(BACKTICK_RE), "backtick", 190)
        if "table" in md.parser.blockprocessors:
            _no_empty_table_body(md.parser.blockprocessors["table"])
        if "magic-link" in md.inlinePatterns:
            _keep_balanced_closers(md.inlinePatterns["magic-link"])


_CLOSERS = {")": "(", "]": "["}
_ENTITY_TAIL = re.compile(r"&[A-Za-z0-9]+$")
_BEFORE = frozenset("*_~^[('\"\x03")


def _keep_balanced_closers(pattern):
    """GFM extended autolinks, as pymdown-extensions 13 reads them (it needs Python 3.11.5, newer
    than Debian 12's; version 12 is pinned): a bare URL starts only after a space, the start of
    the text or one of `*_~([\'"`, and keeps a closing ")" or "]" that an opening one inside it
    matches ("…/wiki/Markup_(business)")."""
    handle = pattern.handleMatch

    def handle_match(m, data):
        if m.start(0) > 0 and not (
            data[m.start(0) - 1].isspace() or data[m.start(0) - 1] in _BEFORE
        ):
            return None, None, None
        el, start, end = handle(m, data)
        if el is None:
            return el, start, end
        link = el.get("href", "")
        if data.startswith(";", end):
            # GFM: `&hl;` at the end looks like an entity reference and is not part of the link.
            entity = _ENTITY_TAIL.search(el.text)
            if entity and link.endswith(entity.group(0)):
                link = link[: -len(entity.group(0))]
                el.text = util.AtomicString(el.text[: -len(entity.group(0))])
                end -= len(entity.group(0))
        while end < len(data) and data[end] in _CLOSERS:
            closer = data[end]
            if link.count(_CLOSERS[closer]) <= link.count(closer):
                break
            link += closer
            el.text = util.AtomicString(el.text + closer)
            end += 1
        el.set("href", link)
        return el, start, end

    pattern.handleMatch = handle_match


def makeExtension(**kwargs):
    return CommonMarkExtension(**kwargs)

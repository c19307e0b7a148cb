"""CommonMark emphasis for Python-Markdown: `*` and `_` by delimiter runs (spec 6.4).

Python-Markdown pairs delimiters with regular expressions; CommonMark decides by flanking
(`a*"foo"*` is no emphasis: the run is preceded by a letter and followed by punctuation), by the
rule of 3 (`*foo**bar**baz*`) and by "the closer looks back for the nearest opener", so that
`***foo***` is <em><strong>. This processor runs CommonMark's "process emphasis" over a whole
text and builds the elements it finds. Code spans, links, autolinks, raw HTML and escapes are
placeholders by then (they bind tighter than emphasis) and count as punctuation, which is what
they begin and end with.
"""

import re
import string
import unicodedata
import xml.etree.ElementTree as etree

from markdown import util
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

_PLACEHOLDER_END = "\x03"
_MAX_DEPTH = 20
_PLACEHOLDER_START = "\x02"


def _is_punctuation(char):
    if char in string.punctuation or char in (_PLACEHOLDER_START, _PLACEHOLDER_END):
        return True
    return unicodedata.category(char).startswith("P")


class _Run:
    __slots__ = ("can_close", "can_open", "char", "count", "length", "start")

    def __init__(self, char, start, length, can_open, can_close):
        self.char, self.start, self.length = char, start, length
        self.count = length  # delimiters not used yet: [start, start + count)
        self.can_open, self.can_close = can_open, can_close


class _Match:
    """One <em> or <strong>: delimiters at [open_start, open_end) and [close_start, close_end)."""

    __slots__ = ("close_end", "close_start", "open_end", "open_start", "tag")

    def __init__(self, tag, open_start, open_end, close_start, close_end):
        self.tag = tag
        self.open_start, self.open_end = open_start, open_end
        self.close_start, self.close_end = close_start, close_end


_RUN = re.compile(r"\*+|_+")


def delimiter_runs(text):
    """The `*` and `_` runs of a text with whether each can open and close emphasis."""
    runs = []
    for m in _RUN.finditer(text):
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        before_space, after_space = before.isspace(), after.isspace()
        before_punct, after_punct = _is_punctuation(before), _is_punctuation(after)
        left = not after_space and (not after_punct or before_space or before_punct)
        right = not before_space and (not before_punct or after_space or after_punct)
        if m.group(0)[0] == "*":
            can_open, can_close = left, right
        else:
            can_open = left and (not right or before_punct)
            can_close = right and (not left or after_punct)
        if can_open or can_close:
            runs.append(_Run(m.group(0)[0], m.start(), len(m.group(0)), can_open, can_close))
    return runs


def process_emphasis(text):
    """CommonMark's algorithm: the emphasis of a text, {start of opening delimiters: match}."""
    stack = delimiter_runs(text)
    matches = {}
    bottoms = {}  # (char, closer can open, length % 3) -> index below which no opener is
    i = 0
    while i < len(stack):
        closer = stack[i]
        if not closer.can_close:
            i += 1
            continue
        key = (closer.char, closer.can_open, closer.length % 3)
        j = i - 1
        found = None
        while j >= bottoms.get(key, 0):
            opener = stack[j]
            if opener.can_open and opener.char == closer.char:
                both = closer.can_open or opener.can_close
                total = opener.length + closer.length
                odd = both and total % 3 == 0 and not (opener.length % 3 == 0 == closer.length % 3)
                if not odd:
                    found = j
                    break
            j -= 1
        if found is None:
            bottoms[key] = i  # nothing below this closer will ever match a closer like it
            if not closer.can_open:
                del stack[i]
                continue
            i += 1
            continue
        opener = stack[found]
        use = 2 if opener.count >= 2 and closer.count >= 2 else 1
        opener.count -= use
        open_start = opener.start + opener.count
        close_start = closer.start
        closer.start += use
        closer.count -= use
        matches[open_start] = _Match(
            "strong" if use == 2 else "em",
            open_start,
            open_start + use,
            close_start,
            close_start + use,
        )
        del stack[found + 1 : i]  # the delimiters between them are text now
        i = found + 1
        for key_ in list(bottoms):
            bottoms[key_] = min(bottoms[key_], i)
        if opener.count == 0:
            del stack[found]
            i -= 1
        if closer.count == 0:
            del stack[i]
    return matches


class EmphasisProcessor(InlineProcessor):
    """Every `*` and `_` run of a text, paired as CommonMark pairs them."""

    def __init__(self, md):
        super().__init__(r"\*+|_+", md)
        self._cache = None  # (stash, text after the last emphasis, scanned length, matches)

    def _matches(self, data, pos):
        """({open start: match}, shift to add to their positions); as mdlinks.LinkProcessor."""
        stash = self.md.treeprocessors["inline"].stashed_nodes
        cache = self._cache
        if (
            cache is not None
            and cache[0] is stash
            and len(data) - pos <= len(cache[1])
            and data.endswith(cache[1])
        ):
            return cache[3], len(data) - cache[2]
        self._cache = (stash, data, len(data), process_emphasis(data))
        return self._cache[3], 0

    def handleMatch(self, m, data):
        matches, shift = self._matches(data, m.start(0))
        # The outermost emphasis opened by this run uses its leftmost delimiters.
        outer = None
        for pos in range(m.start(0) - shift, m.end(0) - shift):
            if pos in matches:
                outer = matches[pos]
                break
        if outer is None:
            return None, None, None
        el = self._element(outer, data, shift, matches)
        stash, _suffix, scanned, _matches = self._cache
        self._cache = (stash, data[outer.close_end + shift :], scanned, matches)
        return el, outer.open_start + shift, outer.close_end + shift

    def _element(self, match, data, shift, matches, depth=0):
        el = etree.Element(match.tag)
        last, pos, end = None, match.open_end, match.close_start
        while pos < end:
            inner = matches.get(pos)
            if inner is not None and depth < _MAX_DEPTH:
                last = self._element(inner, data, shift, matches, depth + 1)
                el.append(last)
                pos = inner.close_end
                continue
            # Text up to the next emphasis; deeper than any reader needs, all the rest (the
            # tree stays shallow enough for the serializer and the sanitizer).
            nxt = pos + 1 if depth < _MAX_DEPTH else end
            while nxt < end and nxt not in matches:
                nxt += 1
            piece = data[pos + shift : nxt + shift]
            if last is None:
                el.text = util.AtomicString((el.text or "") + piece)
            else:
                last.tail = util.AtomicString((last.tail or "") + piece)
            pos = nxt
        return el


class CommonMarkEmphasisExtension(Extension):
    def extendMarkdown(self, md):
        if "em_strong" in md.inlinePatterns:
            md.inlinePatterns.deregister("em_strong")
        md.inlinePatterns.register(EmphasisProcessor(md), "em_strong", 60)


def makeExtension(**kwargs):
    return CommonMarkEmphasisExtension(**kwargs)

"""How close lesson Markdown comes to CommonMark/GitHub: the spec's examples through our renderer.

    .venv/bin/python bench/commonmark_report.py [--failures] [--section NAME] [--min-rate 95]
    .venv/bin/python bench/commonmark_report.py --refresh path/to/cmark-gfm/test/spec.txt

The examples are those of the GitHub Flavored Markdown spec 0.29 (CommonMark 0.29 plus the
table and autolink extensions), vendored in tests/data/commonmark-gfm-spec.json with its licence
(CC-BY-SA 4.0, tests/data/commonmark-NOTICE.md), so no network is needed. Each example goes
through `render_markdown`, the one door that lessons take, and both HTML texts are normalised
(whitespace between blocks, attribute order, entities, code highlighting markup) before they
are compared.

An example whose only difference is on purpose is counted apart, never as a pass: it matches
once the spec's own HTML has gone through our sanitizer (raw HTML, `javascript:`/`data:` URLs)
or had its headings moved one level down (the lesson title is the page's h1).
"""

import argparse
import json
import re
import sys
from html.entities import name2codepoint
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from elearn.content.render import render_markdown, sanitize_html  # noqa: E402

SPEC_JSON = ROOT / "tests" / "data" / "commonmark-gfm-spec.json"

# The sections lesson material leans on (issue 12); the rest of the spec is not measured.
SECTIONS = [
    "Lists",
    "List items",
    "Fenced code blocks",
    "Block quotes",
    "Tables (extension)",
    "Autolinks",
    "Autolinks (extension)",
    "Emphasis and strong emphasis",
    "Links",
    "Images",
]

DELIBERATE = {
    "sanitizer": "raw HTML and unsafe URLs (javascript:, data:) are cleaned by the sanitizer",
    "headings": "headings move one level down: the lesson title is the page's h1",
    "bare-urls": "bare URLs and www. addresses are links (GFM's autolink extension is on)",
}

# Attributes whose value a reader sees; everything else (class, id, rel) is presentation.
_SIGNIFICANT = {"href", "src", "alt", "title", "start", "align"}
_BLOCK_TAGS = {
    "blockquote", "caption", "col", "colgroup", "dd", "div", "dl", "dt", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "li", "ol", "p", "pre", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "ul", "figure", "figcaption", "details", "summary",
}  # fmt: skip
_WHITESPACE = re.compile(r"\s+")


class _Normaliser(HTMLParser):
    """After cmark's test/normalize.py: the same HTML written differently compares equal.

    Also drops the highlighting wrapper (`<div class="codehilite">` and the Pygments spans in
    `<pre>`), which the spec cannot know about.
    """

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out = []
        self.last = "starttag"
        self.last_tag = ""
        self.in_pre = 0
        self.skip_end = []  # per open div/span: whether its end tag is dropped

    def _rstrip(self):
        while self.out and not self.out[-1].strip() and not self.out[-1].startswith("<"):
            self.out.pop()
        if self.out and not self.out[-1].startswith("<"):
            self.out[-1] = self.out[-1].rstrip()

    def handle_data(self, data):
        after_tag = self.last in ("endtag", "starttag")
        if after_tag and self.last_tag == "br":
            data = data.lstrip("\n")
        if not self.in_pre:
            data = _WHITESPACE.sub(" ", data)
            if after_tag and self.last_tag in _BLOCK_TAGS:
                data = data.lstrip() if self.last == "starttag" else data.strip()
        self._text(data)

    def _text(self, data):
        if not data:
            return
        if self.out and self.last in ("data", "ref"):
            self.out[-1] += data
        else:
            self.out.append(data)
        self.last = "data"

    def handle_starttag(self, tag, attrs):
        if tag in ("div", "span"):
            classes = (dict(attrs).get("class") or "").split()
            wrapper = {"codehilite", "table-scroll"} & set(classes)
            dropped = (tag == "span" and self.in_pre) or bool(wrapper)
            self.skip_end.append(dropped)
            if dropped:
                return
        if tag == "pre":
            self.in_pre += 1
        if tag in _BLOCK_TAGS:
            self._rstrip()
        parts = [tag]
        for name, value in sorted(attrs):
            if name not in _SIGNIFICANT:
                continue
            if value is None:
                parts.append(name)
                continue
            if name in ("href", "src"):
                value = quote(unquote(value), safe="/:?#&=+%@!$'()*,;~")
            parts.append(f'{name}="{_escape(value)}"')
        self.out.append("<" + " ".join(parts) + ">")
        self.last_tag = tag
        self.last = "starttag"

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.last = "endtag"

    def handle_endtag(self, tag):
        if tag in ("div", "span") and self.skip_end and self.skip_end.pop():
            return
        if tag == "pre":
            self.in_pre = max(0, self.in_pre - 1)
        elif tag in _BLOCK_TAGS:
            self._rstrip()
        self.out.append(f"</{tag}>")
        self.last_tag = tag
        self.last = "endtag"

    def handle_entityref(self, name):
        char = chr(name2codepoint[name]) if name in name2codepoint else None
        self._ref(char, f"&{name};")

    def handle_charref(self, name):
        try:
            char = chr(int(name[1:], 16) if name[:1] in "xX" else int(name))
        except (ValueError, OverflowError):
            char = None
        self._ref(char, f"&#{name};")

    def _ref(self, char, fallback):
        # In text, `&quot;` and `"` are the same character (cmark writes the one, html5lib the
        # other); only `&`, `<` and `>` must stay written as references.
        if char is None:
            text = fallback
        else:
            text = char.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        self._text(text)
        self.last = "ref"

    def handle_comment(self, data):
        self.out.append(f"<!--{data}-->")
        self.last = "comment"


def _escape(text):
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def normalise(html):
    parser = _Normaliser()
    parser.feed(html)
    parser.close()
    return "".join(parser.out).strip()


def _demoted(html):
    return re.sub(r"<(/?)h([1-6])\b", lambda m: f"<{m[1]}h{min(6, int(m[2]) + 1)}", html)


_BARE_LINK = re.compile(r'<a href="(?:mailto:|http://)?([^"]*)">\1</a>')


def _unlinked(normalised_html):
    """Our HTML without the links the GFM autolink extension made of bare URLs."""
    return _BARE_LINK.sub(lambda m: m.group(1), normalised_html)


def judge(example):
    """(verdict, our HTML): verdict is "pass", "fail" or a key of DELIBERATE."""
    ours = render_markdown(example["markdown"])
    expected = example["html"]
    mine = normalise(ours)
    if mine == normalise(expected):
        return "pass", ours
    if mine == normalise(_demoted(expected)):
        return "headings", ours
    for candidate in (expected, _demoted(expected)):
        # Stripped as render_markdown strips: html5lib would reopen an unclosed inline tag
        # (`<b>`, `<a>`) for the spec's final newline, after the paragraph.
        if mine == normalise(sanitize_html(candidate.strip())):
            return "sanitizer", ours
    if "<" not in example["markdown"] and _unlinked(mine) == normalise(expected):
        return "bare-urls", ours
    return "fail", ours


def read_spec_text(path):
    """The examples of a CommonMark/GFM spec.txt (as cmark's test/spec_tests.py reads them)."""
    examples, section, state, number = [], "", 0, 0
    markdown_lines, html_lines, extensions = [], [], []
    with open(path, encoding="utf-8", newline="\n") as spec:
        for line in spec:
            stripped = line.strip()
            if stripped.startswith("`" * 32 + " example"):
                state, extensions = 1, stripped[32 + len(" example") :].split()
            elif stripped == "`" * 32 and state:
                number += 1
                if "disabled" not in extensions:
                    examples.append(
                        {
                            "example": number,
                            "section": section,
                            "markdown": "".join(markdown_lines).replace("→", "\t"),
                            "html": "".join(html_lines).replace("→", "\t"),
                        }
                    )
                state, markdown_lines, html_lines = 0, [], []
            elif stripped == "." and state == 1:
                state = 2
            elif state == 1:
                markdown_lines.append(line)
            elif state == 2:
                html_lines.append(line)
            elif re.match(r"#+ ", line):
                section = re.sub(r"#+ ", "", line).strip()
    return examples


def refresh(spec_txt):
    examples = [e for e in read_spec_text(spec_txt) if e["section"] in SECTIONS]
    data = {
        "source": "GitHub Flavored Markdown Spec 0.29-gfm (github/cmark-gfm test/spec.txt)",
        "license": "CC-BY-SA 4.0, see commonmark-NOTICE.md",
        "sections": SECTIONS,
        "examples": examples,
    }
    SPEC_JSON.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(examples)} examples written to {SPEC_JSON.relative_to(ROOT)}")


def load_examples():
    return json.loads(SPEC_JSON.read_text(encoding="utf-8"))["examples"]


def report(examples=None):
    """{section: {"pass": n, "fail": n, "deliberate": [(number, reason)], "failed": [...]}}"""
    results = {s: {"pass": 0, "fail": 0, "deliberate": [], "failed": []} for s in SECTIONS}
    for example in examples if examples is not None else load_examples():
        verdict, ours = judge(example)
        row = results[example["section"]]
        if verdict == "pass":
            row["pass"] += 1
        elif verdict == "fail":
            row["fail"] += 1
            row["failed"].append((example, ours))
        else:
            row["deliberate"].append((example["example"], verdict))
    return results


def rate(row):
    counted = row["pass"] + row["fail"]
    return 100.0 * row["pass"] / counted if counted else 100.0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refresh", metavar="SPEC_TXT", help="rebuild the vendored examples")
    parser.add_argument("--failures", action="store_true", help="print every failing example")
    parser.add_argument("--section", help="only this section")
    parser.add_argument("--min-rate", type=float, help="exit 1 if a section is below this")
    args = parser.parse_args(argv)
    if args.refresh:
        refresh(args.refresh)
        return 0
    examples = load_examples()
    if args.section:
        examples = [e for e in examples if e["section"] == args.section]
    results = report(examples)
    width = max(len(s) for s in SECTIONS)
    print(f"{'section':<{width}}  pass/counted    rate  deliberate")
    total_pass = total_counted = total_deliberate = 0
    below = []
    for section, row in results.items():
        counted = row["pass"] + row["fail"]
        if not counted and not row["deliberate"]:
            continue
        total_pass += row["pass"]
        total_counted += counted
        total_deliberate += len(row["deliberate"])
        print(
            f"{section:<{width}}  {row['pass']:>5}/{counted:<6} {rate(row):6.1f}%"
            f"  {len(row['deliberate']):>4}"
        )
        if args.min_rate is not None and rate(row) < args.min_rate:
            below.append(section)
    overall = 100.0 * total_pass / total_counted if total_counted else 100.0
    print(
        f"{'all':<{width}}  {total_pass:>5}/{total_counted:<6} {overall:6.1f}%"
        f"  {total_deliberate:>4}"
    )
    print("\nDeliberate differences (counted apart):")
    for reason, text in DELIBERATE.items():
        numbers = [n for row in results.values() for n, r in row["deliberate"] if r == reason]
        if numbers:
            print(f"- {text}: examples {', '.join(map(str, numbers))}")
    if args.failures:
        for section, row in results.items():
            for example, ours in row["failed"]:
                print(f"\n=== example {example['example']} ({section})")
                print(example["markdown"], end="")
                print("--- expected\n" + normalise(example["html"]))
                print("--- got\n" + normalise(ours))
    if below:
        print(f"\nBelow {args.min_rate}%: {', '.join(below)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

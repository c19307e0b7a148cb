"""The one door for untrusted HTML: Markdown features survive, nothing executable does.

XSS_VECTORS is shared with test_content_import.py, which sends the same corpus through a real
package import (lessons, quiz prompts, options, explanations).
"""

import re
from html.parser import HTMLParser

import pytest

from elearn.content.render import (
    media_url,
    render_inline,
    render_markdown,
    sanitize_text,
)

# One-line vectors: usable in a lesson, a question, an answer option and an explanation.
XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)" onload="alert(2)">',
    "<img src=x:alert(1) onerror=eval(src)>",
    '<a href="javascript:alert(1)">a</a>',
    '<a href="JaVaScRiPt:alert(1)">b</a>',
    '<a href="&#106;avascript:alert(1)">c</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;script&#x3A;alert(1)">d</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105'
    '&#0000112&#0000116&#0000058alert(1)">e</a>',
    '<a href="java&#x09;script:alert(1)">f</a>',
    '<a href="jav&#x0A;ascript:alert(1)">g</a>',
    '<a href=" &#14; javascript:alert(1)">h</a>',
    '<a href="vbscript:msgbox(1)">i</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">j</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "[tautan md](javascript:alert(1))",
    "[tautan md 2](JAVASCRIPT:alert(1) 'judul')",
    "![gambar md](javascript:alert(1))",
    '[judul lolos](https://ok.example "a\\" onmouseover=\\"alert(1)")',
    "<javascript:alert(1)>",
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">k</p>',
    '<div title="x" onmouseover="alert(1)">l</div>',
    '<a href="#" onclick="alert(1)">m</a>',
    '<img alt=\'"><script>alert(1)</script>\' src="x">',
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">n</maction></math>',
    '<form action="javascript:alert(1)"><input type="submit" value="o"></form>',
    '<button formaction="javascript:alert(1)">p</button>',
    "<details open ontoggle=alert(1)>q</details>",
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<table background="javascript:alert(1)"><tr><td>r</td></tr></table>',
    '<video><source onerror="alert(1)"></video>',
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<!--<img src=x onerror=alert(1)>-->",
    '<a href="https://ok.example" target="_blank" onfocus="alert(1)" autofocus>s</a>',
    "<body onload=alert(1)>",
    '<frameset><frame src="javascript:alert(1)"></frameset>',
    "<isindex type=image src=1 onerror=alert(1)>",
    "<textarea><script>alert(1)</script></textarea>",
    # CommonMark link syntax (elearn.content.mdlinks): angle brackets, entities, escapes.
    "[sudut](<javascript:alert(1)>)",
    "[entitas](j&#97;vascript:alert(1))",
    "[hex](&#x6A;avascript&#x3A;alert(1) 'judul')",
    "[escape](javascript\\:alert(1))",
    "[tab](<java&#x09;script:alert(1)>)",
    "[kurung](javascript:alert(1) (judul))",
    "![data](<data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+>)",
    "[![gambar](javascript:alert(1))](javascript:alert(2))",
    '![alt " onerror="alert(1)](https://ok.example/a.png)',
    '[judul](https://ok.example "<script>alert(1)</script>")',
]

# Multi-line vectors, for lesson bodies only.
XSS_BLOCKS = [
    "[ref]\n\n[ref]: javascript:alert(1)",
    '[sudut][]\n\n[sudut]: <javascript:alert(1)> "judul"',
    "[Besar][KECIL]\n\n[kecil]:\n  j&#97;vascript:alert(1)\n  'judul\n  dua baris'",
    "[escape]\n\n[escape]: javascript\\:alert(1)",
    "![gambar]\n\n[gambar]: data:text/html;base64,PHNjcmlwdD4=",
    "[pertama]\n\n[pertama]: https://ok.example\n[pertama]: javascript:alert(1)",
    'Paragraf\n{: onclick="alert(1)" style="color:red" }',
    '## Judul {: onmouseover="alert(1)" }',
    "<div>\n<script>\nalert(1)\n</script>\n</div>",
    "```html\n<script>alert(1)</script>\n```",
    "    <script>alert(1)</script>",
]

FORBIDDEN_TAGS = {
    "script", "iframe", "object", "embed", "style", "form", "input", "button", "textarea",
    "select", "svg", "math", "base", "meta", "link", "frame", "frameset", "template",
    "noscript", "video", "audio", "source", "body", "html", "isindex", "applet",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
    "srcset", "lowsrc", "dynsrc", "ping", "cite", "codebase", "manifest", "longdesc",
}  # fmt: skip


class _Audit(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.findings = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.findings.append(f"<{tag}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.findings.append(f"{tag}[{name}]")
            if name in ("style", "srcdoc", "formaction", "action"):
                self.findings.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES:
                # What a browser sees: HTMLParser has decoded the entities once, as a browser
                # does; URL parsing then drops whitespace and control characters.
                cleaned = re.sub(r"[\x00-\x20\x7f-\x9f]", "", value).lower()
                if cleaned.startswith(("javascript:", "vbscript:", "data:", "livescript:")):
                    self.findings.append(f"{tag}[{name}]={value}")

    handle_startendtag = handle_starttag


def executable_parts(html):
    """What in `html` could run script: [] when it is safe."""
    audit = _Audit()
    audit.feed(html)
    audit.close()
    return audit.findings


def test_the_auditor_catches_what_it_should():
    assert executable_parts('<a href="&#106;avascript:x">') == ["a[href]=javascript:x"]
    assert executable_parts("<script>x</script>") == ["<script>"]
    assert executable_parts('<a href=" java&#x09;script:x">') == ["a[href]= java\tscript:x"]
    assert executable_parts('<p onclick="x">') == ["p[onclick]"]
    assert executable_parts('<img src="/media/a.png" alt="ok">') == []


@pytest.mark.parametrize("vector", XSS_VECTORS + XSS_BLOCKS)
def test_xss_vector_is_neutralised(vector):
    html = render_markdown(f"Sebelum.\n\n{vector}\n\nSesudah.")
    assert executable_parts(html) == [], html
    assert executable_parts(render_inline(vector)) == []


def test_corpus_is_large_enough():
    assert len(XSS_VECTORS) + len(XSS_BLOCKS) >= 25


# Markdown features ---------------------------------------------------------------------------
def test_tables_align_without_inline_style():
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |")
    assert '<th align="left">a</th>' in html and '<td align="right">2</td>' in html
    assert "style=" not in html


def test_code_is_highlighted_with_classes_only():
    html = render_markdown('```python\ndef f():\n    return "x"\n```')
    assert '<div class="codehilite">' in html
    assert '<span class="k">def</span>' in html
    assert "style=" not in html


def test_footnotes_admonitions_toc_and_lists():
    html = render_markdown(
        '[TOC]\n\n## Bagian Satu\n\nTeks[^1].\n\n!!! warning "Awas"\n    Hati-hati.\n\n'
        "3. tiga\n4. empat\n\n[^1]: Catatan."
    )
    assert '<div class="toc">' in html
    assert '<h2 id="u-bagian-satu">Bagian Satu</h2>' in html
    assert 'href="#u-bagian-satu"' in html
    assert '<sup id="u-fnref:1"><a class="footnote-ref" href="#u-fn:1"' in html
    assert '<li id="u-fn:1">' in html
    assert '<div class="admonition warning">' in html
    assert '<p class="admonition-title">Awas</p>' in html
    assert '<ol start="3">' in html


def test_author_classes_and_ids_cannot_imitate_the_app():
    html = render_markdown('<div class="btn btn-primary note" id="csrf_token">x</div>')
    assert 'class="note"' in html
    assert 'id="u-csrf_token"' in html
    span = render_markdown('<span class="k navbar">x</span>')
    assert 'class="k"' in span


def test_links_get_rel_and_keep_safe_schemes():
    html = render_markdown("[a](https://example.go.id) [b](mailto:a@b.go.id) [c](/katalog)")
    assert html.count('rel="noopener noreferrer"') == 3
    assert 'href="https://example.go.id"' in html
    assert 'href="mailto:a@b.go.id"' in html
    assert 'href="/katalog"' in html


def test_data_urls_are_refused_even_for_images():
    html = render_markdown("![x](data:image/png;base64,iVBORw0KGgo=)")
    assert "data:" not in html


def test_relative_links_are_resolved():
    seen = []

    def resolve(url):
        seen.append(url)
        return "/media/k/v1/01-m/" + url if url != "hilang.pdf" else None

    html = render_markdown(
        '![a](images/a.png) [b](files/b.pdf) [c](hilang.pdf) <img src="images/c.png"> '
        "[d](https://x.example) [e](#bagian)",
        resolve_link=resolve,
    )
    assert seen == ["images/a.png", "files/b.pdf", "hilang.pdf", "images/c.png"]
    assert 'src="/media/k/v1/01-m/images/a.png"' in html
    assert 'href="/media/k/v1/01-m/files/b.pdf"' in html
    assert 'src="/media/k/v1/01-m/images/c.png"' in html
    assert "<a>c</a>" in html  # unresolvable: the link is dropped, the text stays
    assert 'href="#u-bagian"' in html


def test_media_url_quotes_paths():
    assert media_url("kursus", 3, "01-a/gambar 1.png") == "/media/kursus/v3/01-a/gambar%201.png"
    assert media_url("kursus", 3, "a.png", prefix="/elearn/") == "/elearn/media/kursus/v3/a.png"


def test_render_inline_drops_the_paragraph():
    assert render_inline("**tebal** dan `kode`") == "<strong>tebal</strong> dan <code>kode</code>"
    assert render_inline("satu\n\ndua") == "<p>satu</p>\n<p>dua</p>"
    assert render_markdown("") == "" and render_inline("  ") == ""


def test_sanitize_text():
    assert sanitize_text('<b>"hai"</b> & \n baris\n\nparagraf') == (
        "<p>&lt;b&gt;&quot;hai&quot;&lt;/b&gt; &amp; <br>\n baris</p>\n<p>paragraf</p>"
    )
    assert sanitize_text("") == ""
    assert executable_parts(sanitize_text("<script>alert(1)</script>")) == []

"""bench/third_party_fidelity.py: a Markdown curriculum, converted and imported, against a
reference rendering (markdown-it-py, as GitHub shows it). Run on a small curriculum written
here with the constructs public curricula use; the machinery must also see a real difference.
"""

import io
import sys
from pathlib import Path

from test_content_convert import png_bytes

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import third_party_fidelity as F  # noqa: E402

COURSE = "# Dasar Web\n\nKursus singkat membuat halaman web pertama.\n"

INTRO = """\
# Memulai Proyek

![Alur kerja proyek](images/alur.png)

Lanjutkan ke [pelajaran berikut](../02-gaya/README.md), lihat [tugasnya](tugas.md#rubrik),
atau baca [daftar isi](#langkah-langkah--catatan). Sumber: https://example.org/panduan dan
www.example.com.

## Langkah-langkah & Catatan

1. **Buat folder**. Jalankan:

    ```bash
    mkdir situs
    cd situs
    ```

   **Yang terjadi:**
   - folder baru dibuat
     - di direktori aktif
   - terminal pindah ke sana

2. **Buat berkas**:

   ```html
   <h1>Halo</h1>
   ```

   > Catatan: nama berkas peka huruf besar.

3. Selesai.

| Perintah | Arti |
| --- | :-: |
| `a \\| b` | pipa di dalam kode |
| `ls` | daftar berkas |

> Kutipan pertama.

> Kutipan kedua, terpisah.

## Langkah-langkah & Catatan
"""

TASK = """\
# Tugas Memulai

[![Video pengantar](https://img.youtube.com/vi/abc123/0.jpg)](https://www.youtube.com/watch?v=abc123)

![Logo dari luar](https://example.net/logo.png)

Kembali ke [awal](README.md) atau ke [yang hilang](catatan.md).

<iframe src="https://example.org/sematan"></iframe>

## Rubrik

- [ ] belum
- [x] sudah
"""

STYLE = """\
# Gaya dengan CSS

Kembali ke [pelajaran pertama](../01-memulai/README.md).

# Bagian Satu

3. tiga
4. empat
   * sub a
   * sub b

```css
body {
\tcolor: navy;
}
```

~~coret~~ dan ![Contoh hasil](gambar/hasil.png "Hasil")
"""


def make_curriculum(root):
    (root / "01-memulai" / "images").mkdir(parents=True)
    (root / "02-gaya" / "gambar").mkdir(parents=True)
    (root / "README.md").write_text(COURSE, encoding="utf-8")
    (root / "01-memulai" / "README.md").write_text(INTRO, encoding="utf-8")
    (root / "01-memulai" / "tugas.md").write_text(TASK, encoding="utf-8")
    (root / "01-memulai" / "images" / "alur.png").write_bytes(png_bytes())
    (root / "02-gaya" / "README.md").write_text(STYLE, encoding="utf-8")
    (root / "02-gaya" / "gambar" / "hasil.png").write_bytes(png_bytes((20, 90, 200)))
    return root


def test_a_curriculum_survives_conversion_and_import_without_a_real_difference(app, tmp_path):
    report = F.compare_folder(make_curriculum(tmp_path / "dasar-web"), app=app)

    assert [lesson.source for lesson in report.lessons] == [
        "01-memulai/README.md",
        "01-memulai/tugas.md",
        "02-gaya/README.md",
    ]
    assert report.real_differences() == []
    ok, total = report.totals()
    # Every construct was there to be compared, and all of it came through.
    assert dict(total) == {
        "code": 3, "lists": 6, "tables": 1, "images": 2, "links": 8, "headings": 4,
        "quotes": 3, "paragraphs": total["paragraphs"], "inline": 6,
    }  # fmt: skip
    assert ok == total and total["paragraphs"] > 10
    deliberate = report.deliberate()
    assert deliberate["title"] == 3
    assert deliberate["headings-down"] == 1  # "# Bagian Satu" under the lesson title
    assert deliberate["video-card"] >= 2  # the thumbnail and its link
    assert deliberate["external-image"] == 1
    assert deliberate["sanitizer"] == 1  # the iframe
    assert deliberate["source-broken"] == 1  # catatan.md does not exist
    assert any("catatan.md" in problem for problem in report.problems)

    out = io.StringIO()
    F.print_report(report, out=out)
    assert "code blocks   3/3 identical" in out.getvalue()
    assert "Real differences: 0" in out.getvalue()


def _report(source, ours_html):
    report = F.LessonReport("a.md", "A")
    F.compare_lesson(report, source, ours_html, F._Links("a.md", {}, {}))
    return report


def test_the_comparison_sees_what_a_reader_would_miss():
    source = (
        "1. satu\n2. dua\n\n```js\nlet a;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "> kutip\n\n[luar](https://example.org) dan [bagian](#bagian)\n\n## Bagian\n"
    )
    faithful = (
        F.browser_html(F.reference_html(source))
        .replace("<h2>", '<h2 id="u-bagian">')
        .replace('"#bagian"', '"#u-bagian"')
    )
    assert _report(source, faithful).differences == []

    broken = (
        '<ol><li>satu</li></ol><pre><code class="language-python">let a;</code></pre>'
        "<table><tr><td>a</td><td>b</td></tr></table>"
        '<p><a href="https://example.com">luar</a> dan <a href="#u-bagian">bagian</a></p>'
        "<h2>Bagian</h2>"
    )
    found = [c for c, _t in _report(source, broken).differences]
    # One list item, the language, a table row, the quote (and its words), the external
    # address, and a section link with no heading to land on: each is reported.
    assert set(found) == {"lists", "code", "tables", "quotes", "paragraphs", "links"}
    assert found.count("links") == 3  # the address (missing, extra) and the dead section link

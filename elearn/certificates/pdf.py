"""The certificate as a PDF (A4 landscape, in Bahasa Indonesia): pure code, no request objects.

The same certificate always gives the same bytes: the creation date is the issue date, fonts
are the embedded DejaVu Sans files, and nothing random goes into the file.
"""

import functools
import io
import unicodedata
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import segno
from babel.dates import format_date, format_datetime
from fontTools import subset
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import TTFFont

from ..nip import NipError, parse_pns_nip

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONTS = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FAMILY = "DejaVu"
# Latin in all its extensions (any name written in a Latin script), combining marks,
# punctuation, currency and letterlike symbols.
UNICODES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x2B0, 0x370),
    *range(0x1E00, 0x1F00),
    *range(0x2000, 0x2070),
    *range(0x20A0, 0x20C1),
    *range(0x2100, 0x2150),
]

NAVY = (8, 62, 120)
BRAND = (11, 92, 173)
GOLD = (191, 150, 36)
INK = (33, 37, 41)
GREY = (87, 96, 106)

PAGE_W, PAGE_H = 297, 210
TEXT_W = 235  # width of the centred text block
BODY_BOTTOM = 150  # where the QR code and signatory blocks begin
PARTNER_LINE_H = 5  # the co-organiser's line under the course title


@functools.cache
def _font_bytes(filename):
    """The font cut down to the characters above, once per process.

    The full files hold 6,000 glyphs: parsing and subsetting them for every PDF costs about
    80 ms, the Latin cut about 20. Each PDF embeds only the glyphs it uses."""
    font = TTFont(FONT_DIR / filename, recalcTimestamp=False)
    options = subset.Options()
    options.notdef_outline = True
    options.hinting = False  # halves the embedded fonts; PDF viewers scale outlines anyway
    options.glyph_names = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "FFTM", "hdmx", "kern"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _add_fonts(pdf):
    # FPDF.add_font only takes a file path; the prepared bytes go straight to its font class.
    for style, filename in FONTS.items():
        key = f"{FAMILY.lower()}{style}"
        pdf.fonts[key] = TTFFont(pdf, io.BytesIO(_font_bytes(filename)), key, style)


# Formatting --------------------------------------------------------------------------------------
def indonesian_date(value):
    """2 Desember 2026 (Babel's Indonesian month names)."""
    return format_date(value, "d MMMM y", locale="id")


def indonesian_datetime(value):
    """2 Desember 2026, 13.00 WITA: `value` (aware) on its own clock, the zone named as on every
    page (WIB, WITA or WIT), so that nobody guesses which clock the time is on."""
    return format_datetime(value, "d MMMM y, HH.mm z", tzinfo=value.tzinfo, locale="id")


def jp_text(jp, jp_minutes):
    """6 JP (1 JP = 45 menit): the length of one JP said plainly (it differs between agencies)."""
    return f"{jp} JP (1 JP = {jp_minutes} menit)"


def format_nip(nip):
    """A PNS NIP in its printed groups (19860926 201505 1 001); other numbers as they are."""
    if not nip:
        return ""
    try:
        parse_pns_nip(nip)
    except NipError:
        return nip
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


def format_score(score):
    """87.50 -> "87,5"; 90 -> "90" (Indonesian decimal comma)."""
    value = Decimal(score).quantize(Decimal("0.01"))
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _text(value):
    # Composed characters: the PDF does no text shaping, so a base letter followed by a
    # combining accent would print the accent beside the letter.
    return unicodedata.normalize("NFC", value or "")


# Layout ------------------------------------------------------------------------------------------
def _centered(pdf, y, text, size, style="", color=INK, spacing=0.0, h=None):
    pdf.set_font(FAMILY, style, size)
    pdf.set_text_color(*color)
    pdf.set_char_spacing(spacing)
    pdf.set_xy((PAGE_W - TEXT_W) / 2, y)
    pdf.cell(TEXT_W, h or size * 0.45, text, align="C")
    pdf.set_char_spacing(0)


def _lines(pdf, text, line_h):
    return pdf.multi_cell(TEXT_W, line_h, text, align="C", dry_run=True, output="LINES")


def _fit_size(pdf, text, style, size, minimum, width):
    """The largest size from `size` down to `minimum` at which `text` fits; sets that font."""
    while size > minimum:
        pdf.set_font(FAMILY, style, size)
        if pdf.get_string_width(text) <= width:
            return size
        size -= 0.5
    pdf.set_font(FAMILY, style, minimum)
    return minimum


def _frame(pdf):
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(1.6)
    pdf.rect(8, 8, PAGE_W - 16, PAGE_H - 16)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.5)
    pdf.rect(11.5, 11.5, PAGE_W - 23, PAGE_H - 23)
    # Corner ornaments: small gold squares set on the inner frame.
    pdf.set_fill_color(*GOLD)
    for x, y in ((11.5, 11.5), (PAGE_W - 11.5, 11.5), (11.5, PAGE_H - 11.5),
                 (PAGE_W - 11.5, PAGE_H - 11.5)):  # fmt: skip
        pdf.rect(x - 2, y - 2, 4, 4, style="F")


def _rule(pdf, y, width, color=GOLD, thickness=0.6):
    pdf.set_draw_color(*color)
    pdf.set_line_width(thickness)
    pdf.line((PAGE_W - width) / 2, y, (PAGE_W + width) / 2, y)


def _qr_png(url):
    qr = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    qr.save(out, kind="png", scale=8, border=4)
    out.seek(0)
    return out


def render_pdf(cert, verify_url, logo=None, timezone="Asia/Jakarta", co_organiser=None):
    """The certificate `cert` (a Certificate, or anything with its attributes) as PDF bytes.

    `co_organiser`: the name of a partner organisation that ran the course with the agency,
    printed under the course title ("diselenggarakan bersama ...")."""
    zone = ZoneInfo(timezone)
    issued_at = cert.issued_at.astimezone(zone)
    completed_on = cert.completed_at.astimezone(zone).date()

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_creation_date(issued_at)
    pdf.set_lang("id")
    pdf.set_title(f"Sertifikat {cert.number}")
    pdf.set_subject(_text(cert.course_title))
    pdf.set_author(_text(cert.institution))
    pdf.set_creator("elearn")
    _add_fonts(pdf)
    pdf.add_page()
    _frame(pdf)

    # Heading: logo, institution, title, number.
    y = 17
    if logo is not None:
        pdf.image(str(logo), x=(PAGE_W - 24) / 2, y=y, w=24, h=24)
        y += 27
    else:
        y += 6
    _centered(pdf, y, _text(cert.institution).upper(), 10.5, "B", NAVY, spacing=1.2)
    y += 7.5
    _centered(pdf, y, "SERTIFIKAT", 34, "B", NAVY, spacing=6, h=14)
    y += 15
    _rule(pdf, y, 60)
    y += 3.5
    _centered(pdf, y, f"Nomor: {cert.number}", 10, "", GREY)

    # Holder and course, centred vertically in the space above the bottom blocks.
    name = _text(cert.full_name)
    name_size = _fit_size(pdf, name, "B", 26, 14, TEXT_W)
    pdf.set_font(FAMILY, "B", name_size)
    name_lines = 1
    if pdf.get_string_width(name) > TEXT_W:  # very long names wrap
        name_lines = len(_lines(pdf, name, 6.5))
    name_h = 13.5 if name_lines == 1 else name_lines * 6.5 + 1.5
    title = _text(cert.course_title)
    title_size = 18
    while True:
        pdf.set_font(FAMILY, "B", title_size)
        title_lines = len(_lines(pdf, title, title_size * 0.45))
        if title_lines <= 2 or title_size <= 12:
            break
        title_size -= 1
    partner = f"diselenggarakan bersama {_text(co_organiser)}" if co_organiser else ""
    partner_size, partner_lines = _partner_fit(pdf, partner)
    partner_h = partner_lines * PARTNER_LINE_H + 1.5 if partner else 0
    title_h = title_lines * title_size * 0.45
    body_h = 7 + name_h + 2.5 + (8 if cert.nip else 3) + 8.5 + title_h + partner_h + 8
    top = y + 9.5
    y = top + max(0.0, min(14.0, (BODY_BOTTOM - top - body_h) / 2))

    _centered(pdf, y, "diberikan kepada", 12, "", GREY)
    y += 7
    if name_lines == 1:
        _centered(pdf, y, name, name_size, "B", INK, h=12)
    else:
        pdf.set_font(FAMILY, "B", name_size)
        pdf.set_text_color(*INK)
        pdf.set_xy((PAGE_W - TEXT_W) / 2, y)
        pdf.multi_cell(TEXT_W, 6.5, name, align="C")
    y += name_h
    _rule(pdf, y, 150, color=NAVY, thickness=0.3)
    y += 2.5
    if cert.nip:
        _centered(pdf, y, f"NIP {format_nip(cert.nip)}", 11, "", INK, h=6)
    y += 8 if cert.nip else 3

    y += 1
    _centered(pdf, y, "telah menyelesaikan pelatihan daring", 12, "", GREY)
    y += 7.5
    pdf.set_font(FAMILY, "B", title_size)
    pdf.set_text_color(*BRAND)
    pdf.set_xy((PAGE_W - TEXT_W) / 2, y)
    pdf.multi_cell(TEXT_W, title_size * 0.45, title, align="C")
    y = pdf.get_y() + 3
    if partner:
        y -= 1
        pdf.set_font(FAMILY, "", partner_size)
        pdf.set_text_color(*GREY)
        pdf.set_xy((PAGE_W - TEXT_W) / 2, y)
        pdf.multi_cell(TEXT_W, PARTNER_LINE_H, partner, align="C")
        y = pdf.get_y() + 2.5

    details = [
        jp_text(cert.jp, cert.jp_minutes),
        f"diselesaikan pada {indonesian_date(completed_on)}",
    ]
    if cert.final_score is not None:
        details.append(f"nilai akhir {format_score(cert.final_score)}")
    _centered(pdf, y, "   •   ".join(details), 11, "", INK)

    _verification_block(pdf, cert, verify_url)
    _signatory_block(pdf, cert, issued_at)
    from ..credentials.pdf import embed_credential  # the Open Badge rides along

    embed_credential(pdf, cert)
    return bytes(pdf.output())


def _partner_fit(pdf, text):
    """(font size, lines) of the co-organiser's line: one line, smaller for a long name, down
    to 9 pt; beyond that it wraps (a name of 200 characters takes two lines)."""
    if not text:
        return 11, 0
    size = _fit_size(pdf, text, "", 11, 9, TEXT_W)
    return size, len(_lines(pdf, text, PARTNER_LINE_H))


def _verification_block(pdf, cert, verify_url):
    x, y, size = 22, 155, 34
    pdf.image(_qr_png(verify_url), x=x, y=y, w=size, h=size)
    tx, tw = x + size + 3, 88
    pdf.set_xy(tx, y + 5)
    pdf.set_font(FAMILY, "B", 9)
    pdf.set_text_color(*NAVY)
    pdf.cell(tw, 5, "Periksa keaslian sertifikat ini")
    pdf.set_font(FAMILY, "", 8)
    pdf.set_text_color(*GREY)
    y += 10.5
    for line in ("Pindai kode QR atau buka alamat berikut,", "lalu cocokkan nomornya:"):
        pdf.set_xy(tx, y)
        pdf.cell(tw, 3.8, line)
        y += 3.8
    pdf.set_xy(tx, y)
    pdf.set_text_color(*BRAND)
    _fit_size(pdf, verify_url, "", 8, 6.5, tw)
    if pdf.get_string_width(verify_url) <= tw:
        pdf.cell(tw, 3.8, verify_url, link=verify_url)
        y += 3.8
    else:
        pdf.multi_cell(tw, 3.8, verify_url, link=verify_url, align="L")
        y = pdf.get_y()
    pdf.set_xy(tx, y + 0.5)
    pdf.set_font(FAMILY, "B", 8.5)
    pdf.set_text_color(*INK)
    pdf.cell(tw, 5, cert.number)


def _signatory_block(pdf, cert, issued_at):
    cx, w = 220, 96
    x = cx - w / 2
    y = 156
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "", 10)
    pdf.set_xy(x, y)
    issued = f"Diterbitkan pada {indonesian_datetime(issued_at)}"
    _fit_size(pdf, issued, "", 10, 8, w)
    pdf.cell(w, 5, issued, align="C")
    pdf.set_font(FAMILY, "", 10)
    title = _text(cert.signatory_title)
    pdf.set_xy(x, y + 5.5)
    if pdf.get_string_width(title) <= w:
        pdf.cell(w, 4.6, title, align="C")
        y += 10.1
    else:
        pdf.multi_cell(w, 4.6, title, align="C")
        y = pdf.get_y()
    y += 14  # room for the signature and stamp
    pdf.set_xy(x, y)
    pdf.set_font(FAMILY, "B", 10.5)
    name = _text(cert.signatory_name)
    pdf.cell(w, 5, name, align="C")
    line_w = min(w, pdf.get_string_width(name) + 6)
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.3)
    pdf.line(cx - line_w / 2, y + 5.2, cx + line_w / 2, y + 5.2)
    if cert.signatory_nip:
        pdf.set_xy(x, y + 6)
        pdf.set_font(FAMILY, "", 9.5)
        pdf.cell(w, 5, f"NIP {format_nip(cert.signatory_nip)}", align="C")

"""The one writer for every CSV and XLSX the product hands out.

Every export (supervision, authoring results, admin, SIASN, and any later one) goes through here, so
that a cell a learner or an importer typed can never run as a spreadsheet formula and no download
is kept by a shared cache. No view writes rows by itself.
"""

import csv
import io
from decimal import Decimal
from urllib.parse import quote

from flask import Response, current_app, g
from rustpy_xlsxwriter import FastExcel

# A spreadsheet reads a cell starting with one of these as a formula (or as a DDE payload).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def safe_cell(value):
    """A cell value that a spreadsheet shows as the text it is: dates as ISO text, strings that
    would start a formula prefixed with an apostrophe. Numbers are left as numbers."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(header, rows, delimiter=";"):
    """CSV bytes: UTF-8 with a byte order mark and CRLF, what Excel in an Indonesian locale opens
    directly (semicolons by default)."""
    buf = io.BytesIO()
    # Encoded as it is written: the text is never held beside its bytes.
    out = io.TextIOWrapper(buf, encoding="utf-8", newline="", write_through=False)
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    if header is not None:
        writer.writerow([safe_cell(str(h)) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    out.flush()
    return buf.getvalue()


# What a worksheet name may not hold, and the longest text a cell holds (Excel's limits).
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "-"))
XLSX_MAX_TEXT = 32767


def _xlsx_cell(value, as_text):
    if as_text and value not in ("", None):
        value = str(value)
    value = safe_cell(value)
    if isinstance(value, str):
        return value[:XLSX_MAX_TEXT] if value else None
    if isinstance(value, (bool, int, float, Decimal)):
        return value
    return str(value)


def _column_keys(header):
    """The header's names, made distinct (the writer keys a row's cells by column name): a
    second "Komentar" becomes "Komentar (2)"."""
    keys, seen = [], set()
    for h in header:
        name = safe_cell(str(h)) or "-"
        key, n = name, 1
        while key in seen:
            n += 1
            key = f"{name} ({n})"
        seen.add(key)
        keys.append(key)
    return keys


def xlsx_bytes(header, rows, title, text_columns=()):
    """XLSX bytes (one sheet), streamed row by row by rust_xlsxwriter (rustpy-xlsxwriter) in
    its constant-memory mode: the header row, then the rows. Columns in `text_columns` (e.g.
    NIPs) are written as text so that no digits are lost; text longer than a cell holds is cut
    at Excel's limit."""
    keys = _column_keys(header)
    text = set(text_columns)

    def records():
        empty = True
        for row in rows:
            empty = False
            cells = enumerate(zip(keys, row, strict=False))
            yield {k: _xlsx_cell(v, i in text) for i, (k, v) in cells}
        if empty:  # a row of empty cells is not written: the file holds the header alone
            yield dict.fromkeys(keys)

    name = str(title).translate(SHEET_NAME_FORBIDDEN).strip("'")[:31] or "Sheet"
    buf = io.BytesIO()
    FastExcel(buf).sheet(name, records()).save()
    return buf.getvalue()


def download(data, fmt, basename):
    """A download response for export bytes: attachment, never cached, never sniffed."""
    filename = f"{basename}.{fmt}"
    job = g.get("export_job")
    if job is not None:  # made by the job queue's worker: the file is kept for its owner
        job.filename = filename
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return Response(
        data,
        mimetype=MIMETYPES[fmt],
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
            ),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def csv_response(basename, header, rows, delimiter=";"):
    return download(csv_bytes(header, rows, delimiter), "csv", basename)


def xlsx_response(basename, header, rows, title, text_columns=()):
    return download(xlsx_bytes(header, rows, title, text_columns), "xlsx", basename)


def export_response(
    fmt, basename, header, rows, title="", text_columns=(), delimiter=";", count=None
):
    """CSV or XLSX by `fmt` ("csv" or "xlsx").

    `count` (a function: the number of rows, cheaper than the rows) makes a large export a job:
    over EXPORT_INLINE_MAX_ROWS rows the page offers to prepare the file in the background,
    with a progress bar and a download when it is ready. Run by the worker, the rows are
    counted as they are written."""
    job = g.get("export_job")
    if count is not None and job is None:
        n = count()
        if n > current_app.config["EXPORT_INLINE_MAX_ROWS"]:
            from .jobs.routes import offer_export

            return offer_export(fmt, basename, n)
    elif job is not None:
        if count is not None:
            job.set_total(count())
        rows = job.track(rows)
    if fmt == "csv":
        return csv_response(basename, header, rows, delimiter)
    return xlsx_response(basename, header, rows, title or basename, text_columns)

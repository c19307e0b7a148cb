"""The one writer for every CSV and XLSX the product hands out.

Every export (supervision, authoring results, admin, SIASN, and any later one) goes through here, so
that a cell a learner or an importer typed can never run as a spreadsheet formula and no download
is kept by a shared cache. No view writes rows by itself.
"""

import csv
import io
from urllib.parse import quote

from flask import Response, current_app, g
from openpyxl import Workbook

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
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    if header is not None:
        writer.writerow([safe_cell(str(h)) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue().encode("utf-8")


def xlsx_bytes(header, rows, title, text_columns=()):
    """XLSX bytes (one sheet), written row by row in openpyxl's write-only mode. Columns in
    `text_columns` (e.g. NIPs) are written as text so that no digits are lost."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=str(title)[:31] or "Sheet")
    if header is not None:
        ws.append([safe_cell(str(h)) for h in header])
    for row in rows:
        out = []
        for i, v in enumerate(row):
            if i in text_columns and v not in ("", None):
                v = str(v)
            out.append(safe_cell(v))
        ws.append(out)
    buf = io.BytesIO()
    wb.save(buf)
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

"""Reading the tables people upload (CSV from Excel or LibreOffice, or an XLSX workbook) and
finishing an all-or-nothing import of one, from the browser or the command line.

Every importer of rows (people, the competency dictionary, position standards) reads through
`read_table`: UTF-8 with or without a byte order mark, `,` `;` or tab sniffed from the first
line, blank lines skipped, a header of known columns, every problem with the file's line.
"""

import csv
import io
import os
from dataclasses import dataclass, field
from datetime import date, datetime

import click
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import audit


@dataclass(frozen=True)
class Problem:
    line: int | None  # as the file counts lines (header = 1); None for the file as a whole
    message: str


@dataclass
class ImportResult:
    """What an import did, or the problems that stopped it (then nothing has been changed)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list = field(default_factory=list)
    audit_entry: object = None

    @property
    def ok(self):
        return not self.problems

    @property
    def bad_lines(self):
        return len({p.line for p in self.problems})

    def record(self, actor, action, filename, via):
        """The import's one audit entry, with its counts."""
        self.audit_entry = audit(
            actor,
            action,
            None,
            rows=self.rows,
            created=self.created,
            updated=self.updated,
            unchanged=self.unchanged,
            file=filename or "",
            via=via,
        )
        db.session.flush()
        return self.audit_entry

    def stop(self, problems):
        """Keep the problems, in the order of the file's lines."""
        self.problems = sorted(problems, key=lambda p: p.line or 0)
        return self


class FileError(Exception):
    """The file as a whole cannot be used (not UTF-8, a missing column, too many rows...)."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.problem = Problem(line, str(message))


@dataclass
class Row:
    line: int
    cells: dict  # {column: text}, every column of the header


# Reading -----------------------------------------------------------------------------------------
def is_xlsx(data, filename=""):
    return data[:4] == b"PK\x03\x04" or (filename or "").lower().endswith(".xlsx")


def decode(data):
    try:
        # utf-8-sig drops the byte order mark that Excel writes in "CSV UTF-8".
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileError(
            _l(
                "The file is not UTF-8 text. In Excel choose Save As, type “CSV UTF-8 (Comma "
                "delimited)”, then upload the new file."
            )
        ) from None


def sniff_delimiter(first_line):
    # Excel in an Indonesian locale separates with ';' (the comma is the decimal mark).
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _too_many(max_rows):
    return FileError(
        _l("The file has more than %(max)d rows: split it into smaller files.", max=max_rows)
    )


def _csv_cells(text, delimiter, max_rows):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    count, last_line = 0, 0
    try:
        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if count > max_rows:  # the header and max_rows rows under it are allowed
                raise _too_many(max_rows)
            count += 1
            yield line, cells
    except csv.Error as exc:
        raise FileError(
            _l("The file cannot be read as CSV: %(error)s", error=str(exc)), reader.line_num
        ) from None


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel keeps every number as a float: 3.0 is the level 3
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _xlsx_cells(data, max_rows):
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise FileError(_l("The file cannot be read as an Excel workbook (.xlsx).")) from None
    try:
        out = []
        for number, values in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            while cells and not cells[-1].strip():
                cells.pop()
            if not any(c.strip() for c in cells):
                continue
            if len(out) > max_rows:
                raise _too_many(max_rows)
            out.append((number, cells))
        return out
    finally:
        book.close()


def header_name(cell, aliases=None):
    """A header cell as a column name: lower case, no BOM; with `aliases`, inner spaces become
    underscores and other spellings ("code", "indikator_1") the column's name."""
    name = cell.strip().lstrip("\ufeff").strip().lower()
    if aliases is None:
        return name
    name = "_".join(name.split())
    return aliases.get(name, name)


def _read_header(cells, line, required, either, aliases):
    names = [header_name(c, aliases) for c in cells]
    seen = set()
    for name in names:
        if name and name in seen:
            raise FileError(_l("The column “%(column)s” appears twice.", column=name), line)
        seen.add(name)
    missing = [c for c in required if c not in seen]
    if either and not any(c in seen for c in either):
        missing.append(" / ".join(either))
    if missing:
        raise FileError(
            _l(
                "Missing column(s): %(missing)s. The header must name: %(required)s.",
                missing=", ".join(missing),
                required=", ".join([*required, " / ".join(either)] if either else required),
            ),
            line,
        )
    return names


def read_table(
    data, filename="", *, required, either=(), aliases=None, max_rows, too_wide, xlsx=True
):
    """The rows of a CSV (or, with `xlsx`, XLSX) file under its header as [Row], and the
    problems of rows that cannot be read; cells are trimmed.

    `required`: the columns the header must name; `either`: at least one of these too.
    `too_wide(cells, columns, delimiter)`: the message for a row wider than the header, or
    None to read it. A workbook is read whole before its header is checked; where workbooks
    are accepted, so is a CSV file (the same file reports the same first problem in either
    format). Raises FileError when the file as a whole cannot be used.
    """
    delimiter = None
    if xlsx and is_xlsx(data, filename):
        table = _xlsx_cells(data, max_rows)
    else:
        text = decode(data)
        if not text.strip():
            raise FileError(_l("The file is empty."))
        delimiter = sniff_delimiter(text.lstrip("\r\n").splitlines()[0])
        table = _csv_cells(text, delimiter, max_rows)
        if xlsx:
            table = list(table)
    names, rows, problems = None, [], []
    for line, cells in table:
        if names is None:
            names = _read_header(cells, line, required, either, aliases)
            continue
        # More cells than columns: usually a name like "Andi, S.Kom." left unquoted, which
        # shifts every later cell; refuse rather than guess.
        if len(cells) > len(names) and (message := too_wide(cells, len(names), delimiter)):
            problems.append(Problem(line, str(message)))
            continue
        values = dict(zip(names, (c.strip() for c in cells), strict=False))
        rows.append(Row(line, {n: values.get(n, "") for n in names if n}))
    if names is None:
        raise FileError(_l("The file is empty."))
    if not rows and not problems:
        raise FileError(_l("The file has no rows under the header line."))
    return rows, problems


def check_rows(rows, check):
    """(plans, problems): check(row) gives (plan, errors) for each row; every error of every
    bad row becomes a problem with the row's line, and only good rows have a plan."""
    plans, problems = [], []
    for row in rows:
        plan, errors = check(row)
        if errors:
            problems.extend(Problem(row.line, str(e)) for e in errors)
        else:
            plans.append(plan)
    return plans, problems


def start_import(result, data, filename="", **table):
    """Read the file for `result`: (rows, problems of row shape), or None when the file as a
    whole cannot be used (its problem is then in `result`). `table`: see read_table."""
    try:
        rows, problems = read_table(data, filename, **table)
    except FileError as exc:
        result.problems.append(exc.problem)
        return None
    result.rows = len(rows) + len(problems)
    return rows, problems


# Finishing ---------------------------------------------------------------------------------------
def upload_field(label, required_message, extensions, extension_message, accept):
    """The file field of an import form (CSRF and the size limit come with the app)."""
    return FileField(
        label,
        validators=[FileRequired(required_message), FileAllowed(extensions, extension_message)],
        render_kw={"accept": accept},
    )


def import_upload(upload, run, *, conflict, dry_run=False):
    """The browser side of an import: run(data, filename) on the uploaded file, then commit
    when it is good (and not `dry_run`). Returns (result, saved); when not saved, nothing is:
    `conflict` is the problem shown if the database refused the commit (a race)."""
    filename = (upload.filename or "")[:200]
    result = run(upload.read(), filename)
    if result.ok and not dry_run:
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            result.problems.append(Problem(None, conflict))
        else:
            return result, True
    db.session.rollback()
    return result, False


def import_command(run, file, dry_run):
    """The command-line side of an import: run(data, filename) on the FILE, print its problems
    and exit 1, or print the counts and commit (not with `dry_run`). Returns the committed
    result, or None after a dry run."""
    # No request here: messages use the instance's default language.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        result = run(file.read(), os.path.basename(file.name))
        if not result.ok:
            db.session.rollback()
            for problem in result.problems:
                prefix = f"line {problem.line}" if problem.line else "error"
                click.echo(f"{prefix}: {problem.message}", err=True)
            click.echo(f"nothing imported: {result.bad_lines} line(s) with problems", err=True)
            raise click.exceptions.Exit(1)
        summary = (
            f"{result.rows} rows: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged"
        )
        if dry_run:
            db.session.rollback()
            click.echo(f"{summary} (dry run: nothing saved)")
            return None
        db.session.commit()
        click.echo(summary)
        return result

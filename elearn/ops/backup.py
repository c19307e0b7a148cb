"""`flask backup` / `flask restore`: the whole database to one file, and back.

SQLite: SQLite's online backup API (a consistent copy while the app serves; the restore writes
the live file in one transaction, so readers see the old data or the new, never a mix).
PostgreSQL: `pg_dump -Fc` and `pg_restore --clean --if-exists --single-transaction` (all or
nothing); the password goes to them in PGPASSWORD, never on a command line.
The secret key and instance/config.py are not in a backup: they are kept apart.
"""

import glob
import os
import re
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
SUFFIX = {"sqlite": ".sqlite3", "postgresql": ".dump"}
# Where Debian and Ubuntu install the PostgreSQL client programs besides PATH.
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
# Every elearn database has these tables: a file without them is not one of its backups.
REQUIRED_TABLES = ("users", "user_sessions")


class BackupError(click.ClickException):
    """A backup or restore that did not happen; the message says why, in the CLI's language."""


@dataclass
class Done:
    path: Path
    kind: str
    size: int
    seconds: float


def database_kind(url):
    backend = url.get_backend_name()
    if backend in SUFFIX:
        return backend
    raise BackupError(_("Backups support SQLite and PostgreSQL only, not %(kind)s.", kind=backend))


def file_kind(path):
    """ "sqlite" or "postgresql" from the file's first bytes; None for anything else."""
    with open(path, "rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    return None


def default_path(kind):
    cfg = current_app.config
    folder = Path(cfg.get("BACKUP_DIR") or Path(current_app.instance_path) / "backups")
    stamp = datetime.now(ZoneInfo(cfg["TIMEZONE"])).strftime("%Y%m%d-%H%M%S")
    return folder / f"elearn-{stamp}{SUFFIX[kind]}"


def _partial(path):
    """A file for the backup being written, readable by its owner only (it holds password
    hashes): the backup gets its name only once complete."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return partial


# SQLite ---------------------------------------------------------------------------------------
def _sqlite_path(url):
    if not url.database or url.database == ":memory:" or url.database.startswith("file::memory:"):
        raise BackupError(_("This database lives in memory only: there is nothing to back up."))
    return Path(url.database)


def backup_sqlite(db_path, out):
    if not db_path.is_file():
        raise BackupError(_("%(file)s does not exist.", file=db_path))
    partial = _partial(out)
    # mode=rw: never create an empty database where the real one was expected.
    src = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=rw", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # one step: a consistent snapshot, writers are not blocked (WAL)
            # One self-contained file: no -wal or -shm beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    os.replace(partial, out)


def _open_sqlite_backup(path):
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError:
        conn.close()
        ok, tables, conn = False, set(), None
    if not ok or not set(REQUIRED_TABLES) <= tables:
        if conn is not None:
            conn.close()
        raise BackupError(
            _("%(file)s is not a backup of an elearn database (or it is damaged).", file=path)
        )
    return conn


def restore_sqlite(path, db_path):
    src = _open_sqlite_backup(path)
    try:
        dst = sqlite3.connect(db_path, timeout=30)
        try:
            # Pages are written into the live file in one transaction: an interruption leaves
            # the old data whole, and the app's readers never see half of each.
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


# PostgreSQL -----------------------------------------------------------------------------------
def pg_tool(name):
    """The path of pg_dump or pg_restore: BACKUP_PG_BIN_DIR, else PATH, else the newest
    /usr/lib/postgresql/*/bin (a client at least as new as the server is needed)."""
    folder = current_app.config.get("BACKUP_PG_BIN_DIR")
    candidates = [Path(folder) / name] if folder else []
    found = shutil.which(name)
    if found and not folder:
        candidates.append(Path(found))
    if not folder:

        def version(d):
            return [int(p) if p.isdigit() else 0 for p in re.split(r"[.]", Path(d).parent.name)]

        for d in sorted(glob.glob(PG_BIN_GLOB), key=version, reverse=True):
            candidates.append(Path(d) / name)
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(
        _(
            "%(tool)s was not found (PATH, %(where)s). Install the PostgreSQL client "
            "(Debian: apt install postgresql-client) or set BACKUP_PG_BIN_DIR.",
            tool=name,
            where=folder or PG_BIN_GLOB,
        )
    )


def _quote(value):
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def pg_connection(url):
    """(conninfo, environment) for the client programs: the password only in PGPASSWORD."""
    params = {"host": url.host, "port": url.port, "user": url.username, "dbname": url.database}
    for key, value in url.query.items():
        params[key] = value if isinstance(value, str) else value[-1]
    conninfo = " ".join(f"{k}={_quote(v)}" for k, v in params.items() if v not in (None, ""))
    env = dict(os.environ)
    env.pop("PGPASSWORD", None)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return conninfo, env


def _run(args, env, what):
    # The arguments are the tool found by pg_tool and our own options, never a shell line.
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise BackupError(
            _("%(what)s failed: %(detail)s", what=what, detail=" / ".join(detail) or "?")
        )
    return result.stdout


def backup_postgresql(url, out):
    conninfo, env = pg_connection(url)
    partial = _partial(out)
    try:
        _run(
            [pg_tool("pg_dump"), "--format=custom", f"--file={partial}", f"--dbname={conninfo}"],
            env,
            "pg_dump",
        )
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, out)


def check_pg_backup(path):
    listing = _run([pg_tool("pg_restore"), "--list", str(path)], dict(os.environ), "pg_restore")
    tables = set(re.findall(r"\bTABLE \S+ (\w+) ", listing))
    if not set(REQUIRED_TABLES) <= tables:
        raise BackupError(
            _("%(file)s is not a backup of an elearn database (or it is damaged).", file=path)
        )


def restore_postgresql(url, path):
    check_pg_backup(path)
    conninfo, env = pg_connection(url)
    _run(
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--single-transaction",  # all or nothing
            "--no-owner",
            f"--dbname={conninfo}",
            str(path),
        ],
        env,
        "pg_restore",
    )


# The two operations, for the CLI and the tests -----------------------------------------------
def make_backup(url, output=None):
    kind = database_kind(url)
    out = Path(output) if output else default_path(kind)
    started = time.perf_counter()
    if kind == "sqlite":
        backup_sqlite(_sqlite_path(url), out)
    else:
        backup_postgresql(url, out)
    return Done(out, kind, out.stat().st_size, time.perf_counter() - started)


def restore_backup(url, path):
    kind = database_kind(url)
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("%(file)s does not exist.", file=path))
    found = file_kind(path)
    if found is None:
        raise BackupError(
            _("%(file)s is not a backup of an elearn database (or it is damaged).", file=path)
        )
    if found != kind:
        raise BackupError(
            _(
                "%(file)s is a %(found)s backup, but this instance's database is %(kind)s: "
                "nothing was restored.",
                file=path,
                found=_kind_name(found),
                kind=_kind_name(kind),
            )
        )
    started = time.perf_counter()
    if kind == "sqlite":
        restore_sqlite(path, _sqlite_path(url))
    else:
        restore_postgresql(url, path)
    return Done(path, kind, path.stat().st_size, time.perf_counter() - started)


def _kind_name(kind):
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[kind]


def _size(n):
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def _remind_apart():
    click.echo(
        _(
            "Not in the backup: instance/secret_key (without it every session and link signed "
            "with it stops working) and instance/config.py. Keep a copy of both, apart and safe."
        )
    )


@click.command("backup")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="The file to write.")
@with_appcontext
def backup_command(output):
    """Back up the whole database to one file (default: instance/backups/elearn-DATE-TIME)."""
    from ..extensions import db

    done = make_backup(db.engine.url, output)
    click.echo(
        _(
            "Backup written: %(file)s (%(size)s, %(seconds)s s).",
            file=done.path,
            size=_size(done.size),
            seconds=f"{done.seconds:.1f}",
        )
    )
    _remind_apart()


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(file, yes):
    """Replace the whole database with a backup FILE made by `flask backup`."""
    from ..extensions import db

    url = db.engine.url
    target = url.render_as_string(hide_password=True)
    if not yes:
        click.confirm(
            _(
                "Replace ALL data of %(target)s with the backup %(file)s? What changed since "
                "the backup will be lost.",
                target=target,
                file=file,
            ),
            abort=True,
        )
    db.session.remove()
    db.engine.dispose()  # this process holds no connection (nor lock) while the data change
    done = restore_backup(url, file)
    click.echo(
        _(
            "Restored from %(file)s in %(seconds)s s. Restart the application (and the job "
            "worker) so that nothing read before the restore stays in memory; after a backup "
            "made by an older version, run `flask db upgrade` first.",
            file=done.path,
            seconds=f"{done.seconds:.1f}",
        )
    )
    _remind_apart()

#!/usr/bin/env python3
"""Add Indonesian translations to the catalog, then compile it.

    scripts/po-add.py FRAGMENT.po [FRAGMENT.po ...]

A fragment is an ordinary PO file with `msgid "English"` / `msgstr "Bahasa Indonesia"` pairs (plural
entries with msgid_plural and msgstr[0]/msgstr[1] work too). Entries already in the catalog are
updated. The catalog is locked while it is rewritten, so several people (or scripts) can add their
strings at once without losing each other's. `make extract-messages` later fills in the source
locations.
"""

import fcntl
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "elearn/translations/id/LC_MESSAGES/messages.po"


def _write_po(fh, catalog):
    write_po(fh, catalog, width=100)


def main(paths):
    with open(ROOT / "elearn/translations/.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with open(CATALOG, "rb") as fh:
            catalog = read_po(fh, locale="id")
        added = 0
        for path in paths:
            with open(path, "rb") as fh:
                fragment = read_po(fh, locale="id")
            for message in fragment:
                if not message.id:
                    continue
                existing = catalog.get(message.id, message.context)
                if existing is not None and existing.pluralizable != message.pluralizable:
                    sys.exit(
                        f"{path}: {message.id!r} is in the catalog "
                        f"{'with' if existing.pluralizable else 'without'} plural forms; "
                        "use another msgid. Nothing was changed."
                    )
                if existing is None:
                    catalog.add(message.id, message.string, context=message.context)
                    added += 1
                else:
                    existing.string = message.string
                    existing.flags.discard("fuzzy")
        # Write both files beside the catalog first, then move them into place: a failure
        # half-way leaves the catalog as it was.
        for target, writer in ((CATALOG, _write_po), (CATALOG.with_suffix(".mo"), write_mo)):
            partial = target.with_name(target.name + ".partial")
            with open(partial, "wb") as fh:
                writer(fh, catalog)
            partial.replace(target)
    print(f"{added} new message(s); {CATALOG.relative_to(ROOT)} compiled")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])

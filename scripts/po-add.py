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
                if existing is None:
                    catalog.add(message.id, message.string, context=message.context)
                    added += 1
                else:
                    existing.string = message.string
                    existing.flags.discard("fuzzy")
        with open(CATALOG, "wb") as fh:
            write_po(fh, catalog, width=100)
        with open(CATALOG.with_suffix(".mo"), "wb") as fh:
            write_mo(fh, catalog)
    print(f"{added} new message(s); {CATALOG.relative_to(ROOT)} compiled")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])

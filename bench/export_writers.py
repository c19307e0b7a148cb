"""Time the one export writer (elearn/exports.py) on completion-like rows; prints figures.

    .venv/bin/python bench/export_writers.py [--rows 92364]

The rows look like those of the completions export (NIP, name, unit, position, course, JP, date,
score, certificate number). Exports over EXPORT_INLINE_MAX_ROWS are made by the job worker, so
these times are how long a person waits for the progress bar to reach 100%, not a request.
Targets from the issue: CSV of 92k rows <= 1 s, XLSX <= 3 s.
"""

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from elearn.exports import csv_bytes, xlsx_bytes

HEADER = ["NIP", "Nama", "Unit kerja", "Jabatan", "Kursus", "JP", "Tanggal selesai", "Nilai",
          "Nomor sertifikat"]  # fmt: skip


def rows(n):
    for i in range(n):
        yield [
            f"1990010120150{i % 100000:05d}", f"Pegawai Nomor {i}",
            "Bidang Pengembangan Kompetensi", "Analis SDM Aparatur", "Etika ASN dan Integritas",
            4, "3 Des 2026", 85.0,
            f"ELN-2026-{i:04X}-HGFM-7GNQ",
        ]  # fmt: skip


def measure(label, write, n):
    wall, cpu = time.perf_counter(), time.process_time()
    data = write(n)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label}: {n:,} rows in {wall:.2f} s (CPU {cpu:.2f} s), {len(data) / 1e6:.1f} MB, "
          f"peak RSS so far {rss:.0f} MB")  # fmt: skip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=92364)
    n = parser.parse_args().rows
    measure("CSV ", lambda k: csv_bytes(HEADER, rows(k)), n)
    measure("XLSX", lambda k: xlsx_bytes(HEADER, rows(k), "Penyelesaian", text_columns={0, 8}), n)


if __name__ == "__main__":
    main()

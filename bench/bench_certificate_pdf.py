"""Time the certificate PDF as the download route makes it: prints mean and p95 in ms.

    .venv/bin/python bench/bench_certificate_pdf.py [generations]

Target: well under 100 ms per PDF (it is made on every download, never stored)."""

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from elearn import create_app
from elearn.certificates.services import certificate_pdf
from elearn.models import Certificate


def main(runs=200):
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                "PUBLIC_BASE_URL": "https://elearn.example.go.id",
            }
        )
        cert = Certificate(
            number="ELN-2026-7K3Q-9XPM-H4TD",
            full_name="Ni Luh Putu Ayu Wulandari, S.Kom.",
            nip="198609262015052001",
            course_title="Pelayanan Publik Berorientasi Hasil: Standar, Maklumat, dan Survei",
            version_number=1,
            version_label="1.0",
            jp=6,
            jp_minutes=45,
            completed_at=datetime(2026, 11, 23, 3, 0, tzinfo=UTC),
            final_score=Decimal("87.50"),
            institution=app.config["INSTANCE_NAME"],
            signatory_name=app.config["CERTIFICATE_SIGNATORY_NAME"],
            signatory_title=app.config["CERTIFICATE_SIGNATORY_TITLE"],
            signatory_nip=app.config["CERTIFICATE_SIGNATORY_NIP"],
            issued_at=datetime(2026, 11, 23, 3, 0, 5, tzinfo=UTC),
        )
        with app.test_request_context():
            start = time.perf_counter()
            first = certificate_pdf(cert)
            warmup = (time.perf_counter() - start) * 1000
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                data = certificate_pdf(cert)
                times.append((time.perf_counter() - start) * 1000)
            assert data == first, "the same certificate must give the same bytes"
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    print(f"certificate PDF: {len(first) / 1024:.1f} KiB, first (fonts prepared) {warmup:.0f} ms")
    print(
        f"{runs} generations: mean {statistics.mean(times):.1f} ms, "
        f"median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)

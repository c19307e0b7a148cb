"""Demo data of the dictionary for `flask demo seed`: the shipped defaults, a few technical
competencies with standards per jabatan, and the demo people's position kinds."""

from sqlalchemy import select

from ..extensions import db
from ..models import User
from .dictionary_import import DATA_DIR, DICTIONARY, STANDARDS, load_defaults, load_file

# The demo people's jabatan (elearn/demo.py PEOPLE) -> position kind.
DEMO_POSITION_KINDS = {
    "Kepala Dinas Komunikasi dan Informatika": "jpt_pratama",
    "Kepala Dinas Kependudukan dan Pencatatan Sipil": "jpt_pratama",
    "Widyaiswara Ahli Madya": "fungsional_ahli_madya",
    "Pranata Komputer Ahli Madya": "fungsional_ahli_madya",
    "Pranata Komputer Ahli Muda": "fungsional_ahli_muda",
    "Pranata Humas Ahli Muda": "fungsional_ahli_muda",
    "Pranata Komputer Ahli Pertama": "fungsional_ahli_pertama",
    "Pranata Komputer Ahli Pertama (PPPK)": "fungsional_ahli_pertama",
    "Pranata Humas Ahli Pertama": "fungsional_ahli_pertama",
    "Analis Kebijakan Ahli Pertama": "fungsional_ahli_pertama",
    "Analis SDM Aparatur Ahli Pertama": "fungsional_ahli_pertama",
    "Pranata Komputer Terampil": "fungsional_terampil",
    "Administrator Database Kependudukan": "pelaksana",
    "Pengadministrasi Kependudukan": "pelaksana",
    "Pengelola Layanan Operasional": "pelaksana",
    "Analis Keuangan": "pelaksana",
    "Analis Sistem Informasi": "pelaksana",
}


def seed_dictionary():
    """Load what is missing; return the number of rows added (0 on a second run)."""
    from ..demo import EMAIL_DOMAIN

    added = load_defaults(via="demo").added
    added += load_file(DICTIONARY, DATA_DIR / "demo_kompetensi_teknis.csv", via="demo").created
    added += load_file(STANDARDS, DATA_DIR / "demo_standar_jabatan.csv", via="demo").created
    people = db.session.scalars(
        select(User).where(
            User.email.endswith(f"@{EMAIL_DOMAIN}"),
            User.position.in_(DEMO_POSITION_KINDS),
            User.position_kind == "",
        )
    ).all()
    for person in people:
        person.position_kind = DEMO_POSITION_KINDS[person.position]
    db.session.flush()
    return added + len(people)

"""Demo agency: units and accounts for trying the product (never in production)."""

from sqlalchemy import select

from .extensions import db
from .models import Role, Unit, User

DEMO_PASSWORD = "elearn-demo"

# code, name, parent code
UNITS = [
    ("SKM", "Pemerintah Kabupaten Sukamaju", None),
    ("SETDA", "Sekretariat Daerah", "SKM"),
    ("SETDA-ORG", "Bagian Organisasi", "SETDA"),
    ("SETDA-UMUM", "Bagian Umum", "SETDA"),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan SDM", "SKM"),
    ("BKPSDM-PK", "Bidang Pengembangan Kompetensi", "BKPSDM"),
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika", "SKM"),
    ("DISKOMINFO-APTIKA", "Bidang Aplikasi Informatika", "DISKOMINFO"),
    ("DISKOMINFO-IKP", "Bidang Informasi dan Komunikasi Publik", "DISKOMINFO"),
    ("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", "SKM"),
    ("DISDUKCAPIL-PD", "Bidang Pelayanan Pendaftaran Penduduk", "DISDUKCAPIL"),
]

# nip, name, email user part, unit, position, grade, roles
PEOPLE = [
    ("198502142010011001", "Andi Pratama, S.Kom.", "admin", "BKPSDM", "Pranata Komputer Ahli Muda", "III/c", ["admin", "learner"]),
    ("197808232003122002", "Dr. Ratna Sari Dewi, M.Si.", "ratna", "BKPSDM-PK", "Widyaiswara Ahli Madya", "IV/b", ["instructor", "learner"]),
    ("198111052006041003", "Budi Santoso, S.T., M.T.", "budi", "DISKOMINFO-APTIKA", "Pranata Komputer Ahli Madya", "IV/a", ["instructor", "learner"]),
    ("197503122000031004", "Ir. Hendra Wijaya, M.M.", "hendra", "DISKOMINFO", "Kepala Dinas Komunikasi dan Informatika", "IV/c", ["supervisor", "learner"]),
    ("197906302005012005", "Siti Nurhaliza, S.Sos., M.AP.", "siti", "DISDUKCAPIL", "Kepala Dinas Kependudukan dan Pencatatan Sipil", "IV/b", ["supervisor", "learner"]),
    ("199001152015031001", "Agus Setiawan, S.Kom.", "agus", "DISKOMINFO-APTIKA", "Pranata Komputer Ahli Pertama", "III/b", ["learner"]),
    ("199203282019022002", "Dewi Lestari, A.Md.", "dewi", "DISKOMINFO-APTIKA", "Pranata Komputer Terampil", "II/d", ["learner"]),
    ("198807092014061001", "Rudi Hartono, S.I.Kom.", "rudi", "DISKOMINFO-IKP", "Pranata Humas Ahli Muda", "III/c", ["learner"]),
    ("199509172020122003", "Nur Aini, S.Sos.", "nuraini", "DISKOMINFO-IKP", "Pranata Humas Ahli Pertama", "III/a", ["learner"]),
    ("198612012011011002", "Yusuf Maulana, S.H.", "yusuf", "DISDUKCAPIL-PD", "Administrator Database Kependudukan", "III/b", ["learner"]),
    ("199311242019032001", "Fitri Handayani, S.E.", "fitri", "DISDUKCAPIL-PD", "Pengadministrasi Kependudukan", "III/a", ["learner"]),
    ("198404182009021003", "Joko Susilo", "joko", "DISDUKCAPIL", "Pengelola Layanan Operasional", "II/c", ["learner"]),
    ("199102062016082002", "Maria Ulfa, S.AP.", "maria", "SETDA-ORG", "Analis Kebijakan Ahli Pertama", "III/b", ["learner"]),
    ("198908312014031002", "Bayu Aji Nugroho, S.E.", "bayu", "SETDA-UMUM", "Analis Keuangan", "III/a", ["learner"]),
    ("199406122022032001", "Putri Ayu Wulandari, S.Psi.", "putri", "BKPSDM-PK", "Analis SDM Aparatur Ahli Pertama", "III/a", ["learner"]),
    ("198703252012121001", "Wahyu Hidayat, S.Kom.", "wahyu", "SETDA-ORG", "Analis Sistem Informasi", "III/b", ["learner"]),
    ("199712052023212001", "Lina Marlina, S.Kom.", "lina", "DISKOMINFO-APTIKA", "Pranata Komputer Ahli Pertama (PPPK)", "IX", ["learner"]),
]  # fmt: skip

SUPERVISES = {"hendra": ["DISKOMINFO"], "siti": ["DISDUKCAPIL"]}
EMAIL_DOMAIN = "sukamaju.go.id"


def seed():
    """Create the demo agency once; return the number of accounts created (0 if present)."""
    if db.session.scalar(select(Unit).where(Unit.code == "SKM")) is not None:
        return 0
    units = {}
    for code, name, parent in UNITS:
        unit = Unit(code=code, name=name)
        unit.set_parent(units[parent] if parent else None)
        units[code] = unit
    users = {}
    for nip, name, key, unit, position, grade, roles in PEOPLE:
        user = User(
            nip=nip,
            full_name=name,
            email=f"{key}@{EMAIL_DOMAIN}",
            unit=units[unit],
            position=position,
            grade=grade,
            employee_type="pppk" if grade.isalpha() else "pns",
        )
        user.roles = [Role(r) for r in roles]
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        users[key] = user
    for key, codes in SUPERVISES.items():
        users[key].supervised = [units[c] for c in codes]
    # Direct reports outside the supervised units: a supervisor may also have those.
    users["maria"].supervisor = users["hendra"]
    db.session.flush()
    return len(users)

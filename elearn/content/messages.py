"""Problem messages for package validation, in Bahasa Indonesia (the instructors' language).

Kept as plain format strings in one place so they can be translated later without touching
the parser. Each is formatted with str.format(**fields).
"""

# Reading the package (folder or zip) ------------------------------------------------------------
NOT_FOUND = "paket tidak ditemukan"
NOT_PACKAGE = "bukan folder paket atau berkas .zip"
BAD_ZIP = "berkas .zip rusak atau bukan zip ({detail})"
UNSAFE_PATH = (
    "jalur berkas tidak aman (../, jalur absolut atau garis miring terbalik); paket ditolak"
)
SYMLINK = "tautan simbolik tidak diizinkan; paket ditolak"
NOT_REGULAR = "bukan berkas biasa; paket ditolak"
ENCRYPTED = "berkas terenkripsi tidak didukung; paket ditolak"
DUPLICATE_ENTRY = "nama berkas ganda di dalam zip; paket ditolak"
FILE_TOO_LARGE = "berkas terlalu besar ({size}; batas {limit} per berkas); paket ditolak"
TOTAL_TOO_LARGE = "ukuran total paket melebihi batas {limit}; paket ditolak"
TOO_MANY_FILES = "paket berisi lebih dari {limit} berkas; paket ditolak"
SUSPICIOUS_RATIO = "rasio kompresi mencurigakan ({ratio}:1, kemungkinan bom zip); paket ditolak"
SIZE_MISMATCH = "ukuran isi berkas tidak sesuai dengan daftar isi zip; paket ditolak"
BAD_NAME = "nama berkas tidak sah (bukan UTF-8, karakter kendali, atau lebih dari {limit} karakter)"

# Text and YAML --------------------------------------------------------------------------------
NOT_UTF8 = "berkas bukan teks UTF-8 yang sah (byte {byte} tidak dikenal)"
YAML_ERROR = "YAML tidak sah: {detail}"
YAML_STARTED = " (yang dimulai di baris {line})"
YAML_NOT_MAPPING = "isi YAML harus berupa pasangan 'kunci: nilai'"
DUPLICATE_KEY = "kunci '{key}' ditulis dua kali"
UNKNOWN_KEY = "kunci tidak dikenal '{key}' (yang diizinkan: {allowed})"
MISSING_KEY = "kunci wajib '{key}' tidak ada"
EMPTY_VALUE = "'{key}' tidak boleh kosong"
NOT_TEXT = "'{key}' harus berupa teks"
NOT_INT = "'{key}' harus bilangan bulat"
INT_RANGE = "'{key}' harus antara {low} dan {high}"
NOT_BOOL = "'{key}' harus true atau false"
NOT_CHOICE = "'{key}' harus salah satu dari: {choices}"
TOO_LONG = "'{key}' terlalu panjang (maksimal {limit} karakter)"
NOT_LIST = "'{key}' harus berupa daftar"
SIASN_TYPE_UNKNOWN = (
    "siasn_type {value} tidak ada dalam daftar jenis kursus SIASN instansi ini ({choices})"
)
BAD_SLUG = "slug '{value}' tidak sah: gunakan huruf kecil, angka dan tanda hubung (-)"

# Package structure ----------------------------------------------------------------------------
COURSE_YML_MISSING = "course.yml tidak ditemukan di akar paket"
MODULE_YML_MISSING = "module.yml tidak ditemukan di folder modul"
NO_MODULES = "paket tidak berisi modul (folder bernama NN-slug, mis. 01-dasar-dasar)"
EMPTY_MODULE = "modul tidak berisi pelajaran atau kuis (berkas NN-slug.md)"
BAD_MODULE_DIR = "nama folder modul harus NN-slug, mis. 01-dasar-dasar (huruf kecil, angka, -)"
BAD_ITEM_NAME = "nama berkas harus NN-slug.md, mis. 01-pengantar.md (huruf kecil, angka, -)"
DUPLICATE_SLUG = "slug '{slug}' sudah dipakai oleh {other}"
DUPLICATE_NUMBER = "nomor urut {number} sudah dipakai oleh {other}"
UNKNOWN_FILE = (
    "berkas tidak dikenal di tempat ini: Markdown dan YAML hanya boleh berupa course.yml, "
    "module.yml, pelajaran/kuis NN-slug.md di folder modul, atau pre-test/ujian akhir yang "
    "disebut di course.yml"
)
BLOCKED_TYPE = "jenis berkas .{ext} tidak diizinkan dalam paket"
IMAGE_MISMATCH = "isi berkas bukan gambar {kind} yang sah"
COMPETENCY_REQUIRED = "minimal satu kompetensi wajib diisi di 'competencies'"
COMPETENCY_DUPLICATE = "kompetensi '{name}' ({kind}) disebut dua kali"
QUIZ_FILE_NOT_ROOT = "'{key}' harus nama berkas .md di akar paket, mis. pretest.md"
QUIZ_FILE_MISSING = "berkas '{path}' yang disebut di '{key}' tidak ada"
QUIZ_FILE_TWICE = "pretest dan final_exam tidak boleh menunjuk berkas yang sama"
NOT_A_QUIZ = "berkas ini disebut sebagai {key} di course.yml, jadi harus kuis ('type: quiz')"

# Lessons and quizzes --------------------------------------------------------------------------
FRONT_MATTER_MISSING = "front matter YAML tidak ada: berkas harus diawali baris '---'"
FRONT_MATTER_UNCLOSED = "front matter tidak ditutup dengan baris '---'"
BAD_ITEM_TYPE = "type '{value}' tidak dikenal (tulis 'type: quiz' untuk kuis)"
EMPTY_LESSON = "isi pelajaran kosong"
PRETEST_REQUIRED = "pre-test tidak pernah wajib: hapus 'required: true'"
QUIZ_EMPTY = "kuis tidak berisi soal (setiap soal diawali judul '## ')"
DRAW_TOO_LARGE = "draw ({draw}) melebihi jumlah soal ({count})"
Q_EMPTY_HEADING = "teks soal kosong"
Q_BAD_ID = "id soal '{value}' tidak sah: gunakan huruf, angka, - dan _ (maksimal 100 karakter)"
Q_DUPLICATE_KEY = "id soal '{key}' sudah dipakai soal di baris {other}; tambahkan {{#id}} yang lain"
Q_BAD_TYPE = "type soal '{value}' tidak dikenal (single, multiple, true_false, short, numeric)"
Q_BAD_POINTS = "points harus bilangan bulat positif, bukan '{value}'"
Q_DUPLICATE_SETTING = "'{key}' ditulis dua kali untuk soal ini"
Q_NO_ANSWERS = "soal tidak memiliki pilihan (- [ ] / - [x]) atau jawaban (= ...)"
Q_MIXED = "pilihan (- [ ]) dan jawaban isian (= ...) tidak boleh dicampur dalam satu soal"
Q_FEW_OPTIONS = "soal pilihan memerlukan minimal dua pilihan"
Q_NO_CORRECT = "tidak ada pilihan yang benar (tandai dengan - [x])"
Q_SINGLE_MANY = "soal single harus tepat satu pilihan benar, ditemukan {count}"
Q_TRUE_FALSE_OPTIONS = "soal true_false harus berpilihan Benar dan Salah (atau True dan False)"
Q_TRUE_FALSE_MANY = "soal true_false harus tepat satu pilihan benar"
Q_NEEDS_ANSWERS = "soal {type} ditulis dengan baris '= jawaban', bukan pilihan"
Q_NEEDS_OPTIONS = "soal {type} ditulis dengan pilihan '- [ ]' / '- [x]', bukan '='"
Q_EMPTY_OPTION = "pilihan jawaban kosong"
Q_DUPLICATE_OPTION = "pilihan '{text}' ditulis dua kali"
Q_EMPTY_ANSWER = "jawaban '=' kosong"
Q_NUMERIC_COUNT = "soal numeric harus tepat satu baris '= angka'"
Q_BAD_NUMBER = "angka '{value}' tidak sah: tulis mis. '= 42', '= 3,5' atau '= 1500000 ± 1000'"
Q_UNEXPECTED = (
    "teks tak terduga setelah jawaban: sesudah pilihan atau baris '=' hanya boleh satu "
    "blockquote (> ...) berisi penjelasan"
)

# Links ----------------------------------------------------------------------------------------
LINK_MISSING = "berkas yang ditautkan tidak ada di paket: {url}"
ROOT_LINK_MISSING = (
    "berkas yang ditautkan tidak ada di paket: {url} (jalur yang diawali / dibaca dari akar "
    "paket, tempat course.yml berada)"
)
LINK_OUTSIDE = "tautan keluar dari paket: {url}"
LINK_TO_SOURCE = (
    "tautan ke berkas Markdown/YAML tidak didukung: {url} (yang dapat ditautkan: pelajaran, "
    "kuis, gambar dan lampiran)"
)
NOT_AN_IMAGE = "yang ditampilkan sebagai gambar bukan berkas gambar: {url}"
ANCHOR_MISSING = "bagian '#{fragment}' tidak ada di {target}{known}; tautan membuka awal halaman"
ANCHOR_KNOWN = " (bagian yang ada: {ids})"
THIS_PAGE = "halaman ini"
EXTERNAL_IMAGE = (
    "gambar dari luar paket tidak ditampilkan, hanya tautannya: {url} (simpan gambarnya di paket "
    "agar tampil)"
)
IMAGE_UNREADABLE = "berkas gambar tidak dapat dibaca (rusak atau terpotong)"
IMAGE_TOO_LARGE = "gambar terlalu besar ({width} \u00d7 {height} piksel; batas {limit} megapiksel)"
WARNING = "peringatan"

# Command line summaries -----------------------------------------------------------------------
OK_SUMMARY = (
    "OK {label}: {slug} ({modules} modul, {lessons} pelajaran, {quizzes} kuis, "
    "{questions} soal, {assets} berkas)"
)
IMPORT_CREATED = "{slug}: kursus baru dibuat (versi {number})"
IMPORT_UPDATED = "{slug}: versi baru {number}"
IMPORT_UNCHANGED = "{slug}: tidak berubah (versi {number})"
IMPORT_FAILED = "{label}: tidak diimpor, {count} masalah"
IMPORT_ERROR = "{label}: gagal diimpor, tidak ada yang disimpan ({detail})"
PROBLEM_COUNT = "{count} masalah ditemukan"
WARNING_COUNT = "{count} peringatan (paket tetap dapat diimpor)"
EXPORT_DONE = "{slug} versi {number} diekspor ke {dest}"
EXPORT_NO_COURSE = "kursus '{slug}' tidak ditemukan"
EXPORT_NO_VERSION = "kursus '{slug}' tidak punya versi {number}"
EXPORT_DEST_EXISTS = "{dest} sudah ada dan tidak kosong (pakai --force untuk menimpa berkas zip)"
OWNER_NOT_FOUND = "pengguna '{who}' tidak ditemukan"

"""Default settings. Overridden by instance/config.py, then by ELEARN_* environment variables."""


class DefaultConfig:
    # Set PRODUCTION = True (ELEARN_PRODUCTION=true) on a real server: it requires a secret key
    # and marks cookies Secure.
    PRODUCTION = False
    # Number of reverse proxies (e.g. 1 for nginx) whose X-Forwarded-* headers are trusted.
    TRUSTED_PROXIES = 0

    # ELEARN_DATABASE_URL, e.g. postgresql+psycopg://user:pass@host/elearn. Empty means SQLite in
    # instance/elearn.sqlite3.
    DATABASE_URL = ""
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    INSTANCE_NAME = "Badan Pengembangan SDM"
    INSTANCE_SHORT_NAME = "elearn"
    TIMEZONE = "Asia/Jakarta"

    # Learning hours: one JP lasts 45 minutes by convention (some agencies use 60); every PNS
    # needs 20 JP of competency development a year (PP 11/2017 art. 203, amended by PP 17/2020).
    JP_MINUTES = 45
    YEARLY_JP_TARGET = 20

    # Languages of the interface; the first is the default.
    LANGUAGES = ["id", "en"]
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"

    # Sessions and cookies.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 8 * 3600  # one working day
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    # WTForms ships no Indonesian catalog: every message a user sees is the app's own, in its own
    # catalog. Flask-WTF would otherwise read WTForms' catalog from disk on each request that
    # builds a form (~0.4 ms a page) to find nothing.
    WTF_I18N_ENABLED = False

    # Sign-in throttling (Flask-Limiter syntax). Only failed attempts count.
    # Compressed answers (Flask-Compress) for slow links: pages, JSON, stylesheets and scripts,
    # Brotli or gzip as the browser accepts. A page
    # that echoes something the request chose (a query string, a form sent) goes uncompressed:
    # compression next to the CSRF token would let its size betray the token (BREACH).
    COMPRESS_REGISTER = False  # elearn/web.py decides per answer
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIMETYPES = ["text/html", "text/css", "text/javascript", "application/javascript",
                          "application/json", "application/problem+json",
                          "application/manifest+json", "image/svg+xml"]  # fmt: skip
    COMPRESS_STREAMS = True  # static files too (streamed from disk); exports are not listed
    COMPRESS_MIN_SIZE = 500
    # Static files are addressed with a digest of their content (?v=...), so a browser keeps
    # them a year without asking again; a changed file gets a new address.
    STATIC_VERSIONED_MAX_AGE = 365 * 24 * 3600
    RATELIMIT_STORAGE_URI = "memory://"  # e.g. redis://localhost:6379/0 with several workers
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
    LOGIN_LIMIT_PER_IP = "30 per 15 minutes"
    PASSWORD_RESET_MAX_AGE = 3600  # seconds a reset link stays valid
    SETUP_LINK_MAX_AGE = 7 * 24 * 3600  # seconds a setup link sent by an administrator stays valid
    PASSWORD_MIN_LENGTH = 10
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (a method name, not a password)

    # Outgoing mail. With no MAIL_SERVER, mails are written to the log (development).
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USE_TLS = False  # STARTTLS
    MAIL_USE_SSL = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_SENDER = "elearn <no-reply@localhost>"
    MAIL_TIMEOUT = 10
    # Password setup links mailed per request of the admin's progress page (and per round of
    # `flask users send-setup-links`): small enough that one request stays short.
    SETUP_LINKS_PER_ROUND = 10

    # Uploads (CSV imports, course packages).
    MAX_CONTENT_LENGTH = 50 * 1024 * 1024
    # /teach/import: the largest package, Markdown .zip or .docx, refused while it is read.
    IMPORT_MAX_BYTES = 50 * 1024 * 1024

    # Course packages (folder or .zip): refused before anything is read beyond these limits.
    CONTENT_MAX_FILE_BYTES = 20 * 1024 * 1024
    CONTENT_MAX_TOTAL_BYTES = 200 * 1024 * 1024
    CONTENT_MAX_FILES = 2000
    # Package images wider than this (px) are shown in lessons as a scaled-down copy; the
    # original stays downloadable. For learners on slow links and phones.
    CONTENT_IMAGE_MAX_WIDTH = 1280
    # Where file bytes live (elearn/media/store.py): "database" (default), or "s3" for an
    # S3-compatible bucket (AWS, MinIO, Ceph...): ELEARN_MEDIA_STORE=s3 and the MEDIA_S3_*.
    # Team dashboards over this many people read the summary per unit the worker keeps, counted
    # again every TEAM_FIGURES_REFRESH_MINUTES (elearn/supervision/figures.py); smaller: live.
    TEAM_FIGURES_MIN_PEOPLE = 20000
    TEAM_FIGURES_REFRESH_MINUTES = 15
    MEDIA_STORE = "database"
    MEDIA_S3_ENDPOINT_URL = ""  # e.g. https://s3.example.go.id; empty: AWS
    MEDIA_S3_BUCKET = ""
    MEDIA_S3_REGION = "us-east-1"
    MEDIA_S3_ACCESS_KEY_ID = ""
    MEDIA_S3_SECRET_ACCESS_KEY = ""
    MEDIA_S3_PREFIX = "elearn/blobs/"
    MEDIA_S3_TIMEOUT = 5  # seconds to connect and to read, each
    # Evidence of a development activity (PDF, PNG, JPEG, WebP): at most this many files of at
    # most this size each.
    ACTIVITY_EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
    ACTIVITY_EVIDENCE_MAX_FILES = 5
    USERS_IMPORT_MAX_ROWS = 20000  # rows per CSV file of people (flask users import, /admin)

    PER_PAGE = 25

    # Supervision: reminders of assigned courses go out this many days before the due date
    # (and every day once overdue, at most once a day per course); `flask reminders send`.
    REMINDER_DAYS_BEFORE = 3
    # In-app notifications that were read are deleted by `flask reminders send` after this many
    # days (unread ones are kept).
    NOTIFICATION_RETENTION_DAYS = 180
    # Evaluation surveys (Kirkpatrick levels 1 and 3; elearn/surveys). A course that says
    # nothing requires the reaction survey before its certificate when this is True (else the
    # learner is invited and may skip; each course may decide otherwise). Results are shown
    # once this many answers exist, so a small class cannot be told apart. The follow-up on the
    # job is owed this many weeks after completion. A question whose mean is below this
    # percentage of its scale's top is flagged to the course's instructors and the admins.
    SURVEY_REACTION_REQUIRED_DEFAULT = False
    SURVEY_MIN_ANSWERS = 5
    SURVEY_FOLLOWUP_WEEKS = 8
    SURVEY_REMINDER_DAYS = 7  # one reminder this many days after the invitation mail, at most
    SURVEY_LOW_MEAN_PERCENT = 70

    # SIASN course records (export of completions): the agency's instansiId in SIASN.
    SIASN_INSTANSI_ID = ""
    # SIASN's course types: jenisDiklatId -> (name, jenisKursusSertipikat; "" where the
    # reference list has none). The defaults are the reference list as public clients copy it:
    # confirm with BKN and override here (instance/config.py) when it differs. A course's type is
    # chosen on its Penyelenggara page; courses without one take SIASN_JENIS_DIKLAT_ID (3: Diklat
    # Teknis). Development activities take their kind's codes (Administrasi > Jenis kegiatan).
    SIASN_COURSE_TYPES = {
        1: ("Diklat Struktural", ""),
        2: ("Diklat Fungsional", "F"),
        3: ("Diklat Teknis", "T"),
        4: ("Workshop", "P"),
        5: ("Pelatihan Manajerial", ""),
        6: ("Pelatihan Sosial Kultural", ""),
        7: ("Sosialisasi", "P"),
        8: ("Bimbingan Teknis", "P"),
        9: ("Seminar", "P"),
        10: ("Magang", "P"),
    }
    SIASN_JENIS_DIKLAT_ID = 3
    # jenisKursusSertipikat of every course record, whatever its type (None: from the type).
    SIASN_JENIS_KURSUS_SERTIPIKAT = None

    # Quizzes: an answer sheet arriving up to this many seconds after an attempt's deadline
    # still counts as sent (network and slow phones); later ones are graded as they stood at
    # the deadline.
    QUIZ_GRACE_SECONDS = 30

    # Certificates. Numbers read PREFIX-YEAR-XXXX-XXXX-XXXX (e.g. ELN-2026-7K3Q-9XPM-H4TD).
    # The signatory and the institution (INSTANCE_NAME) are copied onto each certificate at issue.
    CERTIFICATE_NUMBER_PREFIX = "ELN"
    CERTIFICATE_SIGNATORY_NAME = "Dr. Siti Rahmawati, S.Sos., M.Si."
    CERTIFICATE_SIGNATORY_TITLE = "Kepala Badan Pengembangan SDM"
    CERTIFICATE_SIGNATORY_NIP = "197503142000032001"
    # PNG or JPEG printed at the top of the certificate; a relative path is looked up in the
    # instance folder first, then in the project folder.
    CERTIFICATE_LOGO = "static/img/certificate-logo.png"
    # The public address of this instance, e.g. https://elearn.example.go.id. Every link that
    # leaves the application (mails, QR codes, exports) is built from it, never from the request's
    # Host header. Required in production; the default suits `make run`.
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    # Host names requests may use (Flask's TRUSTED_HOSTS). Empty: in production the host of
    # PUBLIC_BASE_URL only; during development any host.
    TRUSTED_HOSTS = None
    VERIFY_RATE_LIMIT = "60 per minute"  # public certificate lookups, per IP address

    # Level of the application's log (stderr); INFO keeps e.g. public certificate look-ups.
    LOG_LEVEL = "INFO"

    # --- jobs ---
    # The job queue (Huey) and its worker, `flask jobs worker` (`make run` starts one). "sqlite":
    # a queue file in the instance folder, for one machine; "redis": REDIS_URL, shared by every
    # app host and worker; "immediate": jobs run inside the app (tests only).
    JOBS_BACKEND = "sqlite"
    JOBS_SQLITE_PATH = ""  # default: instance/jobs.sqlite3
    REDIS_URL = ""  # e.g. redis://127.0.0.1:6379/0
    JOBS_WORKERS = 2  # jobs one worker runs at once
    # Exports of more rows than this are prepared as a job (progress bar, then a download kept
    # for its owner for JOB_RESULT_HOURS).
    EXPORT_INLINE_MAX_ROWS = 5000
    JOB_RESULT_HOURS = 24
    # A running job without a heartbeat for this long lost its worker: it is run again, at most
    # JOB_MAX_ATTEMPTS times in all, then marked failed. A queued job not picked up after
    # JOB_REQUEUE_SECONDS is put on the queue again (e.g. Redis was down when it was made).
    JOB_STALE_SECONDS = 120
    JOB_MAX_ATTEMPTS = 3
    JOB_REQUEUE_SECONDS = 300
    # The daily round (reminders, digests, survey mails, badges), started by the worker from this
    # hour (HH:MM, in TIMEZONE) once a day; `flask reminders send` from cron does the same.
    DAILY_ROUND_AT = "07:00"
    # Mail sent through the queue (after the commit) is tried again this many times, this many
    # seconds apart, while the mail server refuses it or is down.
    MAIL_RETRIES = 5
    MAIL_RETRY_SECONDS = 60

    # --- hosts ---
    # Several app hosts behind nginx (deploy/, docs/production.md) share the sign-in counts
    # through RATELIMIT_STORAGE_URI (redis://...). While that storage cannot be reached, sign-in
    # fails closed: every attempt is refused with 503 and "try again in a moment" (asking again
    # after LOGIN_SAFE_MODE_RETRY_SECONDS), signed-in pages keep working, and sign-in works again
    # by itself once Redis answers. The other limits (password reset mails, certificate look-ups)
    # count in each process meanwhile and go back to the shared storage by themselves.
    LOGIN_SAFE_MODE_RETRY_SECONDS = 30
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True  # a storage error on those other limits is logged, never a 500
    # A Redis that does not answer costs a request at most this long (seconds), never a worker.
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}

    # --- faults ---
    # While the database is unavailable (a restart, a failover) pages answer 503 with a page that
    # needs no database and a Retry-After of DB_RETRY_AFTER seconds. A GET or HEAD that lost its
    # connection runs once more after DB_RETRY_PAUSE seconds (None: never); a write never does.
    DB_RETRY_PAUSE = 0.5
    DB_RETRY_AFTER = 5
    # PostgreSQL: seconds to wait for a new connection (an unreachable server must not hold a
    # worker for minutes), and for a free connection of the pool before answering 503.
    DB_CONNECT_TIMEOUT = 5
    DB_POOL_TIMEOUT = 10
    # `flask backup` writes here (empty: instance/backups); pg_dump and pg_restore are looked
    # up in BACKUP_PG_BIN_DIR when set, else on PATH, else in /usr/lib/postgresql/*/bin.
    BACKUP_DIR = ""
    BACKUP_PG_BIN_DIR = ""

    # --- api ---
    # The JSON API under /api/v1 (elearn/api), documented at /api/v1/openapi.json.
    API_TITLE = "elearn API"
    API_VERSION = "1"
    OPENAPI_VERSION = "3.1.0"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    API_RATE_LIMIT = "600 per minute"  # per token

    # --- credentials ---
    # Ed25519 signing key of the Open Badges credentials (default: instance/ed25519_key.pem).
    CREDENTIALS_KEY_PATH = None
    # Or the key itself (PEM text): the same on every app host, like SECRET_KEY.
    CREDENTIALS_KEY = None
    # Issuer name in the credentials' Profile (default: INSTANCE_NAME).
    CREDENTIALS_ISSUER_NAME = None

    # --- xapi ---
    # Learning events as xAPI statements to a Learning Record Store, off by default. The
    # statements wait in the database and the worker sends them in batches (never a page).
    XAPI_ENABLED = False
    XAPI_ENDPOINT = ""  # e.g. https://lrs.example.go.id/xAPI (…/statements is appended)
    XAPI_KEY = ""
    XAPI_SECRET = ""
    XAPI_BATCH_SIZE = 50
    XAPI_TIMEOUT_SECONDS = 10
    XAPI_RETRY_MAX_SECONDS = 3600  # backoff 30 s, 60 s, 120 s … up to this

    # --- siasn ---

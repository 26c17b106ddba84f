"""Every setting of eCésure, read once from the environment.

Each field has a default that works on one developer machine (SQLite file under
``var/``, local Redis, the dev SMTP sink). ``ENV=prod`` refuses insecure defaults:
see :func:`Settings.problems_for_production`.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_METRICS_ALLOWED_IPS = "127.0.0.1,::1"
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _networks(value: str) -> tuple[IPNetwork, ...]:
    """``10.0.0.0/8, 127.0.0.1, ::1``: addresses and networks, comma-separated."""
    try:
        return tuple(
            ipaddress.ip_network(part.strip(), strict=False)
            for part in value.split(",")
            if part.strip()
        )
    except ValueError as exc:
        raise RuntimeError(f"METRICS_ALLOWED_IPS: {exc}") from None


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def _env_bool(name: str, default: bool) -> bool:
    return _env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    return int(_env(name, str(default)))


def _var_dir() -> Path:
    return Path(_env("VAR_DIR", str(PROJECT_ROOT / "var"))).resolve()


def _dev_secret_key(var_dir: Path) -> str:
    """Generate the dev secret once and keep it, so sessions survive restarts."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


@dataclass(frozen=True)
class Settings:
    env: str
    """``dev`` (default) or ``prod``. ``prod`` refuses insecure defaults at start-up."""
    var_dir: Path
    """Writable folder for the dev database, the dev secret, files and the mail sink."""
    database_url: str
    """``sqlite:///path.db`` (default ``var/ecesure.db``) or ``postgres://user@host/db``."""
    redis_url: str
    """Redis for sessions, rate limits and the arq job queue."""
    secret_key: str
    """Signs sessions and tokens. Dev: generated once into ``var/secret_key``."""
    secret_key_is_default: bool
    base_url: str
    """Public URL of the portal, used in mail links."""
    smtp_host: str
    """SMTP server. Dev default: the local sink started by ``make run``."""
    smtp_port: int
    smtp_tls: str
    """``none``, ``starttls`` or ``tls`` (implicit TLS, port 465)."""
    smtp_username: str
    smtp_password: str
    smtp_timeout_seconds: float
    """How long a worker waits for each answer of the SMTP server before it gives up
    (the mail is retried)."""
    mail_from: str
    """Sender address of every mail."""
    storage_dir: Path
    """Uploaded files live here, outside the web root."""
    timezone: str
    """Dates shown and windows computed in this zone."""
    default_language: str
    """``fr`` or ``en``: the language before the user chooses."""
    admin_allowed_hosts: tuple[str, ...] = field(default_factory=tuple)
    """Host names the admin accepts behind HTTPS (prod)."""
    account_activation_days: int = 5
    """Days an unactivated account is kept before the purge job destroys it."""
    retention_days: int = 365
    """Days an archived campaign's candidate data is kept, counted from its archiving;
    then accounts, dossiers and files are purged (anonymous counts kept)."""
    retention_warning_days: int = 30
    """The candidates of an archived campaign are warned by mail this many days before
    the purge."""
    password_reset_hours: int = 2
    """Validity of a password-reset link."""
    max_wishes: int = 20
    """Maximum live applications per candidate."""
    max_upload_bytes: int = 2 * 1024 * 1024
    """Largest accepted piece."""
    cas_server_url: str = ""
    """University CAS server (``https://cas.example.fr/cas``). Empty in dev: the built-in
    development CAS server is used."""
    letter_requires_confirmation: bool = False
    """The admission letter is offered only once the candidate has confirmed (otherwise
    as soon as the favourable decision is validated)."""
    jobs_refresh_seconds: int = 5
    """How often the ops jobs page (/staff/ops/jobs) reloads its panel (2 at least)."""
    offer_cache_seconds: float = 5.0
    """The most a process keeps the offer tree; admin edits show at once anyway (a
    catalogue version in Redis, see app/catalog/offer_cache.py)."""
    accessibility_contact_email: str = "accessibilite@univ-toulouse.example"
    """Where the accessibility statement sends users who cannot use a page."""
    database_pool_size: int = 10
    """PostgreSQL connections per process (web process or worker); see docs/deploy.md."""
    database_behind_pgbouncer: bool = False
    """PgBouncer in transaction mode: asyncpg must not cache prepared statements."""
    gc_freeze: bool = True
    """Each web process freezes what start-up left out of the garbage collector's walks
    (app/web/server_gc.py); off in the tests, which build an app for each test."""
    templates_auto_reload: bool = True
    """Pages see template and static file edits without a restart (a stat per file per page)."""
    student_records: str = "demo"
    """``demo`` (fictitious students, dev only) or ``package.module:factory`` of the
    university's student-records adapter."""
    privacy_contact: str = (
        "Délégué à la protection des données, Université de Toulouse, 118 route de "
        "Narbonne, 31062 TOULOUSE"
    )
    """Who answers candidates about their personal data (shown on the information
    notice "Données personnelles")."""
    privacy_contact_email: str = "dpo@ecesure.localhost"
    """Where the candidates' requests about their data are mailed (deletion once an
    application is transmitted, rectification, objection)."""
    data_export_hours: int = 72
    """Validity of a "Mes données" download link (the link works once)."""
    metrics_allowed_networks: tuple[IPNetwork, ...] = field(
        default_factory=lambda: _networks(DEFAULT_METRICS_ALLOWED_IPS)
    )
    """Addresses or networks that may read ``/metrics`` (the peer address uvicorn sees)."""

    @property
    def is_prod(self) -> bool:
        return self.env == "prod"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def mail_sink_dir(self) -> Path:
        return self.var_dir / "mail-sink"

    def problems_for_production(self) -> list[str]:
        """Reasons this configuration is unsafe to run with ``ENV=prod``."""
        problems = []
        if self.secret_key_is_default:
            problems.append("SECRET_KEY must be set (at least 32 characters)")
        elif len(self.secret_key) < 32:
            problems.append("SECRET_KEY is shorter than 32 characters")
        if self.is_sqlite:
            problems.append("DATABASE_URL must point to PostgreSQL, not SQLite")
        if not self.base_url.startswith("https://"):
            problems.append("BASE_URL must start with https://")
        if self.smtp_host in {"127.0.0.1", "localhost"} and self.smtp_port == 8025:
            problems.append("SMTP_HOST/SMTP_PORT still point to the dev mail sink")
        if not self.admin_allowed_hosts:
            problems.append("ADMIN_ALLOWED_HOSTS must list the public host name(s)")
        if not self.cas_server_url:
            problems.append("CAS_SERVER_URL must be set (the development CAS server is dev-only)")
        if self.student_records == "demo":
            problems.append("STUDENT_RECORDS must name the university's adapter, not demo")
        examples = [
            name for name, value in self._contacts().items() if value == EXAMPLE_CONTACTS[name]
        ]
        if examples:
            problems.append(
                f"{', '.join(examples)} still hold the examples: set the university's contacts"
            )
        return problems

    def _contacts(self) -> dict[str, str]:
        return {
            "MAIL_FROM": self.mail_from,
            "PRIVACY_CONTACT": self.privacy_contact,
            "PRIVACY_CONTACT_EMAIL": self.privacy_contact_email,
            "ACCESSIBILITY_CONTACT_EMAIL": self.accessibility_contact_email,
        }


# What candidates are shown or mailed from until the university sets its own: fine in
# dev, refused in production (a notice naming a fictitious DPO misleads candidates).
EXAMPLE_CONTACTS = {
    "MAIL_FROM": "eCésure <no-reply@ecesure.localhost>",
    "PRIVACY_CONTACT": Settings.privacy_contact,
    "PRIVACY_CONTACT_EMAIL": Settings.privacy_contact_email,
    "ACCESSIBILITY_CONTACT_EMAIL": Settings.accessibility_contact_email,
}


def default_base_url() -> str:
    """Where ``make run`` serves (``HOST``/``PORT``), so dev mails link to the running portal."""
    host = _env("HOST", "127.0.0.1")
    if host in {"0.0.0.0", "::", ""}:  # listening everywhere: link to this machine
        host = "127.0.0.1"
    return f"http://{host}:{_env('PORT', '8000')}"


def load_settings() -> Settings:
    env = _env("ENV", "dev").lower()
    if env not in {"dev", "prod"}:
        raise RuntimeError(f"ENV must be 'dev' or 'prod', not {env!r}")
    var_dir = _var_dir()
    explicit_key = os.environ.get("SECRET_KEY", "")
    if explicit_key:
        secret_key = explicit_key
    elif env == "prod":
        secret_key = ""
    else:
        secret_key = _dev_secret_key(var_dir)
    language = _env("DEFAULT_LANGUAGE", "fr")
    if language not in {"fr", "en"}:
        raise RuntimeError(f"DEFAULT_LANGUAGE must be 'fr' or 'en', not {language!r}")
    hosts = tuple(h.strip() for h in _env("ADMIN_ALLOWED_HOSTS", "").split(",") if h.strip())
    jobs_refresh = _env_int("JOBS_REFRESH_SECONDS", 5)
    if jobs_refresh < 2:
        raise RuntimeError(f"JOBS_REFRESH_SECONDS must be 2 or more, not {jobs_refresh}")
    return Settings(
        env=env,
        var_dir=var_dir,
        database_url=_env("DATABASE_URL", f"sqlite:///{var_dir / 'ecesure.db'}"),
        redis_url=_env("REDIS_URL", "redis://127.0.0.1:6379/0"),
        secret_key=secret_key,
        secret_key_is_default=not explicit_key,
        base_url=_env("BASE_URL", default_base_url()).rstrip("/"),
        smtp_host=_env("SMTP_HOST", "127.0.0.1"),
        smtp_port=_env_int("SMTP_PORT", 8025),
        smtp_tls=_env("SMTP_TLS", "none").lower(),
        smtp_username=_env("SMTP_USERNAME", ""),
        smtp_password=_env("SMTP_PASSWORD", ""),
        smtp_timeout_seconds=float(_env("SMTP_TIMEOUT_SECONDS", "10")),
        mail_from=_env("MAIL_FROM", EXAMPLE_CONTACTS["MAIL_FROM"]),
        storage_dir=Path(_env("STORAGE_DIR", str(var_dir / "storage"))).resolve(),
        timezone=_env("TIMEZONE", "Europe/Paris"),
        default_language=language,
        admin_allowed_hosts=hosts,
        account_activation_days=_env_int("ACCOUNT_ACTIVATION_DAYS", 5),
        retention_days=_env_int("RETENTION_DAYS", 365),
        retention_warning_days=_env_int("RETENTION_WARNING_DAYS", 30),
        password_reset_hours=_env_int("PASSWORD_RESET_HOURS", 2),
        max_wishes=_env_int("MAX_WISHES", 20),
        max_upload_bytes=_env_int("MAX_UPLOAD_BYTES", 2 * 1024 * 1024),
        cas_server_url=_env("CAS_SERVER_URL", ""),
        student_records=_env("STUDENT_RECORDS", "demo"),
        letter_requires_confirmation=_env_bool("LETTER_REQUIRES_CONFIRMATION", False),
        offer_cache_seconds=float(_env("OFFER_CACHE_SECONDS", "5")),
        jobs_refresh_seconds=jobs_refresh,
        privacy_contact=_env("PRIVACY_CONTACT", Settings.privacy_contact),
        privacy_contact_email=_env("PRIVACY_CONTACT_EMAIL", Settings.privacy_contact_email),
        data_export_hours=_env_int("DATA_EXPORT_HOURS", 72),
        accessibility_contact_email=_env(
            "ACCESSIBILITY_CONTACT_EMAIL", Settings.accessibility_contact_email
        ),
        database_pool_size=_env_int("DATABASE_POOL_SIZE", 10),
        database_behind_pgbouncer=_env_bool("DATABASE_PGBOUNCER", False),
        gc_freeze=_env_bool("GC_FREEZE", True),
        templates_auto_reload=_env_bool("TEMPLATES_AUTO_RELOAD", env != "prod"),
        metrics_allowed_networks=_networks(
            _env("METRICS_ALLOWED_IPS", DEFAULT_METRICS_ALLOWED_IPS)
        ),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()

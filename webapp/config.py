"""Configuration: defaults, then instance/config.py, then GRANTPATH_* environment variables,
then the overrides a caller (the tests) passes. Validation fails with one clear sentence."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError


class ConfigError(RuntimeError):
    """A setting that makes start-up impossible; the message is shown to the operator as is."""


DEFAULT_UPLOAD_BYTES = 10 * 1024 * 1024
#: Read from the environment without the GRANTPATH_ prefix too, as hosting platforms name them.
PLATFORM_VARIABLES = ("DATABASE_URL", "REDIS_URL")
#: What a request may carry beyond the largest upload: the form's other fields and multipart framing.
REQUEST_SLACK_BYTES = 1024 * 1024


def defaults(instance_path: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(Path(instance_path) / "grantpath.sqlite"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "DEMO": False,
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
        "LANGUAGES": ["sv", "en"],
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": True,
        # "Keep me signed in" lasts this long (seconds); signing out or a new password ends it sooner.
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 14,
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
        "WTF_CSRF_TIME_LIMIT": None,  # a long writing session must not lose its form to an expired token
        "RATELIMIT_STORAGE_URI": "memory://",
        # Redis (redis://host:6379/0), when several instances run: the sign-in counters live there.
        "REDIS_URL": None,
        "RATELIMIT_HEADERS_ENABLED": True,
        # Failed sign-ins per address from one client, and per client over all addresses.
        "SIGNIN_LIMITS": "10 per minute;50 per hour",
        "SIGNIN_CLIENT_LIMITS": "30 per minute;200 per hour",
        # Where people reach Grantpath (scheme and host, no path): every mailed link starts with it.
        "PUBLIC_URL": "http://127.0.0.1:5000",
        # How many reverse proxies stand in front of the app (nginx, a load balancer): their
        # X-Forwarded-For/-Proto/-Host are believed that many hops deep (werkzeug's ProxyFix). 0: none,
        # and the headers are ignored, as anyone can send them.
        "PROXY_FIX_HOPS": 0,
        # Flask's own: the host names requests may name (None: any); e.g. ["grantpath.example.org"].
        "TRUSTED_HOSTS": None,
        "MAIL_SERVER": "",
        "MAIL_PORT": 587,
        "MAIL_USE_TLS": True,
        "MAIL_USERNAME": "",
        "MAIL_PASSWORD": "",
        "MAIL_FROM": "Grantpath <no-reply@example.org>",
        "TOKEN_MAX_AGE": 60 * 60 * 24,
        "INVITATION_MAX_AGE": 60 * 60 * 24 * 14,
        "WORKFLOWS_DIR": str(Path(__file__).resolve().parent.parent / "workflows"),
        # A PDF that takes longer than this (seconds) to render is given up, so it cannot pin a worker.
        "PDF_RENDER_SECONDS": 30,
        # A dossier not ready within this many seconds is made in the background while its page
        # waits (webapp/pdf/render.py), for up to PDF_BACKGROUND_SECONDS.
        "PDF_WAIT_SECONDS": 5,
        "PDF_BACKGROUND_SECONDS": 300,
        # An export of the overview longer than this many rows is written in the background
        # (webapp/exports) while its page shows the progress; shorter ones are sent at once.
        "EXPORT_INLINE_ROWS": 2_000,
        # Where files written for later are kept (webapp/core/storage.py); None: instance/files.
        "FILE_STORAGE_DIR": None,
        # Or an S3-compatible bucket (then the folder is not used): its name, a prefix inside it, and
        # for a service that is not Amazon's its address (https://minio.example.org).
        "FILE_STORAGE_BUCKET": None,
        "FILE_STORAGE_PREFIX": "",
        "S3_ENDPOINT_URL": None,
        "S3_REGION": None,
        "S3_ACCESS_KEY_ID": None,
        "S3_SECRET_ACCESS_KEY": None,
        # The largest PDF an upload may be (GRANTPATH_MAX_UPLOAD_BYTES): beyond it the field says so.
        "MAX_UPLOAD_BYTES": DEFAULT_UPLOAD_BYTES,
        # Flask's own cap on a whole request; None: the upload limit plus room for the other fields,
        # so a far-too-large request gets the 413 page rather than a field message or a reset connection.
        "MAX_CONTENT_LENGTH": None,
    }


def load(app, overrides: dict | None) -> None:
    app.config.update(defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    key_file = Path(app.instance_path) / "secret_key"
    if not app.config.get("SECRET_KEY") and key_file.is_file():
        app.config["SECRET_KEY"] = key_file.read_text().strip()
    app.config.from_prefixed_env(prefix="GRANTPATH")
    default_database = defaults(app.instance_path)["SQLALCHEMY_DATABASE_URI"]
    for name in PLATFORM_VARIABLES:  # the names hosting platforms set, where nothing of ours says otherwise
        explicit = app.config.get(name) or (
            name == "DATABASE_URL" and app.config["SQLALCHEMY_DATABASE_URI"] != default_database
        )
        if not explicit and os.environ.get(name):
            app.config[name] = os.environ[name]
    if "DATABASE_URL" in app.config:
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config.pop("DATABASE_URL")
    app.config["SQLALCHEMY_DATABASE_URI"] = with_driver(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config.get("REDIS_URL") and app.config.get("RATELIMIT_STORAGE_URI") == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]  # counters every instance shares
    if overrides:
        app.config.update(overrides)
    validate(app.config)
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_UPLOAD_BYTES"] + REQUEST_SLACK_BYTES


def with_driver(uri):
    """A PostgreSQL URL as platforms write it (postgres://, postgresql://) with the driver Grantpath
    installs (psycopg 3); any other URL as it is."""
    if isinstance(uri, str):
        for scheme in ("postgres://", "postgresql://"):
            if uri.startswith(scheme):
                return "postgresql+psycopg://" + uri[len(scheme) :]
    return uri


def validate(config) -> None:
    secret = config.get("SECRET_KEY")
    if not secret or len(str(secret)) < 16:
        raise ConfigError(
            "No secret key: set GRANTPATH_SECRET_KEY or write one of at least 16 characters to "
            "instance/secret_key (make run does this for you)."
        )
    uri = config.get("SQLALCHEMY_DATABASE_URI")
    try:
        url = make_url(uri)
        url.get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError, AttributeError) as exc:
        raise ConfigError(f"The database URL {uri!r} is not usable: {exc}") from None
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        folder = Path(url.database).parent
        if not folder.is_dir():
            raise ConfigError(f"The folder for the SQLite database does not exist: {folder}")
    storage = str(config.get("RATELIMIT_STORAGE_URI", ""))
    if "://" not in storage:
        raise ConfigError(
            f"RATELIMIT_STORAGE_URI {storage!r} is not a storage URI such as memory:// or redis://host:6379"
        )
    public_url = config.get("PUBLIC_URL")
    try:
        parts = urlsplit(str(public_url or ""))
        parts.port  # noqa: B018 (raises ValueError for a garbled port)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname)
        usable = usable and not (parts.path.strip("/") or parts.query or parts.fragment)
    except ValueError:
        usable = False
    if not usable:
        raise ConfigError(
            f"PUBLIC_URL {public_url!r} is not the address where people reach Grantpath, "
            "such as https://grantpath.example.org (http or https, a host, no path)"
        )
    hops = config.get("PROXY_FIX_HOPS", 0)
    if isinstance(hops, bool) or not isinstance(hops, int) or not 0 <= hops <= 5:
        raise ConfigError(f"PROXY_FIX_HOPS {hops!r} is not the number of proxies in front of Grantpath (0 to 5)")
    upload = config.get("MAX_UPLOAD_BYTES", DEFAULT_UPLOAD_BYTES)
    if isinstance(upload, bool) or not isinstance(upload, int) or upload < 1:
        raise ConfigError(f"MAX_UPLOAD_BYTES {upload!r} is not a number of bytes, such as 10485760 (10 MB)")
    request_cap = config.get("MAX_CONTENT_LENGTH")
    if request_cap is not None and (
        isinstance(request_cap, bool) or not isinstance(request_cap, int) or request_cap <= upload
    ):
        raise ConfigError(
            f"MAX_CONTENT_LENGTH {request_cap!r} must be larger than MAX_UPLOAD_BYTES ({upload}), "
            "or left unset to follow it"
        )
    trusted = config.get("TRUSTED_HOSTS")
    if trusted is not None and (
        not isinstance(trusted, (list, tuple)) or not all(isinstance(host, str) for host in trusted)
    ):
        raise ConfigError(
            f"TRUSTED_HOSTS {trusted!r} is not a list of host names, "
            """such as GRANTPATH_TRUSTED_HOSTS='["grantpath.example.org"]'"""
        )


def ensure_instance_folder(instance_path: str) -> None:
    os.makedirs(instance_path, exist_ok=True)

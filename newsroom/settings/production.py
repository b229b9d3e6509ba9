"""Production: everything from the environment; refuses to start without a SECRET_KEY or a REDIS_URL."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import MEDIA_STORAGE, REDIS_URL, env_bool, env_int, env_list

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production.")
# One cache shared by every worker: the comment rate limit, the Akismet back-off after a 429 and the
# page-cache generation must be the same in every process. The per-process memory cache base.py falls
# back to would give each gunicorn worker its own (a reader gets RATE_LIMIT_COUNT comments per worker,
# and a published article could be served stale by the workers that did not publish it). Redis rather
# than Django's database cache: that one writes every cached page into PostgreSQL and counts the table
# on each write to cull it, load the site's database does not need.
if not REDIS_URL:
    raise ImproperlyConfigured(
        "REDIS_URL must be set in the environment for production (e.g. redis://127.0.0.1:6379/0): "
        "every worker must share one cache."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# HSTS: browsers that saw the site once refuse plain HTTP for a year. Subdomains and the browsers' preload
# list are the operator's choice (they bind every subdomain, and preload is hard to undo), so they are off
# unless set; Django's deploy check warns about each (security.W005, security.W021), silenced below.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

SILENCED_SYSTEM_CHECKS = [
    # X_FRAME_OPTIONS is SAMEORIGIN, not DENY: Wagtail's live preview frames the page being edited.
    "security.W019",
    # HSTS for subdomains: off unless SECURE_HSTS_INCLUDE_SUBDOMAINS says so (other hosts of the domain
    # may not speak HTTPS).
    "security.W005",
    # HSTS preload: off unless SECURE_HSTS_PRELOAD says so (leaving the preload list takes months).
    "security.W021",
]

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

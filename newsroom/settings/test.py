"""Tests: fast and honest. A cheap password hasher, local-memory cache, tasks run at once, in-memory mail.

DATABASE_URL still decides the database, so `.ci/run` runs the same suite on PostgreSQL.
"""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, INSTALLED_APPS, MIDDLEWARE

DEBUG = False
# The demo app is tested too (load_demo) and its Akismet stand-in serves the comments tests.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
SECRET_KEY = "test-only-secret-key"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The whole-page cache is off here: tests of rendering (query counts, a name changed in the database between
# two views) see each view rendered. The page cache's own tests turn it on (articles/tests/test_page_cache.py).
NEWSROOM = {**NEWSROOM, "PAGE_CACHE": False}  # noqa: F405
# One folder per pytest-xdist worker (gw0, gw1...), should anything write there beside the in-memory storage.
MEDIA_ROOT = BASE_DIR / f".test-media{os.environ.get('PYTEST_XDIST_WORKER', '')}"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than memory, so `make test` can keep it between runs (`--reuse-db`: migrations are
    # then only checked, not all replayed); pytest-django adds each xdist worker's suffix (_gw0, _gw1...).
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"

# Static files come from the finders here (runserver / the test client); WhiteNoise serves STATIC_ROOT in production.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]

# Tasks run inside the tests; their INFO lines would bury a failure's output.
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
LOGGING["loggers"]["django_tasks"] = {"level": "WARNING"}  # noqa: F405

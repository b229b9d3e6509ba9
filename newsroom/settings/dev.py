"""Development: `make run`. DEBUG on (but the site's own error pages), console e-mail, a fixed insecure key."""

from .base import *  # noqa: F403
from .base import COMMENTS, INSTALLED_APPS, MIDDLEWARE, env_int, env_list

DEBUG = True
# The demo newsroom, `dev_setup`/`dev_login` and the Akismet stand-in: development and tests only.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
INTERNAL_IPS = ["127.0.0.1"]

# Static files come from the finders here (runserver / the test client); WhiteNoise serves STATIC_ROOT in production.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]
# The site's own 404 and 500 pages rather than Django's debug pages (tracebacks still go to the console).
MIDDLEWARE += ["demo.middleware.SiteErrorPagesMiddleware"]

# Comments: recheck "unchecked" comments a minute after posting, so a newcomer sees it happen.
COMMENTS = {**COMMENTS, "RECHECK_DELAY_MINUTES": env_int("COMMENTS_RECHECK_DELAY_MINUTES", 1)}

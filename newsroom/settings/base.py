"""Settings shared by every environment.

Environment-specific files (dev, test, production) import this module and change only what differs.
Everything an operator sets is read from the environment; see README.md, "Configuration".
"""

import importlib.util
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable; '1', 'true', 'yes' and 'on' mean yes."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Applications -------------------------------------------------------------------------------

INSTALLED_APPS = [
    # modeltranslation patches the admin's forms, so it comes before anything that registers them.
    "modeltranslation",
    "core",
    "articles",
    "comments",
    "operations",
    "wordpress",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    # Not "wagtail.contrib.frontend_cache": its app only connects handlers that purge a published page's own
    # URL before the publish commits. articles/pagecache.py uses its purge function and backends (below)
    # with the full list of URLs a change touches, after the commit.
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.locales",
    "wagtail",
    # No "modelsearch" here: wagtail.search is its app config, and a second instance stops the search
    # index from updating ("Multiple instances of the modelsearch app were found in INSTALLED_APPS").
    "modelcluster",
    "taggit",
    "django_comments_xtd",
    "django_comments",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.staticfiles",
    "csp",
    # Admin login attempts, counted per username and IP address (see AXES_* below).
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that renders: the nonce is made lazily when a template asks for it.
    "newsroom.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous readers' pages, whole (articles/pagecache.py): as early as is safe, so a hit skips the rest.
    # After the HTTPS redirect and security headers, the CSP header (built afresh for every hit) and static files.
    "articles.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Confines the Moderators to the comments workspace in the admin (Wagtail's choosers, APIs and reports
    # check other permissions, or none); after authentication, so it knows who is asking.
    "comments.admin_scope.ModeratorAdminScopeMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username+IP before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "articles.context_processors.site_chrome",
            ],
        },
    },
]

# --- Data ---------------------------------------------------------------------------------------

# DATABASE_URL unset: a SQLite file beside the code, so a newcomer needs nothing else.
# WAL journal mode (set on every connection by init_command below) lets readers and a writer work at once.
SQLITE_OPTIONS = {
    # A busy database makes a writer wait (up to 20 s) instead of failing a reader's comment.
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def database_settings(config: dict) -> dict:
    """One entry of DATABASES from dj-database-url's parse, with SQLite's tuning when it is SQLite."""
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {})
        config["OPTIONS"].update(SQLITE_OPTIONS)
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = False
    return config


DATABASE_CONN_MAX_AGE = env_int("DATABASE_CONN_MAX_AGE", 60)
DATABASES = {
    "default": database_settings(
        dj_database_url.config(
            default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=DATABASE_CONN_MAX_AGE,
            conn_health_checks=True,
        )
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    INSTALLED_APPS.append("django.contrib.postgres")

# Read replicas (PostgreSQL streaming replicas of DATABASE_URL), comma-separated URLs: reader pages read
# from them, everything else from the primary (newsroom/database_routing.py says exactly what). Unset:
# one database, no router.
DATABASE_REPLICAS = []
for number, url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    alias = f"replica{number}"
    DATABASES[alias] = database_settings(
        dj_database_url.parse(url, conn_max_age=DATABASE_CONN_MAX_AGE, conn_health_checks=True)
    )
    # The test runner makes no database of its own for a replica: it reads the test database.
    DATABASES[alias]["TEST"] = {"MIRROR": "default"}
    DATABASE_REPLICAS.append(alias)
# Seconds a browser that has just written (a comment, a sign-in) keeps reading from the primary: longer
# than the replicas' usual lag.
DATABASE_REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 5)
if DATABASE_REPLICAS:
    DATABASE_ROUTERS = ["newsroom.database_routing.PrimaryReplicaRouter"]
    # Before the session and authentication middleware, so their reads follow the request's choice.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "newsroom.database_routing.ReadReplicaMiddleware",
    )

DATABASE_IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom",
            "TIMEOUT": 300,
        }
    }
else:
    # Without Redis (development), a table in the site's own database (made by migration core 0002): the
    # web process, the task worker and the scheduler are separate processes under `make run`, and the
    # worker's purges (a scheduled publish, a comment a recheck publishes) must reach the web process's
    # pages. In the database, it goes with it: a database made anew starts with an empty cache.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "newsroom_cache",
            "TIMEOUT": 300,
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

# Sessions: with Redis, read from the cache and written through to the database, so a sign-in survives
# Redis evicting or losing its keys (and a cache cleared on publishing does not sign editors out).
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Background work (comment rechecks, purges, search index updates) goes through django-tasks; tests run
# tasks at once. TASKS_QUEUE picks the queue:
# - "database" (the default without REDIS_URL): django-tasks-db, the database is the queue, worked through
#   by `manage.py db_worker --queue-name "*"`;
# - "redis" (the default with REDIS_URL): RQ through django-tasks-rq, worked through by
#   `manage.py rqworker default --with-scheduler` (the scheduler runs deferred tasks, such as rechecks,
#   when they are due), on TASKS_REDIS_URL. The queue is kept off the database, so workers on other
#   machines add no load to the primary.
TASKS_QUEUE = os.environ.get("TASKS_QUEUE", "") or ("redis" if REDIS_URL else "database")
if TASKS_QUEUE == "redis":
    # A queue must not lose jobs: give it a Redis (or database number) whose maxmemory-policy is
    # noeviction, apart from the cache's, which may evict (see README, "Growing beyond one machine").
    TASKS_REDIS_URL = os.environ.get("TASKS_REDIS_URL", "") or REDIS_URL
    if not TASKS_REDIS_URL:
        raise ImproperlyConfigured("TASKS_QUEUE=redis needs TASKS_REDIS_URL or REDIS_URL.")
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": TASKS_REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    # django-tasks-rq's job class, so `rqworker` needs no --job-class.
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
    # newsroom/task_queue.py: a task enqueued in a transaction reaches Redis when it commits.
    TASKS = {"default": {"BACKEND": "newsroom.task_queue.OnCommitRQBackend", "QUEUES": ["default"]}}
elif TASKS_QUEUE == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    raise ImproperlyConfigured(f"TASKS_QUEUE must be 'database' or 'redis', not {TASKS_QUEUE!r}.")
# Finished task rows (successful or failed) are deleted by the scheduler's daily job after this many days.
TASK_RESULT_RETENTION_DAYS = env_int("TASK_RESULT_RETENTION_DAYS", 14)

# --- Languages, time and formats ----------------------------------------------------------------

LANGUAGE_CODE = "ar"
LANGUAGES = [
    ("ar", "العربية"),
    ("en", "English"),
]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Damascus")
# Django's Arabic formats have no DATETIME_FORMAT; ours are in newsroom/formats/.
FORMAT_MODULE_PATH = ["newsroom.formats"]

MODELTRANSLATION_DEFAULT_LANGUAGE = "ar"
MODELTRANSLATION_LANGUAGES = ("ar", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("ar",), "ar": ("en",)}

# --- Static and media files ---------------------------------------------------------------------

STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Uploads (images, documents, renditions): files under MEDIA_ROOT, or, with AWS_STORAGE_BUCKET_NAME set, an
# S3-compatible bucket (AWS S3, Cloudflare R2, MinIO...) that every web and worker machine shares.
MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Where media is served from when it is not this site (the Content-Security-Policy allows it).
MEDIA_ORIGINS = []
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    if importlib.util.find_spec("storages") is None or importlib.util.find_spec("boto3") is None:
        raise ImproperlyConfigured(
            "AWS_STORAGE_BUCKET_NAME is set but django-storages and boto3 are not installed: "
            "pip install -r requirements-optional.txt"
        )
    s3_endpoint_url = os.environ.get("AWS_S3_ENDPOINT_URL", "")  # lower case: read by no library
    s3_region = os.environ.get("AWS_S3_REGION_NAME", "")
    s3_custom_domain = os.environ.get("AWS_S3_CUSTOM_DOMAIN", "")
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # Credentials are not settings: boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the
            # machine's role) from the environment itself.
            "endpoint_url": s3_endpoint_url or None,
            "region_name": s3_region or None,
            # A CDN or a public bucket's own host name in front of the bucket (media.example.com).
            "custom_domain": s3_custom_domain or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            # A news site's pictures are public: plain URLs that a CDN can cache, no expiring signatures.
            "querystring_auth": False,
            # No per-object ACL (R2 and buckets with "object ownership" refuse them): the bucket's policy decides.
            "default_acl": None,
            # Never replace a file: an upload with a taken name gets a new one, so a URL always shows the
            # same bytes and may be cached for a year.
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000"},
        },
    }
    if s3_custom_domain:
        MEDIA_ORIGINS = [f"https://{s3_custom_domain}"]
    elif s3_endpoint_url:
        MEDIA_ORIGINS = ["{0.scheme}://{0.netloc}".format(urlsplit(s3_endpoint_url))]
    else:
        # AWS's virtual-hosted URLs: the global host name, and the region's.
        MEDIA_ORIGINS = [f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"]
        if s3_region:
            MEDIA_ORIGINS.append(f"https://{AWS_STORAGE_BUCKET_NAME}.s3.{s3_region}.amazonaws.com")
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Wagtail ------------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "غرفة الأخبار"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        # The ar_en text-search configuration is created by articles' migrations on PostgreSQL
        # (Arabic Snowball stemmer for Arabic words, English stemmer for ASCII words).
        **({"SEARCH_CONFIG": "ar_en"} if DATABASE_IS_POSTGRES else {}),
    }
}
# OpenSearch or Elasticsearch for the admin's search (pages, images, documents, snippets) when a URL is
# given. The database index stays beside it, kept up to date as well: the readers' search (articles/search.py)
# ranks articles with the database's own full-text search over it.
SEARCH_CLIENT_MODULES = {"opensearch": "opensearchpy", "elasticsearch": "elasticsearch"}
SEARCH_BACKEND_MODULES = {
    "opensearch": "wagtail.search.backends.opensearch2",
    "elasticsearch": "wagtail.search.backends.elasticsearch8",
}
search_engine = "opensearch" if os.environ.get("OPENSEARCH_URL") else "elasticsearch"
search_urls = env_list("OPENSEARCH_URL") or env_list("ELASTICSEARCH_URL")
if search_urls:
    if importlib.util.find_spec(SEARCH_CLIENT_MODULES[search_engine]) is None:
        raise ImproperlyConfigured(
            f"{search_engine.upper()}_URL is set but its client is not installed: "
            "pip install -r requirements-optional.txt"
        )
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": SEARCH_BACKEND_MODULES[search_engine],
            "URLS": search_urls,
            "INDEX_PREFIX": os.environ.get("SEARCH_INDEX_PREFIX", "newsroom_"),
            "TIMEOUT": env_int("SEARCH_TIMEOUT", 5),
            "INDEX_SETTINGS": {
                "settings": {
                    "analysis": {
                        "filter": {
                            "arabic_stop": {"type": "stop", "stopwords": "_arabic_"},
                            "english_stop": {"type": "stop", "stopwords": "_english_"},
                            "english_stemmer": {"type": "stemmer", "language": "english"},
                        },
                        "analyzer": {
                            # Every text field, at index and query time: both editions share one index,
                            # so Arabic and English words each get their own language's treatment, as
                            # PostgreSQL's ar_en configuration does. decimal_digit folds Arabic-Indic digits
                            # to ASCII and arabic_normalization folds alef forms, alef maqsura, tatweel and
                            # tashkeel, as articles/text.py's normaliser does (and ة to ه, which it does
                            # only with NEWSROOM_SEARCH_FOLD_TA_MARBUTA); arabic_stem is Lucene's light
                            # stemmer (prefixes such as ال و ب, suffixes such as ات ون ها).
                            "default": {
                                "type": "custom",
                                "tokenizer": "standard",
                                "filter": [
                                    "lowercase",
                                    "decimal_digit",
                                    "arabic_stop",
                                    "arabic_normalization",
                                    "arabic_stem",
                                    "english_stop",
                                    "english_stemmer",
                                ],
                            },
                            # Autocomplete (titles as they are typed): normalised, not stemmed.
                            "edgengram_analyzer": {
                                "type": "custom",
                                "tokenizer": "standard",
                                "filter": ["lowercase", "decimal_digit", "arabic_normalization", "edgengram"],
                            },
                        },
                    }
                }
            },
        },
        "database": {
            "BACKEND": "wagtail.search.backends.database",
            **({"SEARCH_CONFIG": "ar_en"} if DATABASE_IS_POSTGRES else {}),
        },
    }

WAGTAILIMAGES_FORMAT_CONVERSIONS = {"avif": "avif", "webp": "webp"}
# No wrapper with an inline `style` (the Content-Security-Policy refuses inline styles); site.css gives the
# embedded player its 16:9 shape instead.
WAGTAILEMBEDS_RESPONSIVE_HTML = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No Gravatar: the admin would ask an outside service for every avatar (and it may not be reachable).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ALLOW_UNICODE_SLUGS = True
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea",
        "OPTIONS": {"features": ["h2", "h3", "bold", "italic", "link", "ol", "ul", "blockquote"]},
    }
}
# The CDN or reverse proxy in front of the site, purged when content changes (articles/pagecache.py).
# FRONTEND_CACHE_BACKEND: "varnish" (an HTTP PURGE to FRONTEND_CACHE_LOCATION), "cloudflare" or "cloudfront";
# empty: none.
frontend_cache_backend = os.environ.get("FRONTEND_CACHE_BACKEND", "").strip().lower()
if frontend_cache_backend == "varnish":
    WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": os.environ.get("FRONTEND_CACHE_LOCATION", "http://127.0.0.1:6081"),
        }
    }
elif frontend_cache_backend == "cloudflare":
    WAGTAILFRONTENDCACHE = {
        "cloudflare": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
            "BEARER_TOKEN": os.environ.get("FRONTEND_CACHE_CLOUDFLARE_TOKEN", ""),
            "ZONEID": os.environ.get("FRONTEND_CACHE_CLOUDFLARE_ZONE_ID", ""),
        }
    }
elif frontend_cache_backend == "cloudfront":
    WAGTAILFRONTENDCACHE = {
        "cloudfront": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
            "DISTRIBUTION_ID": os.environ.get("FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION_ID", ""),
        }
    }
elif frontend_cache_backend:
    raise ValueError(
        f"FRONTEND_CACHE_BACKEND must be varnish, cloudflare or cloudfront, not {frontend_cache_backend!r}"
    )
else:
    WAGTAILFRONTENDCACHE = {}
# The purges name every edition's URLs themselves: no rewriting of /en/ into /ar/ variants by Wagtail.
WAGTAILFRONTENDCACHE_LANGUAGES = []

# django.contrib.sites is needed by django-contrib-comments; load_demo keeps its domain in step with
# Wagtail's Site, and nothing builds absolute URLs from it.
SITE_ID = 1

# --- Newsroom -----------------------------------------------------------------------------------

NEWSROOM = {
    # How many related articles an article shows (editor picks first, then topped up).
    "RELATED_ARTICLES_COUNT": env_int("NEWSROOM_RELATED_ARTICLES_COUNT", 4),
    "SECTION_PAGE_SIZE": env_int("NEWSROOM_SECTION_PAGE_SIZE", 12),
    # Reading speed used for "N minutes read" (Arabic news prose, words per minute).
    "READING_WORDS_PER_MINUTE": env_int("NEWSROOM_READING_WORDS_PER_MINUTE", 180),
    # Seconds a rendered public page (whole, and its fragments) is kept in the site's cache. Purged on
    # publish and on comment changes (articles/pagecache.py).
    "PAGE_CACHE_SECONDS": env_int("NEWSROOM_PAGE_CACHE_SECONDS", 300),
    # The whole-page cache for anonymous readers (articles/pagecache.py); "false" turns only it off.
    "PAGE_CACHE": env_bool("NEWSROOM_PAGE_CACHE", True),
    # Milliseconds a worker trusts the page generations it read before asking Redis again (0: every hit asks,
    # so a purge is seen at once by every worker; more: a hit skips that round trip, and a page purged by
    # another worker may be served up to this long).
    "PAGE_CACHE_RECHECK_MS": env_int("NEWSROOM_PAGE_CACHE_RECHECK_MS", 0),
    # Workers keep the page generations they read and Redis reports each change to them (CLIENT TRACKING):
    # a hit asks Redis nothing, and a purge is still seen at once (articles/pagecache.py).
    "PAGE_CACHE_TRACKING": env_bool("NEWSROOM_PAGE_CACHE_TRACKING", True),
    # What a cached page tells a CDN or Varnish (s-maxage, stale-while-revalidate), and how many pages of
    # a listing a purge names to it (`?page=2`…; later pages follow within CDN_MAX_AGE).
    "CDN_MAX_AGE": env_int("NEWSROOM_CDN_MAX_AGE", 300),
    "CDN_STALE_WHILE_REVALIDATE": env_int("NEWSROOM_CDN_STALE_WHILE_REVALIDATE", 60),
    "CDN_PURGE_PAGES": env_int("NEWSROOM_CDN_PURGE_PAGES", 5),
    # Search: treat ة and ه at the end of a word as the same letter (folded at query time, no reindex).
    "SEARCH_FOLD_TA_MARBUTA": env_bool("NEWSROOM_SEARCH_FOLD_TA_MARBUTA", False),
    # Search ranks the newest N matches of a query and counts no further than N ("more than N articles"),
    # so a common word costs what a rare one does (articles/search.py, ArticleSearch).
    "SEARCH_CANDIDATES": env_int("NEWSROOM_SEARCH_CANDIDATES", 1000),
    # URLs per sitemap page (the protocol allows 50,000) and articles per feed.
    "SITEMAP_LIMIT": env_int("NEWSROOM_SITEMAP_LIMIT", 5000),
    "FEED_SIZE": env_int("NEWSROOM_FEED_SIZE", 30),
    # The front page's "most read": articles with the most views over the last N days (today included).
    "MOST_READ_DAYS": env_int("NEWSROOM_MOST_READ_DAYS", 2),
    "MOST_READ_COUNT": env_int("NEWSROOM_MOST_READ_COUNT", 5),
    # Daily view counters are kept this many days beyond the "most read" window, then pruned daily.
    "MOST_READ_KEEP_DAYS_AFTER": env_int("NEWSROOM_MOST_READ_KEEP_DAYS_AFTER", 7),
}

# --- Comments (the comments app) -----------------------------------------------------------------

COMMENTS_APP = "django_comments_xtd"
# A comment refused by the CSRF check comes back with the reader's text (other URLs: Django's page).
CSRF_FAILURE_VIEW = "comments.views.csrf_failure"
# django-comments-xtd reads its COMMENTS_XTD_* settings once, at import: they live here, not in override_settings.
COMMENTS_XTD_MODEL = "comments.models.ReaderComment"
COMMENTS_XTD_FORM_CLASS = "comments.forms.ReaderCommentForm"
# WordPress does not make readers confirm by e-mail; Akismet and moderators filter instead. With this on,
# anonymous comments would not be stored until a link is followed (and the Akismet verdict would be lost).
COMMENTS_XTD_CONFIRM_EMAIL = False
# Reply depth: 0 = top-level comments only; 2 = replies and replies to replies.
COMMENTS_XTD_MAX_THREAD_LEVEL = env_int("COMMENTS_MAX_THREAD_LEVEL", 2)
COMMENTS_XTD_LIST_ORDER = ("thread_id", "order")
COMMENTS_XTD_THREADED_EMAILS = False
COMMENTS_XTD_APP_MODEL_OPTIONS = {
    "default": {"who_can_post": "all", "allow_flagging": False, "allow_feedback": False, "show_feedback": False}
}
# django-contrib-comments builds its model field from this: another value would need a migration in a
# third-party app (makemigrations --check catches it), so the comment length limit stays at its default.
COMMENT_MAX_LENGTH = 3000

AKISMET_API_URL = os.environ.get("AKISMET_API_URL", "https://rest.akismet.com")
# The akismet package's own variables; unset means every comment is held as "unchecked".
AKISMET_API_KEY = os.environ.get("PYTHON_AKISMET_API_KEY", "")
AKISMET_BLOG_URL = os.environ.get("PYTHON_AKISMET_BLOG_URL", "")
# Seconds to wait for Akismet before holding the comment as "unchecked" (rechecked later).
AKISMET_TIMEOUT = env_float("AKISMET_TIMEOUT", env_float("PYTHON_AKISMET_TIMEOUT", 2.0))
COMMENTS = {
    # Hold every comment for a moderator, whatever Akismet says.
    "HOLD_ALL": env_bool("COMMENTS_HOLD_ALL", False),
    # WordPress's "comment author must have a previously approved comment".
    "HOLD_FIRST_TIME": env_bool("COMMENTS_HOLD_FIRST_TIME", True),
    # More links than this and the comment is held (WordPress's default is 2).
    "MAX_LINKS": env_int("COMMENTS_MAX_LINKS", 2),
    # Close comments this many days after an article is first published (0: never).
    "CLOSE_AFTER_DAYS": env_int("COMMENTS_CLOSE_AFTER_DAYS", 0),
    # Top-level comments (each with its replies) per page of an article's thread; later pages are
    # `?comments=2`, `?comments=3`... so a page's size does not grow with the thread.
    "THREADS_PER_PAGE": env_int("COMMENTS_THREADS_PER_PAGE", 50),
    "NAME_MAX_LENGTH": 50,
    "URL_MAX_LENGTH": 200,
    # Per-IP rate limit: at most RATE_LIMIT_COUNT comments per RATE_LIMIT_SECONDS.
    "RATE_LIMIT_COUNT": env_int("COMMENTS_RATE_LIMIT_COUNT", 5),
    "RATE_LIMIT_SECONDS": env_int("COMMENTS_RATE_LIMIT_SECONDS", 300),
    # A reader (IP or e-mail address) refused for the rate limit has the next comment accepted from them
    # within this many minutes held as a "rate-limited retry" (0: no such hold).
    "RATE_LIMITED_RETRY_MINUTES": env_int("COMMENTS_RATE_LIMITED_RETRY_MINUTES", 60),
    # REMOTE_ADDR values of reverse proxies whose X-Forwarded-For is believed.
    "TRUSTED_PROXIES": env_list("COMMENTS_TRUSTED_PROXIES"),
    "SPAM_RETENTION_DAYS": env_int("COMMENTS_SPAM_RETENTION_DAYS", 15),
    "DISCARD_RETENTION_HOURS": env_int("COMMENTS_DISCARD_RETENTION_HOURS", 48),
    # IP addresses of comments older than this are erased by the scheduler's daily job (privacy).
    "IP_RETENTION_DAYS": env_int("COMMENTS_IP_RETENTION_DAYS", 90),
    # Unchecked comments: first recheck after this many minutes, doubling each time, never later than
    # the maximum; after RECHECK_GIVE_UP_DAYS they wait for a person.
    "RECHECK_DELAY_MINUTES": env_int("COMMENTS_RECHECK_DELAY_MINUTES", 20),
    "RECHECK_MAX_DELAY_MINUTES": env_int("COMMENTS_RECHECK_MAX_DELAY_MINUTES", 360),
    "RECHECK_BATCH_SIZE": 100,
    "RECHECK_GIVE_UP_DAYS": env_int("COMMENTS_RECHECK_GIVE_UP_DAYS", 15),
    # E-mail the addresses in MODERATOR_EMAILS when a comment is held for a person.
    # The same text (after the Arabic normaliser) from the same e-mail address or IP within this many
    # minutes is stored and held as a repeat post, and the reader is told so (0: no check).
    "REPEAT_WINDOW_MINUTES": env_int("COMMENTS_REPEAT_WINDOW_MINUTES", 1440),
    # Readers' reports that take a published comment back to the moderators (held) until one looks.
    "REPORTS_TO_HOLD": env_int("COMMENTS_REPORTS_TO_HOLD", 3),
    # A commenter of "normal" trust with this many published comments becomes "trusted" (0: never).
    "TRUST_AFTER_APPROVED": env_int("COMMENTS_TRUST_AFTER_APPROVED", 3),
    "NOTIFY_MODERATORS": env_bool("COMMENTS_NOTIFY_MODERATORS", False),
    "MODERATOR_EMAILS": env_list("COMMENTS_MODERATOR_EMAILS"),
    # E-mail MODERATOR_EMAILS once when more than this many comments wait in the held queue (0: never);
    # not again until the queue has gone back to this many or fewer.
    "HELD_ALERT_THRESHOLD": env_int("COMMENTS_HELD_ALERT_THRESHOLD", 0),
    # E-mail a commenter when their comment is published or a staff member replies to it (each e-mail
    # carries an unsubscribe link).
    "NOTIFY_COMMENTERS": env_bool("COMMENTS_NOTIFY_COMMENTERS", False),
}

# --- Security and logging -----------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
# Not DENY: Wagtail's live preview shows the page being edited in a frame of the admin (same origin).
# Django's deploy check warns about it (security.W019); production silences that warning for this reason.
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): every public page loads scripts, styles, fonts and images from this
# site only; no inline styles at all. Public pages use no nonce: they are served whole from the page cache,
# where a nonce would be shared by every reader (see articles/pagecache.py). A page that asks for
# `request.csp_nonce` may run an inline script with it, and is not cached. Players of embedded media
# (YouTube…) are other origins: list them in CSP_FRAME_SRC, or the embed shows as its link only.
embed_frame_origins = env_list("CSP_FRAME_SRC")  # lower case: not a setting (django-csp 4 refuses CSP_*)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # data: for the small inline SVG/PNG images browsers and Wagtail's image placeholders use.
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF, *embed_frame_origins],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
# Wagtail's admin (and Django's) is not written for a nonce policy: its page editor has inline <script>
# blocks (inline panels, date pickers) and inline `style` attributes everywhere. It gets its own policy,
# which still keeps every script, style, image, connection and form on this site (an injected script
# cannot load code from, or send data to, another origin), and allows inline code. No nonce in it: a
# nonce would make browsers ignore 'unsafe-inline'.
ADMIN_URL_PREFIXES = ("/admin/", "/django-admin/")
ADMIN_CONTENT_SECURITY_POLICY = {
    "default-src": [SELF],
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    # blob: for the image uploader's previews.
    "img-src": [SELF, "data:", "blob:", *MEDIA_ORIGINS],
    "font-src": [SELF, "data:"],
    "connect-src": [SELF],
    "frame-src": [SELF, *embed_frame_origins],
    "frame-ancestors": [SELF],
    "form-action": [SELF],
    "base-uri": [SELF],
    "object-src": [NONE],
}

# django-axes: after AXES_FAILURE_LIMIT wrong passwords for one username from one IP address, that pair is
# refused (even with the right password) for AXES_COOLOFF_MINUTES. Counting the pair, not the IP alone,
# keeps a newsroom behind one office IP working while someone guesses; counting it not per username alone
# keeps a guesser from locking an editor out from everywhere. `manage.py axes_reset` unlocks everyone
# (`axes_reset_username NAME`, `axes_reset_ip IP` for one).
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The reader's address behind the proxies in COMMENTS_TRUSTED_PROXIES, as for comments' rate limit.
AXES_CLIENT_IP_CALLABLE = "comments.moderation.client_ip"
AXES_LOCKOUT_TEMPLATE = "account_locked.html"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "INFO"},
    },
}

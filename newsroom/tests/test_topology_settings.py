"""The services an outlet adds as it grows (README, "Growing beyond one machine") are chosen by the
environment alone, and nothing changes without it: one database, the database as the task queue, files on
disk, the database's search.

Offline: no S3, OpenSearch or Elasticsearch is reached (their clients connect on first use, not when
built). Each check runs in a fresh interpreter, because settings are read once per process.
"""

import json

import pytest

from newsroom.tests.test_settings import run_python

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "newsroom.settings.production",
    "SECRET_KEY": "from-the-environment",
    "ALLOWED_HOSTS": "news.example",
    "REDIS_URL": "redis://127.0.0.1:6379/12",
}
UNSET = dict.fromkeys(
    (
        "DATABASE_REPLICA_URLS",
        "TASKS_QUEUE",
        "TASKS_REDIS_URL",
        "AWS_STORAGE_BUCKET_NAME",
        "AWS_S3_ENDPOINT_URL",
        "AWS_S3_REGION_NAME",
        "AWS_S3_CUSTOM_DOMAIN",
        "AWS_LOCATION",
        "OPENSEARCH_URL",
        "ELASTICSEARCH_URL",
    ),
    "",
)

SHOW = """
import json, django
django.setup()
from django.conf import settings as s
csp = s.CONTENT_SECURITY_POLICY["DIRECTIVES"]
print(json.dumps({
    "databases": {
        alias: {**{key: config.get(key) for key in ("ENGINE", "NAME", "HOST", "PORT")},
                "MIRROR": config.get("TEST", {}).get("MIRROR")}
        for alias, config in s.DATABASES.items()
    },
    "routers": s.DATABASE_ROUTERS,
    "middleware": s.MIDDLEWARE[:3],
    "sessions": s.SESSION_ENGINE,
    "tasks": s.TASKS["default"]["BACKEND"],
    "rq_queues": getattr(s, "RQ_QUEUES", None),
    "installed_rq": "django_rq" in s.INSTALLED_APPS,
    "media": s.STORAGES["default"],
    "img_src": [str(source) for source in csp["img-src"]],
    "admin_img_src": [str(source) for source in s.ADMIN_CONTENT_SECURITY_POLICY["img-src"]],
    "search": {alias: config["BACKEND"] for alias, config in s.WAGTAILSEARCH_BACKENDS.items()},
}))
"""


def settings_for(**env: str) -> dict:
    result = run_python(SHOW, **{**UNSET, **env})
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_the_variables_one_machine_runs_as_before(tmp_path):
    shown = settings_for(DJANGO_SETTINGS_MODULE="newsroom.settings.dev", DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    assert list(shown["databases"]) == ["default"]
    assert shown["databases"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert shown["routers"] == []
    assert "newsroom.database_routing.ReadReplicaMiddleware" not in shown["middleware"]
    assert shown["sessions"] == "django.contrib.sessions.backends.db"
    assert shown["tasks"] == "django_tasks_db.DatabaseBackend"
    assert not shown["installed_rq"]
    assert shown["media"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert shown["img_src"] == ["'self'", "data:"]
    assert shown["search"] == {"default": "wagtail.search.backends.database"}


def test_production_with_replicas_redis_and_the_primary_on_postgresql():
    shown = settings_for(
        **PRODUCTION,
        DATABASE_URL="postgres://news@db-primary.internal:5432/news",
        DATABASE_REPLICA_URLS="postgres://news@db-replica-a.internal:5432/news, postgres://news@db-replica-b.internal/news",
    )
    assert shown["databases"] == {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "news",
            "HOST": "db-primary.internal",
            "PORT": 5432,
            "MIRROR": None,
        },
        "replica1": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "news",
            "HOST": "db-replica-a.internal",
            "PORT": 5432,
            "MIRROR": "default",
        },
        "replica2": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "news",
            "HOST": "db-replica-b.internal",
            "PORT": "",
            "MIRROR": "default",
        },
    }
    assert shown["routers"] == ["newsroom.database_routing.PrimaryReplicaRouter"]
    # Right after SecurityMiddleware: before the session and authentication middleware read anything.
    assert shown["middleware"][:2] == [
        "django.middleware.security.SecurityMiddleware",
        "newsroom.database_routing.ReadReplicaMiddleware",
    ]
    # Redis: the cache (tested elsewhere), sessions read from it, and the task queue.
    assert shown["sessions"] == "django.contrib.sessions.backends.cached_db"
    assert shown["tasks"] == "newsroom.task_queue.OnCommitRQBackend"
    assert shown["rq_queues"] == {"default": {"URL": "redis://127.0.0.1:6379/12", "DEFAULT_TIMEOUT": 600}}
    assert shown["installed_rq"]


def test_the_task_queue_can_have_its_own_redis_or_stay_on_the_database():
    own = settings_for(**PRODUCTION, TASKS_REDIS_URL="redis://queue.internal:6379/0")
    assert own["tasks"] == "newsroom.task_queue.OnCommitRQBackend"
    assert own["rq_queues"]["default"]["URL"] == "redis://queue.internal:6379/0"

    database = settings_for(**PRODUCTION, TASKS_QUEUE="database")
    assert database["tasks"] == "django_tasks_db.DatabaseBackend"
    assert database["rq_queues"] is None
    assert not database["installed_rq"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TASKS_QUEUE": "celery"}, "TASKS_QUEUE must be 'database' or 'redis'"),
        ({"TASKS_QUEUE": "redis", "REDIS_URL": ""}, "TASKS_QUEUE=redis needs TASKS_REDIS_URL or REDIS_URL"),
    ],
)
def test_a_task_queue_that_cannot_work_stops_the_start(env, message):
    env = {**UNSET, "DJANGO_SETTINGS_MODULE": "newsroom.settings.dev", **env}
    result = run_python("import django; django.setup()", **env)
    assert result.returncode != 0
    assert message in result.stderr


S3_URLS = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
storage = storages["default"]
print(json.dumps({
    "class": type(storage).__name__,
    "url": storage.url("original_images/مسجد.jpg"),
    "rendition_url": storage.url("images/mosque.width-800.webp"),
    "img_src": [str(source) for source in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]],
    "admin_img_src": [str(source) for source in settings.ADMIN_CONTENT_SECURITY_POLICY["img-src"]],
}))
"""


def media_on_s3(**env: str) -> dict:
    result = run_python(
        S3_URLS, **{**UNSET, **PRODUCTION, "AWS_ACCESS_KEY_ID": "test-key", "AWS_SECRET_ACCESS_KEY": "test", **env}
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_media_on_a_bucket_behind_a_cdn():
    shown = settings_for(
        **PRODUCTION,
        AWS_STORAGE_BUCKET_NAME="news-media",
        AWS_S3_ENDPOINT_URL="https://account.r2.cloudflarestorage.com",
        AWS_S3_REGION_NAME="auto",
        AWS_S3_CUSTOM_DOMAIN="media.news.example",
    )
    assert shown["media"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "news-media",
            "endpoint_url": "https://account.r2.cloudflarestorage.com",
            "region_name": "auto",
            "custom_domain": "media.news.example",
            "location": "",
            "querystring_auth": False,
            "default_acl": None,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000"},
        },
    }
    # Pictures come from the CDN's host: the Content-Security-Policy lets the pages and the admin show them.
    assert shown["img_src"] == ["'self'", "data:", "https://media.news.example"]
    assert shown["admin_img_src"] == ["'self'", "data:", "blob:", "https://media.news.example"]

    urls = media_on_s3(
        AWS_STORAGE_BUCKET_NAME="news-media",
        AWS_S3_ENDPOINT_URL="https://account.r2.cloudflarestorage.com",
        AWS_S3_CUSTOM_DOMAIN="media.news.example",
    )
    assert urls["class"] == "S3Storage"
    assert urls["url"] == "https://media.news.example/original_images/%D9%85%D8%B3%D8%AC%D8%AF.jpg"
    assert urls["rendition_url"] == "https://media.news.example/images/mosque.width-800.webp"


def test_media_on_minio_without_a_cdn():
    urls = media_on_s3(
        AWS_STORAGE_BUCKET_NAME="news-media",
        AWS_S3_ENDPOINT_URL="http://minio.internal:9000",
        AWS_S3_REGION_NAME="us-east-1",
    )
    # Plain URLs on the endpoint (no signature: the pictures are public), allowed by the policy.
    assert urls["rendition_url"] == "http://minio.internal:9000/news-media/images/mosque.width-800.webp"
    assert urls["img_src"] == ["'self'", "data:", "http://minio.internal:9000"]


def test_media_on_aws_s3():
    urls = media_on_s3(AWS_STORAGE_BUCKET_NAME="news-media", AWS_S3_REGION_NAME="eu-central-1")
    assert urls["rendition_url"] == "https://news-media.s3.amazonaws.com/images/mosque.width-800.webp"
    assert urls["img_src"] == [
        "'self'",
        "data:",
        "https://news-media.s3.amazonaws.com",
        "https://news-media.s3.eu-central-1.amazonaws.com",
    ]


SEARCH = """
import json, django
django.setup()
from django.conf import settings
from wagtail.search.backends import get_search_backend
backend = get_search_backend("default")
database = get_search_backend("database")
analysis = backend.settings["settings"]["analysis"]
print(json.dumps({
    "backend": type(backend).__module__,
    "client": type(backend.es).__module__.split(".")[0],
    "hosts": [[host.get("host"), host.get("port"), host.get("use_ssl")] for host in backend.hosts],
    "prefix": backend.index_prefix,
    "default_analyzer": analysis["analyzer"]["default"],
    "stop": analysis["filter"]["arabic_stop"],
    "autocomplete": analysis["analyzer"]["edgengram_analyzer"]["filter"],
    "ngram_kept": "ngram_analyzer" in analysis["analyzer"],
    "database": type(database).__module__,
}))
"""


def search_with(**env: str) -> dict:
    # PostgreSQL named but never reached: the database search backend is chosen by the engine alone.
    database = {"DATABASE_URL": "postgres://news@db-primary.internal:5432/news"}
    result = run_python(SEARCH, **{**UNSET, **PRODUCTION, **database, **env})
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_search_on_opensearch_with_the_arabic_analyzer():
    shown = search_with(OPENSEARCH_URL="https://search.internal:9200")
    assert shown["backend"] == "modelsearch.backends.opensearch2"
    assert shown["client"] == "opensearchpy"
    assert shown["hosts"] == [["search.internal", 9200, True]]
    assert shown["prefix"] == "newsroom_"
    assert shown["default_analyzer"]["filter"] == [
        "lowercase",
        "decimal_digit",
        "arabic_stop",
        "arabic_normalization",
        "arabic_stem",
        "english_stop",
        "english_stemmer",
    ]
    assert shown["stop"] == {"type": "stop", "stopwords": "_arabic_"}
    assert shown["autocomplete"] == ["lowercase", "decimal_digit", "arabic_normalization", "edgengram"]
    assert shown["ngram_kept"]  # the backend's own analyzers are extended, not replaced
    # The database index is kept beside it: the readers' search reads it.
    assert shown["database"] == "modelsearch.backends.database.postgres.postgres"


def test_search_on_elasticsearch():
    shown = search_with(ELASTICSEARCH_URL="http://es.internal:9200", SEARCH_INDEX_PREFIX="outlet_")
    assert shown["backend"] == "modelsearch.backends.elasticsearch8"
    assert shown["client"] == "elasticsearch"
    assert shown["prefix"] == "outlet_"
    assert shown["default_analyzer"]["filter"][3:5] == ["arabic_normalization", "arabic_stem"]

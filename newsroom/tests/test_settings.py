"""Settings an operator relies on: production refuses to run unconfigured; SQLite runs in WAL mode.

Each check runs in a fresh interpreter, because settings are read once per process.
"""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_python(
        "import django; django.setup()", DJANGO_SETTINGS_MODULE="newsroom.settings.production", ALLOWED_HOSTS="x"
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_reads_its_configuration_from_the_environment():
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.ALLOWED_HOSTS, s.DEBUG, s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'])",
        DJANGO_SETTINGS_MODULE="newsroom.settings.production",
        SECRET_KEY="from-the-environment",
        ALLOWED_HOSTS="news.example,www.news.example",
        DATABASE_URL="postgres://u@db.example:5432/news",
        REDIS_URL="redis://127.0.0.1:6379/1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "['news.example',",
        "'www.news.example']",
        "False",
        "django.db.backends.postgresql",
        "django.core.cache.backends.redis.RedisCache",
    ]


def test_the_embedded_sqlite_database_runs_in_wal_mode(tmp_path):
    result = run_python(
        "import django; django.setup(); from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])",
        DJANGO_SETTINGS_MODULE="newsroom.settings.dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'wal.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "wal"


def test_without_redis_the_development_processes_share_one_cache_in_their_database(tmp_path):
    """Under `make run` the web process, the task worker and the scheduler are separate processes: what one
    of them stores (a page cache purge, a new content generation) the others read. The cache is a table of
    the database (migration core 0002), so a database made anew, or another one, starts with none of it."""
    key = f"shared-{os.getpid()}-{tmp_path.name}"
    database = tmp_path / "db.sqlite3"
    common = {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.dev",
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "",
    }
    setup = "import django; django.setup(); from django.core.cache import cache; "

    def migrate(**env):
        done = run_python(
            setup + "from django.core.management import call_command; call_command('migrate', 'core', verbosity=0)",
            **env,
        )
        assert done.returncode == 0, done.stderr

    def read(**env) -> str:
        found = run_python(setup + f"print(cache.get({key!r}))", **env)
        assert found.returncode == 0, found.stderr
        return found.stdout.strip().splitlines()[-1]

    migrate(**common)
    writer = run_python(setup + f"cache.set({key!r}, 'purged', 60)", **common)
    assert writer.returncode == 0, writer.stderr
    assert read(**common) == "purged"

    other = common | {"DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}"}
    migrate(**other)
    assert read(**other) == "None"

    database.unlink()  # the database made anew under the same name: nothing of the old one's pages
    migrate(**common)
    assert read(**common) == "None"

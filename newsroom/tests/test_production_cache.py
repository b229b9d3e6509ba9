"""Production shares one cache between its workers: without REDIS_URL it refuses to start.

Each check runs in a fresh interpreter, because settings are read once per process."""

from newsroom.tests.test_settings import run_python


def test_production_refuses_to_start_without_redis():
    result = run_python(
        "import django; django.setup()",
        DJANGO_SETTINGS_MODULE="newsroom.settings.production",
        SECRET_KEY="from-the-environment",
        ALLOWED_HOSTS="news.example",
        REDIS_URL="",
    )
    assert result.returncode != 0
    assert "REDIS_URL must be set" in result.stderr


def test_production_uses_redis_when_given():
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'])",
        DJANGO_SETTINGS_MODULE="newsroom.settings.production",
        SECRET_KEY="from-the-environment",
        ALLOWED_HOSTS="news.example",
        REDIS_URL="redis://127.0.0.1:6379/1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.cache.backends.redis.RedisCache", "redis://127.0.0.1:6379/1"]

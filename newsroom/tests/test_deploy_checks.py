"""Production settings pass Django's deployment checks and turn HSTS on, each in a fresh interpreter with
only the environment an operator sets (settings are read once per process)."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "newsroom.settings.production",
    # Long and random-looking, as check --deploy wants (security.W009).
    "SECRET_KEY": "k3J9-vQ2xL7_pR8sT1wY4zB6nM0cF5hG2dA9eU3iO7lK1jH8gS4fD6aP0qW2",
    "ALLOWED_HOSTS": "news.example",
    "REDIS_URL": "redis://127.0.0.1:6379/4",
}


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "DJANGO_", "AXES_", "CSP_")) and key not in {"SECRET_KEY", "DATABASE_URL"}
    }
    environment.update(PRODUCTION_ENV, **env)
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_with_production_settings_reports_nothing():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def settings_of(*names: str, **env: str) -> list[str]:
    code = "import django; django.setup(); from django.conf import settings as s; " + "; ".join(
        f"print(repr(s.{name}))" for name in names
    )
    result = run(["-c", code], **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_hsts_is_on_for_a_year_without_subdomains_or_preload_unless_asked():
    names = ("SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT")
    assert settings_of(*names) == ["31536000", "False", "False", "True"]
    assert settings_of(
        *names, SECURE_HSTS_SECONDS="600", SECURE_HSTS_INCLUDE_SUBDOMAINS="true", SECURE_HSTS_PRELOAD="1"
    ) == ["600", "True", "True", "True"]


def test_production_answers_with_hsts_and_a_content_security_policy():
    code = (
        "import django; django.setup(); from django.test import Client; "
        # A view that renders no template: production's static files manifest is not built here.
        "r = Client().get('/i18n/setlang/', secure=True, HTTP_HOST='news.example'); "
        "print(r.status_code); print(r['Strict-Transport-Security']); print(r['Content-Security-Policy'])"
    )
    result = run(["-c", code])
    assert result.returncode == 0, result.stderr
    status, hsts, csp = result.stdout.splitlines()
    assert status == "302"
    assert hsts == "max-age=31536000"
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp

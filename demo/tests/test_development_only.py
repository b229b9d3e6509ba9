"""The demo app serves development and tests only: production neither installs nor imports it."""

import ast

from newsroom.tests.test_settings import BASE_DIR, run_python


def test_production_does_not_install_or_import_the_demo_app():
    result = run_python(
        "import sys, django; django.setup(); from django.conf import settings; "
        "from django.urls import resolve; resolve('/'); import newsroom.wsgi; "
        "print('demo' in settings.INSTALLED_APPS, any(m == 'demo' or m.startswith('demo.') for m in sys.modules))",
        DJANGO_SETTINGS_MODULE="newsroom.settings.production",
        SECRET_KEY="from-the-environment",
        ALLOWED_HOSTS="news.example",
        REDIS_URL="redis://127.0.0.1:6379/15",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_no_production_module_imports_demo():
    """Only the demo app itself and test code may import it."""
    offenders = []
    folders = [
        folder
        for folder in BASE_DIR.iterdir()
        if folder.is_dir() and not folder.name.startswith(".") and folder.name not in {"demo", "staticfiles", "media"}
    ]
    for path in (path for folder in folders for path in folder.rglob("*.py")):
        relative = path.relative_to(BASE_DIR)
        if "tests" in relative.parts or relative.name == "conftest.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            if any(name == "demo" or name.startswith("demo.") for name in names):
                offenders.append(str(relative))
    assert offenders == []


def test_the_development_settings_install_it():
    result = run_python(
        "import django; django.setup(); from django.conf import settings; print('demo' in settings.INSTALLED_APPS)",
        DJANGO_SETTINGS_MODULE="newsroom.settings.dev",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"

"""Read replicas: reader pages read from the replica, writes and the admin use the primary, and a reader
who has just posted a comment reads from the primary for a few seconds (newsroom/database_routing.py).

Two real databases stand in for a primary and its replica: the primary is migrated and given an article,
copied whole into the replica, then the article's headline is changed on the primary only, as if the
replica had not caught up yet. Which headline a page shows says which database it read; the queries each
connection ran say it again. SQLite files always; on PostgreSQL too when DATABASE_URL is PostgreSQL (the
copy is `CREATE DATABASE ... TEMPLATE`, on two scratch databases named after the configured one).

Each step runs in a fresh interpreter, because the databases and the router are settings.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parents[2]
OLD_HEADLINE = "العنوان كما في النسخة المتماثلة"
NEW_HEADLINE = "العنوان الجديد على قاعدة البيانات الرئيسة"
SETTINGS_TABLES = {"articles_newsroomsettings", "articles_navigationsettings"}

SETUP = f"""
import json
from django.contrib.auth import get_user_model
from articles.tests.factories import ArticlePageFactory, site_tree
home, sections = site_tree(sections=1)
article = ArticlePageFactory(parent=sections[0], title={OLD_HEADLINE!r})
get_user_model().objects.create_superuser("editor", "editor@example.com", "secret-words")
# A first view makes what the site creates on its first request (its settings rows), as any site has.
from django.test import Client
assert Client().get(article.url).status_code == 200
print(json.dumps({{"pk": article.pk}}))
"""

# Only on the primary: the replica keeps the old headline.
CHANGE_ON_PRIMARY = f"""
from articles.models import ArticlePage
article = ArticlePage.objects.get(pk=PK)
article.title = {NEW_HEADLINE!r}
article.save_revision().publish()
"""

CHECK = f"""
import json, re
from django.contrib.auth import get_user_model
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from articles.models import ArticlePage
from comments.models import ReaderComment

OLD, NEW = {OLD_HEADLINE!r}, {NEW_HEADLINE!r}
report = {{"aliases": sorted(connections.settings)}}


def touched(sql):
    # The table a statement reads or writes (its first word when it names none: SAVEPOINT...).
    found = re.search(r'(?:FROM|INTO|UPDATE) "(\\w+)"', sql)
    return found.group(1) if found else sql.split()[0]


def request(name, send):
    with CaptureQueriesContext(connections["default"]) as primary, \\
            CaptureQueriesContext(connections["replica1"]) as replica:
        response = send()
    html = response.content.decode()
    report[name] = {{
        "status": response.status_code,
        "headline": "new" if NEW in html else "old" if OLD in html else None,
        "primary_queries": len(primary.captured_queries),
        "primary_tables": sorted({{touched(query["sql"]) for query in primary.captured_queries}}),
        "replica_queries": len(replica.captured_queries),
        "pin_cookie": "newsroom_primary" in response.cookies,
    }}
    return html


article = ArticlePage.objects.get(pk=PK)  # outside a request: the primary
url = article.url
reader = Client()
html = request("reader_page", lambda: reader.get(url))
form = {{
    name: re.search(rf'name="{{name}}" value="([^"]*)"', html).group(1)
    for name in ("content_type", "object_pk", "timestamp", "security_hash")
}}
form.update({{"comment": "تعليق كُتب للتو", "name": "سارة", "email": "sara@example.com", "url": "",
              "reply_to": "0", "honeypot": ""}})
request("comment_post", lambda: reader.post("/comments/post/", form, REMOTE_ADDR="203.0.113.7"))
report["comment_on_primary"] = ReaderComment.objects.using("default").filter(comment="تعليق كُتب للتو").count()
report["comment_on_replica"] = ReaderComment.objects.using("replica1").filter(comment="تعليق كُتب للتو").count()
request("reader_page_after_posting", lambda: reader.get(url))
request("another_reader", lambda: Client().get(url))

editor = Client()
editor.force_login(get_user_model().objects.get(username="editor"))
request("admin_edit_page", lambda: editor.get(f"/admin/pages/{{article.pk}}/edit/"))
print(json.dumps(report))
"""


def run(code: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "PYTEST"))}
    environment.update(DJANGO_SETTINGS_MODULE="newsroom.settings.test", LOG_LEVEL="ERROR", **env)
    result = subprocess.run(
        [sys.executable, "manage.py", *(["shell", "-c", code] if code else ["migrate", "--no-input", "-v", "0"])],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def lagging_replica(primary_url: str, copy) -> int:
    """Migrate the primary, add an article, copy it into the replica, then change the article on the
    primary only. Returns the article's id."""
    run("", DATABASE_URL=primary_url)
    pk = json.loads(run(SETUP, DATABASE_URL=primary_url))["pk"]
    copy()
    run(CHANGE_ON_PRIMARY.replace("PK", str(pk)), DATABASE_URL=primary_url)
    return pk


def check(primary_url: str, replica_url: str, pk: int) -> dict:
    return json.loads(run(CHECK.replace("PK", str(pk)), DATABASE_URL=primary_url, DATABASE_REPLICA_URLS=replica_url))


def assert_routed(report: dict) -> None:
    assert report["aliases"] == ["default", "replica1"]
    # A reader's page: every query on the replica, which still has the old headline.
    assert report["reader_page"]["status"] == 200
    assert report["reader_page"]["headline"] == "old"
    # Wagtail reads the site's settings with get_or_create, which Django sends to the database for writes.
    assert set(report["reader_page"]["primary_tables"]) <= SETTINGS_TABLES
    assert report["reader_page"]["replica_queries"] > 0
    assert not report["reader_page"]["pin_cookie"]
    # The comment is written to the primary (the replica has not received it), and the reader is pinned.
    assert report["comment_post"]["status"] == 302
    assert report["comment_post"]["replica_queries"] == 0
    assert report["comment_post"]["pin_cookie"]
    assert (report["comment_on_primary"], report["comment_on_replica"]) == (1, 0)
    # Redirected back, the same reader reads the primary (their own write, the new headline)...
    assert report["reader_page_after_posting"]["headline"] == "new"
    assert report["reader_page_after_posting"]["replica_queries"] == 0
    # ...while any other reader still reads the replica.
    assert report["another_reader"]["headline"] == "old"
    assert set(report["another_reader"]["primary_tables"]) <= SETTINGS_TABLES
    # The admin always reads the primary.
    assert report["admin_edit_page"]["status"] == 200
    assert report["admin_edit_page"]["headline"] == "new"
    assert report["admin_edit_page"]["replica_queries"] == 0


def test_sqlite_primary_and_replica(tmp_path):
    primary, replica = tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3"
    primary_url, replica_url = f"sqlite:///{primary}", f"sqlite:///{replica}"

    def copy():
        with sqlite3.connect(primary) as source, sqlite3.connect(replica) as target:
            source.backup(target)

    pk = lagging_replica(primary_url, copy)
    assert_routed(check(primary_url, replica_url, pk))


def postgres_admin(sql: str, admin_url: str) -> None:
    parts = urlsplit(admin_url)
    command = ["psql", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    command += ["-U", parts.username or "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql]
    subprocess.run(command, check=True, capture_output=True, timeout=300)


@pytest.mark.skipif(
    not settings.DATABASE_IS_POSTGRES, reason="the PostgreSQL pair runs when DATABASE_URL is PostgreSQL"
)
def test_postgresql_primary_and_replica():
    # DATABASE_URL as the developer or CI gave it (the test database's name is pytest's).
    configured = urlsplit(os.environ["DATABASE_URL"])
    name = configured.path.lstrip("/")
    primary_name, replica_name = f"test_{name}_routing", f"test_{name}_routing_replica"
    primary_url = urlunsplit(configured._replace(path=f"/{primary_name}"))
    replica_url = urlunsplit(configured._replace(path=f"/{replica_name}"))
    for database in (replica_name, primary_name):
        postgres_admin(f'DROP DATABASE IF EXISTS "{database}"', primary_url)
    postgres_admin(f'CREATE DATABASE "{primary_name}"', primary_url)
    try:
        pk = lagging_replica(
            primary_url,
            lambda: postgres_admin(f'CREATE DATABASE "{replica_name}" TEMPLATE "{primary_name}"', primary_url),
        )
        assert_routed(check(primary_url, replica_url, pk))
    finally:
        for database in (replica_name, primary_name):
            postgres_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)', primary_url)

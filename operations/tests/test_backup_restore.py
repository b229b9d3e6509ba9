"""The backup procedure of the README, run once end to end: a PostgreSQL dump (`pg_dump --format=custom`) and
an archive of MEDIA_ROOT, restored into a new database and a new media folder, from which a fresh server
serves the article, its comments and its image.

PostgreSQL only (the dump is PostgreSQL's); the PostgreSQL pass of CI runs it. It takes about 15 s.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time

import httpx
import psycopg
import pytest
import wagtail_factories
from django.conf import settings
from django.db import connection
from psycopg import sql
from wagtail.images.models import Image
from wagtail.models import Collection, Locale, Page

from articles.tests.factories import ArticlePageFactory
from comments.models import ReaderComment, Status
from comments.tests.factories import ReaderCommentFactory

pytestmark = [
    pytest.mark.skipif(not settings.DATABASE_IS_POSTGRES, reason="the backup procedure is PostgreSQL's"),
    pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump and pg_restore are not installed"),
    pytest.mark.django_db(transaction=True),
]

TABLES = {"pages": Page, "comments": ReaderComment, "images": Image}


def _conninfo(dbname: str) -> dict:
    db = connection.settings_dict
    params = {"dbname": dbname, "host": db["HOST"], "port": db["PORT"], "user": db["USER"], "password": db["PASSWORD"]}
    return {key: str(value) for key, value in params.items() if value}


def _libpq_env() -> dict:
    """pg_dump and pg_restore read the server's address from the environment, as an operator's shell would."""
    db = connection.settings_dict
    names = {"PGHOST": "HOST", "PGPORT": "PORT", "PGUSER": "USER", "PGPASSWORD": "PASSWORD"}
    return {**os.environ, **{env: str(db[key]) for env, key in names.items() if db[key]}}


def _counts(dbname: str) -> dict[str, int]:
    with psycopg.connect(**_conninfo(dbname)) as restored:
        return {
            name: restored.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(model._meta.db_table))
            ).fetchone()[0]
            for name, model in TABLES.items()
        }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(autouse=True)
def roots(transactional_db):
    """The page tree's and the collections' roots, which the migrations made and the flush after an earlier
    transactional test on this worker takes away."""
    locale, _ = Locale.objects.get_or_create(language_code="ar")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


@pytest.fixture
def restored_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    with psycopg.connect(**_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(**_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def media_on_disk(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return settings.MEDIA_ROOT


def test_the_dump_and_media_archive_restore_into_a_new_database_that_serves_the_site(
    site_tree, media_on_disk, restored_database, tmp_path
):
    image = wagtail_factories.ImageFactory(file__width=320, file__height=180)
    article = ArticlePageFactory(parent=site_tree["sections"][0], lead_image=image)
    ReaderCommentFactory(article=article, status=Status.PUBLISHED, comment="تعليق محفوظ في النسخة الاحتياطية")
    ReaderCommentFactory(article=article, status=Status.HELD)
    source = connection.settings_dict["NAME"]
    before = _counts(source)
    assert before["comments"] == 2 and before["images"] == 1

    # Back up: the README's two commands.
    dump, archive = tmp_path / "newsroom.dump", tmp_path / "media.tar.gz"
    env = _libpq_env()
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", source], check=True, env=env)
    subprocess.run(["tar", "-C", str(media_on_disk), "-czf", str(archive), "."], check=True)

    # Restore: a new database and a new media folder, as on a replacement server.
    restored_media = tmp_path / "restored-media"
    restored_media.mkdir()
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored_database}", str(dump)], check=True, env=env
    )
    subprocess.run(["tar", "-C", str(restored_media), "-xzf", str(archive)], check=True)

    assert _counts(restored_database) == before
    assert (restored_media / image.file.name).read_bytes() == (media_on_disk / image.file.name).read_bytes()

    # A fresh server on the restored database and media serves the article, its comment and its image
    # (drawn from the restored original: no rendition existed before the dump).
    port = _free_port()
    db = connection.settings_dict
    restored_url = f"postgres://{db['USER'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{restored_database}"
    server_env = {
        **os.environ,
        # Development settings: DEBUG serves MEDIA_ROOT, so the image is fetched over HTTP too.
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.dev",
        "DATABASE_URL": restored_url,
        "MEDIA_ROOT": str(restored_media),
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    if db["PASSWORD"]:
        server_env["PGPASSWORD"] = str(db["PASSWORD"])
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR,
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        page = _get_when_up(f"http://127.0.0.1:{port}{article.url}", server)
        assert page.status_code == 200
        assert article.title in page.text
        assert "تعليق محفوظ في النسخة الاحتياطية" in page.text
        rendition = _first_media_src(page.text)
        picture = httpx.get(f"http://127.0.0.1:{port}{rendition}", timeout=30)
        assert picture.status_code == 200 and picture.headers["content-type"].startswith("image/")
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert b"Traceback" not in errors, errors.decode()


def _get_when_up(url: str, server: subprocess.Popen, timeout: float = 60) -> httpx.Response:
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        if server.poll() is not None:
            pytest.fail(f"the server on the restored database exited: {server.stderr.read().decode()}")
        try:
            return httpx.get(url, timeout=30)
        except httpx.TransportError:
            time.sleep(0.3)
    pytest.fail(f"the server on the restored database did not answer within {timeout} s")


def _first_media_src(html: str) -> str:
    start = html.index(settings.MEDIA_URL + "images/")
    return html[start : html.index('"', start)].split(" ")[0]

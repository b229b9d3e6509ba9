"""Fixtures for the WordPress import: a site to import into, a copy of `uploads`, and the command."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image as PILImage

from articles.tests.factories import SectionPageFactory, site_tree

FIXTURES = Path(__file__).parent / "fixtures"
ARABIC_EXPORT = FIXTURES / "arabic.xml"
THEME_UNIT_TEST = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "wordpress" / "themeunittestdata.wordpress.xml"
)


@pytest.fixture
def wp_site(db):
    """The Arabic home with an existing «أخبار» section (slug `akhbar`: found by its name, not made again)."""
    home, _sections = site_tree(sections=0)
    news = SectionPageFactory(parent=home, title="أخبار", slug="akhbar")
    return {"home": home, "news": news}


@pytest.fixture
def media_dir(tmp_path):
    """A copy of wp-content/uploads holding one of the export's two images (the other is missing)."""
    folder = tmp_path / "uploads"
    (folder / "2020" / "01").mkdir(parents=True)
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 40), (200, 120, 40)).save(buffer, "JPEG")
    (folder / "2020" / "01" / "souq.jpg").write_bytes(buffer.getvalue())
    return folder


@pytest.fixture
def run_import(tmp_path):
    """`import_wordpress` as an operator runs it; returns what it printed."""

    def run(path=ARABIC_EXPORT, *args):
        out = io.StringIO()
        call_command("import_wordpress", str(path), "--report", str(tmp_path / "report.tsv"), *args, stdout=out)
        return out.getvalue()

    return run

"""Guessing an admin password is cut short: after AXES_FAILURE_LIMIT wrong passwords for one username from
one address, Wagtail's sign-in form refuses that pair, even with the right password, until the cool-off
passes or `manage.py axes_reset` unlocks it. Everything goes through the real sign-in form."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-right-password-19"
OFFICE, ELSEWHERE = "198.51.100.4", "203.0.113.50"


@pytest.fixture
def editor():
    user = User.objects.create_user("layla", "layla@example.com", PASSWORD)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def sign_in(password: str, *, ip: str = OFFICE, username: str = "layla"):
    """A fresh browser: fetch the sign-in form, post it with its CSRF token; return (response, client)."""
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR=ip)
    form = client.get("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode()).group(1)
    response = client.post(
        "/admin/login/", {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"}
    )
    return response, client


def signed_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def test_the_right_password_signs_in(editor):
    response, client = sign_in(PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert signed_in(client)


def test_wrong_passwords_lock_the_username_from_that_address_even_with_the_right_password(editor):
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(1, limit):
        response, client = sign_in(f"guess-{attempt}")
        assert response.status_code == 200, attempt  # the form again, with Wagtail's error
        assert not signed_in(client)

    response, _ = sign_in(f"guess-{limit}")
    assert response.status_code == 429
    assert "تسجيل الدخول متوقف مؤقتاً" in response.content.decode()  # the lockout page, in Arabic

    response, client = sign_in(PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)

    # The same person from another address is not locked out (the pair is, not the account).
    response, client = sign_in(PASSWORD, ip=ELSEWHERE)
    assert response.status_code == 302 and signed_in(client)

    call_command("axes_reset", verbosity=0)
    response, client = sign_in(PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_a_successful_sign_in_clears_the_earlier_failures(editor):
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(limit - 1):
        sign_in(f"guess-{attempt}")
    assert sign_in(PASSWORD)[0].status_code == 302
    for attempt in range(limit - 1):
        sign_in(f"again-{attempt}")
    response, client = sign_in(PASSWORD)
    assert response.status_code == 302 and signed_in(client)

"""The read-replica router's decisions, one request at a time (test_read_replicas.py runs them on two real
databases): which database a read inside a request goes to, and which responses pin the browser.

A replica alias is named in the settings but never connected to: the router only names databases."""

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse, HttpResponseRedirect
from django.test import RequestFactory

from articles.models import ArticlePage
from newsroom.database_routing import PIN_COOKIE, PrimaryReplicaRouter, ReadReplicaMiddleware

router = PrimaryReplicaRouter()


@pytest.fixture
def replicas(settings):
    settings.DATABASE_REPLICAS = ["replica1"]
    settings.DATABASE_REPLICA_PIN_SECONDS = 5


def serve(request, view):
    """The request through the middleware; returns the response and where the view's reads went."""
    seen = {}

    def get_response(request):
        response = view(seen)
        seen.setdefault("read", router.db_for_read(ArticlePage))
        return response

    return ReadReplicaMiddleware(get_response)(request), seen


def reads_only(seen):
    return HttpResponse("page")


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda rf: rf.get("/ar-article/"), "replica1"),
        (lambda rf: rf.head("/"), "replica1"),
        (lambda rf: rf.get("/admin/pages/"), "default"),
        (lambda rf: rf.get("/django-admin/"), "default"),
        (lambda rf: rf.post("/comments/post/"), "default"),
        (lambda rf: rf.get("/ar-article/", HTTP_COOKIE=f"{PIN_COOKIE}=1"), "default"),
    ],
    ids=["reader page", "HEAD", "admin", "django admin", "comment post", "pinned browser"],
)
def test_which_requests_read_from_the_replica(replicas, make, expected):
    response, seen = serve(make(RequestFactory()), reads_only)
    assert seen["read"] == expected


def test_outside_a_request_everything_is_the_primary(replicas):
    # Management commands, the task worker and the scheduler.
    assert router.db_for_read(ArticlePage) == "default"
    assert router.db_for_write(ArticlePage) == "default"


def test_the_schema_is_migrated_on_the_primary_only():
    assert router.allow_migrate("default", "articles")
    assert not router.allow_migrate("replica1", "articles")


@pytest.mark.django_db
def test_a_post_that_wrote_pins_the_browser_for_a_few_seconds(replicas):
    def posts(seen):
        get_user_model().objects.create_user("reader")
        return HttpResponseRedirect("/ar-article/#comments")

    response, seen = serve(RequestFactory().post("/comments/post/"), posts)
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["max-age"] == 5
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_a_beacon_or_a_refused_post_does_not_pin(replicas):
    def beacon(seen):
        get_user_model().objects.create_user("reader")
        return HttpResponse(status=204)

    response, seen = serve(RequestFactory().post("/views/1/"), beacon)
    assert PIN_COOKIE not in response.cookies

    response, seen = serve(RequestFactory().post("/comments/post/"), lambda seen: HttpResponse(status=403))
    assert PIN_COOKIE not in response.cookies

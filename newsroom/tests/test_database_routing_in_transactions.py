"""The read-replica router inside real transactions: a read in an open transaction and the rest of a request
that has written go to the primary. Transactional tests, in a file of their own so that they run after the
ordinary database tests (their flush empties the database of the rows the migrations wrote).

The request helpers are the router tests' own (test_database_routing.py)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from articles.models import ArticlePage
from newsroom.database_routing import PIN_COOKIE
from newsroom.tests.test_database_routing import router, serve


@pytest.fixture
def replicas(settings):
    settings.DATABASE_REPLICAS = ["replica1"]
    settings.DATABASE_REPLICA_PIN_SECONDS = 5


@pytest.mark.django_db(transaction=True)  # no test transaction around the request
def test_a_read_inside_a_transaction_goes_to_the_primary(replicas):
    def in_a_transaction(seen):
        with transaction.atomic():
            seen["read"] = router.db_for_read(ArticlePage)
        seen["after"] = router.db_for_read(ArticlePage)
        return HttpResponse()

    response, seen = serve(RequestFactory().get("/"), in_a_transaction)
    assert (seen["read"], seen["after"]) == ("default", "replica1")


@pytest.mark.django_db(transaction=True)  # no test transaction around the request
def test_after_a_write_the_rest_of_the_request_reads_the_primary(replicas):
    def writes(seen):
        seen["before"] = router.db_for_read(ArticlePage)
        get_user_model().objects.filter(pk=-1).update(first_name="x")  # an UPDATE, even of no row
        return HttpResponse()

    response, seen = serve(RequestFactory().get("/"), writes)
    assert (seen["before"], seen["read"]) == ("replica1", "default")
    # A GET is not pinned: only a form or an action sends the browser back to the primary.
    assert PIN_COOKIE not in response.cookies

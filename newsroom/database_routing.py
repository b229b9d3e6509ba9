"""Reads from PostgreSQL read replicas, writes (and every read that must see them) on the primary.

`DATABASE_REPLICA_URLS` names one or more replicas (the settings give them the aliases `replica1`,
`replica2`...). Without it there is one database and none of this is installed.

A replica is only ever a little behind the primary, so it serves the reads whose reader would not notice:
a request uses one (chosen at random, the same one for the whole request) only when

- it is a GET, HEAD or OPTIONS request: it only reads;
- it is not for the admin (ADMIN_URL_PREFIXES): an editor sees what was just saved;
- the client has not written in the last DATABASE_REPLICA_PIN_SECONDS: a request that wrote (a comment
  posted, a sign-in) and answered with something other than "204 No Content" sets a short-lived cookie
  that keeps the same browser on the primary, so the reader who was redirected back to the article finds
  the comment just posted. Beacons (the "most read" counter answers 204) set none, so a reader's views do
  not take them off the replica;
- nothing in the request has written yet: the first statement that writes (INSERT, UPDATE, DELETE) sends
  the rest of the request to the primary;
- no transaction is open on the primary: a read inside one must see its writes. Reads Django makes ready
  for a write (get_or_create, select_for_update) go to the primary too.

Everything outside a request (migrations, management commands, the task worker, the scheduler, the
shell) reads from the primary, because the context variable below is only set by the middleware. The
schema is migrated on the primary only; replication copies it.
"""

from __future__ import annotations

import random
import re
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections

PIN_COOKIE = "newsroom_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class RequestRouting:
    """Where this request's reads go; `replica` becomes None once the request writes."""

    replica: str | None
    wrote: bool = False


_routing: ContextVar[RequestRouting | None] = ContextVar("newsroom_request_routing", default=None)


WRITE_STATEMENT = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE|COPY)\b", re.IGNORECASE)


def watch_writes(routing: RequestRouting, execute, sql, params, many, context):
    """Wraps every statement the request sends to the primary: after the first one that writes, the rest
    of the request reads the primary too (it must see what it wrote)."""
    if not routing.wrote and WRITE_STATEMENT.match(sql):
        routing.wrote = True
        routing.replica = None
    return execute(sql, params, many, context)


class PrimaryReplicaRouter:
    """Writes and migrations on the primary; reads on the replica the middleware chose, if any."""

    def db_for_read(self, model, **hints):
        routing = _routing.get()
        if routing is None or routing.replica is None:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return routing.replica

    def db_for_write(self, model, **hints):
        # Also asked for reads that may lead to a write (get_or_create, select_for_update): those read
        # the primary. Only a statement that writes sends the rest of the request there (see watch_writes).
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replicas are copies of the primary: an object read from one may point to one read from the other.
        databases = {DEFAULT_DB_ALIAS, *settings.DATABASE_REPLICAS}
        if obj1._state.db in databases and obj2._state.db in databases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReadReplicaMiddleware:
    """Chooses, for each request, whether its reads may go to a replica (see the module's docstring).

    Placed before the session and authentication middleware, so their reads follow the same choice."""

    def __init__(self, get_response):
        if not settings.DATABASE_REPLICAS:
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.replicas = list(settings.DATABASE_REPLICAS)
        self.pin_seconds = settings.DATABASE_REPLICA_PIN_SECONDS

    def replica_for(self, request) -> str | None:
        if request.method not in SAFE_METHODS:
            return None
        if request.path_info.startswith(settings.ADMIN_URL_PREFIXES):
            return None
        if PIN_COOKIE in request.COOKIES:
            return None
        return random.choice(self.replicas)

    def __call__(self, request):
        routing = RequestRouting(replica=self.replica_for(request))
        token = _routing.set(routing)
        try:
            with connections[DEFAULT_DB_ALIAS].execute_wrapper(partial(watch_writes, routing)):
                response = self.get_response(request)
        finally:
            _routing.reset(token)
        if routing.wrote and request.method not in SAFE_METHODS and response.status_code != 204 and self.pin_seconds:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=self.pin_seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

"""The content generation: one number, part of the key of every cached public fragment (article bodies,
the site chrome, <head> metadata, listings' counts, the front page's stories). Publishing, unpublishing,
moving a page and an editor's change to the site settings, the menu, an author or a tag start a new one
(articles/signals.py), so every fragment made before is retired at once and expires unread.

Its own module, below `editions`, `selectors` and `services`, so that each of them can key its caches on
it without importing the others.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

T = TypeVar("T")

GENERATION_KEY = "newsroom:content-generation"


# Within one request the generation is read from the shared cache once (a page asks for it a dozen
# times): `request_started` opens the memo, `request_finished` closes it. Outside a request (a
# management command, a task) every call reads the shared cache.
_local = threading.local()


def request_memo_open(**kwargs) -> None:
    _local.in_request = True
    _local.generation = None


def request_memo_close(**kwargs) -> None:
    _local.in_request = False
    _local.generation = None


def content_generation() -> int:
    """The current generation of cached public fragments; part of every fragment's key."""
    if getattr(_local, "in_request", False) and _local.generation is not None:
        return _local.generation
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Starts from the time in milliseconds, not from 1: after the shared cache is emptied (a restart,
        # a flush) the new generations differ from every one a process still holds values for.
        start = int(time.time() * 1000)
        cache.add(GENERATION_KEY, start, timeout=None)
        generation = cache.get(GENERATION_KEY, start)
    if getattr(_local, "in_request", False):
        _local.generation = generation
    return generation


def content_generation_bump() -> None:
    """Retire every cached fragment at once (their keys name the old generation; they expire unread).
    Publishing is rare next to reading, so a coarse switch is cheaper than tracking which body links to
    which page."""
    _local.generation = None
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): any new value differs from what keys were made with
        cache.set(GENERATION_KEY, content_generation() + 1, timeout=None)
    _local.generation = None


# Values already read by this process, by their full key (which names the generation, so a new
# generation never finds an old value here): a page reads them without a round trip to the shared cache.
# Least recently used first out; `PAGE_CACHE_SECONDS` still bounds their age.
_LOCAL_ENTRIES = 512
_local_values: OrderedDict[str, tuple[float, object]] = OrderedDict()


def generation_cached(name: str, *parts, compute: Callable[[], T]) -> T:
    """`compute()`'s value, cached under `name`, `parts` and the current generation for
    `PAGE_CACHE_SECONDS` (0: not cached), in the shared cache and in this process. For what the public
    pages are framed in (edition homes, sections, site settings, the menu, <head> metadata): the same for
    every reader until an editor changes it. Callers must not change what they get (it is shared)."""
    seconds = settings.NEWSROOM["PAGE_CACHE_SECONDS"]
    if not seconds:
        return compute()
    # Hashed: parts may hold a URL path (any length, any script), which cache keys must not.
    digest = hashlib.md5(repr(parts).encode(), usedforsecurity=False).hexdigest()
    key = f"newsroom:{name}:{digest}:{content_generation()}"
    now = time.monotonic()
    local = _local_values.get(key)
    if local is not None and local[0] > now:
        _local_values.move_to_end(key)
        return local[1]
    found = cache.get(key)
    if found is None:
        found = (compute(),)  # in a tuple, so that a None or empty value is remembered too
        cache.set(key, found, seconds)
    _local_values[key] = (now + seconds, found[0])
    if len(_local_values) > _LOCAL_ENTRIES:
        _local_values.popitem(last=False)
    return found[0]

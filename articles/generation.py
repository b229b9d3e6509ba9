"""The content generation: one number, part of the key of every cached public fragment (article bodies,
the site chrome, <head> metadata, listings' counts, the front page's stories). Publishing, unpublishing,
moving a page and an editor's change to the site settings, the menu, an author or a tag start a new one
(articles/signals.py), so every fragment made before is retired at once and expires unread.

Its own module, below `editions`, `selectors` and `services`, so that each of them can key its caches on
it without importing the others.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

T = TypeVar("T")

GENERATION_KEY = "newsroom:content-generation"


def content_generation() -> int:
    """The current generation of cached public fragments; part of every fragment's key."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def content_generation_bump() -> None:
    """Retire every cached fragment at once (their keys name the old generation; they expire unread).
    Publishing is rare next to reading, so a coarse switch is cheaper than tracking which body links to
    which page."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): any new value differs from what keys were made with
        cache.set(GENERATION_KEY, content_generation() + 1, timeout=None)


def generation_cached(name: str, *parts, compute: Callable[[], T]) -> T:
    """`compute()`'s value, cached under `name`, `parts` and the current generation for
    `PAGE_CACHE_SECONDS` (0: not cached). For what the public pages are framed in (edition homes, sections,
    site settings, the menu, <head> metadata): the same for every reader until an editor changes it."""
    seconds = settings.NEWSROOM["PAGE_CACHE_SECONDS"]
    if not seconds:
        return compute()
    # Hashed: parts may hold a URL path (any length, any script), which cache keys must not.
    digest = hashlib.md5(repr(parts).encode(), usedforsecurity=False).hexdigest()
    key = f"newsroom:{name}:{digest}:{content_generation()}"
    found = cache.get(key)
    if found is not None:
        return found[0]
    value = compute()
    cache.set(key, (value,), seconds)  # in a tuple, so that a None or empty value is remembered too
    return value

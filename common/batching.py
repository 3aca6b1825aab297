"""`batched(iterable, size)`: lists of at most `size` items, in order.

Every bulk write and queue in the project works in batches (profiles written by the
import and the demo data, search index updates, Mailchimp batch operations).
Python 3.12's `itertools.batched` does this but yields tuples, and the project
supports 3.11; this one yields lists, which the ORM and JSON payloads take as they are.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consume `items` lazily (a generator is never read ahead more than one batch)."""
    if size < 1:
        raise ValueError("size must be at least 1")
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch

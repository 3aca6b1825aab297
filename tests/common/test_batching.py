"""common.batching.batched: the one batching helper."""

from __future__ import annotations

import pytest

from common.batching import batched


def test_batches_are_lists_in_order_with_a_short_last_one():
    assert list(batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batched([], 3)) == []


def test_a_generator_is_read_one_batch_at_a_time():
    read = []

    def numbers():
        for n in range(10):
            read.append(n)
            yield n

    first = next(batched(numbers(), 4))
    assert first == [0, 1, 2, 3] and read == [0, 1, 2, 3]


def test_a_size_below_one_is_refused():
    with pytest.raises(ValueError):
        next(batched([1], 0))

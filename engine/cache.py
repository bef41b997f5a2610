"""A bounded, thread-safe memo of analysed images, keyed by the image's content hash.

One verification hands the face service the same selfie several times (the duplicate search,
the compare, the index): the first call analyses it, the others reuse the answer. Entries are
dropped least recently used first once their sizes add up to more than the bound. Requests for
one key that arrive while it is being computed wait for that computation instead of repeating
it; requests for different keys never wait for each other.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class _Pending:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.failed = False
        self.value = None


class BoundedCache(Generic[Value]):
    """At most ``max_size`` in total of ``size(value)`` kept, least recently used out first."""

    def __init__(self, max_size: int, size: Callable[[Value], int]):
        if max_size <= 0:
            raise ValueError(f"max_size must be positive, not {max_size}")
        self.max_size, self._size = max_size, size
        self._lock = threading.Lock()
        self._entries: OrderedDict[bytes, tuple[Value, int]] = OrderedDict()
        self._pending: dict[bytes, _Pending] = {}
        self.used = 0
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get_or_compute(self, key: bytes, compute: Callable[[], Value]) -> Value:
        """The value kept for ``key``, else ``compute()``'s, kept if it fits. A failed
        computation keeps nothing; requests that waited on it try again."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key][0]
            pending = self._pending.get(key)
            owner = pending is None
            if owner:
                pending = self._pending[key] = _Pending()
                self.misses += 1
            else:
                self.hits += 1
        if not owner:
            pending.done.wait()
            if pending.failed:
                return self.get_or_compute(key, compute)
            return pending.value
        try:
            value = compute()
        except BaseException:
            with self._lock:
                pending.failed = True
                del self._pending[key]
            pending.done.set()
            raise
        with self._lock:
            self._keep(key, value)
            del self._pending[key]
        pending.value = value
        pending.done.set()
        return value

    def _keep(self, key: bytes, value: Value) -> None:
        size = self._size(value)
        if size > self.max_size:
            return
        self._entries[key] = (value, size)
        self.used += size
        while self.used > self.max_size:
            _, (_, dropped) = self._entries.popitem(last=False)
            self.used -= dropped

"""Login throttling: so many attempts per user name and per address in a sliding window.

Built on pyrate-limiter (a sliding-window log per key). Every attempt counts, right or wrong:
a password guesser is slowed the same whether it guessed right, so the answer 429 tells it
nothing about the password. Per name and per address separately: one name attacked from many
addresses, or many names tried from one. The buckets live in this process: with several API
replicas each counts its own attempts (the limit is then that many times looser; the reverse
proxy's limit is the shared one, docs/security.md).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from threading import Lock

from pyrate_limiter import BucketFactory, Duration, InMemoryBucket, Limiter, Rate, RateItem

_KEYS = 50_000
"""Names and addresses remembered at once; the quietest are forgotten first (bounded memory)."""


class _KeyedBuckets(BucketFactory):
    """One bucket per key, pruned of attempts older than the window when it is used."""

    def __init__(self, rates: list[Rate]) -> None:
        self._rates = rates
        self._buckets: OrderedDict[str, InMemoryBucket] = OrderedDict()
        self._lock = Lock()

    def wrap_item(self, name: str, weight: int = 1) -> RateItem:
        return RateItem(name, int(time.time() * 1000), weight=weight)

    def get(self, item: RateItem) -> InMemoryBucket:
        with self._lock:
            bucket = self._buckets.pop(item.name, None)
            if bucket is None:
                bucket = InMemoryBucket(self._rates)
            bucket.leak(item.timestamp)
            self._buckets[item.name] = bucket  # most recently used last
            while len(self._buckets) > _KEYS:
                self._buckets.popitem(last=False)
            return bucket


class LoginThrottle:
    def __init__(self, *, per_name: int, per_address: int, window_seconds: int) -> None:
        window = window_seconds * Duration.SECOND
        self._names = Limiter(_KeyedBuckets([Rate(per_name, window)]))
        self._addresses = Limiter(_KeyedBuckets([Rate(per_address, window)]))
        self.window_seconds = window_seconds

    def attempt(self, username: str, address: str | None) -> str | None:
        """Count one attempt; None when it may go on, else what is over its limit."""
        if not self._names.try_acquire(f"name:{username.casefold()}", blocking=False):
            return "name"
        if address and not self._addresses.try_acquire(f"address:{address}", blocking=False):
            return "address"
        return None

"""Failed sign-ins are limited per username and, separately, per client address.

Per username, so one account's password cannot be guessed from many addresses; per address, so one password
cannot be sprayed across every username from one place. Each count lives in a bounded store of recently
failing keys: when it is full the key that failed least recently is forgotten, never everyone's at once.
In memory: a restart forgets the counts, which only gives a guesser a fresh window of the same small size.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque

MAX_FAILURES_PER_USER = 10
MAX_FAILURES_PER_ADDRESS = 100
WINDOW_SECONDS = 15 * 60
MAX_KEYS = 50_000


class _Failures:
    """Recent failure times per key, for at most `max_keys` keys (least recently failed dropped first)."""

    def __init__(self, limit: int, window: float, max_keys: int):
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self._times: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._times.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._times[key]
        return times

    def retry_after(self, key: str, now: float) -> int:
        times = self._recent(key, now)
        if len(times) < self.limit:
            return 0
        return max(1, int(times[0] + self.window - now) + 1)

    def add(self, key: str, now: float) -> None:
        times = self._times.setdefault(key, deque(maxlen=self.limit))
        times.append(now)
        self._times.move_to_end(key)
        while len(self._times) > self.max_keys:
            self._times.popitem(last=False)

    def clear(self, key: str) -> None:
        self._times.pop(key, None)

    def __len__(self) -> int:
        return len(self._times)


class SignInThrottle:
    def __init__(
        self,
        per_user: int = MAX_FAILURES_PER_USER,
        per_address: int = MAX_FAILURES_PER_ADDRESS,
        window: float = WINDOW_SECONDS,
        max_keys: int = MAX_KEYS,
    ):
        self.users = _Failures(per_user, window, max_keys)
        self.addresses = _Failures(per_address, window, max_keys)
        self._lock = threading.Lock()

    def retry_after(self, username: str, client: str) -> int:
        """Seconds until this username may be tried again from this address; 0 when it may be tried now."""
        now = time.monotonic()
        with self._lock:
            return max(self.users.retry_after(username, now), self.addresses.retry_after(client, now))

    def failed(self, username: str, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            self.users.add(username, now)
            self.addresses.add(client, now)

    def succeeded(self, username: str, client: str) -> None:
        """The username's count restarts; the address keeps its failures (a spray succeeding once goes on
        being counted)."""
        with self._lock:
            self.users.clear(username)

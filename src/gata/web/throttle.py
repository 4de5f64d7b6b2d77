"""Failed sign-ins are limited per (username, client address), so a password cannot be guessed at speed.

Per pair rather than per username, so nobody can lock a user out by failing on purpose from elsewhere;
Argon2 already makes each guess cost tens of milliseconds. In memory: a restart forgets the counts, which
only gives a guesser a fresh window of the same small size.
"""

from __future__ import annotations

import threading
import time
from collections import deque

MAX_FAILURES = 10
WINDOW_SECONDS = 15 * 60


class SignInThrottle:
    def __init__(self, max_failures: int = MAX_FAILURES, window: float = WINDOW_SECONDS):
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def retry_after(self, username: str, client: str) -> int:
        """Seconds until this pair may try again; 0 when it may try now."""
        now = time.monotonic()
        with self._lock:
            times = self._recent((username, client), now)
            if len(times) < self.max_failures:
                return 0
            return max(1, int(times[0] + self.window - now) + 1)

    def failed(self, username: str, client: str) -> None:
        with self._lock:
            self._recent((username, client), time.monotonic()).append(time.monotonic())
            if len(self._failures) > 100_000:  # bounded memory under a spray of usernames
                self._failures.clear()

    def succeeded(self, username: str, client: str) -> None:
        with self._lock:
            self._failures.pop((username, client), None)

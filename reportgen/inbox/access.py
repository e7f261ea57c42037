"""Who may do what in the inbox: links looked up in constant time, CSRF tokens bound to a link, failures rate-limited."""
from __future__ import annotations

import hashlib
import hmac
import time
from collections import deque

FAILURES_ALLOWED = 20      # wrong links or forged posts from one address …
FAILURE_WINDOW = 600       # … within this many seconds, then every request from it waits out the window


class Gate:
    """The inbox's guards, kept in memory: a restart forgets the failures (and issues no new tokens)."""

    def __init__(self, secret: bytes, allowed: int = FAILURES_ALLOWED, window: float = FAILURE_WINDOW):
        self._csrf_key = hmac.new(secret, b"inbox csrf", hashlib.sha256).digest()
        self.allowed, self.window = allowed, window
        self._failures: dict[str, deque] = {}

    def blocked(self, address: str) -> bool:
        seen = self._failures.get(address)
        if not seen:
            return False
        cutoff = time.monotonic() - self.window
        while seen and seen[0] < cutoff:
            seen.popleft()
        return len(seen) >= self.allowed

    def failed(self, address: str) -> None:
        self._failures.setdefault(address, deque()).append(time.monotonic())

    def csrf(self, token: str) -> str:
        """The token every form of a link's page posts back: made from the link, unknown to another site."""
        return hmac.new(self._csrf_key, token.encode("utf-8"), hashlib.sha256).hexdigest()

    def csrf_ok(self, token: str, given: str | None) -> bool:
        return isinstance(given, str) and hmac.compare_digest(self.csrf(token), given)


def same_origin(headers, host: str) -> bool:
    """A browser's post from another site names that site in Origin: refused (no Origin: a non-browser client)."""
    origin = headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    return origin.split("://", 1)[-1] == host

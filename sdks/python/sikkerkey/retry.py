"""When and how long to wait before another attempt (mirrors ``packages/sdk/src/backoff.ts`` and
the loop in ``request.ts``)."""

from __future__ import annotations

import random
import re
import time
from email.utils import parsedate_to_datetime
from typing import Callable, Optional

from .errors import SikkerKeyError

DEFAULT_TIMEOUT = 10.0
DEFAULT_RETRIES = 2
DEFAULT_RETRY_DELAY = 0.25
#: Upper bound of one backoff step, whatever the attempt number.
MAX_BACKOFF = 5.0
#: A server asking for a longer pause than this gets its error surfaced instead of a silent wait.
MAX_RETRY_AFTER = 30.0
#: Answers that mean the server declined before doing anything, so even a POST may be repeated.
DECLINED_STATUS = frozenset({429, 503})


def backoff(attempt: int, base: float, rand: Callable[[], float] = random.random) -> float:
    """Between half and all of ``base * 2**attempt`` seconds (capped): the random half keeps
    machines that failed together from retrying in lock-step, the fixed half keeps a retry from
    landing at once."""
    ceiling = min(MAX_BACKOFF, base * 2**attempt)
    return ceiling / 2 + rand() * ceiling / 2


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """``Retry-After`` (RFC 9110 section 10.2.3) in seconds: delay-seconds or an HTTP-date.
    None when absent or unreadable, so the caller falls back to its own backoff."""
    if value is None:
        return None
    text = value.strip()
    if re.fullmatch(r"[0-9]+", text):
        return float(int(text))
    if not re.search(r"[A-Za-z]", text):
        return None
    try:
        date = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if date is None or date.tzinfo is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, date.timestamp() - now)


def should_retry(
    error: SikkerKeyError,
    *,
    attempt: int,
    retries: int,
    idempotent: bool = True,
    maybe_sent: bool = True,
) -> bool:
    """Whether attempt number ``attempt`` (0-based) that failed with ``error`` is followed by another.

    The error's ``is_retryable`` already holds the code-or-status decision. A request that is not
    idempotent is repeated only when the server surely did not act on it: it never reached the
    server, or the answer was 429 or 503.
    """
    if not error.is_retryable or attempt >= retries:
        return False
    if not idempotent:
        reached = error.status != 0 or maybe_sent
        if reached and error.status not in DECLINED_STATUS:
            return False
    if error.retry_after is not None and error.retry_after > MAX_RETRY_AFTER:
        return False
    return True


def delay_before_retry(error: SikkerKeyError, attempt: int, base: float) -> float:
    """``Retry-After`` when the server gave one, else exponential backoff with jitter."""
    return error.retry_after if error.retry_after is not None else backoff(attempt, base)

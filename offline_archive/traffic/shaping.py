"""Cloud-like traffic on one machine: a per-request latency and a per-response bandwidth cap.

On 127.0.0.1 every request is answered in well under a millisecond, so a tutorial cannot show
why a loop that makes one request after another is slow in the cloud, where each request waits
tens of milliseconds.  :func:`shape` wraps a WSGI application (the S3 server, the MAST services)
in a small middleware that waits ``latency`` before handing each request on, and sends each
response no faster than ``bandwidth``.  Both are off by default.

The middleware is an ordinary WSGI application around another one, so it composes with any
other middleware (fault injection, logging) in the same chain:
``shape(inject_faults(app, ...), Shaping(...))``.

Configuration: ``python -m offline_archive serve --latency-ms 30 --bandwidth-mbps 50``, or the
environment variables :data:`LATENCY_ENV` and :data:`BANDWIDTH_ENV` (read by
:meth:`Shaping.from_env`).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

#: Milliseconds added before each request is answered.
LATENCY_ENV = "OFFLINE_ARCHIVE_LATENCY_MS"
#: Largest rate (megabits per second) at which each response is sent.
BANDWIDTH_ENV = "OFFLINE_ARCHIVE_BANDWIDTH_MBPS"
#: Bytes sent between two checks of the bandwidth cap.
PIECE = 16 * 1024

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class Shaping:
    """How to slow the archive's traffic down.

    Parameters
    ----------
    latency_ms : float
        Added to every request before it is answered (0: none).
    bandwidth_mbps : float or None
        Cap on the rate of each response body, in megabits per second (None: no cap).
    """

    latency_ms: float = 0.0
    bandwidth_mbps: float | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.latency_ms) and self.latency_ms >= 0):
            raise ValueError(f"latency must be a finite number of milliseconds >= 0, not {self.latency_ms!r}")
        if self.bandwidth_mbps is not None and not (
            math.isfinite(self.bandwidth_mbps) and self.bandwidth_mbps > 0
        ):
            raise ValueError(f"bandwidth must be a positive number of Mbit/s, not {self.bandwidth_mbps!r}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Shaping:
        """The shaping named by :data:`LATENCY_ENV` and :data:`BANDWIDTH_ENV` (unset or empty: off).

        Raises
        ------
        ValueError
            If a variable is set to something that is not a valid number.
        """
        values: dict[str, float | None] = {}
        for name, env in (("latency_ms", LATENCY_ENV), ("bandwidth_mbps", BANDWIDTH_ENV)):
            text = environ.get(env, "").strip()
            try:
                values[name] = float(text) if text else None
            except ValueError:
                raise ValueError(f"{env}={text!r} is not a number") from None
        return cls(latency_ms=values["latency_ms"] or 0.0, bandwidth_mbps=values["bandwidth_mbps"])

    @property
    def active(self) -> bool:
        return self.latency_ms > 0 or self.bandwidth_mbps is not None

    @property
    def bytes_per_second(self) -> float | None:
        return None if self.bandwidth_mbps is None else self.bandwidth_mbps * 1e6 / 8.0

    def describe(self) -> str:
        """A short description for log lines ("no shaping" when off)."""
        if not self.active:
            return "no shaping"
        parts = []
        if self.latency_ms:
            parts.append(f"{self.latency_ms:g} ms latency per request")
        if self.bandwidth_mbps is not None:
            parts.append(f"{self.bandwidth_mbps:g} Mbit/s per response")
        return ", ".join(parts)


def shape(
    app: WSGIApp,
    shaping: Shaping,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> WSGIApp:
    """Wrap a WSGI application so that its traffic follows ``shaping``.

    Parameters
    ----------
    app : WSGI application
        The application to wrap.
    shaping : Shaping
        The latency and bandwidth to impose; when it is off, ``app`` is returned unchanged.
    sleep, clock : callable, optional
        How to wait and how to tell the time (tests pass a simulated clock).

    Returns
    -------
    WSGI application
    """
    if not shaping.active:
        return app
    latency_s = shaping.latency_ms / 1000.0
    rate = shaping.bytes_per_second

    def shaped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if latency_s:
            sleep(latency_s)
        body = app(environ, start_response)
        return body if rate is None else _throttled(body, rate, sleep, clock)

    return shaped


def _throttled(
    body: Iterable[bytes], rate: float, sleep: Callable[[float], None], clock: Callable[[], float]
) -> Iterator[bytes]:
    """Yield ``body`` in pieces, waiting so that no more than ``rate`` bytes/s go out."""
    start = clock()
    sent = 0
    try:
        for chunk in body:
            for offset in range(0, len(chunk), PIECE):
                piece = chunk[offset : offset + PIECE]
                sent += len(piece)
                ahead = start + sent / rate - clock()
                if ahead > 0:
                    sleep(ahead)
                yield piece
    finally:
        close = getattr(body, "close", None)  # the WSGI contract: close what the application returned
        if close is not None:
            close()

"""A request log: one JSON line per request with its status, size and duration.

``serve --request-log PATH`` (or ``$OFFLINE_ARCHIVE_REQUEST_LOG``) appends a line for every
request the web services and S3 answer (S3's ``host`` is its ``127.0.0.1:port`` address)::

    {"t": 1763..., "method": "GET", "host": "mast.stsci.edu", "path": "/api/v0.1/Download/file",
     "status": 200, "bytes": 1843200, "ms": 12.4, "outcome": "ok"}

``ms`` runs from the moment the application is called to the moment the last byte of the body
has been handed to the server.  ``outcome`` is ``"aborted"`` when the body was not sent to the end
(the client went away, or a fault was injected).  :func:`summarise` turns a log into the figures
a load test reports.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

#: Environment variable read by ``serve`` and ``exec`` when ``--request-log`` is not given.
REQUEST_LOG_ENV = "OFFLINE_ARCHIVE_REQUEST_LOG"


class RequestLog:
    """WSGI middleware that appends one JSON line per request to a file.

    Parameters
    ----------
    app : WSGI application
        The application to wrap.
    path : pathlib.Path
        The log file; created if missing, appended to otherwise.
    """

    def __init__(self, app: Any, path: Path) -> None:
        self.app = app
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._file = self.path.open("a", encoding="utf-8", buffering=1)

    def also(self, app: Any) -> RequestLog:
        """Log the requests of another application into the same file (closed with this one)."""
        other = object.__new__(RequestLog)
        other.app, other.path, other._lock, other._file = app, self.path, self._lock, self._file
        return other

    def write(self, record: dict[str, Any]) -> None:
        with self._lock:
            self._file.write(json.dumps(record) + "\n")

    def close(self) -> None:
        with self._lock:
            self._file.close()

    def __call__(self, environ: dict[str, Any], start_response) -> Iterable[bytes]:
        began = time.perf_counter()
        record = {
            "t": round(time.time(), 3),
            "method": environ.get("REQUEST_METHOD", ""),
            "host": (environ.get("HTTP_HOST") or "").rsplit(":", 1)[0].lower(),
            "path": environ.get("PATH_INFO", ""),
            "status": None,
            "bytes": 0,
        }

        def remember(status: str, headers, exc_info=None):
            record["status"] = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        try:
            body = self.app(environ, remember)
        except BaseException:
            self._finish(record, began, "aborted")
            raise
        return self._relay(body, record, began)

    def _relay(self, body: Iterable[bytes], record: dict[str, Any], began: float) -> Iterator[bytes]:
        outcome = "aborted"
        try:
            for chunk in body:
                record["bytes"] += len(chunk)
                yield chunk
            outcome = "ok"
        finally:
            if hasattr(body, "close"):
                body.close()
            self._finish(record, began, outcome)

    def _finish(self, record: dict[str, Any], began: float, outcome: str) -> None:
        record["ms"] = round((time.perf_counter() - began) * 1000.0, 2)
        record["outcome"] = outcome
        if not self._file.closed:
            self.write(record)


def read_log(path: Path, since: float = 0.0) -> list[dict[str, Any]]:
    """The records of a request log, of requests that began at or after ``since`` (a ``time.time()``)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [record for line in lines if line.strip() and (record := json.loads(line))["t"] >= since]


def peak_in_flight(records: list[dict[str, Any]]) -> int:
    """The most requests the archive was answering at the same moment (each from ``t`` to ``t + ms``)."""
    events = sorted(
        [(r["t"], 1) for r in records] + [(r["t"] + r["ms"] / 1000.0, -1) for r in records],
        key=lambda event: (event[0], event[1]),  # an answer that ends as another begins: not overlapping
    )
    peak = current = 0
    for _, change in events:
        current += change
        peak = max(peak, current)
    return peak


def summarise(records: list[dict[str, Any]], seconds: float) -> dict[str, Any]:
    """The load figures of a run: requests per second, the slowest request, failures.

    Parameters
    ----------
    records : list of dict
        Lines of a request log (see :func:`read_log`).
    seconds : float
        Wall-clock duration of the run, for the rate.

    Returns
    -------
    dict
        ``requests``, ``rps``, ``slowest_ms``, ``slowest`` (method, host and path of the slowest
        request), ``p95_ms``, ``peak_in_flight`` (:func:`peak_in_flight`), ``server_errors`` (5xx
        answers), ``aborted`` and ``statuses``.
    """
    durations = sorted(r["ms"] for r in records)
    slowest = max(records, key=lambda r: r["ms"], default=None)
    p95 = durations[max(0, math.ceil(0.95 * len(durations)) - 1)] if durations else 0.0
    return {
        "requests": len(records),
        "rps": round(len(records) / seconds, 2) if seconds > 0 else 0.0,
        "slowest_ms": slowest["ms"] if slowest else 0.0,
        "slowest": f"{slowest['method']} {slowest['host']}{slowest['path']}" if slowest else "",
        "p95_ms": p95,
        "peak_in_flight": peak_in_flight(records),
        "server_errors": sum(1 for r in records if (r["status"] or 0) >= 500),
        "aborted": sum(1 for r in records if r["outcome"] != "ok"),
        "statuses": dict(sorted(Counter(str(r["status"]) for r in records).items())),
    }

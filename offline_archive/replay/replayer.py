"""The replayer: WSGI applications that answer from a cassette alone, deterministically.

A request is matched on its :func:`~.cassette.request_key`; when the recording holds several
answers for one key (the same query asked twice), they are given in the order they were recorded,
the last one again once they run out.  An S3 read of a byte range that was not recorded as such is
cut from a recorded read that covers it.  Anything else was not recorded: the answer is the
service's own error shape (the portal's JSON, S3's XML) with a message that names the request and
says how to record it.  Nothing is ever forwarded.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .cassette import Cassette, Exchange, Request, request_key
from .recorder import respond

_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")
_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


def record_hint(cassette: Path) -> str:
    return f"record it with: python -m offline_archive record --cassette {cassette} -- <the same command>"


def _span(exchange: Exchange) -> tuple[int, int, int] | None:
    """(first byte, last byte, object size) that a recorded S3 read holds, or None."""
    if exchange.method != "GET" or exchange.status not in (200, 206):
        return None
    if exchange.status == 206:
        match = _CONTENT_RANGE.match(exchange.headers.get("content-range", ""))
        return (int(match[1]), int(match[2]), int(match[3])) if match else None
    return (0, exchange.size - 1, exchange.size) if exchange.size else None


def requested_span(header: str, size: int) -> tuple[int, int] | None:
    """The bytes a ``Range`` header asks of an object of ``size`` bytes (None: not a single range)."""
    match = _RANGE.match(header.strip())
    if not match or (not match[1] and not match[2]):
        return None
    if not match[1]:  # the last N bytes
        return max(size - int(match[2]), 0), size - 1
    first = int(match[1])
    last = min(int(match[2]), size - 1) if match[2] else size - 1
    return (first, last) if first <= last else None


class Replayer:
    """WSGI application answering one kind of request (``"web"`` or ``"s3"``) from a cassette.

    Parameters
    ----------
    cassette : Cassette
    kind : str
    on_missing : callable
        ``(message, request) -> (status, content type, body)``: the service's error for a request
        the cassette does not hold.
    """

    def __init__(self, cassette: Cassette, kind: str, on_missing) -> None:
        self.cassette = cassette
        self.kind = kind
        self.on_missing = on_missing
        self._answers = {k: v for k, v in cassette.by_key().items() if v[0].kind == kind}
        self._spans: dict[str, list[tuple[int, int, int, Exchange]]] = {}
        for answers in self._answers.values():
            for exchange in answers:
                span = _span(exchange)
                if kind == "s3" and span is not None:
                    self._spans.setdefault(exchange.path, []).append((*span, exchange))
        self._served: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        request = Request.from_environ(self.kind, environ)
        key = request_key(request)
        answers = self._answers.get(key)
        if answers:
            with self._lock:
                exchange = answers[min(self._served[key], len(answers) - 1)]
                self._served[key] += 1
            body = self.cassette.read_body(exchange)
            return respond(
                start_response, exchange.status, list(exchange.headers.items()), body, request.method
            )
        if self.kind == "s3" and request.method == "GET" and request.range and not request.query:
            cut = self._cut(request)
            if cut is not None:
                return cut(start_response)
        message = (
            f"The cassette {self.cassette.path} holds no answer for {request.url()}: it was not recorded. "
            f"To run this offline, {record_hint(self.cassette.path)}"
        )
        status, content_type, body = self.on_missing(message, request)
        return respond(start_response, status, [("Content-Type", content_type)], body, request.method)

    def _cut(self, request: Request):
        """An answer for a byte range inside a recorded read of the same object, or None."""
        for first, last, size, exchange in self._spans.get(request.path, []):
            wanted = requested_span(request.range or "", size)
            if wanted and first <= wanted[0] and wanted[1] <= last:
                data = self.cassette.read_body(exchange)[wanted[0] - first : wanted[1] - first + 1]
                headers = {
                    k: v for k, v in exchange.headers.items() if k not in ("content-range", "content-length")
                }
                headers["content-range"] = f"bytes {wanted[0]}-{wanted[1]}/{size}"
                return lambda start_response: respond(start_response, 206, list(headers.items()), data, "GET")
        return None

"""Faults on request: a WSGI middleware that makes a share of requests fail the way networks do.

The archive can answer a chosen share of requests with an error status (503 during a
maintenance window, 504 from a busy cutout service, 429 with ``Retry-After``), answer late,
drop the connection without answering, or send only part of a body and hang up.  Tests use it
to walk every failure path of the helpers and of astroquery; ``serve --faults`` turns it on for
a session by hand.

A fault plan is JSON: a list of rules, or ``{"seed": 0, "faults": [...]}``.  Each rule::

    {"status": 503, "retry_after": 1,     # answer 503 with a Retry-After header, or
     "drop": true,                         # close the connection without an answer, or
     "truncate": 0.5,                      # send half the body, then close the connection;
     "delay": 2.0,                         # wait this long first (alone: a slow answer)
     "share": 0.25,                        # this share of the matching requests (default all)
     "first": 3,                           # only the first 3 matching requests
     "paths": ["/api/v0.1/Download/*"],    # fnmatch patterns of the path (default any)
     "hosts": ["mast.stsci.edu"],          # Host names without port (default any)
     "methods": ["GET"]}                   # (default any)

The first rule that matches a request and fires decides its fate.  Which requests fire is
drawn from a random generator seeded by the plan, so a sequence of requests meets the same
faults on every run.  The middleware knows nothing about the application it wraps: it works
for the Flask app and for any WSGI app served by Werkzeug (dropping a connection uses the
``werkzeug.socket`` entry Werkzeug puts in the environment).
"""

from __future__ import annotations

import contextlib
import json
import random
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from http import HTTPStatus
from pathlib import Path
from typing import Any

#: Environment variable read by ``serve`` and ``exec`` when ``--faults`` is not given.
FAULTS_ENV = "OFFLINE_ARCHIVE_FAULTS"


@dataclass(frozen=True)
class Fault:
    """One rule of a fault plan (see the module docstring for the JSON form)."""

    status: int | None = None
    retry_after: int | None = None
    drop: bool = False
    truncate: float | None = None
    delay: float = 0.0
    share: float = 1.0
    first: int | None = None
    paths: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        effects = sum((self.status is not None, self.drop, self.truncate is not None))
        if effects > 1:
            raise ValueError("A fault rule does one of 'status', 'drop' or 'truncate', not several.")
        if effects == 0 and self.delay <= 0:
            raise ValueError("A fault rule needs 'status', 'drop', 'truncate' or a positive 'delay'.")
        if self.status is not None and not 400 <= self.status <= 599:
            raise ValueError(f"A fault status must be 4xx or 5xx, not {self.status}.")
        if self.truncate is not None and not 0.0 <= self.truncate < 1.0:
            raise ValueError(f"'truncate' is the share of the body sent, in [0, 1), not {self.truncate}.")
        if not 0.0 <= self.share <= 1.0:
            raise ValueError(f"'share' must lie in [0, 1], not {self.share}.")
        if self.retry_after is not None and (not isinstance(self.retry_after, int) or self.retry_after < 0):
            raise ValueError(f"'retry_after' is a whole number of seconds, not {self.retry_after!r}.")
        if self.delay < 0 or (self.first is not None and self.first < 0):
            raise ValueError("'delay' and 'first' cannot be negative.")

    @classmethod
    def from_dict(cls, spec: dict[str, Any]) -> Fault:
        """A rule from its JSON object; unknown keys are an error (a typo must not pass silently)."""
        unknown = set(spec) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"Unknown key(s) in a fault rule: {', '.join(sorted(unknown))}.")
        values = dict(spec)
        for key in ("paths", "hosts", "methods"):
            if key in values:
                items = values[key]
                values[key] = (items,) if isinstance(items, str) else tuple(items)
        values["methods"] = tuple(m.upper() for m in values.get("methods", ()))
        values["hosts"] = tuple(h.lower() for h in values.get("hosts", ()))
        return cls(**values)

    def matches(self, method: str, host: str, path: str) -> bool:
        """Whether the rule applies to a request (before its share and count are considered).

        A HEAD answer has no body to cut, so truncation rules never match HEAD requests.
        """
        if self.truncate is not None and method == "HEAD":
            return False
        return (
            (not self.methods or method in self.methods)
            and (not self.hosts or host in self.hosts)
            and (not self.paths or any(fnmatchcase(path, p) for p in self.paths))
        )

    @property
    def kind(self) -> str:
        """``"status"``, ``"drop"``, ``"truncate"`` or ``"delay"``."""
        if self.status is not None:
            return "status"
        return "drop" if self.drop else "truncate" if self.truncate is not None else "delay"


@dataclass(frozen=True)
class FaultPlan:
    """The rules and the seed of the generator that picks which requests they hit."""

    faults: tuple[Fault, ...] = ()
    seed: int = 0

    @classmethod
    def from_json(cls, text: str) -> FaultPlan:
        """Parse a plan: a JSON list of rules or ``{"seed": .., "faults": [..]}``."""
        data = json.loads(text)
        if isinstance(data, list):
            data = {"faults": data}
        if not isinstance(data, dict) or not isinstance(data.get("faults", []), list):
            raise TypeError("A fault plan is a list of rules or an object with a 'faults' list.")
        unknown = set(data) - {"faults", "seed"}
        if unknown:
            raise ValueError(f"Unknown key(s) in a fault plan: {', '.join(sorted(unknown))}.")
        return cls(tuple(Fault.from_dict(rule) for rule in data.get("faults", [])), int(data.get("seed", 0)))

    @classmethod
    def load(cls, spec: str) -> FaultPlan:
        """A plan from JSON text or from the path of a JSON file (``@path`` or a plain path)."""
        text = spec.strip()
        if not text.startswith(("[", "{")):
            text = Path(text.removeprefix("@")).expanduser().read_text()
        return cls.from_json(text)


@dataclass(frozen=True)
class Injected:
    """A record of one fault that was injected."""

    rule: int
    kind: str
    method: str
    host: str
    path: str


def _drop_connection(environ: dict[str, Any]) -> None:
    """Close the client's connection under the server's feet, then stop the response quietly."""
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    # Werkzeug treats a ConnectionError as a client that went away: no 500, no log line.
    raise ConnectionAbortedError("offline archive fault injection: connection dropped")


@dataclass
class FaultInjector:
    """WSGI middleware that applies a :class:`FaultPlan` to the requests of ``app``.

    Parameters
    ----------
    app : WSGI application
        The application to wrap.
    plan : FaultPlan, optional
        The faults; none by default (the middleware then only passes requests through).

    Attributes
    ----------
    injected : list of Injected
        Every fault injected since the plan was last set, in order.
    """

    app: Any
    plan: FaultPlan = field(default_factory=FaultPlan)
    injected: list[Injected] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.set_plan(self.plan)

    def set_plan(self, plan: FaultPlan) -> None:
        """Replace the plan; counts, the generator and the record of injected faults start afresh."""
        with self._lock:
            self.plan = plan
            self._random = random.Random(plan.seed)
            self._counts = [0] * len(plan.faults)
            self.injected = []

    def _choose(self, method: str, host: str, path: str) -> Fault | None:
        with self._lock:
            for index, fault in enumerate(self.plan.faults):
                if not fault.matches(method, host, path):
                    continue
                if fault.first is not None and self._counts[index] >= fault.first:
                    continue
                if fault.share < 1.0 and self._random.random() >= fault.share:
                    continue
                self._counts[index] += 1
                self.injected.append(Injected(index, fault.kind, method, host, path))
                return fault
        return None

    def __call__(self, environ: dict[str, Any], start_response) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        host = (environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or "").rsplit(":", 1)[0].lower()
        fault = self._choose(method, host, environ.get("PATH_INFO", ""))
        if fault is None:
            return self.app(environ, start_response)
        if fault.delay:
            time.sleep(fault.delay)
        if fault.drop:
            _drop_connection(environ)
        if fault.status is not None:
            answer = _status_answer(fault, start_response)
            return [] if method == "HEAD" else answer  # a HEAD answer has headers only
        if fault.truncate is not None:
            return _truncated(self.app, environ, start_response, fault.truncate)
        return self.app(environ, start_response)


def _status_answer(fault: Fault, start_response) -> list[bytes]:
    phrase = HTTPStatus(fault.status).phrase if fault.status in HTTPStatus._value2member_map_ else "Error"
    body = json.dumps(
        {"status": "ERROR", "msg": f"{fault.status} {phrase} (a fault injected by the offline archive)."}
    ).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    if fault.retry_after is not None:
        headers.append(("Retry-After", str(fault.retry_after)))
    start_response(f"{fault.status} {phrase}", headers)
    return [body]


def _truncated(app, environ: dict[str, Any], start_response, share: float) -> Iterator[bytes]:
    """The app's answer with its headers intact (Content-Length too) but only ``share`` of its body."""
    captured: dict[str, Any] = {}

    def capture(status: str, headers: list[tuple[str, str]], exc_info=None):
        captured["headers"] = headers
        return start_response(status, headers, exc_info)

    body = app(environ, capture)
    try:
        lengths = [v for k, v in captured.get("headers", []) if k.lower() == "content-length"]
        chunks: Iterable[bytes] = body
        if lengths:
            total = int(lengths[0])
        else:  # unknown length: hold the whole body to know where half of it is
            chunks = [b"".join(body)]
            total = len(chunks[0])
        limit = int(total * share)
        sent = 0
        for chunk in chunks:
            if sent + len(chunk) >= limit:
                if limit > sent:
                    yield chunk[: limit - sent]
                break
            sent += len(chunk)
            yield chunk
    finally:
        if hasattr(body, "close"):
            body.close()
    _drop_connection(environ)

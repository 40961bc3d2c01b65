"""No network escapes: an audit hook that stops every connection to a non-loopback address.

Installed for the test session (``pytest_netguard``, loaded by the repository's ``conftest.py``)
and, through the ``sitecustomize`` module next to this file, in every Python process the tests
start (the archive, notebook kernels, scripts): ``pytest_netguard`` puts this directory on
``PYTHONPATH`` for the test session only, so nothing changes outside the tests.

The hook (:func:`sys.addaudithook`) watches the interpreter's ``socket.*`` audit events:

* ``socket.connect`` and ``socket.sendto``/``sendmsg`` to an IPv4 or IPv6 address that is not
  loopback (or to a host name other than ``localhost``);
* ``socket.getaddrinfo``, ``gethostbyname``... of a name other than ``localhost`` and this
  machine's own name: resolving a public name already leaves the machine (a DNS query).

Each escape raises :class:`NetworkEscapeError`, naming the address, in the code that tried it,
and is appended as one JSON line to the file named by ``$NETGUARD_LOG``, so that the test
session can fail the test that caused it even when a library caught the exception.
``NETGUARD=off`` in the environment turns the guard off (``make live-test`` does so).
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: Environment variables: the escape log, and the switch.
LOG_ENV = "NETGUARD_LOG"
SWITCH_ENV = "NETGUARD"
_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.sendto",
        "socket.sendmsg",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyname_ex",
        "socket.gethostbyaddr",
    }
)
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", ""}


class NetworkEscapeError(RuntimeError):
    """A connection or name lookup that would leave this machine, stopped by the test guard."""


def _is_loopback_ip(text: str) -> bool | None:
    """True/False for an IP address literal, None when ``text`` is a name."""
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


def _local_name(name: str) -> bool:
    return name.lower().rstrip(".") in _LOCAL_NAMES or name == socket.gethostname()


def _host_escapes(host: object) -> bool:
    if host is None:
        return False
    if isinstance(host, bytes):
        host = host.decode("idna", "replace")
    text = str(host)
    loopback = _is_loopback_ip(text)
    return not loopback if loopback is not None else not _local_name(text)


def _escape(event: str, args: tuple) -> str | None:
    """A description of the escape an audit event is, or None."""
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        sock, address = args[0], args[-1]
        if getattr(sock, "family", None) not in (socket.AF_INET, socket.AF_INET6):
            return None
        if not isinstance(address, tuple) or not address:
            return None
        if _host_escapes(address[0]):
            port = address[1] if len(address) > 1 else "?"
            return f"{event.split('.', 1)[1]} to {address[0]}:{port}"
        return None
    host = args[0] if args else None
    if event == "socket.getaddrinfo" and _is_loopback_ip(str(host)) is not None:
        return None  # an address literal: the connect that follows is checked
    if _host_escapes(host):
        return f"name lookup of {host!r} ({event})"
    return None


class _Guard:
    def __init__(self, log: str | None) -> None:
        self.log = log
        self.expected: list[list[str]] = []
        self._lock = threading.Lock()

    def __call__(self, event: str, args: tuple) -> None:
        if event not in _EVENTS:
            return
        what = _escape(event, args)
        if what is None:
            return
        with self._lock:
            if self.expected:
                self.expected[-1].append(what)
            elif self.log:
                record = {"pid": os.getpid(), "what": what, "argv": sys.argv[:3]}
                with open(self.log, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(record) + "\n")
        raise NetworkEscapeError(
            f"Network escape blocked: {what}. The tests run offline against the local archive; "
            "anything else this code needs must come from the archive (or be mocked in the test)."
        )


_GUARD: _Guard | None = None


def install(log: str | None = None) -> None:
    """Install the guard in this process (once); escapes are appended to ``log`` if given."""
    global _GUARD
    if _GUARD is None:
        _GUARD = _Guard(log)
        sys.addaudithook(_GUARD)
    elif log:
        _GUARD.log = log


def install_from_environment() -> None:
    """Install the guard unless ``$NETGUARD`` is ``off``; the log is ``$NETGUARD_LOG``."""
    if os.environ.get(SWITCH_ENV, "on").lower() != "off":
        install(os.environ.get(LOG_ENV))


def installed() -> bool:
    return _GUARD is not None


@contextmanager
def expected_escapes() -> Iterator[list[str]]:
    """Escapes inside the block are still stopped but not logged: for tests of the guard itself."""
    if _GUARD is None:
        raise RuntimeError("The network guard is not installed in this process.")
    caught: list[str] = []
    with _GUARD._lock:
        _GUARD.expected.append(caught)
    try:
        yield caught
    finally:
        with _GUARD._lock:
            _GUARD.expected.remove(caught)

"""The network boundary: an HTTP proxy that answers only for the archive hosts.

Clients reach it through the standard ``HTTPS_PROXY``/``HTTP_PROXY`` variables.  A ``CONNECT``
to an archive host is tunnelled to the archive's TLS server (whose certificate the client
trusts through ``REQUESTS_CA_BUNDLE``); a plain-HTTP request for an archive host goes to its
plain server.  Anything else is refused with a message, never forwarded.  Request heads are
parsed with h11; the proxy never reads or alters what goes through a tunnel.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from urllib.parse import urlsplit

import h11

from .hosts import HTTP_HOSTS, TLS_HOSTS, refusal_message

#: The longest request head accepted (bytes) and how long a client may take to send it.
MAX_HEAD = 64 * 1024
HEAD_TIMEOUT_S = 30.0


def route(method: bytes, target: bytes) -> tuple[str | None, str]:
    """Decide where a proxied request goes.

    Parameters
    ----------
    method, target : bytes
        The request line's method and target, as h11 parsed them.

    Returns
    -------
    (str or None, str)
        ``("tls", host)`` or ``("http", host)`` for archive hosts; ``(None, host)`` when refused.
    """
    text = target.decode("latin-1")
    if method == b"CONNECT":
        host, _, port = text.rpartition(":")
        host = host.strip("[]").lower()
        return ("tls" if host in TLS_HOSTS and port == "443" else None), host
    url = urlsplit(text)
    host = (url.hostname or "").lower()
    if url.scheme == "http" and host in HTTP_HOSTS and (url.port in (None, 80)):
        return "http", host
    return None, host or text


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass


def _respond(status: int, reason: bytes, body: str) -> bytes:
    conn = h11.Connection(h11.SERVER)
    conn.receive_data(b"GET / HTTP/1.1\r\nHost: proxy\r\n\r\n")
    conn.next_event()
    payload = body.encode()
    head = h11.Response(
        status_code=status,
        reason=reason,
        headers=[
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(payload))),
            ("Connection", "close"),
            ("X-Offline-Archive", "refused"),
        ],
    )
    return conn.send(head) + conn.send(h11.Data(data=payload)) + conn.send(h11.EndOfMessage())


class ArchiveProxy:
    """The proxy, running its own event loop in a daemon thread.

    Parameters
    ----------
    upstreams : dict
        ``{"tls": (host, port), "http": (host, port)}``: the archive's local servers.
    """

    def __init__(self, upstreams: dict[str, tuple[str, int]]) -> None:
        self._upstreams = upstreams
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="archive-proxy", daemon=True)
        self.port = 0

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_writer = None
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HEAD_TIMEOUT_S)
            conn = h11.Connection(h11.SERVER)
            conn.receive_data(head)
            event = conn.next_event()
            if not isinstance(event, h11.Request):
                writer.write(
                    _respond(
                        400, b"Bad Request", "The offline archive's proxy could not parse the request.\n"
                    )
                )
                return
            kind, host = route(event.method, event.target)
            if kind is None:
                writer.write(_respond(403, b"Forbidden", refusal_message(host) + "\n"))
                return
            up_reader, upstream_writer = await asyncio.open_connection(*self._upstreams[kind])
            if kind == "tls":
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            else:
                upstream_writer.write(head)
            await writer.drain()
            tasks = [
                asyncio.ensure_future(_pipe(reader, upstream_writer)),
                asyncio.ensure_future(_pipe(up_reader, writer)),
            ]
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in tasks:
                task.cancel()
        except (
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            TimeoutError,
            h11.RemoteProtocolError,
            ConnectionError,
            OSError,
            ValueError,
        ):
            with contextlib.suppress(ConnectionError, OSError, RuntimeError):
                writer.write(
                    _respond(
                        400,
                        b"Bad Request",
                        "The offline archive's proxy rejected a malformed or oversized request head.\n",
                    )
                )
        finally:
            for w in (writer, upstream_writer):
                if w is not None:
                    with contextlib.suppress(ConnectionError, OSError, RuntimeError):
                        w.close()

    async def _close_server(self) -> None:
        self._server.close()
        await self._server.wait_closed()

    def start(self) -> int:
        """Start listening on 127.0.0.1; returns the port."""
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, "127.0.0.1", 0, limit=MAX_HEAD), self._loop
        )
        self._server = future.result(timeout=10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    def stop(self) -> None:
        if self._server is not None:
            # Close on the loop's own thread: asyncio objects are not thread-safe, and a connection
            # finishing on the loop while close() ran here could wake the server's waiters twice.
            asyncio.run_coroutine_threadsafe(self._close_server(), self._loop).result(timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

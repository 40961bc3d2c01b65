"""The HTTP(S) server under the archive's web services: one thread per connection, TLS included.

Werkzeug's ``make_server(..., ssl_context=...)`` wraps the *listening* socket, so every TLS
handshake happens inside ``accept()`` on the single thread that accepts connections: one client
that connects and says nothing stalls every other client until it gives up.  This server
accepts plain sockets and performs the handshake in the connection's own thread, with a time
limit, so a slow or silent client only ever holds up itself.

Errors that the standard library's request parser answers by itself (a malformed request line,
a header line over 64 KiB, too many headers) are sent as the service behind the server shapes its
errors (:meth:`ArchiveRequestHandler.error_document`): the portal's JSON for the web services
(:class:`offline_archive.services.app.PortalRequestHandler`), S3's XML for the buckets.
"""

from __future__ import annotations

import socket
import ssl

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

#: Seconds a client has to complete the TLS handshake.
HANDSHAKE_TIMEOUT_S = 10.0
#: Seconds a connection may sit idle (no request, or a request that stops arriving).
IDLE_TIMEOUT_S = 60.0
#: After refusing a request: how long to wait for, and how much to read of, the rest of it.
DRAIN_TIMEOUT_S = 0.2
DRAIN_LIMIT = 16 * 1024 * 1024


class ArchiveRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler, with an idle timeout and parser-level errors in the service's shape.

    Subclasses say what that shape is by overriding :meth:`error_document`; this one answers plain text.
    """

    timeout = IDLE_TIMEOUT_S

    def error_document(self, code: int, text: str) -> tuple[str, bytes]:
        """Content type and body of an error the request parser raised."""
        return "text/plain; charset=utf-8", text.encode()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer a request the parser rejected, with :meth:`error_document`."""
        if code == 505:  # a version the parser does not speak (HTTP/2.0 on a 1.1 connection) is bad input
            code, explain = 400, f"{message or 'Unsupported HTTP version'}; this server speaks HTTP/1.1"
            message = None
        short, long = self.responses.get(code, ("Error", ""))
        text = f"{code} {message or short}: {explain or long}".strip()
        self.log_error("code %d, message %s", code, message or short)
        # The parser assumes HTTP/0.9 (no status line, no headers) until it has read a version;
        # nothing speaks 0.9 any more, so a garbled request gets a proper answer.
        if self.request_version == "HTTP/0.9":
            self.request_version = "HTTP/1.0"
        self.send_response(code, message or short)
        self.send_header("Connection", "close")
        content_type, body = self.error_document(code, text)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()
        self._drain()

    def _drain(self) -> None:
        """Read what the client is still sending (a URL or header that was too long, say) before the
        connection closes, so that it reads the answer instead of a connection reset."""
        self.connection.settimeout(DRAIN_TIMEOUT_S)
        received = 0
        try:
            while received < DRAIN_LIMIT and (data := self.connection.recv(65536)):
                received += len(data)
        except (OSError, ValueError):  # timed out, reset or closed: nothing more to read
            pass


class ArchiveWSGIServer(ThreadedWSGIServer):
    """A threaded WSGI server whose TLS handshakes happen in the connection's thread.

    Parameters
    ----------
    host : str
        Address to listen on (the archive always passes ``127.0.0.1``).
    port : int
        Port, or 0 for a free one (``server_port`` tells which).
    app : WSGI application
        What answers the requests.
    ssl_context : ssl.SSLContext, optional
        Server-side TLS context; plain HTTP when omitted.
    handler : type, optional
        The request handler class (an :class:`ArchiveRequestHandler` by default).
    """

    def __init__(
        self,
        host: str,
        port: int,
        app,
        ssl_context: ssl.SSLContext | None = None,
        handler: type[WSGIRequestHandler] = ArchiveRequestHandler,
    ) -> None:
        super().__init__(host, port, app, handler=handler)
        # Set after the base class has bound a plain socket; Werkzeug reads it for the URL scheme.
        self.ssl_context = ssl_context

    def finish_request(self, request: socket.socket, client_address) -> None:
        """Handle one connection in its own thread, doing the TLS handshake here first."""
        if self.ssl_context is None:
            super().finish_request(request, client_address)
            return
        request.settimeout(HANDSHAKE_TIMEOUT_S)
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # a failed or abandoned handshake concerns this client only
        try:
            super().finish_request(tls, client_address)
        finally:
            self.shutdown_request(tls)


def make_archive_server(
    host: str,
    port: int,
    app,
    ssl_context: ssl.SSLContext | None = None,
    handler: type[WSGIRequestHandler] = ArchiveRequestHandler,
) -> ArchiveWSGIServer:
    """An :class:`ArchiveWSGIServer` listening on ``host:port`` (see the class for parameters)."""
    return ArchiveWSGIServer(host, port, app, ssl_context, handler)

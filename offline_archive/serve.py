"""Start the whole archive (S3, web services, proxy) on 127.0.0.1 and describe it as environment."""

from __future__ import annotations

import logging
import os
import shlex
import signal
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, make_server

from .app import create_app
from .certs import ensure_tls
from .paths import astropy_config_dir, tls_dir
from .proxy import ArchiveProxy
from .s3 import REGION, ArchiveS3
from .store import DataStore

#: Set in the environment the archive writes, so tools can tell they are offline.
MARKER = "OFFLINE_ARCHIVE_PROXY"


@dataclass
class RunningArchive:
    """Handles of a started archive; ``env`` is what a client needs."""

    env: dict[str, str]
    seconds_to_ready: float
    _stops: list = field(default_factory=list, repr=False)

    def stop(self) -> None:
        for stop in reversed(self._stops):
            stop()
        self._stops.clear()


def _serve_in_thread(server: BaseWSGIServer, name: str) -> None:
    threading.Thread(target=server.serve_forever, name=name, daemon=True).start()


def client_environment(proxy_port: int, s3_endpoint: str, root: Path) -> dict[str, str]:
    """The environment that points unmodified clients at the archive.

    ``requests`` (astroquery) follows the proxy variables and trusts the archive's CA through
    ``REQUESTS_CA_BUNDLE``; botocore, s3fs and lightkurve follow ``AWS_ENDPOINT_URL_S3``.
    """
    proxy = f"http://127.0.0.1:{proxy_port}"
    ca = str(tls_dir(root) / "ca.pem")
    no_proxy = "127.0.0.1,localhost,::1"
    return {
        "HTTPS_PROXY": proxy,
        "HTTP_PROXY": proxy,
        "https_proxy": proxy,
        "http_proxy": proxy,
        "NO_PROXY": no_proxy,
        "no_proxy": no_proxy,
        "REQUESTS_CA_BUNDLE": ca,
        "SSL_CERT_FILE": ca,
        "CURL_CA_BUNDLE": ca,
        "AWS_ENDPOINT_URL_S3": s3_endpoint,
        "AWS_DEFAULT_REGION": REGION,
        "ASTROPY_CONFIG_DIR": str(astropy_config_dir(root)),
        MARKER: proxy,
    }


def start(root: Path) -> RunningArchive:
    """Start S3, the web services and the proxy; return once all of them answer.

    Raises
    ------
    offline_archive.store.DataNotBuiltError
        When the data has not been built (or is out of date).
    """
    began = time.perf_counter()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    store = DataStore(root)
    tls = ensure_tls(tls_dir(root))
    running = RunningArchive(env={}, seconds_to_ready=0.0)
    try:
        s3 = ArchiveS3()
        endpoint = s3.start()
        running._stops.append(s3.stop)
        s3.load(store.cloud_objects())

        app = create_app(store)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(tls.server_cert, tls.server_key)
        upstreams = {}
        for kind, ctx in (("tls", context), ("http", None)):
            server = make_server("127.0.0.1", 0, app, threaded=True, ssl_context=ctx)
            _serve_in_thread(server, f"archive-{kind}")
            running._stops.append(server.shutdown)
            upstreams[kind] = ("127.0.0.1", server.server_port)

        proxy = ArchiveProxy(upstreams)
        port = proxy.start()
        running._stops.append(proxy.stop)
    except BaseException:
        running.stop()
        raise
    running.env = client_environment(port, endpoint, root)
    running.seconds_to_ready = time.perf_counter() - began
    return running


@contextmanager
def running_archive(root: Path) -> Iterator[RunningArchive]:
    """The archive, started for the duration of a ``with`` block."""
    archive = start(root)
    try:
        yield archive
    finally:
        archive.stop()


def export_lines(env: dict[str, str]) -> str:
    """Shell ``export`` lines for an environment (values quoted)."""
    return "".join(f"export {key}={shlex.quote(value)}\n" for key, value in env.items())


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text)
    os.replace(tmp, path)


def serve(root: Path, env_file: Path | None) -> None:
    """Run the archive until SIGTERM or SIGINT, announcing it through ``env_file`` once ready."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    with running_archive(root) as archive:
        lines = export_lines(archive.env)
        if env_file is not None:
            env_file.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(env_file, lines)
        print(
            f"Offline archive ready in {archive.seconds_to_ready:.1f} s "
            f"(proxy {archive.env[MARKER]}, S3 {archive.env['AWS_ENDPOINT_URL_S3']}).",
            flush=True,
        )
        if env_file is None:
            print(lines, end="", flush=True)
        try:
            stop.wait()
        finally:
            if env_file is not None:
                env_file.unlink(missing_ok=True)
    print("Offline archive stopped.", flush=True)


def run_command(root: Path, argv: Sequence[str]) -> int:
    """Run a command with the archive up and its environment set; returns the command's exit code."""
    with running_archive(root) as archive:
        env = os.environ | archive.env
        try:
            return subprocess.call(list(argv), env=env)
        except KeyboardInterrupt:
            return 130
        except FileNotFoundError:
            print(f"offline_archive exec: command not found: {argv[0]}", flush=True)
            return 127

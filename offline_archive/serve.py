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

from werkzeug.serving import BaseWSGIServer

from .network.certs import ensure_tls
from .network.proxy import ArchiveProxy
from .network.webserver import make_archive_server
from .paths import astropy_config_dir, tls_dir
from .replay.cassette import Cassette
from .replay.recorder import Recorder, Upstream
from .replay.replayer import Replayer
from .replay.shapes import s3_failure, s3_missing, web_error, web_missing
from .s3.server import REGION, ArchiveS3
from .services.app import PortalRequestHandler, create_app
from .store import DataStore
from .traffic.faults import FaultInjector, FaultPlan
from .traffic.requestlog import REQUEST_LOG_ENV, RequestLog
from .traffic.shaping import Shaping, shape

#: Set in the environment the archive writes, so tools can tell they are offline.
MARKER = "OFFLINE_ARCHIVE_PROXY"


@dataclass
class RunningArchive:
    """Handles of a started archive; ``env`` is what a client needs, ``s3`` its S3 server."""

    env: dict[str, str]
    seconds_to_ready: float
    s3: ArchiveS3 | None = None
    shaping: Shaping = field(default_factory=Shaping)
    _stops: list = field(default_factory=list, repr=False)
    #: The fault middleware of the web services (its plan can be changed while running).
    faults: FaultInjector | None = None

    def stop(self) -> None:
        for stop in reversed(self._stops):
            stop()
        self._stops.clear()


def _serve_in_thread(server: BaseWSGIServer, name: str) -> None:
    threading.Thread(target=server.serve_forever, name=name, daemon=True).start()


def client_environment(proxy_port: int, s3_endpoint: str, root: Path) -> dict[str, str]:
    """The environment that points unmodified clients at the archive.

    ``requests`` (astroquery) follows the proxy variables and trusts the archive's CA through
    ``REQUESTS_CA_BUNDLE``; botocore, s3fs and lightkurve follow ``AWS_ENDPOINT_URL_S3``.  No AWS
    credentials: every bucket the notebooks read is public, and is read anonymously
    (``anon=True``, astroquery's unsigned boto3), as on AWS.
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


def start(
    root: Path,
    *,
    shaping: Shaping | None = None,
    faults: FaultPlan | None = None,
    request_log: Path | None = None,
    record: tuple[Cassette, Upstream] | None = None,
    replay: Cassette | None = None,
) -> RunningArchive:
    """Start S3, the web services and the proxy; return once all of them answer.

    What answers is the generated data, unless ``record`` or ``replay`` says otherwise; the
    proxy, the TLS server, the S3 endpoint and the client's environment are the same in all three.

    Parameters
    ----------
    root : pathlib.Path
        The archive's cache directory.
    shaping : Shaping, optional
        Latency and bandwidth imposed on S3 and the MAST services; by default what the
        environment says (:meth:`Shaping.from_env`), which is nothing unless asked for.
    faults : FaultPlan, optional
        Faults to inject into the web services' answers (:mod:`offline_archive.traffic.faults`).
    request_log : pathlib.Path, optional
        Append one JSON line per request (web services and S3) here (:mod:`offline_archive.traffic.requestlog`).
    record : (Cassette, Upstream), optional
        Forward every request to the upstream and keep the exchanges in the cassette
        (:mod:`offline_archive.replay.recorder`); the generated data is not needed.
    replay : Cassette, optional
        Answer from the cassette alone (:mod:`offline_archive.replay.replayer`).

    Raises
    ------
    offline_archive.store.DataNotBuiltError
        When the data has not been built (or is out of date).
    """
    began = time.perf_counter()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    shaping = shaping if shaping is not None else Shaping.from_env()
    store = DataStore(root) if record is None and replay is None else None
    tls = ensure_tls(tls_dir(root))
    running = RunningArchive(env={}, seconds_to_ready=0.0, shaping=shaping)
    try:
        if record is not None:
            cassette, upstream = record
            web = Recorder(cassette, "web", upstream, web_error)
            s3_backend = Recorder(cassette, "s3", upstream, s3_failure)
        elif replay is not None:
            web, s3_backend = Replayer(replay, "web", web_missing), Replayer(replay, "s3", s3_missing)
        else:
            web, s3_backend = create_app(store), None
        app = running.faults = FaultInjector(web, faults or FaultPlan())
        app = shape(app, shaping)
        s3 = ArchiveS3(shaping, backend=s3_backend)
        if request_log is not None:
            app = RequestLog(app, request_log)
            s3.app = app.also(s3.app)
            running._stops.append(app.close)
        endpoint = s3.start()
        running._stops.append(s3.stop)
        running.s3 = s3
        if store is not None:
            s3.load(store.cloud_objects())

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(tls.server_cert, tls.server_key)
        upstreams = {}
        for kind, ctx in (("tls", context), ("http", None)):
            server = make_archive_server("127.0.0.1", 0, app, ssl_context=ctx, handler=PortalRequestHandler)
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
    if request_log is not None:
        running.env[REQUEST_LOG_ENV] = str(request_log)
    running.seconds_to_ready = time.perf_counter() - began
    return running


@contextmanager
def running_archive(root: Path, **options) -> Iterator[RunningArchive]:
    """The archive, started for the duration of a ``with`` block (``options`` go to :func:`start`)."""
    archive = start(root, **options)
    try:
        yield archive
    finally:
        archive.stop()


def export_lines(env: dict[str, str]) -> str:
    """Shell ``export`` lines for an environment (values quoted)."""
    return "".join(f"export {key}={shlex.quote(value)}\n" for key, value in env.items())


def parse_export_lines(text: str) -> dict[str, str]:
    """The variables of :func:`export_lines`' text (an env file the archive wrote)."""
    env = {}
    for line in text.splitlines():
        words = shlex.split(line)
        if len(words) == 2 and words[0] == "export" and "=" in words[1]:
            name, _, value = words[1].partition("=")
            env[name] = value
    return env


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text)
    os.replace(tmp, path)


def serve(root: Path, env_file: Path | None, **options) -> None:
    """Run the archive until SIGTERM or SIGINT, announcing it through ``env_file`` once ready.

    ``options`` (``faults``, ``request_log``) go to :func:`start`.
    """
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    with running_archive(root, **options) as archive:
        lines = export_lines(archive.env)
        if env_file is not None:
            env_file.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(env_file, lines)
        print(
            f"Offline archive ready in {archive.seconds_to_ready:.1f} s "
            f"(proxy {archive.env[MARKER]}, S3 {archive.env['AWS_ENDPOINT_URL_S3']}; "
            f"{archive.shaping.describe()}).",
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


def run_command(root: Path, argv: Sequence[str], **options) -> int:
    """Run a command with the archive up and its environment set; returns the command's exit code.

    ``options`` (``faults``, ``request_log``) go to :func:`start`.
    """
    with running_archive(root, **options) as archive:
        env = os.environ | archive.env
        try:
            return subprocess.call(list(argv), env=env)
        except KeyboardInterrupt:
            return 130
        except FileNotFoundError:
            print(f"offline_archive exec: command not found: {argv[0]}", flush=True)
            return 127

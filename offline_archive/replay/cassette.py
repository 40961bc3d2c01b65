"""A cassette: the exchanges of one recording, in a directory a person can read, diff and commit.

Layout::

    DIR/cassette.json   what was recorded, when, against which upstreams, and what is never kept
    DIR/index.jsonl     one JSON line per exchange, in the order they happened
    DIR/bodies/ab/<sha256>.gz   the answers' bodies, content-addressed and gzip-compressed

An index line::

    {"kind": "web", "method": "POST", "host": "mast.stsci.edu", "path": "/api/v0/invoke",
     "query": [], "body": {"form": [["request", {...}]]}, "range": null,
     "status": 200, "headers": {"content-type": "application/json"}, "size": 5321,
     "sha256": "ab12..."}

``kind`` is ``"s3"`` for the S3 endpoint (``path`` is ``/bucket/key``); an S3 read of a byte range
keeps only those bytes, with the ``Range`` it asked for and the ``Content-Range`` S3 answered.
Requests are matched on :func:`request_key`, which normalises what differs between two runs of
the same notebook: the ``cacheBreaker`` astroquery adds to every portal request, the order of query
and form fields, multipart boundaries, user agents and every other header but ``Range``.
No credential, cookie or authorization header is ever written (:data:`KEPT_HEADERS`).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.formparser import parse_form_data

#: Format version written in ``cassette.json``.
FORMAT = 1
#: Response headers a cassette keeps (lower case); everything else, Set-Cookie included, is dropped.
KEPT_HEADERS: frozenset[str] = frozenset(
    {
        "content-type",
        "content-length",
        "content-encoding",
        "content-disposition",
        "content-range",
        "accept-ranges",
        "etag",
        "last-modified",
        "location",
        "x-amz-version-id",
        "x-amz-storage-class",
        "x-amz-server-side-encryption",
    }
)
#: Query parameters that only sign a request (presigned S3 URLs); never stored, never matched.
SIGNING_QUERY = frozenset(
    {
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-Expires",
        "X-Amz-Security-Token",
        "X-Amz-Signature",
        "X-Amz-SignedHeaders",
        "AWSAccessKeyId",
        "Signature",
        "Expires",
        "x-id",
    }
)
#: Fields of astroquery's portal request that change on every call.
VOLATILE_PORTAL_FIELDS = frozenset({"cacheBreaker"})
NOTE = (
    "Recorded by `python -m offline_archive record`. Request headers are not kept (only Range); "
    "response headers are kept only when listed in 'kept_headers': no credentials, cookies or "
    "authorization headers are ever stored."
)


class CassetteError(Exception):
    """A cassette that cannot be read: missing, of another format, or with a body gone."""


@dataclass(frozen=True)
class Request:
    """What a client asked, as the recorder and the replayer see it.

    Attributes
    ----------
    kind : str
        ``"web"`` (a MAST host) or ``"s3"`` (the S3 endpoint).
    method, host, path : str
        ``host`` is empty for S3 (its address changes from run to run).
    query : str
        The raw query string.
    body : bytes
    content_type : str
    range : str or None
        The ``Range`` header.
    """

    kind: str
    method: str
    host: str
    path: str
    query: str = ""
    body: bytes = b""
    content_type: str = ""
    range: str | None = None
    scheme: str = "https"

    @classmethod
    def from_environ(cls, kind: str, environ: dict[str, Any]) -> Request:
        """The request a WSGI environ describes (its body is read)."""
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        host = "" if kind == "s3" else (environ.get("HTTP_HOST") or "").rsplit(":", 1)[0].lower()
        return cls(
            kind=kind,
            method=environ.get("REQUEST_METHOD", "GET"),
            host=host,
            path=environ.get("PATH_INFO", "/"),
            query=environ.get("QUERY_STRING", ""),
            body=body,
            content_type=environ.get("CONTENT_TYPE", ""),
            range=environ.get("HTTP_RANGE"),
            scheme=environ.get("wsgi.url_scheme", "https"),
        )

    def url(self) -> str:
        """The request as a person reads it (for messages)."""
        where = f"{self.scheme}://{self.host}{self.path}" if self.kind == "web" else f"s3:/{self.path}"
        query = "&".join(f"{k}={v}" for k, v in normalised_query(self.query))
        return (
            f"{self.method} {where}"
            + (f"?{query}" if query else "")
            + (f" ({self.range})" if self.range else "")
        )


def normalised_query(query: str) -> list[list[str]]:
    """Query fields, sorted, without the ones that only sign a request."""
    pairs = parse_qsl(query, keep_blank_values=True)
    return sorted([k, v] for k, v in pairs if k not in SIGNING_QUERY)


def _portal_value(name: str, value: str) -> Any:
    """A form field's value; the portal's JSON ``request`` parsed, its volatile fields dropped."""
    if name != "request":
        return value
    try:
        parsed = json.loads(value)
    except ValueError:
        return value
    if isinstance(parsed, dict):
        parsed = {k: v for k, v in parsed.items() if k not in VOLATILE_PORTAL_FIELDS}
    return parsed


def normalised_body(body: bytes, content_type: str) -> Any:
    """A request body in a form that two runs of the same request share.

    Form fields (urlencoded or multipart) become a sorted list of pairs, uploaded files by their
    name and digest (the boundary is gone); JSON is parsed; anything else is its digest.
    """
    if not body:
        return None
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        return {"form": sorted(([k, _portal_value(k, v)] for k, v in pairs), key=_sort_key)}
    if kind == "multipart/form-data":
        environ = {
            "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": content_type,
            "REQUEST_METHOD": "POST",
        }
        _, form, files = parse_form_data(environ)
        fields = [[k, _portal_value(k, v)] for k, v in form.items(multi=True)]
        fields += [[k, {"file": f.filename, "sha256": _digest(f.read())}] for k, f in files.items(multi=True)]
        return {"form": sorted(fields, key=_sort_key)}
    if kind.endswith("json"):
        try:
            return {"json": json.loads(body)}
        except ValueError:
            pass
    return {"sha256": _digest(body)}


def _sort_key(pair: list) -> str:
    return json.dumps(pair, sort_keys=True)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _key(kind: str, method: str, host: str, path: str, query: list, body: Any, range_: str | None) -> str:
    return json.dumps([kind, method, host, path, query, body, range_], sort_keys=True)


def request_key(request: Request) -> str:
    """The string two runs of the same request share (what the replayer matches on)."""
    return _key(
        request.kind,
        request.method,
        request.host,
        request.path,
        normalised_query(request.query),
        normalised_body(request.body, request.content_type),
        request.range,
    )


@dataclass
class Exchange:
    """One recorded exchange: the request's normalised form and the answer."""

    kind: str
    method: str
    host: str
    path: str
    query: list
    body: Any
    range: str | None
    status: int
    headers: dict[str, str]
    size: int
    sha256: str
    scheme: str = "https"

    def key(self) -> str:
        """The :func:`request_key` of the request this answers."""
        return _key(self.kind, self.method, self.host, self.path, self.query, self.body, self.range)

    def to_json(self) -> str:
        return json.dumps(self.__dict__, sort_keys=False)


def kept_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The response headers a cassette keeps (:data:`KEPT_HEADERS`), lower-cased."""
    return {k.lower(): v for k, v in headers if k.lower() in KEPT_HEADERS}


@dataclass
class Cassette:
    """A cassette directory, for writing (:meth:`create`) or reading (:meth:`open`)."""

    path: Path
    exchanges: list[Exchange] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _index: Any = field(default=None, repr=False)

    @classmethod
    def create(cls, path: Path, upstreams: dict[str, str]) -> Cassette:
        """Start a new cassette in ``path`` (an existing cassette there is replaced when it closes)."""
        path = Path(path)
        staging = path.with_name(f".{path.name}.recording-{os.getpid()}")
        if staging.exists():
            raise CassetteError(f"{staging} exists: another recording into {path} is running or was killed")
        (staging / "bodies").mkdir(parents=True)
        cassette = cls(staging, meta={"format": FORMAT, "upstreams": upstreams, "note": NOTE})
        cassette.meta["target"] = str(path.resolve())
        cassette.meta["kept_headers"] = sorted(KEPT_HEADERS)
        cassette.meta["started"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        cassette._index = (staging / "index.jsonl").open("w", encoding="utf-8")
        return cassette

    @classmethod
    def open(cls, path: Path) -> Cassette:
        """Read a cassette; raises :class:`CassetteError` naming what is wrong and what to do."""
        path = Path(path)
        meta_file = path / "cassette.json"
        if not meta_file.is_file():
            raise CassetteError(
                f"{path} is not a cassette (no cassette.json). Record one with: "
                f"python -m offline_archive record --cassette {path} -- <command>"
            )
        meta = json.loads(meta_file.read_text())
        if meta.get("format") != FORMAT:
            raise CassetteError(
                f"{path} has cassette format {meta.get('format')!r}; this archive reads {FORMAT}"
            )
        lines = (path / "index.jsonl").read_text().splitlines()
        return cls(path, [Exchange(**json.loads(line)) for line in lines if line.strip()], meta)

    def add(self, request: Request, status: int, headers: Iterable[tuple[str, str]], body: bytes) -> Exchange:
        """Store one exchange (thread-safe; bodies are written once per content)."""
        digest = _digest(body)
        exchange = Exchange(
            kind=request.kind,
            method=request.method,
            host=request.host,
            path=request.path,
            query=normalised_query(request.query),
            body=normalised_body(request.body, request.content_type),
            range=request.range,
            status=status,
            headers=kept_headers(headers),
            size=len(body),
            sha256=digest,
            scheme=request.scheme,
        )
        target = self.body_path(digest)
        with self._lock:
            if not target.exists():
                target.parent.mkdir(exist_ok=True)
                tmp = target.with_suffix(".tmp")
                tmp.write_bytes(gzip.compress(body, compresslevel=6, mtime=0))
                os.replace(tmp, target)
            self.exchanges.append(exchange)
            self._index.write(exchange.to_json() + "\n")
            self._index.flush()
        return exchange

    def body_path(self, digest: str) -> Path:
        return self.path / "bodies" / digest[:2] / f"{digest}.gz"

    def read_body(self, exchange: Exchange) -> bytes:
        """An exchange's body (checked against its digest)."""
        target = self.body_path(exchange.sha256)
        try:
            data = gzip.decompress(target.read_bytes())
        except FileNotFoundError:
            raise CassetteError(
                f"{self.path}: the body {target.name} of {exchange.path} is missing"
            ) from None
        if _digest(data) != exchange.sha256:
            raise CassetteError(f"{self.path}: the body {target.name} does not match its digest")
        return data

    def close(self) -> Path:
        """Finish a recording: write ``cassette.json`` and move the cassette into place; returns it."""
        self._index.close()
        target = Path(self.meta["target"])
        self.meta["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self.meta["exchanges"] = len(self.exchanges)
        (self.path / "cassette.json").write_text(json.dumps(self.meta, indent=2) + "\n")
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.replace(target, old)
            os.replace(self.path, target)
            _remove_tree(old)
        else:
            os.replace(self.path, target)
        self.path = target
        return target

    def abandon(self) -> None:
        """Throw away a recording that did not finish (nothing half-written is left behind)."""
        if self._index is not None:
            self._index.close()
        _remove_tree(self.path)

    def summary(self) -> str:
        """Exchanges, hosts and bytes stored, in one line."""
        hosts = Counter("S3" if e.kind == "s3" else e.host for e in self.exchanges)
        stored = sum(p.stat().st_size for p in (self.path / "bodies").rglob("*.gz"))
        answered = sum(e.size for e in self.exchanges)
        where = ", ".join(f"{host} {n}" for host, n in sorted(hosts.items()))
        return (
            f"{len(self.exchanges)} exchanges ({where}); {answered / 1e6:.1f} MB answered, "
            f"{stored / 1e6:.1f} MB stored in {self.path}"
        )

    def by_key(self) -> dict[str, list[Exchange]]:
        """The exchanges of each request key, in the order they were recorded."""
        found: dict[str, list[Exchange]] = defaultdict(list)
        for exchange in self.exchanges:
            found[exchange.key()].append(exchange)
        return found


def _remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)

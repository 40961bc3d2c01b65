"""Hostile requests for the archive: hypothesis strategies, answer checks, a canary and a file audit.

Shared by ``test_bad_input.py`` (Flask's test client, many examples) and
``test_bad_input_live.py`` (the real proxy, TLS and servers, fewer examples).

Routes are taken from the Flask application's ``url_map``, so routes added later (ExoMAST,
TESScut, ...) are fuzzed without changing these tests.  A route may need more than the generic
parameter names below to reach its deeper code: add them to :data:`PARAM_NAMES`.  A service
whose errors do not follow the portal's shape registers its own check in :data:`ERROR_SHAPES`
(by host and path prefix).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sys
import sysconfig
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, quote_from_bytes

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

#: Settings for every hostile-input property: reproducible (derandomised, no example database)
#: and without per-example deadlines (a loaded machine must not fail a test).
SETTINGS = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
}

#: Parameter names the archive's services read, and some they do not.
PARAM_NAMES = [
    "request",
    "uri",
    "name",
    "colConfigId",
    "resolveAll",
    "resolver",
    "outputFormat",
    "ra",
    "dec",
    "radius",
    "x",
    "y",
    "units",
    "sector",
    "product",
    "tce",
    "obsid",
    "page",
    "pagesize",
    "format",
]
#: Services the portal knows (hostile requests also name unknown ones).
SERVICES = [
    "Mast.Caom.Cone",
    "Mast.Caom.Filtered",
    "Mast.Caom.Filtered.Position",
    "Mast.Caom.Products",
    "Mast.Name.Lookup",
    "Mast.Caom.Cone.NoSuchThing",
]
#: Text that must never appear in an answer: the start of /etc/passwd.
SYSTEM_FILE_MARK = "root:x:0:0"


def make_canary(directory: Path) -> tuple[Path, str]:
    """A file outside the archive's data whose random content must never be served."""
    token = "canary-" + secrets.token_hex(12)
    path = directory / "canary.txt"
    path.write_text(token)
    return path, token


def traversals(canary: Path, data_dir: Path) -> list[str]:
    """Path-traversal strings aimed at the canary and at /etc/passwd, plain and encoded."""
    relative = os.path.relpath(canary, data_dir)
    targets = [
        relative,
        str(canary),
        "../" * 12 + "etc/passwd",
        "/etc/passwd",
        "....//....//etc/passwd",
        "..\\..\\..\\etc\\passwd",
        "/proc/self/environ",
        "~/.ssh/id_rsa",
    ]
    prefixes = [
        "",
        "mast:",
        "mast:TESS/product/",
        "mast:TESS/product/../../",
        "s3://stpubdata/",
        "file://",
        "/api/v0.1/Download/file?uri=",
    ]
    found = [prefix + target for prefix in prefixes for target in targets]
    encoded = []
    for text in found[:: max(1, len(found) // 12)]:
        encoded += [
            quote(text, safe=""),
            quote(quote(text, safe=""), safe=""),
            text.replace("../", "%2e%2e%2f"),
            text.replace("../", "..%c0%af"),
            text.replace("../", "%252e%252e%252f"),
            text + "\x00.fits",
            text.replace("/", "\\"),
        ]
    return found + encoded


def hostile_text(special: list[str]) -> st.SearchStrategy[str]:
    """Strings a hostile or confused client might send, including ``special`` ones."""
    return st.one_of(
        st.text(max_size=60),
        st.sampled_from(special),
        st.binary(max_size=60).map(lambda b: b.decode("latin-1")),
        st.sampled_from(
            [
                "",
                " ",
                "null",
                "NaN",
                "Infinity",
                "-1",
                "0",
                "1e400",
                "9" * 5000,
                "%",
                "%%%%",
                "' OR 1=1 --",
                "<script>",
                "\u202e\ufeff",
                "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"),
                "COUNT_BIG(*)",
                "*",
                "A" * 70_000,
            ]
        ),
        st.integers(min_value=1, max_value=200_000).map(lambda n: "x" * n),
    )


def json_values(text: st.SearchStrategy[str]) -> st.SearchStrategy[object]:
    """Arbitrary JSON values, with numbers out of every range."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        text,
        st.sampled_from([10**400, -(10**30), 2**63, float("inf"), float("nan")]),
    )
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
        ),
        max_leaves=12,
    )


def portal_requests(text: st.SearchStrategy[str]) -> st.SearchStrategy[dict]:
    """Portal request objects with wrong types, unknown services and absurd paging."""
    anything = json_values(text)
    numbers = st.one_of(
        st.sampled_from(
            [
                float("inf"),
                float("-inf"),
                float("nan"),
                -1,
                0,
                10**30,
                10**400,
                -0.0,
                1e308,
                "12",
                "1e400",
                True,
            ]
        ),
        st.floats(),
        st.integers(),
        text,
        st.none(),
    )
    filters = st.lists(
        st.one_of(
            anything,
            st.fixed_dictionaries(
                {
                    "paramName": st.one_of(
                        st.sampled_from(["obs_collection", "t_exptime", "target_name", "obs_id"]), text
                    )
                },
                optional={
                    "values": st.one_of(
                        anything,
                        st.lists(
                            st.one_of(anything, st.fixed_dictionaries({"min": numbers, "max": numbers})),
                            max_size=3,
                        ),
                    ),
                    "freeText": text,
                },
            ),
        ),
        max_size=3,
    )
    params = st.fixed_dictionaries(
        {},
        optional={
            "ra": numbers,
            "dec": numbers,
            "radius": numbers,
            "position": text,
            "filters": filters,
            "columns": st.one_of(text, anything),
            "obsid": st.one_of(text, anything),
        },
    )
    return st.fixed_dictionaries(
        {"service": st.one_of(st.sampled_from(SERVICES), text, anything)},
        optional={
            "params": st.one_of(params, anything),
            "pagesize": st.one_of(numbers, anything),
            "page": st.one_of(numbers, anything),
            "format": text,
            "cacheBreaker": text,
        },
    )


def request_fields(text: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Values of the portal's ``request=`` field: bad JSON, truncated JSON, deep nesting, wrong shapes."""
    dumped = portal_requests(text).map(json.dumps)
    return st.one_of(
        dumped,
        dumped.map(lambda s: s[: len(s) // 2]),
        json_values(text).map(json.dumps),
        text,
        st.integers(min_value=1, max_value=100_000).map(lambda n: "[" * n + "]" * n),
        st.integers(min_value=1, max_value=10_000).map(lambda n: '{"a":' * n + "1" + "}" * n),
    )


@dataclass(frozen=True)
class HostileRequest:
    """One request: method, path, query, body and headers."""

    method: str
    path: str
    query: str | dict[str, list[str]]
    body: bytes | dict[str, list[str]] | None
    headers: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        return (
            f"{self.method} {self.path[:120]!r} query={str(self.query)[:200]!r} body={str(self.body)[:200]!r}"
        )


HEADER_NAMES = [
    "Content-Type",
    "Accept",
    "Accept-Encoding",
    "Range",
    "If-None-Match",
    "Cookie",
    "User-Agent",
    "X-Forwarded-For",
    "X-Forwarded-Host",
    "Origin",
    "Authorization",
]
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/json",
    "multipart/form-data",
    "multipart/form-data; boundary=x",
    "text/plain; charset=utf-16",
    "application/octet-stream",
    "application/x-www-form-urlencoded; charset=ebcdic",
    "\x7f",
]


def _path_for(rule_path: str, text: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """The rule's path, with hostile values in its ``<converter:name>`` parts."""
    parts = re.split(r"<[^>]+>", rule_path)
    if len(parts) == 1:
        return st.just(rule_path)
    values = st.lists(
        text.map(lambda s: quote(s.encode("utf-8", "surrogatepass"), safe="")),
        min_size=len(parts) - 1,
        max_size=len(parts) - 1,
    )
    return values.map(lambda vs: parts[0] + "".join(v + p for v, p in zip(vs, parts[1:], strict=True)))


def portal_invocations(special: list[str]) -> st.SearchStrategy[HostileRequest]:
    """POSTs to the portal's ``/api/v0/invoke`` whose ``request=`` field is hostile."""
    text = hostile_text(special)
    well_formed = portal_requests(text).map(json.dumps)  # parses as JSON: reaches the services' own checks
    fields = st.one_of(well_formed, well_formed, well_formed, request_fields(text))
    body = st.one_of(
        fields.map(lambda f: {"request": [f]}),
        st.lists(fields, min_size=2, max_size=3).map(lambda fs: {"request": fs}),
        fields.map(lambda f: b"request=" + quote(f.encode("utf-8", "surrogatepass")).encode()),
        fields.map(lambda f: b"request=" + f.encode("utf-8", "surrogatepass")),
    )
    return st.builds(
        HostileRequest,
        method=st.just("POST"),
        path=st.just("/api/v0/invoke"),
        query=st.just({}),
        body=body,
        headers=st.just({"Content-Type": "application/x-www-form-urlencoded"}),
    )


def hostile_requests(
    rule_path: str, methods: list[str], special: list[str]
) -> st.SearchStrategy[HostileRequest]:
    """Requests for one route: its methods (and some it does not take), hostile everything else."""
    text = hostile_text(special)
    values = st.one_of(text, request_fields(text))
    params = st.dictionaries(
        st.one_of(st.sampled_from(PARAM_NAMES), text), st.lists(values, min_size=1, max_size=3), max_size=4
    )
    raw_query = st.binary(max_size=300).map(lambda b: quote_from_bytes(b, safe="=&%"))
    bodies = st.one_of(
        st.none(),
        params,
        st.binary(max_size=3000),
        st.builds(lambda f: b"request=" + f.encode("utf-8", "surrogatepass"), request_fields(text)),
        st.just(b"x" * (2 * 1024 * 1024)),
    )
    header_values = st.text(
        st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f"), max_size=200
    )
    headers = st.dictionaries(
        st.sampled_from(HEADER_NAMES), st.one_of(header_values, st.sampled_from(CONTENT_TYPES)), max_size=3
    )
    # Mostly the route's own methods, so that most requests reach its code.
    return st.builds(
        HostileRequest,
        method=st.sampled_from(methods * 4 + ["PUT", "DELETE", "PATCH"]),
        path=_path_for(rule_path, text),
        query=st.one_of(params, raw_query),
        body=bodies,
        headers=headers,
    )


# --------------------------------------------------------------------------------------------
# Checking answers
# --------------------------------------------------------------------------------------------


def portal_error_shape(body: object) -> bool:
    """The portal's error shape: ``{"status": "ERROR", "msg": "...", "data": [], ...}``."""
    return (
        isinstance(body, dict)
        and body.get("status") == "ERROR"
        and isinstance(body.get("msg"), str)
        and bool(body["msg"].strip())
    )


#: Error-shape checks for services whose errors are not the portal's: ``(host, path prefix, check)``;
#: the longest matching prefix wins, and a request no entry matches is held to the portal's shape.
#: For example ``("mast.stsci.edu", "/tesscut/", lambda body: isinstance(body, dict) and body.get("msg"))``.
def _msg_shape(body: object) -> bool:
    """ExoMAST's and TESScut's error shape: ``{"msg": "<what went wrong>"}``."""
    return isinstance(body, dict) and isinstance(body.get("msg"), str) and bool(body["msg"])


ERROR_SHAPES: list[tuple[str, str, Callable[[object], bool]]] = [
    ("exo.mast.stsci.edu", "/api/v0.1/dvdata/", _msg_shape),
    ("mast.stsci.edu", "/tesscut/", _msg_shape),
]


def error_shape(host: str, path: str) -> Callable[[object], bool]:
    """The error-shape check for a request to ``host`` and ``path``."""
    matches = [
        (len(prefix), check) for h, prefix, check in ERROR_SHAPES if h == host and path.startswith(prefix)
    ]
    return max(matches, key=lambda m: m[0])[1] if matches else portal_error_shape


def check_answer(
    host: str,
    path: str,
    method: str,
    status: int,
    content_type: str,
    body: bytes,
    forbidden: list[str],
    what: str,
) -> None:
    """Assert the archive answered a hostile request safely.

    Never a 5xx; a 4xx carries a JSON body in the service's error shape; no forbidden text
    (the canary's content, /etc/passwd) appears in the answer.
    """
    assert status < 500, f"{status} for {what}: {body[:300]!r}"
    text = body.decode("latin-1")
    for mark in forbidden:
        assert mark not in text, f"forbidden content served for {what}"
    if status >= 400 and method != "HEAD":
        assert content_type.startswith("application/json"), (
            f"{status} {content_type} for {what}: {body[:200]!r}"
        )
        shape = error_shape(host, path)
        assert shape(json.loads(body)), f"{status} not in the error shape for {what}: {body[:300]!r}"


# --------------------------------------------------------------------------------------------
# Which files the process opens
# --------------------------------------------------------------------------------------------


class FileAudit:
    """Records every file this process opens while watching (a ``sys.addaudithook`` hook).

    An audit hook cannot be removed, so one instance is installed per process (:func:`file_audit`)
    and records only inside :meth:`watching`.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._watching = 0
        self.opened: list[str] = []
        sys.addaudithook(self._hook)

    def _hook(self, event: str, args: tuple) -> None:
        if self._watching and event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            with self._lock:
                self.opened.append(os.path.realpath(os.fsdecode(args[0])))

    @contextmanager
    def watching(self) -> Iterator[list[str]]:
        """Record opens (by every thread) inside the block; yields the list of paths seen."""
        with self._lock:
            start = len(self.opened)
            self._watching += 1
        seen: list[str] = []
        try:
            yield seen
        finally:
            with self._lock:
                self._watching -= 1
                seen.extend(self.opened[start:])

    @staticmethod
    def outside(paths: list[str], allowed: list[Path]) -> list[str]:
        """The paths that lie outside every allowed directory."""
        roots = [os.path.realpath(a) for a in allowed] + python_install_dirs()
        return sorted(
            {p for p in paths if not any(p == r or p.startswith(r.rstrip("/") + "/") for r in roots)}
        )


def python_install_dirs() -> list[str]:
    """Where Python and the installed packages live (imports open files there)."""
    dirs = {sys.prefix, sys.base_prefix, sys.exec_prefix, *sysconfig.get_paths().values()}
    return [os.path.realpath(d) for d in dirs if d]


_AUDIT: FileAudit | None = None


def file_audit() -> FileAudit:
    """The process's one :class:`FileAudit`."""
    global _AUDIT
    if _AUDIT is None:
        _AUDIT = FileAudit()
    return _AUDIT


def hypothesis_settings(max_examples: int) -> settings:
    return settings(max_examples=max_examples, **SETTINGS)

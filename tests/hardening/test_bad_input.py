"""Every endpoint of the archive under malformed, oversized and hostile requests (Flask's test client).

Each route of the application's ``url_map`` gets :data:`EXAMPLES` generated requests; every
answer must be below 500, a 4xx must be in the service's error shape, nothing outside the data
directory may be opened, and the canary's content may never be served.  Afterwards the archive
still answers a normal request.
"""

from __future__ import annotations

import mimetypes

import pytest
from hostile import (
    SYSTEM_FILE_MARK,
    check_answer,
    file_audit,
    hostile_requests,
    hostile_text,
    hypothesis_settings,
    make_canary,
    portal_invocations,
    traversals,
)
from hypothesis import given
from report import count

from offline_archive.network.hosts import TLS_HOSTS
from offline_archive.paths import archive_root, data_dir
from offline_archive.services import mast
from offline_archive.services.app import create_app
from offline_archive.store import DataStore

#: Generated requests per route (the live test sends fewer through the real servers).
EXAMPLES = 150
#: Generated portal requests (the portal's JSON has the most structure to get wrong).
PORTAL_EXAMPLES = 400
RULES = sorted((r for r in create_app(None).url_map.iter_rules()), key=lambda r: (r.host, r.rule))


def _scheme(host: str) -> str:
    return "https" if host in TLS_HOSTS else "http"


@pytest.fixture(scope="module")
def world(archive_env, tmp_path_factory):
    """The app over the built data, a canary outside the data, and the strings aimed at it."""
    root = archive_root()
    canary, token = make_canary(tmp_path_factory.mktemp("outside"))
    mimetypes.init()  # read the system's MIME tables now, not during the audit
    app = create_app(DataStore(root))
    return {
        "client": app.test_client(),
        "data": data_dir(root),
        "forbidden": [token, SYSTEM_FILE_MARK],
        "special": traversals(canary, data_dir(root)),
        "canary": canary,
    }


def _send(client, host: str, request):
    kwargs = {"method": request.method, "base_url": f"{_scheme(host)}://{host}", "headers": request.headers}
    if isinstance(request.body, dict):
        kwargs["data"] = request.body
    elif request.body is not None:
        kwargs["data"] = request.body
        kwargs.setdefault(
            "content_type", request.headers.get("Content-Type", "application/x-www-form-urlencoded")
        )
    return client.open(request.path, query_string=request.query, **kwargs)


def _healthy(client) -> None:
    answer = client.get(
        "/Santa-war/query", base_url="http://mastresolver.stsci.edu", query_string={"name": "Pi Men"}
    )
    assert answer.status_code == 200 and answer.json["resolvedCoordinate"]


@pytest.mark.parametrize("rule", RULES, ids=[f"{r.host}{r.rule}" for r in RULES])
def test_every_route_answers_hostile_requests_safely(world, rule):
    client, audit, seen = world["client"], file_audit(), []
    methods = sorted(rule.methods - {"OPTIONS"})

    @hypothesis_settings(EXAMPLES)
    @given(request=hostile_requests(rule.rule, methods, world["special"]))
    def attempt(request):
        with audit.watching() as opened:
            response = _send(client, rule.host, request)
            body = response.get_data()
        seen.extend(opened)
        count(f"test client: {rule.host}{rule.rule}")
        check_answer(
            rule.host,
            request.path,
            request.method,
            response.status_code,
            response.content_type or "",
            body,
            world["forbidden"],
            request.describe(),
        )

    attempt()
    assert audit.outside(seen, [world["data"]]) == [], "files outside the data directory were opened"
    assert str(world["canary"]) not in seen
    _healthy(client)


def test_hostile_portal_requests_are_refused_or_answered(world):
    """The portal's request= field: bad JSON, unknown services, wrong types, absurd paging."""
    client = world["client"]

    @hypothesis_settings(PORTAL_EXAMPLES)
    @given(request=portal_invocations(world["special"]))
    def attempt(request):
        response = _send(client, "mast.stsci.edu", request)
        count("test client: mast.stsci.edu/api/v0/invoke (request= field)")
        check_answer(
            "mast.stsci.edu",
            "/api/v0/invoke",
            "POST",
            response.status_code,
            response.content_type or "",
            response.get_data(),
            world["forbidden"],
            request.describe(),
        )
        assert response.json["status"] in ("COMPLETE", "ERROR")

    attempt()
    _healthy(client)


@pytest.mark.parametrize("host", sorted({r.host for r in RULES}))
def test_unknown_paths_get_a_404_in_the_error_shape(world, host):
    client = world["client"]

    @hypothesis_settings(EXAMPLES // 3)
    @given(path=hostile_text(world["special"]))
    def attempt(path):
        response = client.get("/" + path.lstrip("/"), base_url=f"{_scheme(host)}://{host}")
        count(f"test client: {host} unknown paths")
        if response.status_code != 200:  # a generated path may happen to be a real route
            check_answer(
                host,
                "/" + path.lstrip("/"),
                "GET",
                response.status_code,
                response.content_type or "",
                response.get_data(),
                world["forbidden"],
                path[:100],
            )

    attempt()
    _healthy(client)


@pytest.mark.parametrize(
    "uri",
    [
        "mast:../../etc/passwd",
        "mast:..%2f..%2fetc%2fpasswd",
        "../../etc/passwd",
        "/etc/passwd",
        "mast:TESS/product/../../../../etc/passwd",
        "mast:TESS/product/%2e%2e/%2e%2e/etc/passwd",
        "file:///etc/passwd",
        "mast:TESS/product/\x00../../etc/passwd",
    ],
)
def test_path_traversal_in_download_uris_is_a_404(world, uri):
    client = world["client"]
    head = client.head(
        "/api/v0.1/Download/file", query_string={"uri": uri}, base_url="https://mast.stsci.edu"
    )
    get = client.get("/api/v0.1/Download/file", query_string={"uri": uri}, base_url="https://mast.stsci.edu")
    assert head.status_code == get.status_code == 404
    assert get.json.keys() == mast.error_result("x").keys() and get.json["status"] == "ERROR"


def test_traversal_at_the_canary_is_a_404_and_opens_nothing(world):
    client, audit = world["client"], file_audit()
    with audit.watching() as opened:
        for uri in world["special"]:
            response = client.get(
                "/api/v0.1/Download/file", query_string={"uri": uri}, base_url="https://mast.stsci.edu"
            )
            assert response.status_code == 404, uri
            assert response.json["status"] == "ERROR"
    assert audit.outside(opened, [world["data"]]) == []


@pytest.mark.parametrize(
    ("field", "why"),
    [
        ('{"service": "Mast.Caom.Cone", "params": {"ra": 1, "dec": 2}, "pagesize": Infinity}', "integers"),
        ('{"service": "Mast.Caom.Cone", "params": {"ra": 1, "dec": 2}, "page": -3}', "positive"),
        ('{"service": "Mast.Caom.Cone", "params": {"ra": 1, "dec": 2}, "pagesize": "many"}', "integers"),
        ("[" * 50_000 + "]" * 50_000, "nested too deeply"),
        ('{"service": "Mast.Caom.Cone", "params": [1, 2]}', "params"),
        ("{oops", "not valid JSON"),
        ('["Mast.Caom.Cone"]', "JSON object"),
    ],
)
def test_requests_that_cannot_be_read_are_400_with_the_reason(world, field, why):
    response = world["client"].post(
        "/api/v0/invoke", data={"request": field}, base_url="https://mast.stsci.edu"
    )
    assert response.status_code == 400
    assert response.json["status"] == "ERROR" and why in response.json["msg"]


def test_an_oversized_body_is_413_in_the_error_shape(world):
    response = world["client"].post(
        "/api/v0/invoke",
        data=b"request=" + b"x" * (2 * 1024 * 1024),
        content_type="application/x-www-form-urlencoded",
        base_url="https://mast.stsci.edu",
    )
    assert response.status_code == 413 and response.json["status"] == "ERROR"

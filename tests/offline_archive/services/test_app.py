"""The web layer, through Flask's test client: routing by host, downloads, error shapes."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from offline_archive.services.app import create_app
from offline_archive.sky import catalogue


@pytest.fixture
def client(store):
    return create_app(store).test_client()


def _invoke(client, payload: dict):
    return client.post(
        "/api/v0/invoke", base_url="https://mast.stsci.edu", data={"request": json.dumps(payload)}
    )


def test_unknown_hosts_are_refused(client) -> None:
    response = client.get("/", base_url="https://example.com")
    assert response.status_code == 403
    assert b"does not forward requests" in response.data


def test_invoke_answers_json(client) -> None:
    response = _invoke(
        client, {"service": "Mast.Caom.Cone", "params": {"ra": 84.29, "dec": -80.47, "radius": 0.01}}
    )
    assert response.status_code == 200 and response.json["status"] == "COMPLETE"


def test_malformed_invoke_is_400_in_the_error_shape(client) -> None:
    response = client.post("/api/v0/invoke", base_url="https://mast.stsci.edu", data={"request": "{oops"})
    assert response.status_code == 400
    assert response.json["status"] == "ERROR" and "JSON" in response.json["msg"]


def test_non_utf8_body_does_not_crash(client) -> None:
    response = client.post(
        "/api/v0/invoke",
        base_url="https://mast.stsci.edu",
        data=b"request=\xff\xfe",
        content_type="application/x-www-form-urlencoded",
    )
    assert 400 <= response.status_code < 500


def test_download_serves_the_file_with_its_length(client, store) -> None:
    uri, (_obs, _product) = next(iter(catalogue.products_by_uri().items()))
    url = "/api/v0.1/Download/file?uri=" + quote(uri, safe=":/")
    head = client.head(url, base_url="https://mast.stsci.edu")
    assert head.status_code == 200 and int(head.headers["Content-Length"]) == store.get(uri).size
    body = client.get(url, base_url="https://mast.stsci.edu")
    assert body.data == store.get(uri).path.read_bytes()


@pytest.mark.parametrize(
    "uri",
    ["mast:TESS/product/missing.fits", "../../etc/passwd", "mast:TESS/product/../../../../etc/passwd", ""],
)
def test_download_of_an_unknown_uri_is_404(client, uri: str) -> None:
    response = client.get(
        "/api/v0.1/Download/file", query_string={"uri": uri}, base_url="https://mast.stsci.edu"
    )
    assert response.status_code == 404 and response.json["status"] == "ERROR"


def test_unknown_path_is_404_in_the_error_shape(client) -> None:
    response = client.get("/api/v9/nothing", base_url="https://mast.stsci.edu")
    assert response.status_code == 404 and response.json["status"] == "ERROR"


def test_resolver_over_plain_http(client) -> None:
    response = client.get(
        "/Santa-war/query",
        base_url="http://mastresolver.stsci.edu",
        query_string={"name": "Fomalhaut", "outputFormat": "json", "resolveAll": "False"},
    )
    assert response.json["resolvedCoordinate"][0]["canonicalName"] == "* alf PsA"


def test_columnsconfig(client) -> None:
    response = client.post(
        "/portal/Mashup/Mashup.asmx/columnsconfig",
        base_url="https://mast.stsci.edu",
        data={"colConfigId": "Mast.Caom.Products"},
    )
    assert "productFilename" in response.json

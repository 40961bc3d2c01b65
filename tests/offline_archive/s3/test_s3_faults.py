"""The fault middleware is application-agnostic: here it sits in front of moto's S3, as the lead will
wire it into the archive's S3 server, and S3 clients meet the same faults the web services do."""

from __future__ import annotations

import json
import threading

import boto3
import pytest
import s3fs
from botocore import UNSIGNED
from botocore.config import Config
from moto.server import DomainDispatcherApplication, create_backend_app

from helpers.errors import ArchiveTimeoutError, ArchiveUnavailableError, archive_call
from offline_archive.network.webserver import make_archive_server
from offline_archive.s3.guard import S3Guard, S3RequestHandler
from offline_archive.traffic.faults import FaultInjector, FaultPlan

BODY = bytes(range(256)) * 400


@pytest.fixture(scope="module")
def s3():
    guard = S3Guard(DomainDispatcherApplication(create_backend_app))
    injector = FaultInjector(guard)
    server = make_archive_server("127.0.0.1", 0, injector, handler=S3RequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_port}"
    loader = boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", config=Config(signature_version=UNSIGNED)
    )
    loader.create_bucket(Bucket="faulty", ACL="public-read")
    loader.put_object(Bucket="faulty", Key="data.bin", Body=BODY, ACL="public-read")
    guard.seal()
    yield endpoint, injector
    server.shutdown()


def _fs(endpoint: str, retries: int = 3) -> s3fs.S3FileSystem:
    return s3fs.S3FileSystem(
        anon=True,
        skip_instance_cache=True,
        endpoint_url=endpoint,
        config_kwargs={"retries": {"max_attempts": retries, "mode": "standard"}},
    )


def _plan(injector: FaultInjector, rules: list[dict]) -> None:
    injector.set_plan(FaultPlan.from_json(json.dumps(rules)))


def test_botocore_rides_out_a_few_503s(s3):
    endpoint, injector = s3
    _plan(injector, [{"status": 503, "first": 2}])
    assert _fs(endpoint).cat("faulty/data.bin") == BODY
    assert len(injector.injected) == 2


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"status": 503}, ArchiveUnavailableError),
        ({"status": 500}, ArchiveUnavailableError),
        ({"drop": True}, ArchiveUnavailableError),
    ],
    ids=["503", "500", "drop"],
)
def test_a_persistent_s3_fault_is_one_clear_error(s3, rule, expected):
    endpoint, injector = s3
    _plan(injector, [rule])
    with pytest.raises(expected), archive_call("reading the light curve from S3"):
        _fs(endpoint, retries=2).cat("faulty/data.bin")


def test_a_slow_s3_read_times_out(s3):
    endpoint, injector = s3
    _plan(injector, [{"delay": 5}])
    with pytest.raises(ArchiveTimeoutError), archive_call("reading the light curve from S3", timeout=1):
        _fs(endpoint, retries=1).cat("faulty/data.bin")
    _plan(injector, [])

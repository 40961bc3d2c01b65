"""The request log middleware and the figures made from it."""

from __future__ import annotations

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Response

from offline_archive.traffic.faults import FaultInjector, FaultPlan
from offline_archive.traffic.requestlog import RequestLog, peak_in_flight, read_log, summarise


def _app(environ, start_response):
    status = 404 if environ["PATH_INFO"] == "/missing" else 200
    return Response(b"x" * 100, status=status)(environ, start_response)


def test_one_line_per_request_with_status_size_and_duration(tmp_path):
    log = RequestLog(_app, tmp_path / "log.jsonl")
    client = Client(log)
    client.get("/a", headers={"Host": "mast.stsci.edu:443"}).get_data()  # a server sends the whole body
    client.head("/missing").get_data()
    log.close()
    first, second = read_log(tmp_path / "log.jsonl")
    assert (first["method"], first["host"], first["path"], first["status"], first["bytes"]) == (
        "GET",
        "mast.stsci.edu",
        "/a",
        200,
        100,
    )
    assert (second["method"], second["status"], second["outcome"]) == ("HEAD", 404, "ok")
    assert first["ms"] >= 0 and first["outcome"] == "ok"


def test_requests_cut_short_are_logged_as_aborted(tmp_path):
    log = RequestLog(
        FaultInjector(_app, FaultPlan.from_json('[{"drop": true, "paths": ["/drop"]}]')),
        tmp_path / "log.jsonl",
    )
    with pytest.raises(ConnectionAbortedError):
        Client(log).get("/drop")
    log.close()
    (record,) = read_log(tmp_path / "log.jsonl")
    assert record["outcome"] == "aborted" and record["status"] is None


def test_two_apps_share_one_log(tmp_path):
    web = RequestLog(_app, tmp_path / "log.jsonl")
    s3 = web.also(_app)
    Client(web).get("/web").get_data()
    Client(s3).get("/s3").get_data()
    web.close()
    assert [r["path"] for r in read_log(tmp_path / "log.jsonl")] == ["/web", "/s3"]


def test_summary_figures():
    records = [
        {
            "t": 10.0 + i,
            "method": "GET",
            "host": "h",
            "path": f"/{i}",
            "status": 200,
            "bytes": 1,
            "ms": float(i),
            "outcome": "ok",
        }
        for i in range(1, 101)
    ]
    records[-1] |= {"status": 503, "outcome": "aborted"}
    figures = summarise(records, seconds=50.0)
    assert figures["requests"] == 100 and figures["rps"] == 2.0
    assert figures["slowest_ms"] == 100.0 and figures["slowest"] == "GET h/100"
    assert figures["p95_ms"] == 95.0
    assert figures["server_errors"] == 1 and figures["aborted"] == 1
    assert figures["statuses"] == {"200": 99, "503": 1}


def test_read_log_skips_what_came_before(tmp_path):
    log = RequestLog(_app, tmp_path / "log.jsonl")
    Client(log).get("/early").get_data()
    log.close()
    first = read_log(tmp_path / "log.jsonl")[0]["t"]
    assert read_log(tmp_path / "log.jsonl", since=first + 3600) == []


def test_peak_in_flight_counts_overlapping_requests_only():
    def record(t, ms):
        return {"t": t, "ms": ms, "method": "GET", "host": "h", "path": "/", "status": 200, "outcome": "ok"}

    one_after_another = [record(0.0, 1000), record(1.0, 500), record(2.0, 10)]
    assert peak_in_flight(one_after_another) == 1
    three_meet = [record(0.0, 2000), record(0.5, 2000), record(1.0, 200), record(3.0, 10)]
    assert peak_in_flight(three_meet) == 3
    assert summarise(three_meet, 4.0)["peak_in_flight"] == 3
    assert peak_in_flight([]) == 0

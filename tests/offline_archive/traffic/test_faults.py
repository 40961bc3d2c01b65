"""The fault-injection middleware on its own: plans, matching, shares, seeds and each kind of fault."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Response

from offline_archive.traffic.faults import Fault, FaultInjector, FaultPlan

BODY = b"0123456789" * 100


def _app(environ, start_response):
    return Response(BODY, mimetype="application/octet-stream")(environ, start_response)


def _client(rules: list[dict], seed: int = 0) -> tuple[Client, FaultInjector]:
    injector = FaultInjector(_app, FaultPlan.from_json(json.dumps({"faults": rules, "seed": seed})))
    return Client(injector), injector


def test_no_plan_passes_everything_through():
    client, injector = _client([])
    assert client.get("/x").data == BODY
    assert injector.injected == []


def test_a_status_fault_answers_json_with_retry_after():
    client, _ = _client([{"status": 503, "retry_after": 7}])
    response = client.get("/x")
    assert response.status_code == 503 and response.headers["Retry-After"] == "7"
    assert response.json["status"] == "ERROR" and "503" in response.json["msg"]


def test_a_status_fault_on_head_sends_no_body():
    client, _ = _client([{"status": 503}])
    response = client.head("/x")
    assert response.status_code == 503 and response.get_data() == b""


def test_first_limits_the_number_of_faults():
    client, injector = _client([{"status": 502, "first": 2}])
    assert [client.get("/x").status_code for _ in range(4)] == [502, 502, 200, 200]
    assert len(injector.injected) == 2


@pytest.mark.parametrize(
    ("rule", "request_", "hit"),
    [
        ({"paths": ["/api/*"]}, ("GET", "/api/v0/invoke", "mast.stsci.edu"), True),
        ({"paths": ["/api/*"]}, ("GET", "/other", "mast.stsci.edu"), False),
        ({"hosts": ["MAST.stsci.edu"]}, ("GET", "/x", "mast.stsci.edu:443"), True),
        ({"hosts": ["mast.stsci.edu"]}, ("GET", "/x", "exo.mast.stsci.edu"), False),
        ({"methods": ["post"]}, ("POST", "/x", "h"), True),
        ({"methods": ["POST"]}, ("GET", "/x", "h"), False),
    ],
)
def test_rules_match_paths_hosts_and_methods(rule, request_, hit):
    client, _ = _client([{"status": 500} | rule])
    method, path, host = request_
    response = client.open(path, method=method, headers={"Host": host})
    assert (response.status_code == 500) is hit


def test_the_first_matching_rule_decides():
    client, injector = _client([{"status": 503, "paths": ["/a"]}, {"status": 429}])
    assert (client.get("/a").status_code, client.get("/b").status_code) == (503, 429)
    assert [i.rule for i in injector.injected] == [0, 1]


def test_shares_are_drawn_from_a_seeded_generator():
    def pattern(seed: int) -> list[int]:
        client, _ = _client([{"status": 503, "share": 0.3}], seed=seed)
        return [client.get("/x").status_code for _ in range(200)]

    first = pattern(1)
    assert first == pattern(1), "the same seed gives the same faults"
    assert first != pattern(2)
    assert 30 <= first.count(503) <= 90, "about 30 % of 200 requests"


def test_set_plan_starts_afresh():
    client, injector = _client([{"status": 503, "first": 1}])
    client.get("/x")
    injector.set_plan(injector.plan)
    assert client.get("/x").status_code == 503


def test_truncation_sends_part_of_the_body_then_drops():
    client, _ = _client([{"truncate": 0.25}])
    response = client.get("/x", buffered=False)
    assert response.headers["Content-Length"] == str(len(BODY)), "the full length is still announced"
    received = b""
    with pytest.raises(ConnectionAbortedError):
        for chunk in response.iter_encoded():
            received += chunk
    assert received == BODY[: len(BODY) // 4]


def test_truncation_leaves_head_requests_alone():
    client, injector = _client([{"truncate": 0.5}])
    assert client.head("/x").status_code == 200
    assert injector.injected == []


def test_a_drop_gives_no_answer():
    client, _ = _client([{"drop": True}])
    with pytest.raises(ConnectionAbortedError):
        client.get("/x")


@pytest.mark.parametrize(
    "rule",
    [
        {},
        {"status": 200},
        {"status": 503, "drop": True},
        {"truncate": 1.0},
        {"share": 1.5, "drop": True},
        {"delay": -1},
        {"status": 503, "retry_after": 0.5},
        {"status": 503, "colour": "red"},
    ],
)
def test_bad_rules_are_rejected(rule):
    with pytest.raises(ValueError):
        Fault.from_dict(rule)


def test_plans_load_from_text_or_a_file(tmp_path):
    rules = [{"status": 503, "share": 0.5, "paths": "/api/*"}]
    (tmp_path / "plan.json").write_text(json.dumps({"seed": 4, "faults": rules}))
    for spec in (json.dumps(rules), str(tmp_path / "plan.json"), "@" + str(tmp_path / "plan.json")):
        plan = FaultPlan.load(spec)
        assert plan.faults == (Fault(status=503, share=0.5, paths=("/api/*",)),)
    assert FaultPlan.load(str(tmp_path / "plan.json")).seed == 4
    with pytest.raises(TypeError):
        FaultPlan.from_json('"503"')


def test_the_command_line_refuses_a_bad_plan():
    result = subprocess.run(
        [sys.executable, "-m", "offline_archive", "serve", "--faults", '[{"status": 200}]'],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "bad --faults plan" in result.stderr and "4xx or 5xx" in result.stderr

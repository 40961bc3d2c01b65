"""The latency and bandwidth middleware, and how the command line configures it."""

from __future__ import annotations

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Response

from offline_archive import __main__ as cli
from offline_archive.traffic.shaping import BANDWIDTH_ENV, LATENCY_ENV, PIECE, Shaping, shape

BODY = bytes(range(256)) * 400  # 102,400 bytes


class Recorder:
    """A simulated clock: sleeping records the wait and moves the clock on, instantly."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.now = 1000.0

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


class App:
    """A WSGI application answering BODY in 3 chunks, noting whether its iterable was closed."""

    def __init__(self) -> None:
        self.calls = 0
        self.closed = False

    def __call__(self, environ, start_response):
        self.calls += 1
        app = self

        class Chunks(list):
            def close(self) -> None:
                app.closed = True

        return Response(Chunks([BODY[:1000], BODY[1000:50_000], BODY[50_000:]]))(environ, start_response)


def test_off_by_default_and_then_the_application_is_returned_unchanged() -> None:
    app = App()
    assert not Shaping().active
    assert shape(app, Shaping()) is app


def test_latency_waits_once_per_request_before_answering() -> None:
    app, sleep = App(), Recorder()
    client = Client(shape(app, Shaping(latency_ms=30), sleep=sleep, clock=sleep.clock))
    for _ in range(3):
        assert client.get("/any").data == BODY
    assert sleep.waits == [0.03, 0.03, 0.03] and app.calls == 3


def test_the_bandwidth_cap_paces_the_body_without_changing_it() -> None:
    app, sleep = App(), Recorder()
    shaping = Shaping(bandwidth_mbps=8.0)  # 1,000,000 bytes/s: BODY should take about 0.1 s
    response = Client(shape(app, shaping, sleep=sleep, clock=sleep.clock)).get("/any")
    assert response.data == BODY
    assert app.closed, "the application's iterable is closed, as WSGI requires"
    assert len(sleep.waits) >= len(BODY) // PIECE - 1, "it waits between pieces"
    assert sum(sleep.waits) == pytest.approx(len(BODY) / shaping.bytes_per_second)


@pytest.mark.parametrize(
    ("latency", "bandwidth"),
    [(-1.0, None), (float("nan"), None), (0.0, 0.0), (0.0, -5.0), (0.0, float("inf"))],
)
def test_impossible_settings_are_refused(latency, bandwidth) -> None:
    with pytest.raises(ValueError, match=r"latency|bandwidth"):
        Shaping(latency_ms=latency, bandwidth_mbps=bandwidth)


def test_settings_from_the_environment() -> None:
    assert Shaping.from_env({}) == Shaping()
    assert Shaping.from_env({LATENCY_ENV: "30", BANDWIDTH_ENV: " 50 "}) == Shaping(30.0, 50.0)
    assert Shaping.from_env({LATENCY_ENV: "", BANDWIDTH_ENV: ""}) == Shaping()
    with pytest.raises(ValueError, match=LATENCY_ENV):
        Shaping.from_env({LATENCY_ENV: "thirty"})


def test_the_command_line_overrides_the_environment(monkeypatch) -> None:
    monkeypatch.setenv(LATENCY_ENV, "100")
    monkeypatch.setenv(BANDWIDTH_ENV, "10")
    args = cli._parser().parse_args(["serve", "--latency-ms", "30"])
    assert cli._shaping(args) == Shaping(latency_ms=30.0, bandwidth_mbps=10.0)
    args = cli._parser().parse_args(["exec", "--bandwidth-mbps", "50", "--", "true"])
    assert cli._shaping(args) == Shaping(latency_ms=100.0, bandwidth_mbps=50.0)


def test_a_malformed_setting_stops_the_command_with_a_message(monkeypatch, capsys) -> None:
    monkeypatch.setenv(LATENCY_ENV, "fast")
    assert cli.main(["serve"]) == 2
    assert LATENCY_ENV in capsys.readouterr().err


def test_describe_names_what_is_on() -> None:
    assert Shaping().describe() == "no shaping"
    assert Shaping(30, 50).describe() == "30 ms latency per request, 50 Mbit/s per response"

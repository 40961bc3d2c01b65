"""Record against the generated archive (through ``--upstream-*``), stop, replay: the same answers.

The upstream is this test session's generated archive, so everything here runs offline.  A short
client session (``clients.py``) is recorded once for the checks of the cassette itself: nothing
secret in it, an unrecorded request or byte range refused clearly, its drift empty, and a cassette
changed on purpose (a field removed, a type changed, an HDU renamed) reported by name.  The whole
suite's round trip is ``test_round_trip.py``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from offline_archive.replay.cassette import Cassette
from offline_archive.replay.drift import compare, report
from offline_archive.replay.recorder import Upstream

HERE = Path(__file__).parent
ROOT = HERE.parents[2]
#: The archive's variables a child must not inherit from this session (the archive sets its own).
ARCHIVE_VARS = (
    "HTTPS_PROXY",
    "HTTP_PROXY",
    "https_proxy",
    "http_proxy",
    "AWS_ENDPOINT_URL_S3",
    "REQUESTS_CA_BUNDLE",
)


def archive_cli(
    *args: str, env: dict[str, str] | None = None, timeout: int = 600
) -> subprocess.CompletedProcess:
    """``python -m offline_archive ARGS`` with this session's environment minus the archive's."""
    base = {k: v for k, v in os.environ.items() if k not in ARCHIVE_VARS}
    return subprocess.run(
        [sys.executable, "-m", "offline_archive", *args],
        env=base | (env or {}),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def test_the_upstream_options_are_read_back_as_the_same_upstream() -> None:
    """``Upstream.options()`` is what ``record`` parses into that upstream (a proxy-less one too)."""
    from offline_archive.__main__ import _parser, _upstream

    env = {
        "HTTPS_PROXY": "http://127.0.0.1:1",
        "REQUESTS_CA_BUNDLE": "/ca.pem",
        "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:2",
    }
    for upstream in (Upstream.of_archive(env), Upstream(s3="http://127.0.0.1:3")):
        args = _parser().parse_args(["record", "--cassette", "c", *upstream.options(), "--", "true"])
        assert _upstream(args) == upstream
    with pytest.raises(KeyError):
        Upstream.of_archive({})


@pytest.fixture(scope="module")
def planted() -> dict[str, str]:
    """Credentials made up for this run (built here, so no key-shaped literal sits in the repository)."""
    return {
        "PLANTED_TOKEN": secrets.token_hex(16),
        "AWS_ACCESS_KEY_ID": "AKIA" + secrets.token_hex(8).upper(),
        "AWS_SECRET_ACCESS_KEY": secrets.token_urlsafe(30),
    }


@pytest.fixture(scope="module")
def recorded(archive_env, planted, tmp_path_factory) -> tuple[Path, dict]:
    """The client session recorded against the generated archive: (cassette, what the clients found)."""
    work = tmp_path_factory.mktemp("record")
    out = work / "found.json"
    done = archive_cli(
        "record", "--cassette", str(work / "cassette"), *Upstream.of_archive(archive_env).options(), "--",
        sys.executable, str(HERE / "clients.py"), str(out),
        env=planted,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "exchanges" in done.stdout and "MB stored" in done.stdout  # the summary
    return work / "cassette", json.loads(out.read_text())


def test_the_recording_holds_what_the_clients_asked(recorded) -> None:
    cassette = Cassette.open(recorded[0])
    kinds = {(e.kind, e.method) for e in cassette.exchanges}
    assert {("web", "POST"), ("web", "GET"), ("s3", "GET"), ("s3", "HEAD")} <= kinds
    ranged = [e for e in cassette.exchanges if e.kind == "s3" and e.range]
    assert ranged and all(e.size < recorded[1]["size"] for e in ranged)  # only the bytes that were read
    assert "no credentials" in json.loads((recorded[0] / "cassette.json").read_text())["note"]


def test_no_credential_reaches_the_cassette(recorded, planted) -> None:
    assert recorded[1]["with_token"] == 200 and recorded[1]["signed_size"] == recorded[1]["size"]
    stored = b"".join(
        gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()
        for p in recorded[0].rglob("*")
        if p.is_file()
    )
    for name, value in planted.items():
        assert value.encode() not in stored, f"{name} reached the cassette"
    assert b"mast_token" not in stored and b"AWS4-HMAC-SHA256" not in stored


def test_the_replay_finds_the_same_without_the_upstream(recorded, tmp_path) -> None:
    out = tmp_path / "found.json"
    done = archive_cli(
        "exec", "--replay", str(recorded[0]), "--", sys.executable, str(HERE / "clients.py"), str(out)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    replayed = json.loads(out.read_text())
    assert {k: v for k, v in replayed.items() if k != "download"} == {
        k: v for k, v in recorded[1].items() if k not in ("download", "with_token", "signed_size")
    }


UNRECORDED = """
import s3fs, sys
from astroquery.exceptions import RemoteServiceError
from astroquery.mast import Observations
try:
    Observations.query_criteria(target_name="no-such-target-recorded", obs_collection="TESS")
except RemoteServiceError as exc:
    print("portal:", exc)
fs = s3fs.S3FileSystem(anon=True)
try:
    with fs.open(sys.argv[1], block_size=1000) as f:
        f.seek(100000)
        f.read(10)
except OSError as exc:
    print("s3:", exc)
"""


def test_an_unrecorded_request_and_byte_range_say_how_to_record_them(recorded) -> None:
    cassette = Cassette.open(recorded[0])
    key = next(e.path for e in cassette.exchanges if e.kind == "s3" and e.range)
    done = archive_cli(
        "exec", "--replay", str(recorded[0]), "--", sys.executable, "-c", UNRECORDED, f"s3:/{key}"
    )
    lines = {line.split(":", 1)[0]: line for line in done.stdout.splitlines() if ":" in line}
    for kind in ("portal", "s3"):
        assert "was not recorded" in lines.get(kind, ""), done.stdout + done.stderr
        assert "offline_archive record --cassette" in lines[kind]
    assert "bytes=" in lines["s3"]


def test_the_drift_of_a_fresh_recording_is_empty(recorded) -> None:
    done = archive_cli("drift", "--cassette", str(recorded[0]))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No drift" in done.stdout


def _rewrite(cassette: Path, choose, change) -> None:
    """Change the body of the first exchange ``choose`` picks, keeping the cassette consistent."""
    index = cassette / "index.jsonl"
    lines = [json.loads(line) for line in index.read_text().splitlines()]
    entry = next(e for e in lines if choose(e))
    body = gzip.decompress((cassette / "bodies" / entry["sha256"][:2] / f"{entry['sha256']}.gz").read_bytes())
    body = change(body)
    entry["sha256"], entry["size"] = hashlib.sha256(body).hexdigest(), len(body)
    target = cassette / "bodies" / entry["sha256"][:2] / f"{entry['sha256']}.gz"
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(gzip.compress(body))
    index.write_text("".join(json.dumps(e) + "\n" for e in lines))


def _portal_table(entry: dict) -> bool:
    form = dict((k, v) for k, v in (entry["body"] or {}).get("form", []))
    return (
        entry["path"] == "/api/v0/invoke" and form.get("request", {}).get("service") == "Mast.Caom.Filtered"
    )


def _without_field(body: bytes) -> bytes:
    answer = json.loads(body)
    answer["fields"] = [f for f in answer["fields"] if f["name"] != "t_exptime"]
    for row in answer["data"]:
        row.pop("t_exptime", None)
    return json.dumps(answer).encode()


def _type_changed(body: bytes) -> bytes:
    answer = json.loads(body)
    for field in answer["fields"]:
        if field["name"] == "obsid":
            field["type"] = "boolean"
    return json.dumps(answer).encode()


def _hdu_renamed(body: bytes) -> bytes:
    import io

    from astropy.io import fits

    with fits.open(io.BytesIO(body)) as hdus:
        hdus[1].name = "LIGHTCURVES"
        out = io.BytesIO()
        hdus.writeto(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("choose", "change", "expected"),
    [
        (_portal_table, _without_field, ["column", "t_exptime", "(missing)"]),
        (_portal_table, _type_changed, ["column", "obsid", "boolean"]),
        (
            lambda e: e["path"] == "/api/v0.1/Download/file" and e["method"] == "GET",
            _hdu_renamed,
            ["HDUs", "LIGHTCURVES"],
        ),
    ],
    ids=["field-removed", "type-changed", "hdu-renamed"],
)
def test_drift_names_what_changed(recorded, archive_env, tmp_path, choose, change, expected) -> None:
    # the comparison `offline_archive drift` prints, against this session's generated archive
    changed = tmp_path / "cassette"
    shutil.copytree(recorded[0], changed)
    _rewrite(changed, choose, change)
    cassette = Cassette.open(changed)
    differences = compare(cassette, archive_env)
    printed = report(differences, cassette)
    assert differences, printed
    rows = [line for line in printed.splitlines() if all(word in line for word in expected)]
    assert rows, printed


#: ``make replay-test`` from inside this session: none of its make, pytest or archive state.
_INNER_STATE = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "BUILD", "JUNIT_DIR", "SUITE_BUILD_DIR")


def test_make_replay_test_runs_a_notebook_answered_by_the_cassette_alone(recorded) -> None:
    notebook = HERE / "fixtures" / "80-replayed.ipynb"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ARCHIVE_VARS + _INNER_STATE and not k.startswith(("PYTEST_", "OFFLINE_ARCHIVE_SESSION"))
    }
    done = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "replay-test",
            f"CASSETTE={recorded[0]}",
            f"NOTEBOOKS_TO_RECORD={notebook}",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "3 passed" in done.stdout  # the notebook's three code cells, the unrecorded query refused

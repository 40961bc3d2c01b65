"""The whole suite recorded against the generated archive and replayed from the cassette alone.

Each notebook is recorded through ``python -m offline_archive record --upstream-*`` pointed at
this session's generated archive, then executed again under ``exec --replay`` with nothing
behind the cassette.  The replay must pass every cell and print what the recording printed
(temporary folders, timings and object addresses aside); the recording's execution is the baseline
against the generated archive, so the suite runs twice here, not three times.  Each cassette's
drift against the generated archive is empty.  One xdist group per notebook.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest
from test_record_replay import ROOT, archive_cli, upstream

import notebook_parts
from offline_archive.replay.cassette import Cassette

NOTEBOOKS = notebook_parts.suite_notebooks(ROOT / "notebooks")
#: What may differ between two executions that computed the same values.
NOISE = [
    (re.compile(r"/tmp/[^\s/'\"]+"), "<tmp>"),
    (re.compile(r"\b0x[0-9a-f]{6,}\b"), "<address>"),
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:<port>"),  # a dask scheduler's ports
    (re.compile(r"\b\d+(\.\d+)?\s?(s|ms|seconds|sec)\b"), "<duration>"),
    (re.compile(r"\b\d+(\.\d+)? ?(MB/s|Mbit/s|files/s|frames/s|requests/s)"), "<rate>"),
]


def printed(path: Path) -> list[tuple[int, str]]:
    """(cell, text) of what each code cell printed or showed as text, with the noise masked."""
    out = []
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type != "code":
            continue
        text = "".join(
            o.get("text", "") if o.get("output_type") == "stream" else o.get("data", {}).get("text/plain", "")
            for o in cell.get("outputs", [])
            if o.get("name") != "stderr"
        )
        for pattern, mask in NOISE:
            text = pattern.sub(mask, text)
        out.append((index, text))
    return out


def run(mode: list[str], notebook: Path, output: Path, purpose: str):
    runner = [
        sys.executable,
        str(ROOT / "tools" / "run_notebooks.py"),
        "--purpose",
        purpose,
        "--output",
        str(output),
    ]
    return archive_cli(*mode, "--", *runner, str(notebook), timeout=900)


@pytest.mark.parametrize(
    "notebook",
    [
        pytest.param(p, id=p.stem[:2], marks=pytest.mark.xdist_group(f"roundtrip-{p.stem[:2]}"))
        for p in NOTEBOOKS
    ],
)
def test_the_replay_computes_what_the_recording_did(notebook, archive_env, tmp_path) -> None:
    cassette = tmp_path / "cassette"
    recorded = run(
        ["record", "--cassette", str(cassette), *upstream(archive_env)], notebook, tmp_path / "rec", "record"
    )
    assert recorded.returncode == 0, recorded.stdout[-3000:] + recorded.stderr[-3000:]
    assert Cassette.open(cassette).exchanges, "the notebook asked nothing of the archive"
    replayed = run(["exec", "--replay", str(cassette)], notebook, tmp_path / "rep", "replay")
    assert replayed.returncode == 0, replayed.stdout[-3000:] + replayed.stderr[-3000:]
    before, after = printed(tmp_path / "rec" / notebook.name), printed(tmp_path / "rep" / notebook.name)
    differing = [(a[0], a[1][:400], b[1][:400]) for a, b in zip(before, after, strict=True) if a != b]
    assert differing == [], f"cells that printed something else in the replay: {differing}"
    drift = archive_cli("drift", "--cassette", str(cassette))
    assert drift.returncode == 0, drift.stdout[-4000:] + drift.stderr[-2000:]

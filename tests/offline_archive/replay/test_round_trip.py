"""The whole suite replayed from the cassettes its test executions were recorded into.

Each notebook's test execution (the one whose cells are the verdicts and whose kernel answers the
science tests) talks to the recorder of ``make record``, pointed at this session's generated
archive (``tools/notebook_recording.py``); that execution is the baseline.  Here each notebook is
executed once more with nothing behind its cassette (the replaying archive of ``exec --replay``,
started in this process).  The replay must pass every cell and print what the test execution
printed (temporary folders, timings and object addresses aside), and the cassette's drift against
the session's generated archive is empty.  Each test is marked with its notebook, so it runs in
the notebook's group, after its science tests."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
from test_record_replay import ROOT

import notebook_parts
from notebook_execution import execute
from offline_archive.paths import archive_root
from offline_archive.replay.cassette import Cassette
from offline_archive.replay.drift import compare, report
from offline_archive.serve import running_archive

NOTEBOOKS = notebook_parts.suite_notebooks(ROOT / "notebooks")
#: What may differ between two executions that computed the same values.
NOISE = [
    (re.compile(r"/tmp/[^\s/'\"]+"), "<tmp>"),
    (re.compile(r"\b0x[0-9a-f]{6,}\b"), "<address>"),
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:<port>"),  # a dask scheduler's ports
    (re.compile(r"\b\d+(\.\d+)?\s?(s|ms|seconds|sec)\b"), "<duration>"),
    (re.compile(r"\b\d+(\.\d+)? ?(MB/s|Mbit/s|files/s|frames/s|requests/s)"), "<rate>"),
]


def printed(nb: nbformat.NotebookNode) -> list[tuple[int, str]]:
    """(cell, text) of what each code cell printed or showed as text, with the noise masked."""
    out = []
    for index, cell in enumerate(nb.cells):
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


def replay(notebook: Path, cassette: Cassette):
    """The notebook executed with the cassette alone behind the archive (``exec --replay`` in-process)."""
    with running_archive(archive_root(), replay=cassette) as archive:
        return execute(notebook, purpose="replay", env=dict(os.environ) | archive.env)


@pytest.mark.parametrize(
    "notebook", [pytest.param(p, id=p.stem[:2], marks=pytest.mark.notebook(p)) for p in NOTEBOOKS]
)
def test_the_replay_computes_what_the_test_execution_did(notebook, recorded_execution, archive_env) -> None:
    executed, folder = recorded_execution(notebook)
    cassette = Cassette.open(folder)
    assert cassette.exchanges, "the notebook asked nothing of the archive"
    replayed = replay(notebook, cassette)
    assert replayed.error is None, f"the replay stopped at cell {replayed.failed_cell()}:\n{replayed.error}"
    before, after = printed(executed.nb), printed(replayed.nb)
    differing = [(a[0], a[1][:400], b[1][:400]) for a, b in zip(before, after, strict=True) if a != b]
    assert differing == [], f"cells that printed something else in the replay: {differing}"
    differences = compare(cassette, archive_env)
    assert differences == [], report(differences, cassette)

"""Real answers astroquery ships (``astroquery/mast/tests/data/``) as a cassette, and their drift.

astroquery's own tests answer each portal service from a file recorded on the real MAST (2017-2020;
the files carry no date, their git history does).  Here the same services are asked of the
generated archive through the recorder, exactly as astroquery sends them (``astroquery_calls.py``),
and each generated answer is replaced by astroquery's recorded one: a cassette of real answers for
real requests.  ``drift`` then says where the archive's answers differ in shape.

What is checked: every converted answer is a document of the same kind with the same status (only
columns and JSON keys differ, never the format), and drift names the one change MAST made since the
files were recorded that the suite relies on: cone results no longer carry ``objID`` (STScI's
``beginner_search`` notebook, executed 2024-05-02, mast_notebooks@f912caf2): the newer record wins.
The differences per service are printed (``pytest -s``).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

import astroquery.mast.tests
import pytest
from test_record_replay import HERE, archive_cli

from offline_archive.replay.cassette import Cassette
from offline_archive.replay.drift import compare
from offline_archive.replay.recorder import Upstream

DATA = Path(astroquery.mast.tests.__file__).parent / "data"
#: The recorded answer of each portal service (as astroquery's test_mast.py maps them).
SERVICE_FILES = {
    "Mast.Caom.Cone": "caom.json",
    "Mast.Caom.Filtered": "advSearch.json",
    "Mast.Caom.Filtered.Position": "advSearchPos.json",
    "Mast.Caom.Products": "products.json",
    "Mast.Caom.All": "missions.extjs",
    "Mast.Catalogs.Filtered.Tic.Rows": "tic.json",
}
COLUMN_FILES = {"Mast.Caom.Cone": "columnsconfig.json", "Mast.Catalogs.Tess.Cone": "ticcolumns.json"}


def recorded_file(entry: dict) -> str | None:
    """The astroquery data file that answers an exchange's request, if there is one."""
    form = dict((k, v) for k, v in (entry["body"] or {}).get("form", []))
    request = form.get("request") if isinstance(form.get("request"), dict) else {}
    if entry["path"].endswith("/columnsconfig"):
        return COLUMN_FILES.get(form.get("colConfigId"))
    if entry["path"] == "/tesscut/api/v0.1/sector":
        return "tess_sector.json"
    if entry["path"] == "/Santa-war/query":
        return "resolver.json"
    if request.get("params", {}).get("columns") == "COUNT_BIG(*)":
        return "countsResp.json"
    return SERVICE_FILES.get(request.get("service"))


def convert(cassette: Path) -> set[str]:
    """Put astroquery's recorded answers in place of the generated ones; returns the files used."""
    index = cassette / "index.jsonl"
    entries = [json.loads(line) for line in index.read_text().splitlines()]
    used = set()
    for entry in entries:
        name = recorded_file(entry)
        if name is None:
            continue
        body = (DATA / name).read_bytes()
        entry["sha256"], entry["size"] = hashlib.sha256(body).hexdigest(), len(body)
        target = cassette / "bodies" / entry["sha256"][:2] / f"{entry['sha256']}.gz"
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(gzip.compress(body))
        used.add(name)
    index.write_text("".join(json.dumps(e) + "\n" for e in entries))
    return used


@pytest.fixture(scope="module")
def drift(archive_env, tmp_path_factory):
    cassette = tmp_path_factory.mktemp("astroquery") / "cassette"
    done = archive_cli(
        "record", "--cassette", str(cassette), *Upstream.of_archive(archive_env).options(), "--",
        sys.executable, str(HERE / "astroquery_calls.py"),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    used = convert(cassette)
    differences = compare(Cassette.open(cassette), archive_env)
    by_service = Counter(
        " ".join(w for w in d.where.split(" ")[1:3] if "/" in w or w.startswith("Mast.")) for d in differences
    )
    print("drift against astroquery's recorded answers:", dict(sorted(by_service.items())))  # pytest -s
    return used, differences


def test_every_recorded_answer_file_answers_a_request(drift) -> None:
    used, _ = drift
    assert used >= set(SERVICE_FILES.values()) | set(COLUMN_FILES.values()) | {
        "tess_sector.json",
        "resolver.json",
        "countsResp.json",
    }


def test_the_archive_answers_in_the_same_kind_of_document(drift) -> None:
    _, differences = drift
    assert differences, "astroquery's files predate 2024: some columns must differ"
    assert {d.what for d in differences} <= {"column", "JSON"}, [
        d for d in differences if d.what not in ("column", "JSON")
    ]


def test_drift_names_the_column_mast_has_dropped_since(drift) -> None:
    _, differences = drift
    cone = [d for d in differences if "Mast.Caom.Cone" in d.where and d.what == "column"]
    assert any(d.where.endswith(" objID") and d.generated == "(missing)" for d in cone), cone

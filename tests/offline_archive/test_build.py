"""`build`: idempotent, rebuilt when the generator changes, never half-written."""

from __future__ import annotations

import pytest

from offline_archive import build as build_module
from offline_archive import store as store_module
from offline_archive.build import build
from offline_archive.paths import data_dir
from offline_archive.sky import catalogue, catalogue_roman
from offline_archive.store import DataNotBuiltError, DataStore, is_current


@pytest.fixture
def quick_writer(monkeypatch):
    """Replace the (slow) file generator by one that writes the product's name.

    The build's worker processes are forked, so they inherit the replacement.
    """

    def write(obs, product, path):
        path.write_text(product.filename)

    def write_object(obj, path):
        path.write_text(obj.key)

    monkeypatch.setattr(build_module, "write_product", write)
    monkeypatch.setattr(build_module, "write_object", write_object)


def test_build_is_idempotent(tmp_path, quick_writer) -> None:
    first = build(tmp_path, progress=False)
    assert first.built and first.files == len(catalogue.all_products()) + len(catalogue_roman.objects())
    stamps = {p: p.stat().st_mtime_ns for p in data_dir(tmp_path).rglob("*")}
    second = build(tmp_path, progress=False)
    assert not second.built
    assert {p: p.stat().st_mtime_ns for p in data_dir(tmp_path).rglob("*")} == stamps, "nothing rewritten"
    assert is_current(tmp_path)


def test_a_new_generator_version_rebuilds(tmp_path, quick_writer, monkeypatch) -> None:
    build(tmp_path, progress=False)
    monkeypatch.setattr(store_module, "GENERATOR_VERSION", "a-newer-generator")
    assert not is_current(tmp_path)
    assert build(tmp_path, progress=False).built


def test_an_interrupted_build_keeps_the_previous_data(tmp_path, quick_writer, monkeypatch) -> None:
    build(tmp_path, progress=False)
    before = sorted(p.relative_to(tmp_path) for p in data_dir(tmp_path).rglob("*"))

    def failing(obs, product, path):
        raise OSError("disk full")

    monkeypatch.setattr(build_module, "write_product", failing)
    with pytest.raises(OSError, match="disk full"):
        build(tmp_path, force=True, progress=False)
    assert sorted(p.relative_to(tmp_path) for p in data_dir(tmp_path).rglob("*")) == before
    assert not list(tmp_path.glob(".data-*")), "no staging directory is left behind"


def test_serving_without_data_says_how_to_build(tmp_path) -> None:
    with pytest.raises(DataNotBuiltError, match="python -m offline_archive build"):
        DataStore(tmp_path)

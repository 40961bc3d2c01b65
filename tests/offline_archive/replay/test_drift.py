"""Drift's shape comparisons, one document kind at a time (the end-to-end ones are in test_record_replay)."""

from __future__ import annotations

import io
import json

import asdf
import numpy as np
from astropy.io import fits

from offline_archive.replay.drift import compare_bodies


def _fits(**cards) -> bytes:
    hdus = fits.HDUList(
        [fits.PrimaryHDU(), fits.BinTableHDU.from_columns([fits.Column("TIME", "D", array=[1.0])])]
    )
    hdus[1].name = "LIGHTCURVE"
    for key, value in cards.items():
        hdus[0].header[key] = value
    out = io.BytesIO()
    hdus.writeto(out)
    return out.getvalue()


def _asdf(tree: dict) -> bytes:
    out = io.BytesIO()
    asdf.AsdfFile(tree).write_to(out)
    return out.getvalue()


def _listing(*keys: str) -> bytes:
    items = "".join(f"<Contents><Key>{k}</Key></Contents>" for k in keys)
    return f'<?xml version="1.0"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{items}</ListBucketResult>'.encode()


def test_a_header_keyword_the_archive_lacks_is_named() -> None:
    found = compare_bodies("lc", _fits(TESSMAG=9.0, TEFF=6000.0), _fits(TESSMAG=9.0), "application/fits")
    assert [(d.what, d.recorded, d.generated) for d in found] == [("header keyword", "TEFF", "(missing)")]


def test_an_asdf_key_the_archive_lacks_is_named() -> None:
    recorded = _asdf({"roman": {"meta": {"exposure": 1}, "data": np.zeros(2)}})
    generated = _asdf({"roman": {"data": np.zeros(2)}})
    found = compare_bodies("cal", recorded, generated, "")
    assert {(d.what, d.recorded) for d in found} == {
        ("ASDF key", "/roman/meta"),
        ("ASDF key", "/roman/meta/exposure"),
    }


def test_a_listing_with_other_keys_is_reported() -> None:
    found = compare_bodies("ls", _listing("a.fits", "b.fits"), _listing("a.fits"), "application/xml")
    assert [(d.what, d.recorded) for d in found] == [("S3 listing", "b.fits")]


def test_a_json_value_of_another_type_is_reported_and_nulls_are_not() -> None:
    recorded = json.dumps({"n": 1, "name": "x", "maybe": None}).encode()
    generated = json.dumps({"n": "1", "name": "y", "maybe": 3}).encode()
    found = compare_bodies("j", recorded, generated, "application/json")
    assert [(d.where, d.recorded, d.generated) for d in found] == [("j n", "number", "string")]


def test_identical_shapes_give_no_difference() -> None:
    assert compare_bodies("lc", _fits(A=1), _fits(A=2), "application/fits") == []

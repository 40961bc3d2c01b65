"""The catalogues: every observation has its own ids; the Roman buckets' objects are where the tutorials look."""

from __future__ import annotations

import re

import pytest

from offline_archive.sky import catalogue, catalogue_roman


def test_obsids_are_unique_across_the_catalogue() -> None:
    obsids = [o.obsid for o in catalogue.observations()]
    assert len(obsids) == len(set(obsids))


def test_the_roman_objects_are_in_the_two_public_buckets() -> None:
    buckets = {o.bucket for o in catalogue_roman.objects()}
    assert (
        buckets
        == {catalogue_roman.MAST_BUCKET, catalogue_roman.IRSA_BUCKET}
        == {
            "stpubdata",
            "nasa-irsa-simulations",
        }
    )
    assert len({o.key for o in catalogue_roman.objects()}) == len(catalogue_roman.objects())


ROOT_NAME = re.compile(r"^r\d{19}_(\d{4})_wfi(\d{2})_(f\d{3})_(cal|uncal)\.asdf$")


def test_the_tutorial_folder_holds_one_visit_in_several_exposures_and_detectors() -> None:
    prefix = catalogue_roman.TUTORIAL_PREFIX + "/"
    names = [o.key.removeprefix(prefix) for o in catalogue_roman.objects() if o.key.startswith(prefix)]
    assert all("/" not in name for name in names), "the folder is flat"
    exposures = [ROOT_NAME.match(n) for n in names if n.endswith("_cal.asdf")]
    assert all(exposures) and {m.group(3) for m in exposures} == {catalogue_roman.BAND.lower()}
    assert all(n.startswith(catalogue_roman.VISIT) for n in names if ROOT_NAME.match(n))
    assert len({m.group(1) for m in exposures}) >= 2 and len({m.group(2) for m in exposures}) >= 2
    kinds = {o.kind for o in catalogue_roman.objects() if o.key.startswith(prefix)}
    assert kinds == {"tutorial_cal", "tutorial_uncal", "tutorial_coadd", "tutorial_catalog"}


def test_every_level_1_ramp_has_its_level_2_image() -> None:
    keys = {o.key for o in catalogue_roman.objects()}
    ramps = [k for k in keys if k.endswith("_uncal.asdf")]
    assert ramps and all(k.replace("_uncal.asdf", "_cal.asdf") in keys for k in ramps)


def test_the_mosaic_detector_has_all_four_dithered_exposures() -> None:
    detector = catalogue_roman.MOSAIC_DETECTOR
    exposures = {e for e, d in catalogue_roman.CAL_EXPOSURES if d == detector}
    assert exposures == {1, 2, 3, 4} == set(range(1, len(catalogue_roman.DITHER_STEPS_REAL) + 1))


def test_the_dither_moves_the_same_share_of_a_detector_as_the_real_pattern() -> None:
    side = catalogue_roman.SIZE * catalogue_roman.PIXEL_SCALE
    real_side = catalogue_roman.REAL_SIZE * catalogue_roman.PIXEL_SCALE
    x2, y2 = catalogue_roman.dither_position(2)
    assert x2 / side == pytest.approx(0.55 / real_side) and y2 / side == pytest.approx(200.55 / real_side)
    x4, y4 = catalogue_roman.dither_position(4)
    assert x4 / side == pytest.approx((0.55 + 200.55 + 0.55) / real_side)
    assert y4 / side == pytest.approx((200.55 + 0.55 - 200.55) / real_side)


def test_the_level_4_products_of_one_exposure_share_its_name() -> None:
    l4 = [o.key for o in catalogue_roman.objects() if o.key.startswith(catalogue_roman.HLWAS_L4_PREFIX)]
    assert sorted(k.rsplit("/", 1)[1] for k in l4) == [
        f"{catalogue_roman.HLWAS_EXPOSURE}_cat.parquet",
        f"{catalogue_roman.HLWAS_EXPOSURE}_segm.asdf",
    ]


def test_the_openuniverse_images_are_in_irsa_s_bucket_by_band_cell_and_detector() -> None:
    irsa = [o for o in catalogue_roman.objects() if o.bucket == catalogue_roman.IRSA_BUCKET]
    assert {o.param("sensor") for o in irsa} == set(catalogue_roman.OU_SENSORS)
    for o in irsa:
        band, cell, name = o.key.removeprefix(catalogue_roman.IRSA_WAS_PREFIX + "/").split("/")
        assert (band, cell) == (catalogue_roman.OU_BAND, catalogue_roman.OU_HEALPIX)
        assert name == f"Roman_WAS_simple_model_{band}_{cell}_{o.param('sensor')}.fits.gz"

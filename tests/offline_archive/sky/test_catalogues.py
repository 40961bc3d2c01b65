"""The catalogues: every observation has its own ids; the Roman buckets' objects are where the tutorials look."""

from __future__ import annotations

from offline_archive.sky import catalogue, catalogue_roman


def test_obsids_are_unique_across_the_catalogue() -> None:
    obsids = [o.obsid for o in catalogue.observations()]
    assert len(obsids) == len(set(obsids))


def test_the_platform_bucket_is_private_and_irsa_public() -> None:
    buckets = {(o.bucket, o.public) for o in catalogue_roman.objects()}
    assert buckets == {(catalogue_roman.PLATFORM_BUCKET, False), (catalogue_roman.IRSA_BUCKET, True)}


def test_the_platform_bucket_has_the_expected_folders() -> None:
    keys = [o.key for o in catalogue_roman.objects() if o.bucket == catalogue_roman.PLATFORM_BUCKET]
    for prefix in (
        "ROMANISIM/DENSE_REGION/R0.5_DP0.5_PA0/",
        "ROMANISIM/GALAXIES/",
        "ROMANISIM/CATALOGS_SCRIPTS/",
        "STIPS/",
        "OPEN_UNIVERSE/WAS/simple_model/",
    ):
        assert any(k.startswith(prefix) for k in keys), prefix
    assert f"{catalogue_roman.DENSE_PREFIX}/r0000101001001001001_01101_0001_WFI01_cal.asdf" in keys


def test_every_openuniverse_asdf_has_a_fits_twin_in_irsa() -> None:
    asdf_sensors = {o.param("sensor") for o in catalogue_roman.objects() if o.kind == "openuniverse_asdf"}
    fits_sensors = {o.param("sensor") for o in catalogue_roman.objects() if o.kind == "openuniverse_fits"}
    assert asdf_sensors == fits_sensors and asdf_sensors

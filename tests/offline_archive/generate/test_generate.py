"""Tests of offline_archive.generate: every product kind writes a real, readable, reproducible file."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits

from offline_archive.generate import GENERATOR_VERSION, SLOW_KINDS, WRITERS, tess, write_product
from offline_archive.generate.documents import DV_NAMESPACE
from offline_archive.sky import catalogue, targets

PI_MEN_STEM = "tess2020186164531-s0027-0000000261136679-0189"
DV_S27 = "tess2020187024023-s0027-s0027-0000000261136679"
DV_S1_S13 = "tess2019201090000-s0001-s0013-0000000261136679"

#: The files the module's tests share, written once.
SHARED = {
    "lc": f"{PI_MEN_STEM}-s_lc.fits",
    "fast": f"{PI_MEN_STEM}-a_fast-lc.fits",
    "tp": f"{PI_MEN_STEM}-s_tp.fits",
    "dvt": f"{DV_S27}-00189_dvt.fits",
    "dvt_multi": f"{DV_S1_S13}-00253_dvt.fits",
    "dvr": f"{DV_S1_S13}-00253_dvr.pdf",
    "dvm": f"{DV_S27}-00189_dvm.pdf",
    "dvs": f"{DV_S27}-01-00189_dvs.pdf",
    "xml": f"{DV_S1_S13}-00253_dvr.xml",
    "image": "j9bh01010_drz.fits",
    "spectrum": "ldw301010_x1d.fits",
    "drz": "iab902010_drz.fits",
    "flt": "iab902e1q_flt.fits",
    "ffic": "tess2018206192942-s0001-1-1-0120-s_ffic.fits",
    "llc": "kplr010666592-2009166043257_llc.fits",
}


def find(filename: str) -> tuple[targets.Observation, targets.Product]:
    """The catalogue's observation and product of a file name."""
    for observation, product in catalogue.all_products():
        if product.filename == filename:
            return observation, product
    raise LookupError(filename)


def first_of_kind(kind: str) -> tuple[targets.Observation, targets.Product]:
    return next((o, p) for o, p in catalogue.all_products() if p.kind == kind)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The shared files, keyed as in SHARED."""
    directory = tmp_path_factory.mktemp("generated")
    paths = {}
    for key, filename in SHARED.items():
        paths[key] = directory / filename
        write_product(*find(filename), paths[key])
    return paths


def values(quantity) -> np.ndarray:
    """Plain float values of a lightkurve column (which may be a masked Quantity)."""
    value = quantity.value
    return np.asarray(getattr(value, "unmasked", value), dtype=float)


@pytest.fixture(scope="module")
def lk():
    import lightkurve

    return lightkurve


# --------------------------------------------------------------------------------------------
# Dispatch and formats
# --------------------------------------------------------------------------------------------


def test_every_catalogue_kind_has_a_writer():
    kinds = {p.kind for _, p in catalogue.all_products()}
    assert kinds <= set(WRITERS)
    assert isinstance(GENERATOR_VERSION, str) and GENERATOR_VERSION


def test_unknown_kind_raises_value_error_naming_it(tmp_path):
    observation, product = first_of_kind("generic_image")
    odd = dataclasses.replace(product, kind="tess_hologram")
    with pytest.raises(ValueError, match="tess_hologram"):
        write_product(observation, odd, tmp_path / "x.fits")
    assert not (tmp_path / "x.fits").exists()


def _reread(path: Path, kind: str) -> None:
    """Open a written file with the reader of its format, asserting it is well formed."""
    data = path.read_bytes()
    if kind.endswith("_pdf"):
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
        assert pdf_pages(data) >= 1 and len(data) < 200_000
    elif kind.endswith("_xml"):
        root = ET.fromstring(data)
        assert root.tag == f"{{{DV_NAMESPACE}}}dvTargetResults"
    else:
        with fits.open(path) as hdul:
            hdul.verify("exception")
            assert len(hdul) >= 2 or hdul[0].data is not None
            assert hdul[0].header["TELESCOP"]


@pytest.mark.parametrize("kind", sorted(set(WRITERS) - SLOW_KINDS))  # slow kinds: see test_ffi.py
def test_every_kind_writes_and_rereads(kind, built, tmp_path):
    shared = {
        "tess_lc": "lc",
        "tess_tp": "tp",
        "tess_dvt": "dvt",
        "tess_dvr_pdf": "dvr",
        "tess_dvm_pdf": "dvm",
        "tess_dvs_pdf": "dvs",
        "tess_dvr_xml": "xml",
        "generic_image": "image",
        "generic_spectrum": "spectrum",
        "hst_drz": "drz",
        "hst_flt": "flt",
        "tess_ffic": "ffic",
        "kepler_llc": "llc",
    }
    path = built[shared[kind]]
    assert find(path.name)[1].kind == kind
    _reread(path, kind)


@pytest.mark.parametrize("key", ["lc", "tp", "dvt", "dvs", "xml", "image", "spectrum", "drz", "flt", "llc"])
def test_writing_twice_gives_identical_bytes(key, built, tmp_path):
    again = tmp_path / SHARED[key]
    write_product(*find(SHARED[key]), again)
    assert again.read_bytes() == built[key].read_bytes()


def test_different_files_get_different_noise(tmp_path):
    a, b = tmp_path / "a.fits", tmp_path / "b.fits"
    observation, product = find(SHARED["image"])
    write_product(observation, product, a)
    write_product(observation, dataclasses.replace(product, filename="other_drz.fits"), b)
    assert not np.array_equal(fits.getdata(a), fits.getdata(b))


# --------------------------------------------------------------------------------------------
# Light curves
# --------------------------------------------------------------------------------------------


def test_default_bitmask_matches_lightkurve(lk):
    assert tess.DEFAULT_BITMASK == lk.utils.TessQualityFlags.DEFAULT_BITMASK


def test_light_curve_reads_with_lightkurve(built, lk):
    lc = lk.read(built["lc"])
    assert type(lc).__name__ == "TessLightCurve"
    n_all = targets.cadence_times(targets.SECTORS[27], 120).size
    good = tess.expected_good_cadences("pi_men", 27, 120)
    assert len(lc) == good
    assert 5 <= n_all - good <= 60  # a handful of flagged cadences, all dropped by default
    assert len(lk.read(built["lc"], quality_bitmask="none")) == n_all
    assert np.median(np.diff(lc.time.value)) * 86400 == pytest.approx(120.0, abs=0.01)
    assert np.all(np.isfinite(lc.flux.value))
    assert lc.meta["TICID"] == targets.PI_MEN.tic and lc.meta["SECTOR"] == 27
    assert str(lc.flux.unit) == "electron / s"


def test_light_curve_headers(built):
    with fits.open(built["lc"]) as hdul:
        primary, table = hdul[0].header, hdul["LIGHTCURVE"].header
        assert "LightCurve" in primary["CREATOR"] and primary["ORIGIN"] == "NASA/Ames"
        assert primary["OBJECT"] == "TIC 261136679" and primary["TESSMAG"] == targets.PI_MEN.tmag
        assert (primary["CAMERA"], primary["CCD"]) == catalogue.TESS_CCD[("pi_men", 27)]
        assert "CHECKSUM" not in primary and primary["DATE"].startswith("2020-08")
        assert table["TIMEDEL"] == pytest.approx(120 / 86400)
        assert (table["BJDREFI"], table["TIMESYS"], table["TIMEREF"]) == (2457000, "TDB", "SOLARSYSTEM")
        assert hdul["APERTURE"].header["BITPIX"] == 32 and hdul["APERTURE"].data.shape == (11, 11)
        assert table["TUNIT1"] == "BJD - 2457000, days"


def test_flagged_cadences_have_nan_pdcsap(built):
    data = fits.getdata(built["lc"], "LIGHTCURVE")
    flagged = (data["QUALITY"] & tess.DEFAULT_BITMASK) != 0
    assert flagged.any() and np.all(np.isnan(data["PDCSAP_FLUX"][flagged]))
    assert np.all(np.isfinite(data["PDCSAP_FLUX"][~flagged]))
    assert np.any(data["QUALITY"] & tess.DESAT) and np.any(data["QUALITY"] & tess.ATTITUDE_TWEAK)


def test_sap_trend_is_removed_in_pdcsap(built):
    data = fits.getdata(built["lc"], "LIGHTCURVE")
    ratio = data["SAP_FLUX"] / data["PDCSAP_FLUX"]
    ratio = ratio[np.isfinite(ratio)]
    assert np.ptp(ratio) / np.median(ratio) > 2e-3  # SAP carries systematics PDCSAP does not


def test_pi_men_c_transit_is_recovered(built, lk):
    planet = targets.PI_MEN.planets[0]
    lc = lk.read(built["lc"]).remove_nans().normalize()
    scatter = np.std(np.diff(values(lc.flux))) / np.sqrt(2)
    assert scatter == pytest.approx(tess.noise_ppm(targets.PI_MEN, 120) * 1e-6, rel=0.1)  # ~340 ppm
    in_transit = lc.create_transit_mask(
        period=planet.period_days, transit_time=planet.epoch_btjd, duration=1.5 * planet.duration_hours / 24
    )
    folded = lc.flatten(window_length=721, mask=in_transit).fold(planet.period_days, planet.epoch_btjd)
    phase, flux = values(folded.time), values(folded.flux)
    duration = planet.duration_hours / 24
    inside, outside = np.abs(phase) < 0.4 * duration, np.abs(phase) > duration
    depth = flux[outside].mean() - flux[inside].mean()
    error = np.hypot(flux[inside].std() / np.sqrt(inside.sum()), flux[outside].std() / np.sqrt(outside.sum()))
    assert depth / error > 5
    assert depth * 1e6 == pytest.approx(planet.depth_ppm, rel=0.25)


def test_fast_cadence_is_noisier(built, lk):
    lc = lk.read(built["fast"])
    assert len(lc) == tess.expected_good_cadences(targets.PI_MEN, targets.SECTORS[27], 20)
    assert np.median(np.diff(lc.time.value)) * 86400 == pytest.approx(20.0, abs=0.01)
    scatter = np.nanstd(np.diff(values(lc.normalize().flux))) / np.sqrt(2)
    assert scatter == pytest.approx(np.sqrt(6) * tess.noise_ppm(targets.PI_MEN, 120) * 1e-6, rel=0.1)


def test_expected_good_cadences_follows_the_quality_model():
    sector = targets.SECTORS[27]
    times = targets.cadence_times(sector, 120)
    quality = tess.quality_flags("pi_men", sector, times, 120)
    dumps = sum(1 for *_, bit in tess.quality_events("pi_men", sector) if bit == tess.DESAT)
    assert dumps >= 6 and np.count_nonzero(quality & tess.DESAT) >= dumps
    assert np.count_nonzero(quality & tess.STRAYLIGHT) > 0  # flagged but kept by default
    kept = np.count_nonzero((quality & tess.DEFAULT_BITMASK) == 0)
    assert tess.expected_good_cadences("pi_men", 27, 120) == kept < times.size


# --------------------------------------------------------------------------------------------
# Target pixel files
# --------------------------------------------------------------------------------------------


def test_target_pixel_file_reads_with_lightkurve(built, lk):
    tpf = lk.read(built["tp"])
    assert type(tpf).__name__ == "TessTargetPixelFile"
    assert tpf.flux.shape == (tess.expected_good_cadences("pi_men", 27, 120), 5, 5)
    n_all = targets.cadence_times(targets.SECTORS[27], 120).size
    assert lk.TessTargetPixelFile(str(built["tp"]), quality_bitmask="none").flux.shape == (n_all, 5, 5)
    assert str(tpf.flux.unit) == "electron / s" and tpf.pipeline_mask.sum() >= 4
    x, y = tpf.wcs.world_to_pixel_values(targets.PI_MEN.ra, targets.PI_MEN.dec)
    brightest = np.unravel_index(np.argmax(np.nanmedian(tpf.flux.value, axis=0)), (5, 5))
    assert brightest == (round(float(y)), round(float(x)))
    summed = tpf.to_lightcurve(aperture_mask="all").flux.value
    assert np.nanmedian(summed) == pytest.approx(tess.star_flux(targets.PI_MEN), rel=0.01)
    with fits.open(built["tp"]) as hdul:
        assert "TargetPixelExporter" in hdul[0].header["CREATOR"]
        assert hdul[1].columns.names[:5] == ["TIME", "TIMECORR", "CADENCENO", "RAW_CNTS", "FLUX"]
        assert hdul["APERTURE"].data.shape == (5, 5)


# --------------------------------------------------------------------------------------------
# Data validation
# --------------------------------------------------------------------------------------------


def test_dv_time_series_has_one_tce_per_planet(built, dvt_columns):
    with fits.open(built["dvt_multi"]) as hdul:
        # One table per TCE, then the Statistics extension a real dvt.fits ends with
        # (tests/fidelity/test_dv_files.py).
        assert [h.name for h in hdul[1:]] == ["TCE_1", "Statistics"]
        assert hdul[0].header["NUMTCES"] == 1 and "DvTimeSeriesExporter" in hdul[0].header["CREATOR"]
        assert hdul[0].header["SECTORS"] == "1,4,8,11,12,13"
        tce = hdul["TCE_1"]
        assert tce.columns.names == dvt_columns
        assert tce.header["TPERIOD"] == pytest.approx(6.2679) and tce.header["TSNR"] > 7.1
        assert tce.header["PRADIUS"] == pytest.approx(2.04, abs=0.05)
        expected = np.concatenate(
            [targets.cadence_times(targets.SECTORS[s], 120) for s in (1, 4, 8, 11, 12, 13)]
        )
        np.testing.assert_array_equal(tce.data["TIME"], expected)
        in_transit = tce.data["MODEL_INIT"] < 0
        assert np.nanmean(tce.data["LC_DETREND"][in_transit]) < -200e-6


def test_dv_time_series_of_a_two_planet_system(tmp_path, monkeypatch):
    second = targets.Planet("pi Men d", 2.1, 1326.2, 500.0, 2.0)
    two = dataclasses.replace(targets.PI_MEN, planets=(*targets.PI_MEN.planets, second))
    monkeypatch.setattr(targets, "TARGETS", tuple(two if t.key == "pi_men" else t for t in targets.TARGETS))
    path = tmp_path / SHARED["dvt"]
    write_product(*find(SHARED["dvt"]), path)
    with fits.open(path) as hdul:
        assert [h.name for h in hdul[1:]] == ["TCE_1", "TCE_2", "Statistics"] and hdul[0].header[
            "NUMTCES"
        ] == 2
        assert hdul["TCE_2"].header["TPERIOD"] == 2.1
        first_transits = hdul["TCE_1"].data["MODEL_INIT"] < 0
        assert np.all(np.isnan(hdul["TCE_2"].data["LC_INIT"][first_transits]))  # TCE 1 gapped for TCE 2


def test_dv_report_xml(built):
    ns = {"dv": DV_NAMESPACE}
    root = ET.parse(built["xml"]).getroot()
    assert root.get("ticId") == "261136679" and root.get("sectorsObserved") == "1,4,8,11,12,13"
    params = {p.get("name"): float(p.get("value")) for p in root.iterfind(".//dv:modelParameter", ns)}
    planet = targets.PI_MEN.planets[0]
    assert params["orbitalPeriodDays"] == planet.period_days
    assert params["transitDepthPpm"] == planet.depth_ppm
    assert params["transitDurationHours"] == planet.duration_hours
    cycles = (params["transitEpochBtjd"] - planet.epoch_btjd) / planet.period_days
    assert cycles == pytest.approx(round(cycles), abs=1e-5)


def pdf_pages(data: bytes) -> int:
    """Number of pages of a PDF written by matplotlib (its page tree's /Count)."""
    return int(re.search(rb"/Type /Pages /Kids \[[^]]*\] /Count (\d+)", data).group(1))


def test_pdf_reports_have_their_pages_and_titles(built):
    dvr = built["dvr"].read_bytes()
    assert pdf_pages(dvr) == 3
    assert pdf_pages(built["dvm"].read_bytes()) == 1 and pdf_pages(built["dvs"].read_bytes()) == 1
    assert b"/Title (TESS DV Report: TIC 261136679: sectors 1-13)" in dvr
    assert b"CreationDate" not in dvr


# --------------------------------------------------------------------------------------------
# Other missions
# --------------------------------------------------------------------------------------------


def test_generic_image_header_and_blob(built):
    _, product = find(SHARED["image"])
    with fits.open(built["image"]) as hdul:
        header, data = hdul[0].header, hdul[0].data
    assert data.shape == (64, 64) and header["BITPIX"] == -32
    assert (header["TELESCOP"], header["INSTRUME"], header["FILTER"]) == ("HST", "ACS", "F606W")
    assert header["RA_TARG"] == product.param("ra") and header["EXPTIME"] == product.param("exptime")
    assert header["DATE-OBS"].startswith("2005-06-15")
    peak = np.unravel_index(np.argmax(data), data.shape)
    assert all(abs(i - 31.5) < 3 for i in peak) and data.max() > 20 * np.median(data)


def test_generic_spectrum_table(built):
    observation, _ = find(SHARED["spectrum"])
    with fits.open(built["spectrum"]) as hdul:
        table = hdul[1].data
        assert hdul[1].columns.names == ["WAVELENGTH", "FLUX", "ERROR"]
        assert hdul[1].columns["WAVELENGTH"].unit == "Angstrom"
    assert table["WAVELENGTH"][0] == pytest.approx(observation.em_min * 10)
    assert table["WAVELENGTH"][-1] == pytest.approx(observation.em_max * 10)
    assert np.all(table["ERROR"] > 0) and np.all(np.isfinite(table["FLUX"]))

"""HAT-P-7 (Kepler-2) as the real archive holds it, fact by fact, and that the offline archive agrees.

Each fact names its source and the date it was recorded:

* ``LCA``: Aoligei43211/lightcurves_analysis@0889f50a (commit of 2025-11-07) keeps six real SPOC
  2-minute light curves of TIC 424865156 under ``data/HATP7b/`` (files committed 2025-11-01, as
  downloaded from MAST); their names, sizes and header cards were read on 2026-12-03.
* ``LK``: lightkurve/lightkurve@51eef734 ``tests/cassettes/test_search_lightcurve.yaml``: MAST's
  answers for Kepler-10 recorded on 2026-03-13 (CAOM rows and product rows of a Kepler star).
* ``LCVIZ``: spacetelescope/lcviz@a1de381e ``notebooks/example_HAT-P-7b.ipynb`` quotes Morris et
  al. 2013 (2013ApJ...764L..22M) for the period and epoch.
* ``SIMBAD``: a SIMBAD TAP answer for KIC 10666592 frozen on 2026-07-18 in a public test suite
  (``lib/__tests__/simbadIds.test.ts``: main id BD+47 2846, KIC 10666592, TIC 424865156,
  2MASS J19285935+4758102, names HAT-P-7, TOI-1265, Kepler-2, KOI-2).
* ``ASTROPY``: astropy/astropy ``docs/timeseries/index.rst`` reads the sample file
  ``kplr010666592-2009131110544_slc.fits``, a real Kepler file of KIC 10666592; the TIC number is
  also the OBJECT card ('TIC 424865156') of the LCA files.
* ``KOI``: the transit's depth (6,670 ppm) and duration (3.89 h) are the KOI table's koi_depth
  and koi_duration of K00002.01 as a public project copies them (``koi_depth 6.67E+03``,
  ``koi_duration 3.88864``); they shape the simulated transit only, and no test relies on them.
* ``ASTROQUERY``: astropy/astroquery ``docs/mast/mast.rst`` (Kepler-12's quarters 0-3 downloaded
  from ``s3://stpubdata/kepler/public/lightcurves/0118/011804465/``).
* ``LKTEST``: lightkurve's tests read ``s3://stpubdata/kepler/public/lightcurves/0082/008264588/
  kplr008264588-2009131105131_llc.fits`` and the files of quarters 1 and 2.

Where sources disagree the newer wins: the sector 14 file was reprocessed in 2023
(PROCVER spoc-5.0.96-20230729, DATE 2023-08-03) but kept its name, which is what MAST serves now.
"""

from __future__ import annotations

import math

import pytest

from offline_archive.sky import catalogue, catalogue_kepler, targets
from offline_archive.sky.targets import HAT_P_7, KEPLER_10, SECTORS

LCA = "Aoligei43211/lightcurves_analysis@0889f50a data/HATP7b/ (recorded 2025-11-01, read 2026-12-03)"
LK = "lightkurve/lightkurve@51eef734 tests/cassettes/test_search_lightcurve.yaml (recorded 2026-03-13)"
LCVIZ = "spacetelescope/lcviz@a1de381e notebooks/example_HAT-P-7b.ipynb (Morris et al. 2013)"

#: The six real light curves (LCA): name, size in bytes, SECTOR, CAMERA, CCD, TSTART, TSTOP.
TESS_FILES = (
    ("tess2019198215352-s0014-0000000424865156-0150-s_lc.fits", 1964160, 14, 2, 4, 1683.3553, 1710.2067),
    ("tess2019226182529-s0015-0000000424865156-0151-s_lc.fits", 1906560, 15, 2, 3, 1711.3665, 1737.4119),
    ("tess2021175071901-s0040-0000000424865156-0211-s_lc.fits", 2062080, 40, 2, 4, 2390.6546, 2418.8564),
    ("tess2021204101404-s0041-0000000424865156-0212-s_lc.fits", 1944000, 41, 2, 3, 2419.9911, 2446.5814),
    ("tess2022190063128-s0054-0000000424865156-0227-s_lc.fits", 1918080, 54, 3, 3, 2769.9005, 2796.1313),
    ("tess2022217014003-s0055-0000000424865156-0242-s_lc.fits", 1987200, 55, 3, 4, 2797.1021, 2824.2658),
)


def _hat_p_7_tess() -> list[targets.Observation]:
    return [
        o
        for o in catalogue.observations()
        if o.target == "hat_p_7" and o.obs_collection == "TESS" and o.dataproduct_type == "timeseries"
    ]


def test_position_and_star_cards_are_those_of_the_real_files() -> None:
    """RA_OBJ 292.247307554825, DEC_OBJ 47.9695045141174, TESSMAG 10.0274, TEFF 6532.23, RADIUS 1.99356 (LCA)."""
    assert (HAT_P_7.ra, HAT_P_7.dec) == (292.247307554825, 47.9695045141174)
    assert HAT_P_7.tmag == pytest.approx(10.0274, abs=1e-4)
    assert HAT_P_7.teff == pytest.approx(6532.23, abs=0.01)
    assert HAT_P_7.radius_rsun == pytest.approx(1.99356, abs=1e-5)


def test_tess_noise_is_that_of_the_real_files() -> None:
    """PDCSAP point-to-point scatter 1,039-1,134 ppm per 2-minute cadence in the six LCA files (measured 2026-12-03)."""
    from offline_archive.generate import tess

    assert 1039.0 <= tess.noise_ppm(HAT_P_7, 120) <= 1134.0


def test_identifiers_and_names() -> None:
    """TIC 424865156 (LCA file names, SIMBAD), KIC 10666592 (SIMBAD; the Kepler file names), other names (SIMBAD)."""
    assert HAT_P_7.tic == 424865156
    assert catalogue_kepler.HAT_P_7_KIC == 10666592
    assert {"HAT-P-7", "Kepler-2", "KOI-2", "TOI-1265", "KIC 10666592", "BD+47 2846"} <= set(HAT_P_7.names)


@pytest.mark.parametrize("name, size, sector, camera, ccd, tstart, tstop", TESS_FILES, ids=lambda v: str(v))
def test_each_tess_light_curve_is_where_the_real_one_is(
    name, size, sector, camera, ccd, tstart, tstop
) -> None:
    """File name (stamp, sector, TIC, SPOC run), camera and CCD, and the sector's span (LCA)."""
    products = {p.filename: p for o in _hat_p_7_tess() for p in o.products}
    assert name in products
    assert products[name].s3_dir == f"tess/public/tid/s{sector:04d}/0000/0004/2486/5156"
    assert catalogue.TESS_CCD[("hat_p_7", sector)] == (camera, ccd)
    # sectors 14 and 15 span their orbits (the orbit-times table); their first exposure starts at TSTART
    first = SECTORS[sector].first_cadence_btjd or SECTORS[sector].start_btjd
    assert first == pytest.approx(tstart, abs=2e-3)
    assert SECTORS[sector].end_btjd == pytest.approx(tstop, abs=2e-3)


def test_the_archive_holds_exactly_the_recorded_sectors() -> None:
    """The 2-minute sectors the archive holds are the six recorded ones (later sectors, if any, are not held)."""
    assert sorted(o.sequence_number for o in _hat_p_7_tess()) == [f[2] for f in TESS_FILES]
    assert all(o.t_exptime == 120.0 for o in _hat_p_7_tess())


def test_published_ephemeris() -> None:
    """P = 2.204737 d and T0 = BJD 2454954.357463 (Morris et al. 2013, as LCVIZ quotes them)."""
    (planet,) = HAT_P_7.planets
    assert planet.period_days == 2.204737
    assert planet.epoch_btjd + targets.BTJD_OFFSET == pytest.approx(2454954.357463, abs=1e-7)


def test_kepler_observation_follows_mast_rows() -> None:
    """Kepler CAOM fields as MAST gave them for Kepler-10 (LK); HAT-P-7's obs_id has all 18 quarters."""
    kepler = [o for o in catalogue.observations() if o.obs_collection == "Kepler"]
    by_id = {o.obs_id: o for o in kepler}
    assert set(by_id) == {
        "kplr010666592_lc_Q111111111111111111",
        "kplr011904151_lc_Q111111110111011101",
        "kplr011904151_sc_Q001313330333033302",
    }
    k10 = by_id["kplr011904151_lc_Q111111110111011101"]
    assert (k10.obsid, k10.s_ra, k10.s_dec, k10.t_exptime) == (582316, 285.679391, 50.2413, 1800.0)
    assert by_id["kplr011904151_sc_Q001313330333033302"].obsid == 601036
    for o in kepler:
        row = o.row()
        assert (row["instrument_name"], row["project"], row["filters"], row["provenance_name"]) == (
            "Kepler",
            "Kepler",
            "KEPLER",
            "Kepler",
        )
        assert (row["proposal_id"], row["proposal_type"], row["proposal_pi"]) == (
            "EX",
            "Kepler",
            "William Borucki",
        )
        assert (row["t_min"], row["t_max"], row["em_min"], row["em_max"]) == (
            54953.0375,
            56423.510416666664,
            418.4,
            905.0,
        )
        assert row["calib_level"] == 2 and row["obs_title"] == "Kepler Key Project"
    assert KEPLER_10.tic == 377780790


def test_kepler_light_curves_names_keys_and_uris() -> None:
    """Quarter stamps (LK: Q0-Q2; ASTROQUERY: Q0-Q3), cloud keys (ASTROQUERY, LKTEST), data URIs and descriptions (LK)."""
    stamps = {0: "2009131105131", 1: "2009166043257", 2: "2009259160929", 3: "2009350155506"}
    (obs,) = [o for o in catalogue.observations() if o.obs_id == "kplr010666592_lc_Q111111111111111111"]
    for product in obs.products:
        q = int(str(product.param("quarter")))
        assert product.filename == f"kplr010666592-{stamps[q]}_llc.fits"
        assert product.s3_dir == "kepler/public/lightcurves/0106/010666592"
        assert (
            obs.data_uri(product)
            == f"mast:KEPLER/url/missions/kepler/lightcurves/0106/010666592/{product.filename}"
        )
        assert product.description == f"Lightcurve Long Cadence (CLC) - Q{q}"
        assert (product.subgroup, product.product_type, product.param("type")) == ("LLC", "SCIENCE", "C")


@pytest.mark.parametrize("quarter", sorted(catalogue_kepler.QUARTERS))
def test_a_quarters_file_stamp_is_the_end_of_its_data(quarter) -> None:
    """A quarter's file stamp (UTC) falls 0.2-0.4 days before the last cadence of its span: spans and names agree."""
    from astropy.time import Time

    q = catalogue_kepler.QUARTERS[quarter]
    stamp = Time.strptime(q.lc_stamp, "%Y%j%H%M%S", scale="utc")
    end = Time(q.end_bkjd + catalogue_kepler.BKJD_OFFSET, format="jd", scale="tdb")
    assert -0.4 < (stamp - end).to_value("day") < -0.2
    if quarter == 0:  # MAST's t_min for a star observed from quarter 0 (LK)
        assert math.isclose(
            catalogue_kepler.bkjd_to_mjd(q.start_bkjd), catalogue_kepler.T_MIN_MJD, abs_tol=0.01
        )

"""Where TESS looked: every target's sectors, cameras, CCDs and pixels, and the sectors' dates.

The camera and CCD of a position in a sector are what the TESS Science Office's `tess-point`
(PyPI, 0.9.5.post1, pinned 2026-12-03) computes from the spacecraft's pointing in that sector:
the same geometry MAST's TESScut uses.  These tests run it over the archive's whole sky: every
TESS observation of a target, every (target, sector) the archive places, and the full-frame-image
observation of sector 1, camera 1, CCD 1.

Facts from recorded reality (read 2026-12-03):

* Pi Mensae's cameras and CCDs in sectors 4, 8, 12, 13, 27 and 28 as MAST has them (issue 13's
  record of STScI's executed notebooks): 4-3, 4-4, 3-4, 3-3, 3-3, 4-2.
* The sectors' orbit start and end times, TJD: the TESS Science Office's table
  ``orbit_times_20201013_1338.csv`` (tess.mit.edu, 2020-10-13), read at
  astrobel/spinneret@253f653d ``orbit_times_20201013_1338.csv``.
* Sector 1 has 1282 calibrated FFIs per CCD: MAST's answer to ``get_product_list`` filtered on
  FFIC for ``tess-s0001-1-1`` (seeds/004, 2020-06-01).  The first files of camera 1, CCD 1 are
  ``tess2018206192942``, ``...195942``, ``...202942`` (a listing of the real FFI_FILE column in
  the cloud-fits documentation, indexed 2026-12-03) and ``tess2018218052942`` is a real file of
  the CCD (named in the dave package's difference-imaging code, indexed 2026-12-03).
"""

from __future__ import annotations

import numpy as np
import pytest

from offline_archive.sky import catalogue, catalogue_ffi, targets

tess_stars2px = pytest.importorskip("tess_stars2px")

#: Orbit start/end times (TJD) of the sectors the archive holds, from orbit_times_20201013_1338.csv.
ORBIT_TIMES = {
    1: ((1325.3098, 1338.5216), (1339.6536, 1353.1779)),
    2: ((1354.1015, 1367.1536), (1368.5946, 1381.5147)),
    3: ((1382.7196, 1395.4418), (1396.6605, 1409.3689)),
    4: ((1410.9001, 1423.5112), (1424.5494, 1436.8515)),
    5: ((1437.9765, 1450.1987), (1451.5494, 1464.2890)),
    8: ((1517.3411, 1529.0668), (1530.2577, 1542.0008)),
    11: ((1596.7716, 1609.6952), (1610.7751, 1623.8932)),
    12: ((1624.9487, 1638.9973), (1640.0321, 1652.8932)),
    13: ((1653.9140, 1667.6918), (1668.6189, 1682.3584)),
    14: ((1683.3480, 1696.3897), (1697.3376, 1710.2057)),
    15: ((1711.3584, 1723.8584), (1724.9348, 1737.4105)),
    27: ((2036.2716, 2048.1293), (2049.1466, 2060.6432)),
    28: ((2061.8446, 2073.9626), (2075.1675, 2087.0980)),
}
#: Where the archive's dates knowingly differ from the orbits (see offline_archive.sky.targets):
#: sector 3's science data start and end inside its orbits, sector 8's data resume after the
#: instrument interruption.  These are the only exceptions, and they lie inside the orbits.
DATA_INSIDE_ORBITS = {(3, "start"), (3, "end"), (8, "gap_end")}
#: The table ends with sector 35.  The later sectors the archive holds (HAT-P-7's) take their dates
#: from the TSTART and TSTOP of the star's real light curves (see offline_archive.sky.targets).
AFTER_THE_TABLE = {40, 41, 54, 55}
#: The last sector orbit_times_20201013_1338.csv lists.
LAST_IN_TABLE = 35

#: Pi Mensae in MAST: sector -> (camera, CCD), the issue's record.
PI_MEN_IN_MAST = {4: (4, 3), 8: (4, 4), 12: (3, 4), 13: (3, 3), 27: (3, 3), 28: (4, 2)}


def _tess_point(target: targets.Target) -> dict[int, tuple[int, int, float, float]]:
    """Sector -> (camera, CCD, column, row) of a target, as tess-point computes them."""
    out = tess_stars2px.tess_stars2px_function_entry(target.tic or 0, target.ra, target.dec)
    sectors, cameras, ccds, columns, rows = out[3:8]
    return {
        int(s): (int(cam), int(ccd), float(col), float(row))
        for s, cam, ccd, col, row in zip(sectors, cameras, ccds, columns, rows, strict=True)
        if s > 0
    }


def _target(key: str) -> targets.Target:
    return next(t for t in targets.TARGETS if t.key == key)


def test_every_placed_target_is_where_tess_point_puts_it() -> None:
    assert catalogue.TESS_PIXEL, "the archive places its targets"
    for (key, sector), (camera, ccd, column, row) in catalogue.TESS_PIXEL.items():
        real = _tess_point(_target(key))
        assert sector in real, f"TESS did not observe {key} in sector {sector}"
        assert real[sector][:2] == (camera, ccd), f"{key} in sector {sector}"
        assert real[sector][2:] == pytest.approx((column, row), abs=1.0), f"{key}'s pixel in sector {sector}"


def test_every_tess_observation_of_a_target_is_on_tess_points_ccd() -> None:
    checked = 0
    for obs in catalogue.observations():
        if obs.obs_collection != "TESS" or obs.target is None or obs.sequence_number is None:
            continue
        real = _tess_point(_target(obs.target))
        assert obs.sequence_number in real, f"{obs.obs_id}: TESS did not observe {obs.target} then"
        camera, ccd = catalogue.TESS_CCD[(obs.target, obs.sequence_number)]
        assert real[obs.sequence_number][:2] == (camera, ccd), obs.obs_id
        if obs.obs_id.startswith("tess-s"):  # an FFI observation names its camera and CCD
            assert obs.obs_id.endswith(f"-{camera}-{ccd}"), obs.obs_id
        checked += 1
    assert checked >= 15


def test_every_ffi_observation_is_centred_on_the_ccd_it_names() -> None:
    ffis = [o for o in catalogue.observations() if o.obs_id.startswith("tess-s")]
    assert len(ffis) >= 5
    for obs in ffis:
        sector, camera, ccd = (int(part) for part in obs.obs_id.removeprefix("tess-s").split("-"))
        where = _tess_point(targets.Target(obs.obs_id, obs.obs_id, (), obs.s_ra, obs.s_dec, "*"))
        assert where[sector][:2] == (camera, ccd), obs.obs_id


def test_pi_mensae_is_on_the_cameras_and_ccds_mast_lists() -> None:
    real = _tess_point(targets.PI_MEN)
    for sector, where in PI_MEN_IN_MAST.items():
        assert real[sector][:2] == where, "tess-point agrees with MAST"
        assert catalogue.TESS_CCD[("pi_men", sector)] == where, "and so does the archive"
    held = {o.sequence_number for o in catalogue.observations() if o.target == "pi_men" and o.sequence_number}
    observed_by_28 = {s for s in real if s <= 28}
    assert held == observed_by_28, "every sector up to 28 in which TESS looked at Pi Mensae, and no other"
    assert 2 not in held  # notebook 00's empty search


def test_notebook_05s_binary_is_on_camera_1_ccd_1_of_sector_1() -> None:
    star = catalogue_ffi.FIELD_STAR
    real = _tess_point(star)
    assert real[1][:2] == (catalogue_ffi.CAMERA, catalogue_ffi.CCD) == (1, 1)
    assert real[1][2:] == pytest.approx(catalogue_ffi.STAR_PIXEL, abs=0.05)


def test_the_ffi_observation_is_centred_on_its_ccd() -> None:
    ra, dec, _ = tess_stars2px.tess_stars2px_reverse_function_entry(1, 1, 1, 1069.0, 1039.0)
    assert catalogue_ffi.CCD_CENTRE == pytest.approx((ra, dec), abs=1e-3)
    cam_ccd = _tess_point(targets.Target("centre", "centre", (), *catalogue_ffi.CCD_CENTRE, "*"))[1][:2]
    assert cam_ccd == (1, 1)


@pytest.mark.parametrize("number", sorted(ORBIT_TIMES))
def test_sector_dates_are_the_orbits_of_the_tess_orbit_table(number: int) -> None:
    sector = targets.SECTORS[number]
    (start, gap0), (gap1, end) = ORBIT_TIMES[number]
    for name, ours, real in (
        ("start", sector.start_btjd, start),
        ("gap_start", sector.gap_btjd[0], gap0),
        ("gap_end", sector.gap_btjd[1], gap1),
        ("end", sector.end_btjd, end),
    ):
        if (number, name) in DATA_INSIDE_ORBITS:
            assert start <= ours <= end, f"sector {number} {name} lies inside the sector's orbits"
        else:
            assert ours == pytest.approx(real, abs=1e-4), f"sector {number} {name}"


def test_no_held_sector_is_missing_from_the_orbit_table() -> None:
    assert {n for n in targets.SECTORS if n <= LAST_IN_TABLE} == set(ORBIT_TIMES)
    assert {n for n in targets.SECTORS if n > LAST_IN_TABLE} == AFTER_THE_TABLE


def test_sector_1_has_the_1282_real_ffis_per_ccd() -> None:
    frames = catalogue_ffi.frames()
    assert len(frames) == len(targets.cadence_times(targets.SECTORS[1], 1800)) == 1282
    names = [f.filename for f in frames]
    assert names[:3] == [
        f"tess2018206{hms}-s0001-1-1-0120-s_ffic.fits" for hms in ("192942", "195942", "202942")
    ]
    assert "tess2018218052942-s0001-1-1-0120-s_ffic.fits" in names
    for begin, end in targets.SECTORS[1].orbits:  # every exposure lies within an orbit
        inside = [f for f in frames if begin <= f.tstart < end]
        assert inside and all(f.tstop <= end + 1e-6 for f in inside)


def test_every_cadence_lies_inside_an_orbit() -> None:
    for sector in targets.SECTORS.values():
        for cadence_s in (20, 120, 1800):
            mids = targets.cadence_times(sector, cadence_s)
            half = cadence_s / 86400 / 2
            inside = np.zeros(mids.size, dtype=bool)
            for begin, end in sector.orbits:
                inside |= (mids - half >= begin - 1e-6) & (mids + half <= end + 1e-6)
            assert inside.all(), f"sector {sector.number}, {cadence_s} s"


def test_each_ffi_footprint_holds_its_ccd_and_its_target() -> None:
    """The FFI rows' square footprints hold the four corners of the CCD's science pixels (tess-point)."""
    for (sector, camera, ccd), (ra0, dec0) in catalogue.FFI_CCD_CENTRE.items():
        reach = 0.0
        for column, row in ((45, 1), (2092, 1), (45, 2048), (2092, 2048)):
            ra, dec = tess_stars2px.tess_stars2px_reverse_function_entry(sector, camera, ccd, column, row)[:2]
            x, y = targets._tangent(ra0, dec0, float(ra), float(dec))
            reach = max(reach, abs(x), abs(y))
        assert catalogue.FFI_CCD_HALF_WIDTH_DEG[(sector, camera, ccd)] == pytest.approx(reach, abs=0.006)
    for obs in catalogue.observations():
        if obs.target_name == "TESS FFI" and obs.footprint_deg > 1:
            for (key, sector), (camera, ccd) in catalogue.TESS_CCD.items():
                if obs.obs_id == f"tess-s{sector:04d}-{camera}-{ccd}":
                    star = _target(key)
                    assert obs.distance_arcsec(star.ra, star.dec) == 0.0, (obs.obs_id, key)

"""Kepler's observations in the archive: HAT-P-7's long-cadence light curves, and Kepler-10's rows.

MAST's CAOM table holds one Kepler observation per star and cadence, whose ``obs_id`` spells out
the quarters it covers (``kplr010666592_lc_Q111111111111111111``: long cadence in every quarter
from 0 to 17); its products are one light curve per quarter, named after the end of the quarter
(``kplr010666592-2009166043257_llc.fits`` for quarter 1) and kept in the cloud under
``kepler/public/lightcurves/<first 4 digits>/<9-digit KIC>/``.  The fields of the observations and
products follow the rows MAST returned for Kepler-10 on 2026-03-13, recorded in
lightkurve/lightkurve@51eef734 ``tests/cassettes/test_search_lightcurve.yaml``; every fact used here
is checked in ``tests/fidelity/test_kepler_observations.py`` with its source.

What the archive holds, and what it leaves out (so that its answers stay small):

* HAT-P-7's long-cadence observation with the light curves of quarters 0 to 3 only (the real
  observation has 18 quarters, and target pixel files, DV reports and tarballs besides);
* no short-cadence observation of HAT-P-7 (the real archive has one);
* Kepler-10's long- and short-cadence observations as rows without products (the exercise of
  notebook 06 only counts observations).
"""

from __future__ import annotations

from dataclasses import dataclass

from .targets import HAT_P_7, KEPLER_10, MJD_OFFSET, Observation, Product, Target

#: BJD - 2454833: the Kepler Barycentric Julian Date (BKJD) offset.
BKJD_OFFSET = 2454833.0
#: Kepler's long cadence: 270 frames of 6.54 s (29.4 minutes).
LONG_CADENCE_S = 1765.4616
#: The CAOM time span of a Kepler observation covering quarters 0 to 17 (MJD), as MAST lists
#: Kepler-10's (lightkurve cassette above).
T_MIN_MJD = 54953.0375
T_MAX_MJD = 56423.510416666664
#: Half-width (deg) of a Kepler observation's footprint: Kepler-10's s_region spans 0.00444 deg.
FOOTPRINT_DEG = 0.002222


@dataclass(frozen=True)
class Quarter:
    """A Kepler quarter: its span in BKJD and the stamp of its long-cadence files (end of the quarter, UTC)."""

    number: int
    start_bkjd: float
    end_bkjd: float
    lc_stamp: str


#: Quarters 0 to 3.  Stamps: Q0, Q1 and Q2 in Kepler-10's product list (lightkurve cassette above),
#: Q0 to Q3 in astroquery's documentation (Kepler-12's files, astropy/astroquery docs/mast/mast.rst);
#: the same for every star of a quarter.  Spans (BKJD): approximate; they start where MAST's t_min of
#: Kepler-10 starts quarter 0, and each ends 0.3 days after its file stamp (tested).
QUARTERS: dict[int, Quarter] = {
    q.number: q
    for q in (
        Quarter(0, 120.5391, 130.2403, "2009131105131"),
        Quarter(1, 131.5123, 164.9851, "2009166043257"),
        Quarter(2, 169.7650, 258.4662, "2009259160929"),
        Quarter(3, 260.2244, 349.4952, "2009350155506"),
    )
}
#: The quarters whose light curves of HAT-P-7 the archive holds.
HELD_QUARTERS: tuple[int, ...] = (0, 1, 2, 3)


def kic_dir(kic: int) -> str:
    """Cloud folder of a star's Kepler light curves: ``kepler/public/lightcurves/0106/010666592``."""
    nine = f"{kic:09d}"
    return f"kepler/public/lightcurves/{nine[:4]}/{nine}"


def llc_product(target: Target, kic: int, quarter: Quarter) -> Product:
    """The long-cadence light curve of one quarter, with MAST's URI and description."""
    name = f"kplr{kic:09d}-{quarter.lc_stamp}_llc.fits"
    folder = kic_dir(kic)
    return Product(
        name,
        f"Lightcurve Long Cadence (CLC) - Q{quarter.number}",
        "SCIENCE",
        "LLC",
        "kepler_llc",
        folder,
        params=(
            ("target", target.key),
            ("kic", kic),
            ("quarter", quarter.number),
            (
                "span_bkjd",
                (quarter.start_bkjd, quarter.end_bkjd),
            ),  # in the catalogue's digest: rebuilt on change
            ("data_uri", f"mast:KEPLER/url/missions/{folder.replace('/public/', '/')}/{name}"),
            ("type", "C"),
        ),
    )


def kepler_observation(
    obsid: int, target: Target, kic: int, obs_id: str, cadence_s: float, products: tuple[Product, ...]
) -> Observation:
    """A Kepler CAOM observation with the mission's fields (as MAST lists Kepler-10's)."""
    return Observation(
        obsid=obsid,
        obs_collection="Kepler",
        instrument_name="Kepler",
        project="Kepler",
        filters="KEPLER",
        wavelength_region="OPTICAL",
        target_name=f"kplr{kic:09d}",
        target_classification="",
        obs_id=obs_id,
        s_ra=target.ra,
        s_dec=target.dec,
        dataproduct_type="timeseries",
        calib_level=2,
        t_min=T_MIN_MJD,
        t_max=T_MAX_MJD,
        t_exptime=cadence_s,
        em_min=418.4,
        em_max=905.0,
        footprint_deg=FOOTPRINT_DEG,
        proposal_id="EX",
        proposal_pi="William Borucki",
        proposal_type="Kepler",
        obs_title="Kepler Key Project",
        provenance_name="Kepler",
        products=products,
        target=target.key,
        data_url_index=0 if products else None,
    )


#: HAT-P-7's KIC number (SIMBAD; and the file names of its Kepler light curves).
HAT_P_7_KIC = 10666592
#: Kepler-10's KIC number and the obsids and obs_ids MAST gave its observations on 2026-03-13.
KEPLER_10_KIC = 11904151


def observations(first_obsid: int) -> tuple[Observation, ...]:
    """The Kepler observations: HAT-P-7's (with products; obsids from ``first_obsid``) and Kepler-10's."""
    hat_p_7 = kepler_observation(
        first_obsid,
        HAT_P_7,
        HAT_P_7_KIC,
        f"kplr{HAT_P_7_KIC:09d}_lc_Q111111111111111111",
        1800.0,
        tuple(llc_product(HAT_P_7, HAT_P_7_KIC, QUARTERS[q]) for q in HELD_QUARTERS),
    )
    kepler_10 = (
        kepler_observation(
            582316, KEPLER_10, KEPLER_10_KIC, "kplr011904151_lc_Q111111110111011101", 1800.0, ()
        ),
        kepler_observation(
            601036, KEPLER_10, KEPLER_10_KIC, "kplr011904151_sc_Q001313330333033302", 60.0, ()
        ),
    )
    return (hat_p_7, *kepler_10)


def bkjd_to_mjd(t: float) -> float:
    """MJD of a BKJD instant (same time scale, another origin)."""
    return t + BKJD_OFFSET - MJD_OFFSET

"""HST WFC3/IR F160W images of proposal 11360, for the streaming tutorial (notebook 04).

Three visits of the same field, each an association of two dithered exposures in the 512x512
infrared subarray.  Each observation (calibration level 3) holds the drizzled association
product (``_drz.fits``, level 3) and the two calibrated exposures it was made from
(``_flt.fits``, level 2), all in the cloud copy under ``hst/public/<first 4>/<obs_id>/``, so
that MAST's product filters (``calib_level``, ``productType``, ``project``, extension) have
something to choose between.  The files are written by :mod:`offline_archive.generate.hst`.
"""

from __future__ import annotations

from .targets import Observation, Product, _offset

PROPOSAL_ID = "11360"
FILTER = "F160W"
INSTRUMENT = "WFC3/IR"
#: The field: the centre of the S0 galaxy M85 (NGC 4382).
FIELD_RA = 186.350208
FIELD_DEC = 18.191083
TARGET_NAME = "M85"
TITLE = "Near-infrared imaging of the lenticular galaxy M85"
#: F160W pass band (nm) as MAST lists it.
BAND_NM = (1400.0, 1700.0)
#: Product-level values that differ from the observation's (MAST lists them per product).
PROJECT = "CALWF3"

#: (obsid, association id, member exposures, MJD of the first exposure, offset of the pointing in
#: arcsec east and north of the field centre, position angle of the detector's y axis in deg).
#: The second visit (obsID 24797441, the tutorial's example) is centred on the galaxy's nucleus.
VISITS: tuple[tuple[int, str, tuple[str, str], float, tuple[float, float], float], ...] = (
    (24797440, "IAB901010", ("iab901d4q", "iab901d6q"), 55056.182, (-24.0, 18.0), 62.0),
    (24797441, "IAB902010", ("iab902e1q", "iab902e3q"), 55056.249, (0.0, 0.0), 62.0),
    (24797442, "IAB903010", ("iab903f7q", "iab903f9q"), 55061.103, (22.0, -20.0), 67.5),
)
#: Exposure time of one member (s): SPARS25 with 11 samples.
MEMBER_EXPTIME = 252.9
#: Gap between the two members of a visit (days).
MEMBER_SPACING_DAYS = 0.0045


def _directory(obs_id: str) -> str:
    """The cloud directory of an HST dataset: ``hst/public/<first 4>/<obs_id>``."""
    name = obs_id.lower()
    return f"hst/public/{name[:4]}/{name}"


def _visit(
    obsid: int, asn_id: str, members: tuple[str, str], mjd: float, offset: tuple[float, float], pa_deg: float
) -> Observation:
    ra, dec = _offset(FIELD_RA, FIELD_DEC, offset[0] / 3600.0, offset[1] / 3600.0)
    ra, dec = round(ra, 7), round(dec, 7)
    common = (
        ("ra", ra),
        ("dec", dec),
        ("pa", pa_deg),
        ("mjd", mjd),
        ("exptime", MEMBER_EXPTIME),
        ("asn_id", asn_id.lower()),
        ("members", ",".join(members)),
        ("project", PROJECT),
    )
    products = [
        Product(
            f"{asn_id.lower()}_drz.fits",
            "DADS DRZ file - Calibrated combined image",
            "SCIENCE",
            "DRZ",
            "hst_drz",
            _directory(asn_id),
            params=common + (("calib_level", 3),),
        ),
    ]
    for n, member in enumerate(members):
        products.append(
            Product(
                f"{member}_flt.fits",
                "DADS FLT file - Calibrated exposure",
                "SCIENCE",
                "FLT",
                "hst_flt",
                _directory(member),
                params=common
                + (("calib_level", 2), ("member", member), ("mjd", round(mjd + n * MEMBER_SPACING_DAYS, 6))),
            ),
        )
    total = MEMBER_EXPTIME * len(members)
    return Observation(
        obsid=obsid,
        obs_collection="HST",
        instrument_name=INSTRUMENT,
        project="HST",
        filters=FILTER,
        wavelength_region="INFRARED",
        target_name=TARGET_NAME,
        target_classification="GALAXY;S0",
        obs_id=asn_id,
        s_ra=ra,
        s_dec=dec,
        dataproduct_type="image",
        calib_level=3,
        t_min=mjd,
        t_max=round(mjd + MEMBER_SPACING_DAYS + MEMBER_EXPTIME / 86400.0, 6),
        t_exptime=total,
        em_min=BAND_NM[0],
        em_max=BAND_NM[1],
        footprint_deg=0.0095,
        proposal_id=PROPOSAL_ID,
        proposal_type="GO",
        obs_title=TITLE,
        provenance_name="CALWF3",
        products=tuple(products),
    )


def observations() -> tuple[Observation, ...]:
    """The WFC3/IR F160W observations of proposal 11360, with fixed obsids."""
    return tuple(_visit(*visit) for visit in VISITS)

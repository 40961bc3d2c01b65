"""The calibrated full-frame images (FFIs) of TESS sector 1, camera 1, CCD 1: ``tess-s0001-1-1``.

One image every 30 minutes over the sector's two orbits: 1282 files, as MAST lists them (seeds/004).
Each file is named and stored like the real ones,
``tess/public/ffi/s0001/2018/206/1-1/tess2018206192942-s0001-1-1-0120-s_ffic.fits``, where the
time stamp is the start of the exposure (UTC) and the folder is its year and day of the year: the
real first file of the sector is ``tess2018206192942``, and with the stamps at the exposures'
starts, the 30-minute exposures that fit wholly inside the orbits are exactly the real 1282.

The images themselves are small windows of the CCD (see :mod:`offline_archive.generate.ffi_sector`)
around :data:`FIELD_STAR`, the eclipsing binary that notebook 05 measures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from .targets import (
    BTJD_OFFSET,
    SECTORS,
    TIC_91369561,
    Observation,
    Product,
    Target,
    btjd_to_mjd,
    cadence_times,
    tess_observation,
)

SECTOR = SECTORS[1]
CAMERA = 1
CCD = 1
CADENCE_S = 1800.0
#: ``t_exptime`` of a TESS full-frame-image observation: the effective exposure of one frame, 0.792
#: of the cadence (2-s exposures stacked on board, less readout and cosmic-ray mitigation), not
#: the cadence.  Recorded by MAST: 1425.599414 s for sector 9's 30-minute FFIs
#: (spacetelescope/mast_notebooks@f912caf2 _sources/notebooks/multi_mission/beginner_search/
#: beginner_search.ipynb cell 11, executed 2024-05-02: t_exptime=[1400, 1500] finds the 16 FFI
#: observations of sector 9) and 475.199786 s for 10-minute FFIs (same notebook, cell 3, tess-s0055-1-1).
FFI_EXPTIME_S = {1800: 1425.599414, 600: 475.199786}
SPOC_RUN = 120
#: Centre of the CCD on the sky (RA, Dec in degrees): the observation's s_ra and s_dec.  tess-point
#: 0.9.5.post1 (tess_stars2px_reverse_function_entry) puts CCD pixel (1069, 1039) of camera 1, CCD 1
#: in sector 1 there (computed 2026-12-03; tests/fidelity/test_where_tess_looked.py checks it).
CCD_CENTRE = (319.4972, -41.0357)
#: Half-width (degrees) of the CCD's footprint: 2048 pixels of 21 arcsec.
CCD_HALF_WIDTH_DEG = 6.0
#: The star the images are centred on.
FIELD_STAR: Target = TIC_91369561
#: Where the star falls on the CCD (1-based column and row) and the sky's local scale there (CD
#: matrix, degrees per pixel), from tess-point 0.9.5.post1 for sector 1 (2026-12-03): the images'
#: WCS is a TAN projection about the star with this scale, so the star is where TESS put it.
STAR_PIXEL = (117.92, 1054.86)
STAR_CD = ((0.0071663, -0.0018221), (0.0010627, 0.0054280))
OBS_ID = f"tess-{SECTOR.label}-{CAMERA}-{CCD}"
#: TDB - UTC in seconds (32.184 s + 37 leap seconds), as in :mod:`offline_archive.generate.tess`.
_TDB_MINUS_UTC_S = 69.184


@dataclass(frozen=True)
class Frame:
    """One full-frame image: its exposure (BTJD, TDB) and where it is stored."""

    index: int
    tstart: float
    tstop: float

    @property
    def start_utc(self) -> datetime:
        """Start of the exposure in UTC, to the nearest second: the file name's time stamp."""
        since_j2000 = timedelta(days=self.tstart + BTJD_OFFSET - 2451545.0, seconds=-_TDB_MINUS_UTC_S)
        instant = datetime(2000, 1, 1, 12, tzinfo=UTC) + since_j2000
        return (instant + timedelta(microseconds=500_000)).replace(microsecond=0)

    @property
    def filename(self) -> str:
        stamp = self.start_utc.strftime("%Y%j%H%M%S")
        return f"tess{stamp}-{SECTOR.label}-{CAMERA}-{CCD}-{SPOC_RUN:04d}-s_ffic.fits"

    @property
    def s3_dir(self) -> str:
        """``tess/public/ffi/s0001/<year>/<day of year>/<camera>-<ccd>``."""
        day = self.start_utc.strftime("%Y/%j")
        return f"tess/public/ffi/{SECTOR.label}/{day}/{CAMERA}-{CCD}"


@lru_cache(maxsize=1)
def frames() -> tuple[Frame, ...]:
    """Every FFI of the sector, in time order."""
    half = CADENCE_S / 86400.0 / 2.0
    return tuple(
        Frame(i, round(float(t) - half, 7), round(float(t) + half, 7))
        for i, t in enumerate(cadence_times(SECTOR, CADENCE_S))
    )


def _product(frame: Frame) -> Product:
    return Product(
        frame.filename,
        "Calibrated full frame image",
        "SCIENCE",
        "FFIC",
        "tess_ffic",
        frame.s3_dir,
        params=(("frame", frame.index), ("tstart", frame.tstart), ("tstop", frame.tstop)),
    )


def sector1_camera1_ccd1(obsid: int) -> Observation:
    """The observation ``tess-s0001-1-1`` with one product per full-frame image."""
    return tess_observation(
        obsid=obsid,
        target_name="TESS FFI",
        obs_id=OBS_ID,
        s_ra=CCD_CENTRE[0],
        s_dec=CCD_CENTRE[1],
        dataproduct_type="image",
        calib_level=3,  # level and proposal as MAST lists FFI observations (tests/fidelity/test_caom.py)
        proposal_id="N/A",
        t_min=round(btjd_to_mjd(SECTOR.start_btjd), 6),
        t_max=round(btjd_to_mjd(SECTOR.end_btjd), 6),
        t_exptime=FFI_EXPTIME_S[int(CADENCE_S)],
        footprint_deg=CCD_HALF_WIDTH_DEG,
        sequence_number=SECTOR.number,
        products=tuple(_product(f) for f in frames()),
        data_url_index=None,
    )

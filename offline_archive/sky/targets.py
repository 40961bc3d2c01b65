"""The offline archive's sky: the targets it knows, the observations around them and their products.

Everything the archive serves is derived from the definitions in this module, so that the
generator, the services and the tests agree by construction.  Positions, periods and sector
dates follow the real objects closely enough for the tutorials to read naturally; the
photometry is simulated (see :mod:`offline_archive.generate`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

#: BJD - 2457000: the TESS Barycentric Julian Date (BTJD) offset.
BTJD_OFFSET = 2457000.0
#: MJD = JD - 2400000.5
MJD_OFFSET = 2400000.5


@dataclass(frozen=True)
class Planet:
    """A transiting planet, enough to draw its transits."""

    name: str
    period_days: float
    epoch_btjd: float
    depth_ppm: float
    duration_hours: float


@dataclass(frozen=True)
class Flyby:
    """A solar-system body crossing the pixels of a target: a straight track at a constant rate.

    Over a day an asteroid's path on the sky is close to a great circle travelled at a constant
    angular rate, which is all the simulated images need.  Positions are measured in the plane
    tangent to the sky at the target (x towards the east, y towards the north).

    Attributes
    ----------
    description : str
        What the body is, as a learner would name it.
    target : str
        Key of the :class:`Target` it passes.
    closest_btjd : float
        Time of closest approach to the target (BTJD).
    miss_arcsec : float
        Distance of closest approach; positive passes to the right of the direction of motion.
    rate_deg_per_day : float
        Angular speed on the sky.
    direction_deg : float
        Position angle of the motion, degrees east of north.
    tmag : float
        Brightness in the TESS band, as for a star.
    """

    description: str
    target: str
    closest_btjd: float
    miss_arcsec: float
    rate_deg_per_day: float
    direction_deg: float
    tmag: float

    def offsets_deg(self, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Tangent-plane offsets (x east, y north; degrees) from the target at the given times (BTJD)."""
        along = self.rate_deg_per_day * (np.asarray(times, dtype=float) - self.closest_btjd)
        theta = math.radians(self.direction_deg)
        miss = self.miss_arcsec / 3600.0
        x = along * math.sin(theta) + miss * math.cos(theta)
        y = along * math.cos(theta) - miss * math.sin(theta)
        return x, y


@dataclass(frozen=True)
class Eclipses:
    """The eclipses of an eclipsing binary, enough to draw them (depths are fractions of the total light)."""

    period_days: float
    epoch_btjd: float  # a mid-time of primary eclipse
    primary_depth: float
    secondary_depth: float
    duration_hours: float


@dataclass(frozen=True)
class Target:
    """A named object the resolver knows, with the aliases a learner might type."""

    key: str
    canonical_name: str
    aliases: tuple[str, ...]
    ra: float
    dec: float
    object_type: str
    tic: int | None = None
    tmag: float | None = None
    teff: float | None = None
    radius_rsun: float | None = None
    planets: tuple[Planet, ...] = ()
    eclipses: Eclipses | None = None
    #: Measured white noise (ppm) of the star's real 2-minute light curves, when the archive
    #: imitates them; otherwise the generator's photon-noise model decides.
    noise_ppm_2min: float | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Every name that resolves to this target (canonical name first)."""
        extra = (f"TIC {self.tic}",) if self.tic else ()
        return tuple(dict.fromkeys((self.canonical_name, *self.aliases, *extra)))


@dataclass(frozen=True)
class Sector:
    """A TESS sector: its dates (BTJD), its mid-sector data gap and the file-name stamps."""

    number: int
    start_btjd: float
    end_btjd: float
    gap_btjd: tuple[float, float]
    lc_stamp: str  # the 'tess<yyyydddhhmmss>' prefix of the SPOC light-curve files
    dv_stamp: str  # the prefix of the sector's data-validation run

    @property
    def label(self) -> str:
        return f"s{self.number:04d}"


# Sector dates as published for the TESS prime and first extended missions (rounded).
SECTORS: dict[int, Sector] = {
    s.number: s
    for s in (
        Sector(1, 1325.293, 1353.178, (1338.52, 1339.65), "tess2018206045859", "tess2018206190142"),
        Sector(2, 1354.101, 1381.515, (1367.15, 1368.59), "tess2018234235059", "tess2018235142541"),
        Sector(3, 1385.943, 1406.293, (1395.48, 1396.60), "tess2018263035959", "tess2018263124740"),
        Sector(4, 1410.899, 1436.850, (1423.51, 1424.55), "tess2018292075959", "tess2018294095710"),
        Sector(5, 1437.996, 1464.400, (1450.66, 1451.54), "tess2018319095959", "tess2018322093013"),
        Sector(8, 1517.342, 1542.000, (1529.07, 1535.00), "tess2019032160000", "tess2019033200935"),
        Sector(12, 1624.949, 1652.893, (1638.99, 1640.03), "tess2019140104343", "tess2019142103536"),
        Sector(13, 1653.914, 1682.357, (1667.69, 1668.63), "tess2019169103026", "tess2019170095531"),
        Sector(27, 2036.275, 2060.642, (2048.53, 2049.30), "tess2020186164531", "tess2020187024023"),
        Sector(28, 2061.847, 2088.237, (2074.47, 2075.46), "tess2020212050318", "tess2020213072433"),
        # The sectors of HAT-P-7 (offline_archive.sky.catalogue_kepler): TSTART, TSTOP, the longest
        # pause in the PDCSAP flux and the file-name stamp, as in the real SPOC light curves of
        # TIC 424865156 kept in Aoligei43211/lightcurves_analysis@0889f50a (data/HATP7b/, downloaded
        # from MAST in 2025-11). Their DV runs are not held: no DV stamp.
        Sector(14, 1683.355, 1710.207, (1696.39, 1697.35), "tess2019198215352", ""),
        Sector(15, 1711.366, 1737.412, (1721.59, 1724.94), "tess2019226182529", ""),
        Sector(40, 2390.655, 2418.856, (2391.39, 2393.29), "tess2021175071901", ""),
        Sector(41, 2419.991, 2446.581, (2432.60, 2433.72), "tess2021204101404", ""),
        Sector(54, 2769.901, 2796.131, (2782.34, 2783.53), "tess2022190063128", ""),
        Sector(55, 2797.102, 2824.266, (2809.96, 2810.87), "tess2022217014003", ""),
    )
}


def cadence_times(sector: Sector, cadence_s: float) -> np.ndarray:
    """Mid-exposure times (BTJD) of a sector's cadences, without the mid-sector gap.

    Parameters
    ----------
    sector : Sector
        The sector.
    cadence_s : float
        Cadence in seconds (120 for 2-minute data, 20 for fast cadence).

    Returns
    -------
    numpy.ndarray
        Times in days, strictly increasing.
    """
    step = cadence_s / 86400.0
    t = sector.start_btjd + step / 2 + step * np.arange(int((sector.end_btjd - sector.start_btjd) / step))
    return t[(t < sector.gap_btjd[0]) | (t > sector.gap_btjd[1])]


# --------------------------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------------------------

PI_MEN = Target(
    key="pi_men",
    canonical_name="* pi. Men",
    aliases=("Pi Mensae", "pi Men", "HD 39091", "HIP 26394", "HR 2022", "Gaia DR3 4623036865373793408"),
    ra=84.29121,
    dec=-80.46912,
    object_type="PM*",
    tic=261136679,
    tmag=5.105,
    teff=6037.0,
    radius_rsun=1.10,
    planets=(Planet("pi Men c", 6.26790, 1325.5035, 290.0, 2.95),),
)

FOMALHAUT = Target(
    key="fomalhaut",
    canonical_name="* alf PsA",
    aliases=("Fomalhaut", "alf PsA", "alpha PsA", "HD 216956", "HIP 113368", "HR 8728"),
    ra=344.41269271,
    dec=-29.62223703,
    object_type="**",
)

TRAPPIST_1 = Target(
    key="trappist_1",
    canonical_name="TRAPPIST-1",
    aliases=("TRAPPIST-1", "Trappist 1", "2MASS J23062928-0502285", "EPIC 246199087"),
    ra=346.62201667,
    dec=-5.04138889,
    object_type="BYDraEr*",
    tic=278892590,
    tmag=14.0,
)

#: The TESS target of the "querying MAST step by step" tutorial; its position is simulated.
TIC_25132999 = Target(
    key="tic_25132999",
    canonical_name="TIC 25132999",
    aliases=("TIC25132999",),
    ra=64.87512,
    dec=-63.15218,
    object_type="*",
    tic=25132999,
    tmag=10.82,
    teff=5522.0,
    radius_rsun=0.93,
    planets=(Planet("TIC 25132999.01", 3.41127, 1327.1870, 2600.0, 2.40),),
)

#: An eclipsing binary on TESS camera 1, CCD 1 in sector 1, measured in the full-frame images of
#: notebook 05.  Simulated: its position, magnitude and eclipses are made up for the tutorial.
TIC_229742722 = Target(
    key="tic_229742722",
    canonical_name="TIC 229742722",
    aliases=("TIC229742722",),
    ra=314.91220,
    dec=-26.16348,
    object_type="EB*",
    tic=229742722,
    tmag=10.4,
    eclipses=Eclipses(
        period_days=3.1845, epoch_btjd=1326.6120, primary_depth=0.28, secondary_depth=0.09, duration_hours=5.2
    ),
)


#: The star of the ExoMAST and TESScut tutorials: its data-validation light curve has a strange
#: feature near BTJD 1334.5, which the full-frame images explain.  Position and photometry are
#: simulated; it falls on CCD 2 of camera 1 in sector 1, near the ecliptic.
TIC_214568914 = Target(
    key="tic_214568914",
    canonical_name="TIC 214568914",
    aliases=("TIC214568914",),
    ra=322.70463,
    dec=-29.45261,
    object_type="*",
    tic=214568914,
    tmag=10.93,
    teff=5790.0,
    radius_rsun=1.06,
    planets=(Planet("TIC 214568914.01", 4.92741, 1327.2610, 2300.0, 2.85),),
)


#: HAT-P-7 (Kepler-2, KOI-2, TOI-1265), the star of notebook 06, observed by Kepler and TESS.
#: Position, proper-motion epoch J2000, TESS magnitude, Teff and radius: the RA_OBJ, DEC_OBJ,
#: TESSMAG, TEFF and RADIUS cards (TIC 8.2) of its real SPOC light curves,
#: Aoligei43211/lightcurves_analysis@0889f50a data/HATP7b/ (read 2026-12-03).  KIC and TIC ids and
#: the other names: a SIMBAD answer frozen 2026-07-18 in a public test suite (see
#: tests/fidelity/test_hat_p_7.py).  Planet: period and mid-transit epoch of Morris et al. 2013
#: (2013ApJ...764L..22M) as spacetelescope/lcviz@a1de381e notebooks/example_HAT-P-7b.ipynb quotes
#: them (P = 2.204737 d, T0 = BJD 2454954.357463); depth 6,670 ppm, duration 3.89 h: the Kepler
#: KOI table's koi_depth and koi_duration for K00002.01.
HAT_P_7 = Target(
    key="hat_p_7",
    canonical_name="HAT-P-7",
    aliases=(
        "HAT-P-7",
        "Kepler-2",
        "KOI-2",
        "TOI-1265",
        "KIC 10666592",
        "BD+47 2846",
        "2MASS J19285935+4758102",
    ),
    ra=292.247307554825,
    dec=47.9695045141174,
    object_type="PM*",
    tic=424865156,
    tmag=10.0274,
    teff=6532.23,
    radius_rsun=1.99356,
    planets=(Planet("HAT-P-7 b", 2.204737, 2454954.357463 - BTJD_OFFSET, 6670.0, 3.89),),
    # Point-to-point scatter of PDCSAP_FLUX in the six real files (1,039-1,134 ppm; std of
    # successive differences over sqrt 2), measured 2026-12-03.
    noise_ppm_2min=1100.0,
)

#: Kepler-10, the second star of notebook 06's exercise: observed by Kepler (KIC 11904151; CAOM
#: position s_ra, s_dec of its Kepler observations, recorded 2026-03-13 in lightkurve/lightkurve@51eef734
#: tests/cassettes/test_search_lightcurve.yaml) and by TESS (TIC 377780790, sector 14).
KEPLER_10 = Target(
    key="kepler_10",
    canonical_name="Kepler-10",
    aliases=("Kepler-10", "KOI-72", "KIC 11904151"),
    ra=285.679391,
    dec=50.2413,
    object_type="PM*",
    tic=377780790,
)


TARGETS: tuple[Target, ...] = (
    PI_MEN,
    FOMALHAUT,
    TRAPPIST_1,
    TIC_25132999,
    TIC_214568914,
    TIC_229742722,
    HAT_P_7,
    KEPLER_10,
)

#: Bodies that cross a target's pixels.  Near opposition, main-belt asteroids drift westward
#: along the ecliptic; this one passes 4 arcsec from TIC 214568914 in sector 1.
FLYBYS: tuple[Flyby, ...] = (
    Flyby(
        description="a main-belt asteroid",
        target="tic_214568914",
        closest_btjd=1334.523,
        miss_arcsec=4.0,
        rate_deg_per_day=0.34,
        direction_deg=228.0,
        tmag=12.6,
    ),
)


def flybys_of(key: str) -> tuple[Flyby, ...]:
    """The flybys of the target with this key (usually none)."""
    return tuple(f for f in FLYBYS if f.target == key)


def normalise_name(name: str) -> str:
    """Fold a target name the way the resolver compares names (case and spacing)."""
    return " ".join(name.replace("_", " ").split()).lower()


def find_target(name: str) -> Target | None:
    """The target a name resolves to, or None (case- and spacing-insensitive)."""
    wanted = normalise_name(name)
    for target in TARGETS:
        if any(normalise_name(alias) == wanted for alias in target.names):
            return target
    return None


# --------------------------------------------------------------------------------------------
# Observations and products
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Product:
    """One file of an observation, as `Mast.Caom.Products` lists it."""

    filename: str
    description: str
    product_type: str  # SCIENCE, AUXILIARY, PREVIEW, INFO
    subgroup: str  # productSubGroupDescription: LC, TP, DVT, DVR, DVS, DVM, ...
    kind: str  # what the generator writes: see offline_archive.generate
    s3_dir: str  # directory of the file under the stpubdata bucket
    group: str = "Minimum Recommended Products"
    params: tuple[tuple[str, object], ...] = ()  # extra inputs for the generator

    def param(self, name: str, default: object = None) -> object:
        return dict(self.params).get(name, default)


@dataclass(frozen=True)
class Observation:
    """One CAOM observation (a row of `Mast.Caom.*` results) and its products."""

    obsid: int
    obs_collection: str
    instrument_name: str
    project: str
    filters: str
    wavelength_region: str
    target_name: str
    target_classification: str
    obs_id: str
    s_ra: float
    s_dec: float
    dataproduct_type: str
    calib_level: int
    t_min: float  # MJD
    t_max: float  # MJD
    t_exptime: float
    em_min: float
    em_max: float
    footprint_deg: float  # half-width of a square footprint centred on (s_ra, s_dec)
    proposal_id: str = ""
    proposal_pi: str = ""
    proposal_type: str = ""
    obs_title: str = ""
    sequence_number: int | None = None
    provenance_name: str = ""
    intent_type: str = "science"
    data_rights: str = "PUBLIC"
    products: tuple[Product, ...] = field(default=(), compare=False)
    target: str | None = None  # key of the Target the observation is about, if any
    data_url_index: int | None = 0  # which product is the observation's dataURL

    @cached_property
    def corners(self) -> list[tuple[float, float]]:
        """Corners (RA, Dec in degrees) of the square footprint, counter-clockwise."""
        h = self.footprint_deg
        return [_offset(self.s_ra, self.s_dec, dx, dy) for dx, dy in ((h, -h), (h, h), (-h, h), (-h, -h))]

    @property
    def s_region(self) -> str:
        pts = self.corners + self.corners[:1]
        return "POLYGON " + " ".join(f"{ra:.8f} {dec:.8f}" for ra, dec in pts)

    def data_uri(self, product: Product) -> str:
        """The product's MAST URI: its own ``data_uri`` parameter (Kepler's ``mast:KEPLER/url/...``) or
        ``mast:<collection>/product/<file name>``."""
        own = product.param("data_uri")
        return str(own) if own else f"mast:{self.obs_collection}/product/{product.filename}"

    @property
    def data_url(self) -> str | None:
        if self.data_url_index is None or not self.products:
            return None
        return self.data_uri(self.products[self.data_url_index])

    def distance_arcsec(self, ra: float, dec: float) -> float:
        """Separation (arcsec) between a position and this footprint; 0 inside it."""
        x, y = _tangent(self.s_ra, self.s_dec, ra, dec)
        h = self.footprint_deg
        dx = max(abs(x) - h, 0.0)
        dy = max(abs(y) - h, 0.0)
        return math.hypot(dx, dy) * 3600.0

    def row(self) -> dict[str, object]:
        """The observation as a CAOM result row (without ``distance``)."""
        return {
            "intentType": self.intent_type,
            "obs_collection": self.obs_collection,
            "provenance_name": self.provenance_name,
            "instrument_name": self.instrument_name,
            "project": self.project,
            "filters": self.filters,
            "wavelength_region": self.wavelength_region,
            "target_name": self.target_name,
            "target_classification": self.target_classification,
            "obs_id": self.obs_id,
            "s_ra": self.s_ra,
            "s_dec": self.s_dec,
            "dataproduct_type": self.dataproduct_type,
            "proposal_pi": self.proposal_pi,
            "calib_level": self.calib_level,
            "t_min": self.t_min,
            "t_max": self.t_max,
            "t_exptime": self.t_exptime,
            "em_min": self.em_min,
            "em_max": self.em_max,
            "obs_title": self.obs_title,
            "t_obs_release": round(self.t_max + 30.0, 5),
            "proposal_id": self.proposal_id,
            "proposal_type": self.proposal_type,
            "sequence_number": self.sequence_number,
            "s_region": self.s_region,
            "jpegURL": None,
            "dataURL": self.data_url,
            "dataRights": self.data_rights,
            "mtFlag": False,
            "srcDen": 5885.0,
            "obsid": str(self.obsid),
            "objID": str(self.obsid + 1_000_000_000),
        }


#: What every TESS observation in MAST shares (the mission's CAOM fields).
TESS_FIELDS: dict[str, object] = {
    "obs_collection": "TESS",
    "instrument_name": "Photometer",
    "project": "TESS",
    "filters": "TESS",
    "wavelength_region": "OPTICAL",
    "target_classification": "",
    "em_min": 600.0,
    "em_max": 1000.0,
    "proposal_pi": "Ricker, George",
    "obs_title": "TESS Observations",
    "provenance_name": "SPOC",
}


def tess_observation(**fields: object) -> Observation:
    """An :class:`Observation` of TESS: the mission's fields (:data:`TESS_FIELDS`) plus ``fields``."""
    return Observation(**TESS_FIELDS, **fields)


def _tangent(ra0: float, dec0: float, ra: float, dec: float) -> tuple[float, float]:
    """Gnomonic projection (degrees) of (ra, dec) about (ra0, dec0)."""
    a0, d0, a, d = map(math.radians, (ra0, dec0, ra, dec))
    cos_c = math.sin(d0) * math.sin(d) + math.cos(d0) * math.cos(d) * math.cos(a - a0)
    if cos_c <= 0:  # the other hemisphere: far away in any case
        return 180.0, 180.0
    x = math.cos(d) * math.sin(a - a0) / cos_c
    y = (math.cos(d0) * math.sin(d) - math.sin(d0) * math.cos(d) * math.cos(a - a0)) / cos_c
    return math.degrees(x), math.degrees(y)


def _offset(ra0: float, dec0: float, x_deg: float, y_deg: float) -> tuple[float, float]:
    """Inverse gnomonic projection: the (ra, dec) at tangent-plane offset (x, y) degrees."""
    a0, d0 = math.radians(ra0), math.radians(dec0)
    x, y = math.radians(x_deg), math.radians(y_deg)
    rho = math.hypot(x, y)
    if rho == 0:
        return ra0, dec0
    c = math.atan(rho)
    dec = math.asin(math.cos(c) * math.sin(d0) + y * math.sin(c) * math.cos(d0) / rho)
    ra = a0 + math.atan2(x * math.sin(c), rho * math.cos(d0) * math.cos(c) - y * math.sin(d0) * math.sin(c))
    return math.degrees(ra) % 360.0, math.degrees(dec)


def btjd_to_mjd(t: float) -> float:
    return t + BTJD_OFFSET - MJD_OFFSET

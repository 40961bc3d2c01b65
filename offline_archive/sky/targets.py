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
    #: Whether the star's light really dims with this signal.  False for a TCE that something else
    #: set off (a body crossing the pixels): the pipeline's fit is kept, and no transit is drawn.
    transits_drawn: bool = True


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
    """A TESS sector: its dates (BTJD), its mid-sector data gap and the file-name stamps.

    ``start_btjd`` and ``end_btjd`` are the start of the sector's first orbit and the end of its
    second, ``gap_btjd`` the downlink between them, all in TJD (TT) as the TESS Science Office's
    orbit-times table gives them.  ``first_cadence_btjd`` is where the sector's grid of exposures
    starts (by default the sector's start); every exposure lies wholly inside one orbit.
    """

    number: int
    start_btjd: float
    end_btjd: float
    gap_btjd: tuple[float, float]
    lc_stamp: str  # the 'tess<yyyydddhhmmss>' prefix of the SPOC light-curve files
    dv_stamp: str  # the prefix of the sector's data-validation run
    first_cadence_btjd: float | None = None

    @property
    def label(self) -> str:
        return f"s{self.number:04d}"

    @property
    def orbits(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """The two orbits of the sector, (start, end) in BTJD, either side of the downlink gap."""
        return (self.start_btjd, self.gap_btjd[0]), (self.gap_btjd[1], self.end_btjd)


#: Sector dates: the orbit start and end times of the TESS Science Office's table
#: "orbit_times_20201013_1338.csv" (tess.mit.edu, 2020-10-13; copy read 2026-12-03 at
#: astrobel/spinneret@253f653d, orbit_times_20201013_1338.csv), Start/End TJD of the sector's two
#: orbits.  Two sectors differ from their orbits, as the SPOC data do (values kept from the
#: archive's first release, not found in a recorded source here): sector 3 started science 3.2 days
#: into its first orbit and ended 3.1 days before the end of its second (attitude-control tests), and
#: sector 8 lost 1531.7-1535.0 to an instrument interruption, so its gap runs to 1535.00.
#: Sector 1's exposures start on the first full-frame image's time stamp,
#: tess2018206192942 (2018-07-25 19:29:42 UTC = BTJD 1325.3130924, TT; file names in
#: the cloud-fits docs and MAST's AWS examples): 30-minute exposures wholly inside the orbits give
#: the 1282 calibrated FFIs per CCD that MAST lists (seeds/004).  lc_stamp and the SPOC runs are
#: those of the real file names (e.g. tess2018319095959-s0005-...-0125-s, tess2019112060037-s0011-...-0143-s
#: in golmschenk/ramjet's tests).  The DV stamps of sectors 1 to 5 are those of the sectors' SPOC
#: TCE tables on MAST's bulk-download page, as orionlee/tess_dv_fast@1ed0fde5 (2026-07-13)
#: src/python/tess_dv_fast/tess_dv_fast_spec.py lists them (tess2018206190142-s0001-s0001,
#: ...235142541-s0002, ...263124740-s0003, ...292093539-s0004, ...319112538-s0005).
SECTORS: dict[int, Sector] = {
    s.number: s
    for s in (
        Sector(
            1,
            1325.3098,
            1353.1779,
            (1338.5216, 1339.6536),
            "tess2018206045859",
            "tess2018206190142",
            first_cadence_btjd=1325.3130924,
        ),
        Sector(2, 1354.1015, 1381.5147, (1367.1536, 1368.5946), "tess2018234235059", "tess2018235142541"),
        Sector(3, 1385.943, 1406.293, (1395.4418, 1396.6605), "tess2018263035959", "tess2018263124740"),
        Sector(4, 1410.9001, 1436.8515, (1423.5112, 1424.5494), "tess2018292075959", "tess2018292093539"),
        Sector(5, 1437.9765, 1464.2890, (1450.1987, 1451.5494), "tess2018319095959", "tess2018319112538"),
        Sector(8, 1517.3411, 1542.0008, (1529.0668, 1535.00), "tess2019032160000", "tess2019033200935"),
        Sector(11, 1596.7716, 1623.8932, (1609.6952, 1610.7751), "tess2019112060037", ""),  # no DV run here
        Sector(12, 1624.9487, 1652.8932, (1638.9973, 1640.0321), "tess2019140104343", "tess2019142103536"),
        Sector(13, 1653.9140, 1682.3584, (1667.6918, 1668.6189), "tess2019169103026", "tess2019170095531"),
        Sector(27, 2036.2716, 2060.6432, (2048.1293, 2049.1466), "tess2020186164531", "tess2020187024023"),
        Sector(28, 2061.8446, 2087.0980, (2073.9626, 2075.1675), "tess2020212050318", "tess2020213072433"),
        # The sectors of HAT-P-7 (offline_archive.sky.catalogue_kepler).  Sectors 14 and 15: their
        # orbits in the orbit-times table (as above).  Sectors 40 to 55, after the table: TSTART, TSTOP, the longest
        # pause in the PDCSAP flux and the file-name stamp, as in the real SPOC light curves of
        # TIC 424865156 kept in Aoligei43211/lightcurves_analysis@0889f50a (data/HATP7b/, downloaded
        # from MAST in 2025-11). Their DV runs are not held: no DV stamp.
        # (their first exposures start at the real files' TSTART)
        Sector(
            14,
            1683.3480,
            1710.2057,
            (1696.3897, 1697.3376),
            "tess2019198215352",
            "",
            first_cadence_btjd=1683.3553,
        ),
        Sector(
            15,
            1711.3584,
            1737.4105,
            (1723.8584, 1724.9348),
            "tess2019226182529",
            "",
            first_cadence_btjd=1711.3665,
        ),
        Sector(40, 2390.655, 2418.856, (2391.39, 2393.29), "tess2021175071901", ""),
        Sector(41, 2419.991, 2446.581, (2432.60, 2433.72), "tess2021204101404", ""),
        Sector(54, 2769.901, 2796.131, (2782.34, 2783.53), "tess2022190063128", ""),
        Sector(55, 2797.102, 2824.266, (2809.96, 2810.87), "tess2022217014003", ""),
    )
}


def cadence_times(sector: Sector, cadence_s: float) -> np.ndarray:
    """Mid-exposure times (BTJD) of a sector's cadences: those wholly inside one of its orbits.

    Parameters
    ----------
    sector : Sector
        The sector.
    cadence_s : float
        Cadence in seconds (120 for 2-minute data, 20 for fast cadence, 1800 for the FFIs).

    Returns
    -------
    numpy.ndarray
        Times in days, strictly increasing; none falls in the mid-sector gap.
    """
    step = cadence_s / 86400.0
    first = sector.start_btjd if sector.first_cadence_btjd is None else sector.first_cadence_btjd
    starts = first + step * np.arange(int((sector.end_btjd - first) / step) + 1)
    inside = np.zeros(starts.size, dtype=bool)
    for begin, end in sector.orbits:
        # A small tolerance keeps an exposure ending on the orbit's rounded end time.
        inside |= (starts >= begin - 1e-9) & (starts + step <= end + 1e-9)
    return starts[inside] + step / 2


# --------------------------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------------------------

#: Pi Mensae (HD 39091) and its transiting planet Pi Men c.
PI_MEN = Target(
    key="pi_men",
    canonical_name="* pi. Men",
    aliases=("Pi Mensae", "pi Men", "HD 39091", "HIP 26394", "HR 2022", "Gaia DR3 4623036865373793408"),
    # J2000 (05h37m09.9s -80d28m09s): moved by its proper motion to each sector's epoch, it is the
    # position of the sector target lists (S001: 84.3009, -80.4637; tess.mit.edu all_targets_S0NN_v1,
    # copies at tzdwi/TESS-Gaia@a50aba22, 2018-2020; tests/fidelity/test_real_targets.py).
    ra=84.29121,  # J2000, as above
    dec=-80.46912,
    object_type="PM*",
    tic=261136679,
    tmag=5.105,  # the target lists give 5.10 (sectors 1-13) and 5.11 (sector 27)
    teff=5992.1,  # TIC 8.1, as SPOC's sector-1 TCE table gives it (tce_steff; 2021-05-12 table)
    radius_rsun=1.14889,  # TIC 8.1 (tce_sradius), same table
    # Period and mid-transit time of the discovery papers (Huang et al. 2018, ApJL 868 L39;
    # Gandolfi et al. 2018, A&A 619 L10), which SPOC's one-sector fit agrees with (6.2675 d,
    # BTJD 1325.50); depth and duration are that fit's (tce_depth 301.808 ppm, tce_duration
    # 2.97585 h): tess2018206190142-s0001-s0001_dvr-tcestats.csv of 2021-05-12, row
    # 00261136679-01, copy at orionlee/tess_dv_fast@1ed0fde5 tests/data/tess_dv_fast/.
    planets=(Planet("pi Men c", 6.26790, 1325.5035, 301.808, 2.97585),),
)

#: Fomalhaut (alpha PsA).
FOMALHAUT = Target(
    key="fomalhaut",
    canonical_name="* alf PsA",
    aliases=("Fomalhaut", "alf PsA", "alpha PsA", "HD 216956", "HIP 113368", "HR 8728"),
    ra=344.41269271,  # SIMBAD (Hipparcos, ICRS J2000 22h57m39.05s -29d37m20.1s); kept from the first release
    dec=-29.62223703,
    object_type="**",
)

#: TRAPPIST-1, the ultracool dwarf with seven transiting planets.
TRAPPIST_1 = Target(
    key="trappist_1",
    canonical_name="TRAPPIST-1",
    aliases=("TRAPPIST-1", "Trappist 1", "2MASS J23062928-0502285", "EPIC 246199087"),
    ra=346.62201667,  # within 0.5 arcsec of its 2MASS designation, J23062928-0502285
    dec=-5.04138889,
    object_type="BYDraEr*",
    tic=278892590,
    tmag=14.0,  # TIC 8 Tmag (rounded); kept from the first release
)

#: The TESS target of the "querying MAST step by step" tutorial (seeds/002), a cool star (4014 K)
#: that TESS watched at 2-minute cadence through all 13 sectors of its first year.  Position and Tmag: its row of the TESS Science Office's
#: 2-minute target list of sector 1, all_targets_S001_v1 (tess.mit.edu, created 2018-08-16; copy
#: read 2026-12-04 at tzdwi/TESS-Gaia@a50aba22, all_targets_S001_v1.csv: "25132999,4,1,10.77,
#: 62.0296,-71.4497"); the lists of sectors 2-13 give the same position and Tmag, that of sector 27
#: (TIC 8) 10.81.  Teff and radius, and the TCE: its row of SPOC's sector-1 TCE table
#: tess2018206190142-s0001-s0001_dvr-tcestats.csv (MAST, created 2018-12-11; copy read 2026-12-04
#: at emilygilbert/TESS_sandbox@8b10629c), tceid 00025132999-01.  No TOI: ExoFOP lists no TOI or
#: CTOI for it (golmschenk/ramjet's tests, read 2026-12-03).
TIC_25132999 = Target(
    key="tic_25132999",
    canonical_name="TIC 25132999",
    aliases=("TIC25132999",),
    ra=62.0296,  # RA of the sector-1 target list (J2000, degrees)
    dec=-71.4497,  # Dec of the sector-1 target list
    object_type="*",
    tic=25132999,
    tmag=10.77,  # Tmag of the sector-1 target list
    teff=4014.0,  # starTeffKelvin of the sector-1 TCE table
    radius_rsun=0.646104,  # starRadiusSolarRadii of the sector-1 TCE table
    # The sector-1 TCE: orbitalPeriodDays, transitEpochBtjd, transitDepthPpm, transitDurationHours.
    planets=(Planet("TCE 00025132999-01", 11.9585, 1328.87, 2487.73, 6.57287),),
)

#: The eclipsing binary of notebook 05, on camera 1, CCD 1 in sector 1 (tess-point 0.9.5.post1:
#: column 117.9, row 1054.9; it was also observed in sector 27 on camera 1, CCD 2).  Every value
#: is the TESS eclipsing-binary catalogue's (Prsa et al. 2022, ApJS 258, 16; VizieR J/ApJS/258/16,
#: tess-ebs.dat, row TIC 0091369561, signal 1; copy read 2026-12-03 at
#: SteveOv/modebs@631fc99e, libs/data/catalogues/J-ApJS-258-16/tess-ebs.dat).
TIC_91369561 = Target(
    key="tic_91369561",
    canonical_name="TIC 91369561",
    aliases=("TIC91369561",),
    ra=312.568280016979,  # RAdeg (J2000, from the TIC)
    dec=-42.2179438250832,  # DEdeg
    object_type="EB*",
    tic=91369561,
    tmag=10.9545,  # Tmag (from the TIC)
    eclipses=Eclipses(
        period_days=3.983106421289023,  # Per
        epoch_btjd=1328.383181933065,  # BJD0 - 2457000, the first primary eclipse
        primary_depth=0.4722508283748672,  # Dp-pf, the polychain fit's primary depth
        secondary_depth=0.0599667091123201,  # Ds-pf; Phis-pf = 0.5003: the secondary at phase 0.5
        duration_hours=10.02,  # Wp-pf = 0.1048 of the period, the primary's width in phase
    ),
)


#: The star of the ExoMAST and TESScut tutorials (seeds/001), a hot compact star whose sector-1 TCE
#: is a single event at BTJD 1334.45, which the full-frame images explain.  Position and Tmag: its
#: row of the TESS Science Office's sector-1 2-minute target list all_targets_S001_v1 (tess.mit.edu,
#: created 2018-08-16; copy read 2026-12-04 at tzdwi/TESS-Gaia@a50aba22, all_targets_S001_v1.csv:
#: "214568914,1,2,15.34,340.8004,-36.3439", camera 1, CCD 2; tess-point 0.9.5.post1 puts it at
#: column 1892.6, row 616.7, and covers it again in sectors 28, 68, 95, 96 and 106, which the
#: archive does not hold).  Teff, radius and the TCE: its row of SPOC's sector-1 TCE table
#: tess2018206190142-s0001-s0001_dvr-tcestats.csv (MAST, created 2018-12-11; copy read 2026-12-04
#: at emilygilbert/TESS_sandbox@8b10629c), tceid 00214568914-01 (log g 5.6; two expected
#: transits).  The TCE's epoch is the event itself and its second expected transit (1346.07) shows
#: nothing, so the archive draws no transit (transits_drawn=False): the event in its photometry is
#: the simulated asteroid of FLYBYS.
TIC_214568914 = Target(
    key="tic_214568914",
    canonical_name="TIC 214568914",
    aliases=("TIC214568914",),
    ra=340.8004,  # RA of the sector-1 target list (J2000, degrees)
    dec=-36.3439,  # Dec of the sector-1 target list
    object_type="*",
    tic=214568914,
    tmag=15.34,  # Tmag of the sector-1 target list
    teff=31000.0,  # starTeffKelvin of the sector-1 TCE table
    radius_rsun=0.18,  # starRadiusSolarRadii of the sector-1 TCE table
    # The sector-1 TCE: orbitalPeriodDays, transitEpochBtjd, transitDepthPpm, transitDurationHours.
    planets=(Planet("TCE 00214568914-01", 11.6186, 1334.45, 24447.6, 12.5986, transits_drawn=False),),
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
    ra=292.247307554825,  # RA_OBJ of its real SPOC light curves (see the comment above)
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
    ra=285.679391,  # s_ra of its Kepler observations (the lightkurve cassette above)
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
    TIC_91369561,
    HAT_P_7,
    KEPLER_10,
)

#: Bodies that cross a target's pixels.  Near opposition, main-belt asteroids drift westward
#: along the ecliptic; this one passes 4 arcsec from TIC 214568914 in sector 1.  It is the archive's
#: simulation: no record here names a body that crossed the star.  The real fact is the sector-1
#: TCE's single event at BTJD 1334.45 (see TIC_214568914); the archive explains it with an asteroid
#: whose closest approach is the TCE's epoch, made bright enough (Tmag 14.4) for its dips and hump
#: to stand out of a Tmag 15.3 star's noise in 10-minute averages (notebook 02).
FLYBYS: tuple[Flyby, ...] = (
    Flyby(
        description="a main-belt asteroid",
        target="tic_214568914",
        closest_btjd=1334.45,  # the epoch of TCE 00214568914-01
        miss_arcsec=4.0,
        rate_deg_per_day=0.36,  # a third of a degree a day, as main-belt asteroids near opposition
        direction_deg=228.0,
        tmag=14.4,
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
            "wave_region": self.wavelength_region,
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
            "wave_min": self.em_min,  # equal to em_min/em_max in MAST's 2026 answers
            "wave_max": self.em_max,
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

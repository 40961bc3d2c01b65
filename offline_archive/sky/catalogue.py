"""The observations the offline archive holds, built from :mod:`offline_archive.sky.targets`.

Each target gets the TESS observations a tutorial asks for plus a realistic neighbourhood:
other sectors and cadences, full-frame-image observations, multi-sector data-validation runs
(old and new), and observations by other missions, so that filters have something to filter.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from . import catalogue_hst, catalogue_kepler
from .catalogue_ffi import FFI_EXPTIME_S, sector1_camera1_ccd1
from .targets import (
    FOMALHAUT,
    HAT_P_7,
    KEPLER_10,
    PI_MEN,
    SECTORS,
    TIC_25132999,
    TIC_214568914,
    TRAPPIST_1,
    Observation,
    Product,
    Sector,
    Target,
    _offset,
    btjd_to_mjd,
    tess_observation,
)

#: SPOC pipeline run number that appears in each sector's file names.
SPOC_RUN = {1: 120, 2: 121, 3: 123, 4: 124, 5: 125, 8: 136, 11: 143, 12: 144, 13: 146, 27: 189, 28: 190}
#: HAT-P-7's sectors: the run numbers in the names of its real light curves (see targets.SECTORS).
SPOC_RUN |= {14: 150, 15: 151, 40: 211, 41: 212, 54: 227, 55: 242}
#: HAT-P-7's TESS sectors with 2-minute light curves (CAMERA and CCD cards of the real files).
HAT_P_7_CCD = {14: (2, 4), 15: (2, 3), 40: (2, 4), 41: (2, 3), 54: (3, 3), 55: (3, 4)}
#: Where TESS looked: the camera, CCD, column and row of each target in each sector the catalogue
#: uses, as tess-point 0.9.5.post1 (tess_stars2px_function_entry) computes them from the target's
#: position (2026-12-03).  tests/fidelity/test_where_tess_looked.py runs tess-point over the whole
#: sky of the archive and fails if any of these differ.  Pi Mensae's agree with the issue's record
#: of MAST (sector 4 on 4-3, 8 on 4-4, 12 on 3-4, 13 on 3-3, 27 on 3-3, 28 on 4-2).
TESS_PIXEL: dict[tuple[str, int], tuple[int, int, float, float]] = {
    ("pi_men", 1): (4, 2, 1632.3, 259.8),
    ("pi_men", 4): (4, 3, 119.4, 714.3),
    ("pi_men", 8): (4, 4, 1933.6, 602.1),
    ("pi_men", 11): (4, 1, 320.2, 444.5),
    ("pi_men", 12): (3, 4, 822.2, 216.1),
    ("pi_men", 13): (3, 3, 1837.6, 357.9),
    ("pi_men", 27): (3, 3, 1245.4, 204.6),
    ("pi_men", 28): (4, 2, 1776.1, 399.6),
    # TIC 25132999's cameras and CCDs agree with the TESS Science Office's 2-minute target lists of
    # sectors 1 to 13 (all_targets_S0NN_v1, tzdwi/TESS-Gaia@a50aba22): 4-1, then 4-2 in sectors 2-4,
    # 4-3 in 5-7, 4-4 in 8-11 and 4-1 in 12, 13 and 27.  The archive holds sectors 1 to 5.
    ("tic_25132999", 1): (4, 1, 1965.8, 189.7),
    ("tic_25132999", 2): (4, 2, 703.2, 321.3),
    ("tic_25132999", 3): (4, 2, 1443.0, 853.8),
    ("tic_25132999", 4): (4, 2, 1852.2, 1667.1),
    ("tic_25132999", 5): (4, 3, 297.2, 1634.3),
    ("tic_214568914", 1): (1, 2, 1892.6, 616.7),
    ("tic_91369561", 1): (1, 1, 117.9, 1054.9),
    # HAT-P-7's sectors with 2-minute light curves: the cameras and CCDs agree with the CAMERA and
    # CCD cards of its real files (HAT_P_7_CCD); tess-point also finds sectors 74, 75, 81, 82 and
    # later, which the archive does not hold.
    ("hat_p_7", 14): (2, 4, 280.6, 1286.6),
    ("hat_p_7", 15): (2, 3, 771.2, 1519.2),
    ("hat_p_7", 40): (2, 4, 1611.7, 1622.4),
    ("hat_p_7", 41): (2, 3, 2075.5, 1275.7),
    ("hat_p_7", 54): (3, 3, 1302.2, 1658.7),
    ("hat_p_7", 55): (3, 4, 797.0, 1656.9),
    ("kepler_10", 14): (2, 3, 1910.0, 1920.0),  # its one TESS row (notebook 06's exercise)
}
#: Centre (RA, Dec) of the CCDs whose full-frame-image observations the catalogue lists next to
#: its targets: tess-point 0.9.5.post1's position of CCD pixel (1069, 1039) in that sector
#: (tess_stars2px_reverse_function_entry, 2026-12-03), the observations' s_ra and s_dec.
FFI_CCD_CENTRE: dict[tuple[int, int, int], tuple[float, float]] = {
    (1, 4, 2): (89.9422, -75.3370),
    (27, 3, 3): (68.5794, -84.8926),
    (1, 4, 1): (68.9902, -64.8410),
    # HAT-P-7's sectors (catalogue_kepler), the same way
    (14, 2, 4): (299.3637, 47.9372),
    (15, 2, 3): (296.9138, 47.0963),
    (40, 2, 4): (287.8316, 44.5367),
    (41, 2, 3): (285.6685, 44.0993),
    (54, 3, 3): (293.1625, 51.7303),
    (55, 3, 4): (287.0685, 49.8337),
}
#: Half-width (degrees) of the square, in the plane tangent to the sky at FFI_CCD_CENTRE, that holds
#: the four corners of that CCD's science pixels (columns 45-2092, rows 1-2048), as tess-point
#: 0.9.5.post1 (tess_stars2px_reverse_function_entry) places them (2026-12-04): the FFI observation's
#: footprint.  A CCD is a rotated 12-degree square, so the half-width is more than 6 degrees; TIC
#: 25132999 lies 6.8 degrees south of the centre of sector 1's camera 4, CCD 1, near its edge.
FFI_CCD_HALF_WIDTH_DEG: dict[tuple[int, int, int], float] = {
    (1, 4, 2): 8.40,
    (27, 3, 3): 8.39,
    (1, 4, 1): 7.87,
    (14, 2, 4): 7.23,
    (15, 2, 3): 8.37,
    (40, 2, 4): 6.25,
    (41, 2, 3): 8.09,
    (54, 3, 3): 6.93,
    (55, 3, 4): 8.37,
}
#: Camera and CCD of each target in each sector (from :data:`TESS_PIXEL`).
TESS_CCD: dict[tuple[str, int], tuple[int, int]] = {key: value[:2] for key, value in TESS_PIXEL.items()}
#: Side (pixels) of the full-frame-image windows simulated around a target: enough for a 50x50
#: TESScut cutout centred on it, small enough to keep a whole sector of frames in a few tens of MB.
FFI_WINDOW_PX = 64
#: Cadence of the sector 1-26 full-frame images.
FFI_CADENCE_S = 1800
#: Side of a TESS pixel on the sky (21 arcsec), as the generator draws it.
TESS_PIXEL_DEG = 21.0 / 3600.0


def tic_dir(tic: int, sectors: str) -> str:
    """S3 directory of a TIC's products: ``tess/public/tid/<sectors>/0000/0002/6113/6679``."""
    digits = f"{tic:016d}"
    groups = "/".join(digits[i : i + 4] for i in range(0, 16, 4))
    return f"tess/public/tid/{sectors}/{groups}"


def _tess_timeseries(target: Target, sector: Sector, cadence_s: int, obsid: int, tce: bool) -> Observation:
    assert target.tic is not None
    run = SPOC_RUN[sector.number]
    fast = cadence_s == 20
    suffix = "a_fast" if fast else "s"
    stem = f"{sector.lc_stamp}-{sector.label}-{target.tic:016d}-{run:04d}-{suffix}"
    directory = tic_dir(target.tic, sector.label)
    common = (("target", target.key), ("sector", sector.number), ("cadence_s", cadence_s))
    lc_name = f"{stem}-lc.fits" if fast else f"{stem}_lc.fits"
    products = [
        Product(
            lc_name,
            "Light curves",
            "SCIENCE",
            "FAST-LC" if fast else "LC",
            "tess_lc",
            directory,
            params=common,
        ),
    ]
    if not fast:
        products.append(
            Product(
                f"{stem}_tp.fits", "Target pixel files", "SCIENCE", "TP", "tess_tp", directory, params=common
            )
        )
    if tce:
        products += _dv_products(target, sector.dv_stamp, sector.number, sector.number, run, directory)
    return tess_observation(
        obsid=obsid,
        target_name=str(target.tic),
        obs_id=stem,
        s_ra=target.ra,
        s_dec=target.dec,
        dataproduct_type="timeseries",
        calib_level=3,
        t_min=round(btjd_to_mjd(sector.start_btjd), 6),
        t_max=round(btjd_to_mjd(sector.end_btjd), 6),
        t_exptime=float(cadence_s),
        footprint_deg=0.05,
        proposal_id="N/A",
        proposal_type="GI" if not fast else "DDT",
        sequence_number=sector.number,
        products=tuple(products),
        target=target.key,
        data_url_index=0,
    )


def _dv_products(
    target: Target, stamp: str, first: int, last: int, run: int, directory: str
) -> list[Product]:
    """The data-validation files of one DV run (single- or multi-sector)."""
    assert target.tic is not None
    stem = f"{stamp}-s{first:04d}-s{last:04d}-{target.tic:016d}-{run:05d}"
    common = (("target", target.key), ("first_sector", first), ("last_sector", last))
    products = [
        Product(
            f"{stem}_dvt.fits",
            "Data validation time series",
            "SCIENCE",
            "DVT",
            "tess_dvt",
            directory,
            params=common,
        ),
        Product(
            f"{stem}_dvr.pdf",
            "full data validation report",
            "SCIENCE",
            "DVR",
            "tess_dvr_pdf",
            directory,
            params=common,
        ),
        Product(
            f"{stem}_dvr.xml",
            "full data validation report (XML)",
            "SCIENCE",
            "DVR",
            "tess_dvr_xml",
            directory,
            params=common,
        ),
        Product(
            f"{stem}_dvm.pdf",
            "Data validation mini report",
            "SCIENCE",
            "DVM",
            "tess_dvm_pdf",
            directory,
            params=common,
        ),
    ]
    for n in range(1, len(target.planets) + 1):
        products.append(
            Product(
                f"{stamp}-s{first:04d}-s{last:04d}-{target.tic:016d}-{n:02d}-{run:05d}_dvs.pdf",
                "Data validation one-page summary report",
                "SCIENCE",
                "DVS",
                "tess_dvs_pdf",
                directory,
                params=common + (("planet", n),),
            )
        )
    return products


def _tess_dv_multisector(
    target: Target, first: int, last: int, stamp: str, run: int, obsid: int, end_btjd: float
) -> Observation:
    assert target.tic is not None
    sectors = f"s{first:04d}-s{last:04d}"
    directory = tic_dir(target.tic, sectors)
    products = _dv_products(target, stamp, first, last, run, directory)
    return tess_observation(
        obsid=obsid,
        target_name=str(target.tic),
        # The observation has no pipeline-run suffix; only its files carry one ("-00226_dvt.fits").
        # Source: spacetelescope/mast_notebooks@cfb251f7 _sources/notebooks/TESS/beginner_astroquery_dv/
        # beginner_astroquery_dv.ipynb, executed 2024-05-07: download_products put
        # tess2018206190142-s0001-s0013-0000000307210830-00226_dvt.fits under
        # mastDownload/TESS/tess2018206190142-s0001-s0013-0000000307210830/ (tests/fidelity).
        obs_id=f"{stamp}-{sectors}-{target.tic:016d}",
        s_ra=target.ra,
        s_dec=target.dec,
        dataproduct_type="timeseries",
        calib_level=3,
        t_min=round(btjd_to_mjd(SECTORS[first].start_btjd), 6),
        t_max=round(btjd_to_mjd(end_btjd), 6),
        t_exptime=120.0,
        footprint_deg=0.05,
        proposal_id="N/A",
        proposal_type="GI",
        sequence_number=None,
        products=tuple(products),
        target=target.key,
        data_url_index=0,
    )


def _tess_ffi(target: Target, sector: Sector, obsid: int) -> Observation:
    camera, ccd = TESS_CCD[(target.key, sector.number)]
    # The CCD's centre lies a few degrees from the target: the footprint (the square around the CCD's
    # corners, FFI_CCD_HALF_WIDTH_DEG) covers it.
    ra, dec = FFI_CCD_CENTRE[(sector.number, camera, ccd)]
    exptime = FFI_EXPTIME_S[FFI_CADENCE_S if sector.number <= 26 else 600]
    # calib_level 3 and proposal_id "N/A", as MAST lists FFI observations (tests/fidelity/test_caom.py).
    return tess_observation(
        obsid=obsid,
        target_name="TESS FFI",
        obs_id=f"tess-{sector.label}-{camera}-{ccd}",
        s_ra=round(ra, 6),
        s_dec=round(dec, 6),
        dataproduct_type="image",
        calib_level=3,
        proposal_id="N/A",
        t_min=round(btjd_to_mjd(sector.start_btjd), 6),
        t_max=round(btjd_to_mjd(sector.end_btjd), 6),
        t_exptime=exptime,
        footprint_deg=FFI_CCD_HALF_WIDTH_DEG[(sector.number, camera, ccd)],
        sequence_number=sector.number,
        products=(),
        data_url_index=None,
    )


def _tess_ffi_window(target: Target, sector: Sector, obsid: int) -> Observation:
    """Full-frame images of the pixels around a target, with the TESScut data cube built from them.

    The archive simulates a window of :data:`FFI_WINDOW_PX` pixels of the CCD, centred on the
    target, rather than the whole CCD; the footprint is that window.  Its one product is the cube
    that TESScut cuts from (``tess/public/mast/tess-s0001-1-2-cube.fits`` in the cloud).
    """
    camera, ccd = TESS_CCD[(target.key, sector.number)]
    name = f"tess-{sector.label}-{camera}-{ccd}"
    params = (
        ("target", target.key),
        ("sector", sector.number),
        ("camera", camera),
        ("ccd", ccd),
        ("window_px", FFI_WINDOW_PX),
        ("cadence_s", FFI_CADENCE_S),
    )
    cube = Product(
        f"{name}-cube.fits",
        "TESScut data cube of the full-frame images",
        "AUXILIARY",
        "CUBE",
        "tess_ffi_cube",
        "tess/public/mast",
        group="",
        params=params,
    )
    return tess_observation(
        obsid=obsid,
        target_name="TESS FFI",
        obs_id=name,
        s_ra=target.ra,
        s_dec=target.dec,
        dataproduct_type="image",
        calib_level=3,
        proposal_id="N/A",
        t_min=round(btjd_to_mjd(sector.start_btjd), 6),
        t_max=round(btjd_to_mjd(sector.end_btjd), 6),
        t_exptime=FFI_EXPTIME_S[FFI_CADENCE_S],
        footprint_deg=round((FFI_WINDOW_PX / 2 - 1) * TESS_PIXEL_DEG, 6),
        sequence_number=sector.number,
        products=(cube,),
        data_url_index=None,
    )


def _other(
    obsid: int,
    collection: str,
    instrument: str,
    filters: str,
    region: str,
    target_name: str,
    obs_id: str,
    ra: float,
    dec: float,
    dtype: str,
    mjd: float,
    exptime: float,
    em: tuple[float, float],
    footprint_deg: float,
    proposal: str = "",
    pi: str = "",
    title: str = "",
    calib: int = 3,
    s3: bool = False,
    target: str | None = None,
) -> Observation:
    """An observation by another mission with one small science file."""
    ext = {"GALEX": "-nd-int.fits", "SWIFT": "_uw1_sk.fits", "K2": "_lpd-targ.fits"}.get(
        collection, "_x1d.fits" if dtype == "spectrum" else "_drz.fits"
    )
    filename = obs_id.lower() + ext
    directory = f"{collection.lower()}/public/{obs_id.lower()[:4]}/{obs_id.lower()}" if s3 else ""
    product = Product(
        filename,
        "K2 target pixel file"
        if collection == "K2"
        else f"{collection} calibrated {'spectrum' if dtype == 'spectrum' else 'image'}",
        "SCIENCE",
        ext.strip("_-.").split(".")[0].upper(),
        "generic_spectrum" if dtype == "spectrum" else "generic_image",
        directory,
        params=(
            ("collection", collection),
            ("instrument", instrument),
            ("filters", filters),
            ("ra", ra),
            ("dec", dec),
            ("mjd", mjd),
            ("exptime", exptime),
        ),
    )
    return Observation(
        obsid=obsid,
        obs_collection=collection,
        instrument_name=instrument,
        project=collection,
        filters=filters,
        wavelength_region=region,
        target_name=target_name,
        target_classification="STAR",
        obs_id=obs_id,
        s_ra=ra,
        s_dec=dec,
        dataproduct_type=dtype,
        calib_level=calib,
        t_min=mjd,
        t_max=round(mjd + exptime / 86400.0, 6),
        t_exptime=exptime,
        em_min=em[0],
        em_max=em[1],
        footprint_deg=footprint_deg,
        proposal_id=proposal,
        proposal_pi=pi,
        proposal_type="GO" if proposal else "",
        obs_title=title,
        provenance_name="CALWF3" if instrument.startswith("WFC3") else "",
        products=(product,),
        target=target,
    )


@lru_cache(maxsize=1)
def observations() -> tuple[Observation, ...]:
    """Every observation the archive holds, in a fixed order with fixed obsids."""
    obs: list[Observation] = []
    next_id = {"TESS": 60_000_001, "OTHER": 24_700_001}

    def new_id(kind: str) -> int:
        next_id[kind] += 1
        return next_id[kind] - 1

    # --- Pi Mensae: 2-minute data in the eight sectors of years 1 and 3 up to 28 where TESS looked at
    # it (tess-point), 20-second data in sector 27, FFIs, DV runs.  Later sectors are not held.
    for s in (1, 4, 8, 11, 12, 13, 27, 28):
        obs.append(_tess_timeseries(PI_MEN, SECTORS[s], 120, new_id("TESS"), tce=s in (1, 27)))
    obs.append(_tess_timeseries(PI_MEN, SECTORS[27], 20, new_id("TESS"), tce=False))
    for s in (1, 27):
        obs.append(_tess_ffi(PI_MEN, SECTORS[s], new_id("TESS")))
    obs.append(
        _tess_dv_multisector(PI_MEN, 1, 13, "tess2019201090000", 253, new_id("TESS"), SECTORS[13].end_btjd)
    )

    # --- TIC 25132999: 2-minute data in sectors 1-5 (it stayed a 2-minute target through sector 13
    # and again in 27: the target lists; those sectors are not held).  Single-sector TCEs in sectors
    # 1, 2 and 4 and none in 3 and 5, as SPOC's TCE tables of those sectors list them (MAST, created
    # 2018-12-11 to 2019-02-27; copies at emilygilbert/TESS_sandbox@8b10629c, read 2026-12-04).
    # Multi-sector runs: sectors 1-2 and 1-3, whose TCE tables (created 2019-02-13 and 2019-02-12,
    # same copies) list it; the 1-3 run supersedes the 1-2 one.  Their files start with sector 1's
    # stamp, as multi-sector DV files do (tess2018206190142-s0001-s0003-0000000100100827-00129_dvt.fits,
    # WASP-18's, named in a public script that read it from MAST on 2023-05-31): 129 is the run of
    # sectors 1-3.  The run number of sectors 1-2 was not found in a recorded source: 128 is the
    # archive's own.  Later multi-sector runs (1-6, 1-9, 1-13 and after) exist on MAST, but no record
    # here says whether they found a TCE on this star, so the archive holds none of them.
    for s in (1, 2, 3, 4, 5):
        obs.append(_tess_timeseries(TIC_25132999, SECTORS[s], 120, new_id("TESS"), tce=s in (1, 2, 4)))
    obs.append(_tess_ffi(TIC_25132999, SECTORS[1], new_id("TESS")))
    for last, run in ((2, 128), (3, 129)):
        obs.append(
            _tess_dv_multisector(
                TIC_25132999, 1, last, SECTORS[1].dv_stamp, run, new_id("TESS"), SECTORS[last].end_btjd
            )
        )

    # --- TIC 214568914: sector 1 2-minute data with a TCE, and the full-frame images around it.
    obs.append(_tess_timeseries(TIC_214568914, SECTORS[1], 120, new_id("TESS"), tce=True))
    obs.append(_tess_ffi_window(TIC_214568914, SECTORS[1], new_id("TESS")))

    # --- other missions around Pi Mensae and TIC 25132999
    t = PI_MEN
    obs += [
        _other(
            new_id("OTHER"),
            "HST",
            "COS/FUV",
            "G130M",
            "UV",
            "PI-MEN",
            "LDW301010",
            t.ra,
            t.dec,
            "spectrum",
            58890.41,
            2190.0,
            (90.0, 145.0),
            0.0007,
            "15699",
            "Garcia Munoz, Antonio",
            "A Search for the Escaping Atmosphere of pi Men c",
            s3=True,
            target=t.key,
        ),
        _other(
            new_id("OTHER"),
            "HST",
            "COS/FUV",
            "G130M",
            "UV",
            "PI-MEN",
            "LDW302010",
            t.ra,
            t.dec,
            "spectrum",
            58898.13,
            2190.0,
            (90.0, 145.0),
            0.0007,
            "15699",
            "Garcia Munoz, Antonio",
            "A Search for the Escaping Atmosphere of pi Men c",
            s3=True,
            target=t.key,
        ),
        _other(
            new_id("OTHER"),
            "GALEX",
            "GALEX",
            "NUV",
            "UV",
            "AIS_343_sg17",
            "6381787689085698048",
            *_offset(t.ra, t.dec, 0.21, -0.12),
            "image",
            54011.6,
            205.0,
            (169.3, 300.7),
            0.6,
            target=t.key,
        ),
        _other(
            new_id("OTHER"),
            "SWIFT",
            "UVOT",
            "UVW1",
            "UV",
            "PI MEN",
            "00013235001",
            t.ra,
            t.dec,
            "image",
            58977.2,
            1521.0,
            (220.0, 330.0),
            0.14,
            target=t.key,
        ),
    ]
    t = TIC_25132999
    obs += [
        _other(
            new_id("OTHER"),
            "GALEX",
            "GALEX",
            "NUV",
            "UV",
            "AIS_211_sg42",
            "6380309945367547904",
            *_offset(t.ra, t.dec, -0.3, 0.18),
            "image",
            53702.9,
            112.0,
            (169.3, 300.7),
            0.6,
            target=t.key,
        ),
    ]

    # --- Fomalhaut: coronagraphy and imaging from HST, plus GALEX, around 22h57m39s -29d37m20s.
    t = FOMALHAUT
    hst = [
        ("J9BH01010", "ACS/HRC", "F606W", 53536.7, 1020.0, "10390", "Kalas, Paul", 0.004, (0.0, 0.0)),
        ("J9BH01020", "ACS/HRC", "F814W", 53536.8, 1100.0, "10390", "Kalas, Paul", 0.004, (0.0, 0.0)),
        ("J9RM01010", "ACS/HRC", "F606W", 53971.2, 2400.0, "10598", "Kalas, Paul", 0.004, (0.0, 0.0)),
        ("OBKZ01010", "STIS/CCD", "50CCD", 56204.1, 1958.0, "12576", "Kalas, Paul", 0.007, (0.0, 0.0)),
        ("OBKZ02010", "STIS/CCD", "50CCD", 56219.6, 1958.0, "12576", "Kalas, Paul", 0.007, (0.0, 0.0)),
        ("IBWU01010", "WFC3/UVIS", "F606W", 56122.4, 912.0, "12621", "Kalas, Paul", 0.020, (0.01, 0.0)),
        ("IBWU02010", "WFC3/UVIS", "F814W", 56122.5, 912.0, "12621", "Kalas, Paul", 0.020, (0.01, 0.0)),
        ("ID7M01010", "WFC3/IR", "F110W", 58421.7, 598.0, "15219", "Gaspar, Andras", 0.015, (0.012, 0.004)),
        ("OD7M01010", "STIS/CCD", "50CCD", 58422.2, 1440.0, "15219", "Gaspar, Andras", 0.007, (0.0, 0.0)),
    ]
    for obs_id, instrument, filt, mjd, exptime, prop, pi, fp, (dx, dy) in hst:
        ra, dec = _offset(t.ra, t.dec, dx, dy)
        em = (470.0, 720.0) if filt == "F606W" else (695.0, 960.0) if filt == "F814W" else (200.0, 1030.0)
        obs.append(
            _other(
                new_id("OTHER"),
                "HST",
                instrument,
                filt,
                "OPTICAL" if "IR" not in instrument else "INFRARED",
                "FOMALHAUT",
                obs_id,
                ra,
                dec,
                "image",
                mjd,
                exptime,
                em,
                fp,
                prop,
                pi,
                "Fomalhaut's debris belt and its candidate planet",
                s3=True,
                target=t.key,
            )
        )
    # A wide-field image next door, and a compact one 40 arcsec away (inside 1', outside a few arcsec).
    obs.append(
        _other(
            new_id("OTHER"),
            "GALEX",
            "GALEX",
            "FUV",
            "UV",
            "AIS_229_sg13",
            "6383864539013382144",
            *_offset(t.ra, t.dec, 0.25, 0.31),
            "image",
            53258.7,
            95.0,
            (134.0, 180.6),
            0.6,
            target=t.key,
        )
    )
    ra, dec = _offset(t.ra, t.dec, 40.0 / 3600, 0.0)
    obs.append(
        _other(
            new_id("OTHER"),
            "HST",
            "STIS/CCD",
            "50CCD",
            "OPTICAL",
            "FOMALHAUT-B-OFFSET",
            "OD7M02010",
            ra,
            dec,
            "image",
            58422.4,
            720.0,
            (200.0, 1030.0),
            0.007,
            "15219",
            "Gaspar, Andras",
            "Fomalhaut's debris belt and its candidate planet",
            s3=True,
            target=t.key,
        )
    )

    # --- TRAPPIST-1: K2, HST transit spectroscopy and imaging, some pointings a little away.
    t = TRAPPIST_1
    obs.append(
        _other(
            new_id("OTHER"),
            "K2",
            "Kepler",
            "KEPLER",
            "OPTICAL",
            "EPIC 246199087",
            "ktwo246199087-c12",
            t.ra,
            t.dec,
            "timeseries",
            57739.6,
            6976080.0,
            (420.0, 900.0),
            0.01,
            "GO12046",
            "Gillon, Michael",
            target=t.key,
        )
    )
    trap = [
        ("IDFI01010", "WFC3/IR", "G141", 57540.1, 4380.0, "14500", "de Wit, Julien", 0.034, (0.0, 0.0)),
        ("IDFI02010", "WFC3/IR", "G141", 57554.6, 4380.0, "14500", "de Wit, Julien", 0.034, (0.0, 0.0)),
        ("IDKW01010", "WFC3/IR", "G141", 57983.9, 4380.0, "14873", "de Wit, Julien", 0.034, (0.0, 0.0)),
        ("IDKW02010", "WFC3/IR", "G141", 57993.4, 4380.0, "14873", "de Wit, Julien", 0.034, (0.0, 0.0)),
        ("IDWS01010", "WFC3/IR", "G141", 58381.2, 4380.0, "15304", "de Wit, Julien", 0.034, (0.0, 0.0)),
        ("ODGK01010", "STIS/CCD", "G750L", 57610.8, 2400.0, "14493", "Bourrier, Vincent", 0.0007, (0.0, 0.0)),
        ("IDFI51010", "WFC3/UVIS", "F606W", 57540.3, 600.0, "14500", "de Wit, Julien", 0.020, (0.011, 0.0)),
        (
            "ODGK02010",
            "STIS/CCD",
            "G750L",
            57611.8,
            2400.0,
            "14493",
            "Bourrier, Vincent",
            0.0003,
            (20.0 / 3600, 0.0),
        ),
        (
            "ODGK03010",
            "STIS/CCD",
            "MIRVIS",
            57611.9,
            120.0,
            "14493",
            "Bourrier, Vincent",
            0.0003,
            (0.0, 30.0 / 3600),
        ),
    ]
    bands = {
        "G141": (1075.0, 1700.0),
        "G750L": (524.0, 1027.0),
        "MIRVIS": (200.0, 1030.0),
        "F606W": (470.0, 720.0),
    }
    for obs_id, instrument, filt, mjd, exptime, prop, pi, fp, (dx, dy) in trap:
        ra, dec = _offset(t.ra, t.dec, dx, dy)
        dtype = "spectrum" if filt.startswith("G") else "image"
        obs.append(
            _other(
                new_id("OTHER"),
                "HST",
                instrument,
                filt,
                "INFRARED" if "IR" in instrument else "OPTICAL",
                "TRAPPIST-1",
                obs_id,
                ra,
                dec,
                dtype,
                mjd,
                exptime,
                bands[filt],
                fp,
                prop,
                pi,
                "The atmospheres of the TRAPPIST-1 planets",
                s3=True,
                target=t.key,
            )
        )

    # --- HAT-P-7: 2-minute light curves in six sectors (no target pixel files held), the FFIs of
    # those sectors, and its Kepler long-cadence observation (offline_archive.sky.catalogue_kepler).
    for s in HAT_P_7_CCD:
        lc = _tess_timeseries(HAT_P_7, SECTORS[s], 120, new_id("TESS"), tce=False)
        obs.append(replace(lc, products=lc.products[:1]))
    for s in HAT_P_7_CCD:
        obs.append(_tess_ffi(HAT_P_7, SECTORS[s], new_id("TESS")))
    # Kepler-10: its sector 14 light curve as a row (no files), and its Kepler rows.
    obs.append(replace(_tess_timeseries(KEPLER_10, SECTORS[14], 120, new_id("TESS"), tce=False), products=()))
    obs += catalogue_kepler.observations(new_id("OTHER"))

    # --- HST WFC3/IR F160W images of proposal 11360 (the streaming tutorial), with their own obsids.
    obs += catalogue_hst.observations()
    # --- The full-frame images of sector 1, camera 1, CCD 1 (offline_archive.sky.catalogue_ffi).
    obs.append(sector1_camera1_ccd1(new_id("TESS")))
    return tuple(obs)


def all_products() -> list[tuple[Observation, Product]]:
    """Every (observation, product) pair, each product listed once."""
    return [(o, p) for o in observations() for p in o.products]


def products_by_uri() -> dict[str, tuple[Observation, Product]]:
    """Products keyed by their MAST data URI (``mast:TESS/product/...``)."""
    return {o.data_uri(p): (o, p) for o, p in all_products()}

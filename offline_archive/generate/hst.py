"""HST WFC3/IR files of proposal 11360: drizzled images (``hst_drz``) and calibrated exposures (``hst_flt``).

The sky is the same in every file: the lenticular galaxy M85 (an elliptical de Vaucouleurs
profile) and a fixed field of compact sources (globular clusters, stars and small background
galaxies) on a flat near-infrared background.  Each file renders that sky through its own
celestial WCS (a rotated gnomonic projection), so the same source falls on the same RA and Dec
in every file.

* ``_drz.fits``: PRIMARY, SCI (float32, electrons/s, 0.128"/pixel), WHT (float32), CTX (int32)
  and HDRTAB (a table of the input exposures), with the drizzle (``D00n*``) keywords;
* ``_flt.fits``: PRIMARY, SCI (float32), ERR (float32) and DQ (int16) of one 512x512 subarray
  exposure (0.13"/pixel).

Headers follow the layout and keywords of calwf3 and AstroDrizzle products.  Noise is seeded by
a CRC-32 of the file name, so writing a file twice gives identical bytes.
"""

from __future__ import annotations

import math
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

from ..sky import catalogue_hst as hst
from ..sky.targets import Observation, Product
from .generic import mjd_to_iso

#: Image sizes (pixels) and scales (arcsec per pixel).
DRZ_SIZE = 560
FLT_SIZE = 512
DRZ_SCALE = 0.128
FLT_SCALE = 0.130
#: Dither between the two members of a visit (arcsec east, north).
DITHER_ARCSEC = (0.55, 0.38)
#: The galaxy: effective radius (arcsec), axis ratio, position angle (deg), surface brightness at
#: the effective radius (electrons/s per square arcsec in F160W).
GALAXY_RE = 28.0
GALAXY_Q = 0.72
GALAXY_PA = 12.0
GALAXY_IE = 210.0
#: Sky background (electrons/s per pixel at the flt scale), read noise (electrons), PSF FWHM (arcsec).
SKY_E_PER_S = 0.65
READ_NOISE = 20.0
PSF_FWHM = 0.151
#: F160W photometry keywords (calwf3 values).
PHOTFLAM = 1.9275e-20
PHOTPLAM = 15369.176
PHOTBW = 826.25

Cards = list[tuple[str, object, str]]


def _rng(name: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(name.encode("utf-8")))


def _param(product: Product, name: str) -> object:
    value = product.param(name)
    if value is None:
        raise ValueError(f"{product.filename}: parameter {name!r} is missing")
    return value


def _cards(header: fits.Header, cards: Cards) -> fits.Header:
    for key, value, comment in cards:
        room = 80 - len(fits.Card(key, value).image.rstrip()) - 3
        header[key] = (value, comment[: max(room, 0)])
    return header


# --------------------------------------------------------------------------------------------
# The sky
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def field_sources() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The compact sources of the field: RA (deg), Dec (deg) and count rate (electrons/s).

    Fixed for every file: seeded by the proposal, spread over 2 arcmin around M85 and more
    crowded towards the galaxy, as its globular clusters are.
    """
    rng = _rng(f"hst-{hst.PROPOSAL_ID}-field")
    n = 140
    radius = 120.0 * np.sqrt(rng.uniform(0.02, 1.0, n)) ** 1.6  # arcsec, concentrated to the centre
    angle = rng.uniform(0.0, 2.0 * np.pi, n)
    dx, dy = radius * np.cos(angle), radius * np.sin(angle)
    dec = hst.FIELD_DEC + dy / 3600.0
    ra = hst.FIELD_RA + dx / 3600.0 / math.cos(math.radians(hst.FIELD_DEC))
    magnitude = rng.uniform(19.0, 25.5, n)  # F160W (AB)
    rate = 10 ** (-0.4 * (magnitude - 25.95))  # zero point: 1 electron/s at AB 25.95
    return ra, dec, rate


def celestial_wcs(ra: float, dec: float, pa_deg: float, scale_arcsec: float, size: int) -> WCS:
    """A gnomonic WCS with (ra, dec) at the image centre and the y axis at ``pa_deg`` east of north."""
    wcs = WCS(naxis=2)
    wcs.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    wcs.wcs.crval = [ra, dec]
    wcs.wcs.crpix = [(size + 1) / 2.0, (size + 1) / 2.0]
    s = scale_arcsec / 3600.0
    theta = math.radians(pa_deg)
    wcs.wcs.cd = [[-s * math.cos(theta), s * math.sin(theta)], [s * math.sin(theta), s * math.cos(theta)]]
    wcs.wcs.cunit = ["deg", "deg"]
    return wcs


def render(wcs: WCS, size: int, scale_arcsec: float) -> np.ndarray:
    """The noiseless sky (electrons/s per pixel) seen through ``wcs`` on a ``size`` x ``size`` grid."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float64)
    ra, dec = wcs.wcs_pix2world(x, y, 0)
    cos_dec = math.cos(math.radians(hst.FIELD_DEC))
    east = (ra - hst.FIELD_RA) * cos_dec * 3600.0
    north = (dec - hst.FIELD_DEC) * 3600.0
    pa = math.radians(GALAXY_PA)
    major = north * math.cos(pa) + east * math.sin(pa)
    minor = -north * math.sin(pa) + east * math.cos(pa)
    r = np.sqrt(major**2 + (minor / GALAXY_Q) ** 2 + 0.05**2)
    pixel_area = scale_arcsec**2
    image = GALAXY_IE * pixel_area * np.exp(-7.669 * ((r / GALAXY_RE) ** 0.25 - 1.0))
    image += SKY_E_PER_S * (scale_arcsec / FLT_SCALE) ** 2
    sigma = PSF_FWHM / 2.3548 / scale_arcsec
    sx, sy = wcs.wcs_world2pix(*field_sources()[:2], 0)
    half = math.ceil(5 * sigma)
    for px, py, rate in zip(sx, sy, field_sources()[2], strict=True):
        ix, iy = round(px), round(py)
        if not (-half <= ix < size + half and -half <= iy < size + half):
            continue
        x0, x1, y0, y1 = (
            max(ix - half, 0),
            min(ix + half + 1, size),
            max(iy - half, 0),
            min(iy + half + 1, size),
        )
        if x0 >= x1 or y0 >= y1:
            continue
        gx = np.exp(-0.5 * ((np.arange(x0, x1) - px) / sigma) ** 2)
        gy = np.exp(-0.5 * ((np.arange(y0, y1) - py) / sigma) ** 2)
        image[y0:y1, x0:x1] += rate * np.outer(gy, gx) / (2 * np.pi * sigma**2)
    return image


# --------------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------------


def _primary_cards(
    observation: Observation, product: Product, rootname: str, filetype: str, mjd: float, exptime: float
) -> Cards:
    ra, dec = float(_param(product, "ra")), float(_param(product, "dec"))
    start = mjd_to_iso(mjd)
    return [
        ("NEXTEND", 0, "Number of standard extensions"),
        ("DATE", mjd_to_iso(mjd + 2.0)[:10], "date this file was written (yyyy-mm-dd)"),
        ("FILENAME", product.filename, "name of file"),
        ("FILETYPE", filetype, "type of data found in data file"),
        ("TELESCOP", "HST", "telescope used to acquire data"),
        ("INSTRUME", "WFC3", "identifier for instrument used to acquire data"),
        ("EQUINOX", 2000.0, "equinox of celestial coord. system"),
        ("ORIGIN", "offline_archive", "simulated data: not a real observation"),
        ("ROOTNAME", rootname, "rootname of the observation set"),
        ("IMAGETYP", "EXT", "type of exposure identifier"),
        ("PRIMESI", "WFC3", "instrument designated as prime"),
        ("TARGNAME", observation.target_name, "proposer's target name"),
        ("RA_TARG", ra, "right ascension of the target (deg) (J2000)"),
        ("DEC_TARG", dec, "declination of the target (deg) (J2000)"),
        ("PROPOSID", int(observation.proposal_id), "PEP proposal identifier"),
        ("LINENUM", f"{rootname[4:6]}.001", "proposal logsheet line number"),
        ("PR_INV_L", "Archive", "last name of principal investigator"),
        ("PR_INV_F", "Offline", "first name of principal investigator"),
        ("DATE-OBS", start[:10], "UT date of start of observation (yyyy-mm-dd)"),
        ("TIME-OBS", start[11:19], "UT time of start of observation (hh:mm:ss)"),
        ("EXPSTART", mjd, "exposure start time (Modified Julian Date)"),
        ("EXPEND", round(mjd + exptime / 86400.0, 8), "exposure end time (Modified Julian Date)"),
        ("EXPTIME", exptime, "exposure duration (seconds)--calculated"),
        ("TEXPTIME", exptime, "total exposure time (seconds)"),
        ("EXPFLAG", "NORMAL", "Exposure interruption indicator"),
        ("QUALCOM1", "", ""),
        ("QUALITY", "", "data quality summary"),
        ("OBSTYPE", "IMAGING", "observation type - imaging or spectroscopic"),
        ("OBSMODE", "MULTIACCUM", "operating mode"),
        ("SCLAMP", "NONE", "lamp status, NONE or name of lamp which is on"),
        ("NRPTEXP", 1, "number of repeat exposures in set: default 1"),
        ("SUBARRAY", True, "data from a subarray (T) or full frame (F)"),
        ("SUBTYPE", "SQ512SUB", "Size/type of IR subarray"),
        ("DETECTOR", "IR", "detector in use: UVIS or IR"),
        ("FILTER", hst.FILTER, "element selected from filter wheel"),
        ("APERTURE", "IRSUB512", "aperture name"),
        ("PROPAPER", "", "proposed aperture name"),
        ("DIRIMAGE", "NONE", "direct image for grism or prism exposure"),
        ("NSAMP", 11, "number of MULTIACCUM samples"),
        ("SAMP_SEQ", "SPARS25", "MULTIACCUM exposure time sequence name"),
        ("SAMPZERO", 0.911563, "sample time of the zeroth read (sec)"),
        ("PHOTMODE", "WFC3 IR F160W", "observation con"),
        ("PHOTFLAM", PHOTFLAM, "inverse sensitivity, ergs/cm2/A/e-"),
        ("PHOTFNU", 1.5187e-07, "inverse sensitivity, Jy*sec/e-"),
        ("PHOTZPT", -21.1, "ST magnitude zero point"),
        ("PHOTPLAM", PHOTPLAM, "Pivot wavelength (Angstroms)"),
        ("PHOTBW", PHOTBW, "RMS bandwidth of filter plus detector"),
        ("ASN_ID", str(_param(product, "asn_id")).upper(), "unique identifier assigned to association"),
        ("ASN_TAB", f"{_param(product, 'asn_id')}_asn.fits", "name of the association table"),
        ("CAL_VER", "2.0 (13-Aug-2009)", "CALWF3 code version"),
        ("BPIXTAB", "iref$t2c1551hi_bpx.fits", "bad pixel table"),
        ("CCDTAB", "iref$t2c16200i_ccd.fits", "detector calibration parameters"),
        ("DARKFILE", "iref$t4a1520ri_drk.fits", "dark image file name"),
        ("PFLTFILE", "iref$uc721145i_pfl.fits", "pixel to pixel flat field file name"),
        ("IDCTAB", "iref$w3m18525i_idc.fits", "image distortion correction table"),
    ]


def _science_cards(wcs: WCS, product: Product, bunit: str) -> Cards:
    header = wcs.to_header()
    cards: Cards = [("INHERIT", True, "inherit the primary header"), ("BUNIT", bunit, "brightness units")]
    cards.append(("WCSAXES", 2, "number of World Coordinate System axes"))
    for key in ("CRPIX1", "CRPIX2", "CRVAL1", "CRVAL2", "CTYPE1", "CTYPE2"):
        cards.append((key, header[key], header.comments[key]))
    for i in (1, 2):
        for j in (1, 2):
            cards.append(
                (f"CD{i}_{j}", float(wcs.wcs.cd[i - 1, j - 1]), "partial of axis coordinate w.r.t. pixel")
            )
    cards += [
        ("ORIENTAT", float(_param(product, "pa")), "position angle of image y axis (deg. e of n)"),
        ("RA_APER", float(_param(product, "ra")), "RA of aperture reference position"),
        ("DEC_APER", float(_param(product, "dec")), "Declination of aperture reference position"),
        ("PA_APER", float(_param(product, "pa")), "Position Angle of reference aperture center (de"),
        ("VAFACTOR", 1.000045, "velocity aberration plate scale factor"),
        ("RADESYS", "ICRS", "frame of the celestial coordinates"),
        ("PHOTFLAM", PHOTFLAM, "inverse sensitivity, ergs/cm2/A/e-"),
        ("PHOTPLAM", PHOTPLAM, "Pivot wavelength (Angstroms)"),
    ]
    return cards


def _image_hdu(data: np.ndarray, name: str, cards: Cards) -> fits.ImageHDU:
    hdu = fits.ImageHDU(data, name=name)
    hdu.header["EXTVER"] = (1, "extension version number")
    _cards(hdu.header, cards)
    return hdu


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------


def _member_wcs(product: Product, index: int) -> WCS:
    ra, dec, pa = (float(_param(product, k)) for k in ("ra", "dec", "pa"))
    ddx, ddy = (index * d / 3600.0 for d in DITHER_ARCSEC)
    return celestial_wcs(ra + ddx / math.cos(math.radians(dec)), dec + ddy, pa, FLT_SCALE, FLT_SIZE)


def write_flt(observation: Observation, product: Product, path: Path) -> None:
    """Write one calibrated 512x512 subarray exposure: PRIMARY, SCI, ERR and DQ.

    Parameters
    ----------
    observation : Observation
        The visit the exposure belongs to.
    product : Product
        Params ra, dec, pa, mjd, exptime, asn_id, members and member (this exposure's rootname).
    path : pathlib.Path
        The file to write.
    """
    member = str(_param(product, "member"))
    index = str(_param(product, "members")).split(",").index(member)
    exptime = float(_param(product, "exptime"))
    mjd = float(_param(product, "mjd"))
    rng = _rng(product.filename)
    wcs = _member_wcs(product, index)
    signal = render(wcs, FLT_SIZE, FLT_SCALE)
    variance = signal * exptime + READ_NOISE**2
    science = signal + np.sqrt(variance) / exptime * rng.standard_normal(signal.shape)
    error = np.sqrt(variance) / exptime
    dq = np.zeros(signal.shape, dtype=np.int16)
    bad = rng.integers(0, FLT_SIZE, (2, 600))
    dq[bad[0, :400], bad[1, :400]] = 16  # hot pixels
    dq[bad[0, 400:], bad[1, 400:]] = 8192  # cosmic rays found by up-the-ramp fitting

    primary = fits.PrimaryHDU()
    _cards(primary.header, _primary_cards(observation, product, member, "SCI", mjd, exptime))
    primary.header["NEXTEND"] = 3
    _cards(
        primary.header,
        [
            (f"{step}CORR", "COMPLETE", "calibration switch")
            for step in ("DQI", "ZSIG", "BLEV", "ZOFF", "NLIN", "DARK", "PHOT", "UNIT", "CR", "FLAT")
        ],
    )
    science_cards = _science_cards(wcs, product, "ELECTRONS/S")
    hdus = [
        primary,
        _image_hdu(
            science.astype(np.float32),
            "SCI",
            science_cards
            + [
                ("SAMPTIME", exptime, "total integration time (sec)"),
                ("MDRIZSKY", SKY_E_PER_S, "Sky value computed by AstroDrizzle"),
            ],
        ),
        _image_hdu(error.astype(np.float32), "ERR", science_cards),
        _image_hdu(dq, "DQ", [("INHERIT", True, "inherit the primary header")]),
    ]
    fits.HDUList(hdus).writeto(path, overwrite=True)


def _drizzle_cards(product: Product) -> Cards:
    """The AstroDrizzle history keywords: one block per input exposure."""
    cards: Cards = [("NDRIZIM", 2, "Drizzle, No. images drizzled onto output")]
    for n, member in enumerate(str(_param(product, "members")).split(","), start=1):
        d = f"D{n:03d}"
        cards += [
            (f"{d}VER", "WCSLIB Version 7.7", "Drizzle, task version"),
            (f"{d}GEOM", "User parameters", "Drizzle, source of geometric information"),
            (f"{d}DATA", f"{member}_flt.fits[sci,1]", "Drizzle, input data image"),
            (f"{d}DEXP", float(_param(product, "exptime")), "Drizzle, input image exposure time (s)"),
            (f"{d}OUDA", f"{_param(product, 'asn_id')}_drz_sci.fits", "Drizzle, output data image"),
            (f"{d}OUWE", f"{_param(product, 'asn_id')}_drz_wht.fits", "Drizzle, output weighting image"),
            (f"{d}OUCO", f"{_param(product, 'asn_id')}_drz_ctx.fits", "Drizzle, output context image"),
            (f"{d}MASK", f"{member}_sci1_final_mask.fits", "Drizzle, input weighting image"),
            (f"{d}WTSC", 1.0, "Drizzle, weighting factor for input image"),
            (f"{d}KERN", "square", "Drizzle, form of weight distribution kernel"),
            (f"{d}PIXF", 1.0, "Drizzle, linear size of drop"),
            (f"{d}COEF", "SIP", "Drizzle, source of coefficients"),
            (f"{d}XGIM", "", "Drizzle, X distortion image name"),
            (f"{d}YGIM", "", "Drizzle, Y distortion image name"),
            (f"{d}LAM", PHOTPLAM, "Drizzle, wavelength applied for transformation (A)"),
            (f"{d}EXKY", "EXPTIME", "Drizzle, exposure keyword name in input image"),
            (f"{d}OUUN", "cps", "Drizzle, units of output image - counts or cps"),
            (f"{d}FVAL", "INDEF", "Drizzle, fill value for zero weight output pix"),
            (f"{d}WKEY", "", "Input image WCS Version used"),
            (f"{d}SCAL", DRZ_SCALE, "Drizzle, pixel size (arcsec) of output image"),
            (f"{d}ISCL", FLT_SCALE, "Drizzle, default IDCTAB pixel size(arcsec)"),
        ]
    return cards


def write_drz(observation: Observation, product: Product, path: Path) -> None:
    """Write a drizzled association product: PRIMARY, SCI, WHT, CTX and HDRTAB.

    Parameters
    ----------
    observation : Observation
        The visit.
    product : Product
        Params ra, dec, pa, mjd, exptime (per member), asn_id and members.
    path : pathlib.Path
        The file to write.
    """
    members = str(_param(product, "members")).split(",")
    exptime = float(_param(product, "exptime"))
    total = exptime * len(members)
    mjd = float(_param(product, "mjd"))
    ra, dec, pa = (float(_param(product, k)) for k in ("ra", "dec", "pa"))
    rng = _rng(product.filename)
    wcs = celestial_wcs(ra, dec, pa, DRZ_SCALE, DRZ_SIZE)
    signal = render(wcs, DRZ_SIZE, DRZ_SCALE)
    # Where both exposures overlap the weight is the total time; along the dithered edges, one.
    weight = np.full(signal.shape, total, dtype=np.float32)
    context = np.full(signal.shape, 3, dtype=np.int32)
    edge = 30
    weight[:edge, :], weight[:, :edge] = exptime, exptime
    context[:edge, :], context[:, :edge] = 1, 1
    weight[-edge:, :], weight[:, -edge:] = exptime, exptime
    context[-edge:, :], context[:, -edge:] = 2, 2
    noise = np.sqrt(signal * weight + READ_NOISE**2 * (weight / exptime)) / weight
    science = signal + noise * rng.standard_normal(signal.shape)

    rootname = str(_param(product, "asn_id"))
    primary = fits.PrimaryHDU()
    _cards(primary.header, _primary_cards(observation, product, rootname, "SCI", mjd, total))
    primary.header["NEXTEND"] = 4
    _cards(primary.header, _drizzle_cards(product))
    science_cards = _science_cards(wcs, product, "ELECTRONS/S")
    table = fits.BinTableHDU.from_columns(
        [
            fits.Column("ROOTNAME", "9A", array=np.array(members)),
            fits.Column(
                "EXPSTART", "D", array=[mjd + n * hst.MEMBER_SPACING_DAYS for n in range(len(members))]
            ),
            fits.Column("EXPTIME", "D", array=[exptime] * len(members)),
            fits.Column("FILTER", "5A", array=[hst.FILTER] * len(members)),
            fits.Column("APERTURE", "8A", array=["IRSUB512"] * len(members)),
        ],
        name="HDRTAB",
    )
    hdus = [
        primary,
        _image_hdu(science.astype(np.float32), "SCI", science_cards),
        _image_hdu(weight, "WHT", science_cards[:1] + science_cards[2:]),
        _image_hdu(context, "CTX", science_cards[:1] + science_cards[2:]),
        table,
    ]
    fits.HDUList(hdus).writeto(path, overwrite=True)

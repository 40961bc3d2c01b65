"""Roman's simulated data where STScI's Roman tutorials read them in 2026, and IRSA's OpenUniverse images.

These files are not MAST products (no data URI, no observation): they are objects of two public
buckets, listed here as :class:`BucketObject` and written by :mod:`offline_archive.generate.roman`.
Anonymous clients read them all (``s3fs.S3FileSystem(anon=True)``), as they read the real ones.

* MAST's open-data bucket ``stpubdata`` (:data:`MAST_BUCKET`), under ``roman/nexus/soc_simulations/``:

  - ``tutorial_data/roman-2026.2/`` (:data:`TUTORIAL_PREFIX`), the files of the tutorials: Level 2
    calibrated images (``_cal.asdf``) of one F106 visit, ``r0003201001001001004``, in several
    exposures (``_0001`` to ``_0004``, a four-point dither) and detectors (``wfi01``, ``wfi02``,
    ``wfi11``); the Level 1 ramp (``_uncal.asdf``) of exposure 1 on WFI01; the Level 3 mosaic of
    WFI11's four exposures, under the generic name the real folder gives it
    (``my_roman_mosaic_coadd.asdf``); and the input catalogue the images were drawn from
    (``full_catalog.ecsv``, Roman I-Sim's format).
  - ``r00342/l4/`` (:data:`HLWAS_L4_PREFIX`), Level 4 products of the simulated High-Latitude
    Wide-Area Survey: the source catalogue of one exposure (``l2_source_catalog/..._cat.parquet``)
    and its segmentation map (``l2_segmentation_map/..._segm.asdf``).

* IRSA's ``nasa-irsa-simulations`` (:data:`IRSA_BUCKET`): OpenUniverse 2024 preview images of the
  Wide Area Survey as IRSA distributes them, gzipped FITS.

Where each name comes from (STScI's ``spacetelescope/roman_notebooks``) is kept, fact by fact, in
``tests/fidelity/test_roman_tutorial_data.py``.

The files are small stand-ins with the real structure: a Level 2 image is :data:`SIZE` x
:data:`SIZE` pixels instead of 4088 x 4088, a Level 1 ramp has the same 4-pixel border of
reference pixels around it (:data:`L1_SIZE`, instead of 4096), at the real pixel scale.  The
detectors' places in the focal plane are made up, and the dither steps are the real pattern's
scaled to the smaller detectors (:data:`DITHER_STEPS_REAL`, :data:`DITHER_SCALE`).
"""

from __future__ import annotations

from dataclasses import dataclass

MAST_BUCKET = "stpubdata"
IRSA_BUCKET = "nasa-irsa-simulations"
#: Where the Roman tutorials of 2026 find their files.
TUTORIAL_PREFIX = "roman/nexus/soc_simulations/tutorial_data/roman-2026.2"
#: Level 4 products of the simulated HLWAS (program 342).
HLWAS_L4_PREFIX = "roman/nexus/soc_simulations/r00342/l4"
#: Where IRSA keeps the OpenUniverse 2024 preview images of the Wide Area Survey.
IRSA_WAS_PREFIX = "openuniverse2024/roman/preview/RomanWAS/images/simple_model"

#: Image side (pixels) of a Level 2 stand-in, its Level 1 side (with 4 reference pixels on each
#: edge, as a real 4096-pixel ramp has around its 4088 science pixels), and the WFI pixel scale.
SIZE = 512
REFERENCE_BORDER = 4
L1_SIZE = SIZE + 2 * REFERENCE_BORDER
PIXEL_SCALE = 0.11  # arcsec
#: The real detectors' science side, and how much smaller the stand-ins are.
REAL_SIZE = 4088
DITHER_SCALE = SIZE / REAL_SIZE

#: The tutorial visit: its file root, optical element, pointing (deg, near NGC 6535) and roll.
VISIT = "r0003201001001001004"
BAND = "F106"
TUTORIAL_FIELD = (270.94, -0.2)
ROLL = 0.0
#: The real four-point dither: each step's (x, y) offset in arcsec from the previous position.
DITHER_STEPS_REAL = ((0.0, 0.0), (0.55, 200.55), (200.55, 0.55), (0.55, -200.55))
#: Where each stand-in detector's centre sits, in arcsec (x, y) from the pointing (made up).
DETECTOR_OFFSETS = {1: (-35.0, -32.0), 2: (-35.0, 32.0), 11: (40.0, 0.0)}
#: The Level 2 images kept: (exposure, detector).
CAL_EXPOSURES = ((1, 1), (2, 1), (1, 2), (1, 11), (2, 11), (3, 11), (4, 11))
UNCAL_EXPOSURES = ((1, 1),)
MOSAIC_DETECTOR = 11
MOSAIC_NAME = "my_roman_mosaic_coadd.asdf"
CATALOG_NAME = "full_catalog.ecsv"
#: The bands of the input catalogue (Roman I-Sim's full set of imaging filters).
CATALOG_BANDS = ("F062", "F087", "F106", "F129", "F146", "F158", "F184", "F213")

#: The HLWAS exposure whose Level 4 products are kept, its band and (stand-in) sky position.
HLWAS_EXPOSURE = "r0034201008001002018_0003_wfi01_f129"
HLWAS_BAND = "F129"
HLWAS_FIELD = (8.1, -43.7)

#: The OpenUniverse HEALPix cell and band of the files here, and the detectors (SCAs) kept.
OU_BAND = "F184"
OU_HEALPIX = "15297"
OU_SENSORS = (10, 11)
OU_FIELD = (9.7215, -44.1062)


@dataclass(frozen=True)
class BucketObject:
    """One object of a bucket that is not a MAST product.

    Attributes
    ----------
    bucket, key : str
        Where the object lives.
    kind : str
        What :func:`offline_archive.generate.roman.write_object` writes.
    params : tuple of (str, object)
        Inputs of the writer.
    """

    bucket: str
    key: str
    kind: str
    params: tuple[tuple[str, object], ...] = ()

    def param(self, name: str, default: object = None) -> object:
        return dict(self.params).get(name, default)

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def _mast(key: str, kind: str, **params: object) -> BucketObject:
    return BucketObject(MAST_BUCKET, key, kind, params=tuple(sorted(params.items())))


def exposure_name(exposure: int, detector: int, suffix: str, band: str = BAND) -> str:
    """The file name of one exposure of the tutorial visit, e.g. ``..._0001_wfi01_f106_cal.asdf``."""
    return f"{VISIT}_{exposure:04d}_wfi{detector:02d}_{band.lower()}_{suffix}.asdf"


def tutorial_key(name: str) -> str:
    """The key of a file of the tutorial folder."""
    return f"{TUTORIAL_PREFIX}/{name}"


def dither_position(exposure: int) -> tuple[float, float]:
    """Where the pointing of an exposure sits (arcsec, x and y) relative to exposure 1's, scaled.

    The real steps are cumulative (each from the previous position); the stand-in moves by the
    same fraction of its detector as the real pattern moves across a real one.
    """
    x = sum(step[0] for step in DITHER_STEPS_REAL[:exposure]) * DITHER_SCALE
    y = sum(step[1] for step in DITHER_STEPS_REAL[:exposure]) * DITHER_SCALE
    return x, y


def ou_fits_key(sensor: int, band: str = OU_BAND, healpix: str = OU_HEALPIX) -> str:
    """Key of an OpenUniverse image in IRSA's bucket."""
    return f"{IRSA_WAS_PREFIX}/{band}/{healpix}/Roman_WAS_simple_model_{band}_{healpix}_{sensor}.fits.gz"


def objects() -> tuple[BucketObject, ...]:
    """Every object of the Roman buckets, in a fixed order."""
    found: list[BucketObject] = [_mast(tutorial_key(CATALOG_NAME), "tutorial_catalog")]
    for exposure, detector in CAL_EXPOSURES:
        found.append(
            _mast(
                tutorial_key(exposure_name(exposure, detector, "cal")),
                "tutorial_cal",
                exposure=exposure,
                detector=detector,
            )
        )
    for exposure, detector in UNCAL_EXPOSURES:
        found.append(
            _mast(
                tutorial_key(exposure_name(exposure, detector, "uncal")),
                "tutorial_uncal",
                exposure=exposure,
                detector=detector,
            )
        )
    found.append(_mast(tutorial_key(MOSAIC_NAME), "tutorial_coadd", detector=MOSAIC_DETECTOR))
    found.append(
        _mast(f"{HLWAS_L4_PREFIX}/l2_source_catalog/{HLWAS_EXPOSURE}_cat.parquet", "hlwas_source_catalog")
    )
    found.append(
        _mast(f"{HLWAS_L4_PREFIX}/l2_segmentation_map/{HLWAS_EXPOSURE}_segm.asdf", "hlwas_segmentation_map")
    )
    for n, sensor in enumerate(OU_SENSORS):
        found.append(
            BucketObject(
                IRSA_BUCKET,
                ou_fits_key(sensor),
                "openuniverse_fits",
                params=(("ddec", 0.03 * n), ("sensor", sensor)),
            )
        )
    return tuple(found)

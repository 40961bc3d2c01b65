"""The Roman simulation buckets: the science platform's test bucket and IRSA's OpenUniverse bucket.

These files are not MAST products (no data URI, no observation): they are objects in two
buckets, listed here as :class:`BucketObject` and written by :mod:`offline_archive.generate.roman`.

* ``roman-sci-test-data-prod-summer-beta-test`` (:data:`PLATFORM_BUCKET`) is private, as on the
  Roman Research Nexus: it answers only requests signed with the platform's credentials, which the
  archive's environment provides (see :mod:`offline_archive.serve`).  It holds Roman I-Sim images
  (``ROMANISIM/DENSE_REGION``, ``ROMANISIM/GALAXIES``) with the input catalogues they were drawn from
  (``ROMANISIM/CATALOGS_SCRIPTS``), a STIPS image (``STIPS/``) and OpenUniverse images converted to
  ASDF with their WCS and source catalogues (``OPEN_UNIVERSE/WAS/simple_model``).
* ``nasa-irsa-simulations`` (:data:`IRSA_BUCKET`) is public and holds the OpenUniverse images as
  IRSA distributes them, gzipped FITS: the same pixels and sky as their ASDF twins.

Every ASDF image is a Roman ``ImageModel`` (Level 2 calibrated image) of 512x512 pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

PLATFORM_BUCKET = "roman-sci-test-data-prod-summer-beta-test"
IRSA_BUCKET = "nasa-irsa-simulations"
#: Where IRSA keeps the OpenUniverse 2024 preview images of the Wide Area Survey.
IRSA_WAS_PREFIX = "openuniverse2024/roman/preview/RomanWAS/images/simple_model"
OU_PREFIX = "OPEN_UNIVERSE/WAS/simple_model"
DENSE_PREFIX = "ROMANISIM/DENSE_REGION/R0.5_DP0.5_PA0"

#: Image side (pixels) and WFI pixel scale (arcsec).
SIZE = 512
PIXEL_SCALE = 0.11

#: Sky fields: (RA, Dec) in degrees of the centre of each simulated field.
DENSE_FIELD = (269.8125, -29.3867)
GALAXY_FIELD = (53.1625, -27.7914)
STIPS_FIELD = (10.6847, 41.2690)
OU_FIELD = (9.7215, -44.1062)
#: The OpenUniverse HEALPix cell and band of the files here, and the detectors (SCAs) kept.
OU_BAND = "F184"
OU_HEALPIX = "15297"
OU_SENSORS = (10, 11)


@dataclass(frozen=True)
class BucketObject:
    """One object of a bucket that is not a MAST product.

    Attributes
    ----------
    bucket, key : str
        Where the object lives.
    kind : str
        What :func:`offline_archive.generate.roman.write_object` writes.
    public : bool
        Whether anonymous clients may read it (False: only signed requests).
    params : tuple of (str, object)
        Inputs of the writer.
    """

    bucket: str
    key: str
    kind: str
    public: bool
    params: tuple[tuple[str, object], ...] = ()

    def param(self, name: str, default: object = None) -> object:
        return dict(self.params).get(name, default)

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def _platform(key: str, kind: str, **params: object) -> BucketObject:
    return BucketObject(PLATFORM_BUCKET, key, kind, public=False, params=tuple(sorted(params.items())))


def ou_fits_key(sensor: int, band: str = OU_BAND, healpix: str = OU_HEALPIX) -> str:
    """Key of an OpenUniverse image in IRSA's bucket."""
    return f"{IRSA_WAS_PREFIX}/{band}/{healpix}/Roman_WAS_simple_model_{band}_{healpix}_{sensor}.fits.gz"


def ou_asdf_key(sensor: int, band: str = OU_BAND, healpix: str = OU_HEALPIX) -> str:
    """Key of the ASDF twin of an OpenUniverse image in the platform's bucket."""
    return f"{OU_PREFIX}/{band}/{healpix}/roman_was_{band}_{healpix}_wfi{sensor:02d}_simple.asdf"


def objects() -> tuple[BucketObject, ...]:
    """Every object of the Roman buckets, in a fixed order."""
    dense = "dense_region_stars.ecsv"
    galaxies = "galaxy_field.ecsv"
    found: list[BucketObject] = [
        _platform(f"ROMANISIM/CATALOGS_SCRIPTS/{dense}", "romanisim_catalog", field="dense"),
        _platform(f"ROMANISIM/CATALOGS_SCRIPTS/{galaxies}", "romanisim_catalog", field="galaxies"),
        _platform("ROMANISIM/CATALOGS_SCRIPTS/README.txt", "romanisim_readme"),
    ]
    # Dense stellar field: F158 (activity ...001) on two detectors, F129 (...002) on one.
    for activity, band, detector, offset in (
        ("001", "F158", 1, (0.0, 0.0)),
        ("001", "F158", 2, (0.0, 0.125)),
        ("002", "F129", 1, (0.0, 0.0)),
    ):
        name = f"r0000101001001001{activity}_01101_0001_WFI{detector:02d}_cal.asdf"
        found.append(
            _platform(
                f"{DENSE_PREFIX}/{name}",
                "romanisim_cal",
                field="dense",
                band=band,
                detector=detector,
                dra=offset[0],
                ddec=offset[1],
                catalog=dense,
            )
        )
    found.append(
        _platform(
            "ROMANISIM/GALAXIES/r0003201001001001004_01101_0001_WFI01_cal.asdf",
            "romanisim_cal",
            field="galaxies",
            band="F158",
            detector=1,
            dra=0.0,
            ddec=0.0,
            catalog=galaxies,
        )
    )
    found.append(
        _platform(
            "STIPS/stips_m31_disk_F158_WFI01.asdf", "stips_image", field="stips", band="F158", detector=1
        )
    )
    for n, sensor in enumerate(OU_SENSORS):
        ddec = 0.03 * n
        found.append(_platform(ou_asdf_key(sensor), "openuniverse_asdf", sensor=sensor, ddec=ddec))
        found.append(
            BucketObject(
                IRSA_BUCKET,
                ou_fits_key(sensor),
                "openuniverse_fits",
                public=True,
                params=(("ddec", ddec), ("sensor", sensor)),
            )
        )
    return tuple(found)

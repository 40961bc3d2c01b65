"""Writers of the offline archive's files: one per product kind, dispatched by :func:`write_product`.

Kinds and their writers:

* ``tess_lc``, ``tess_tp``, ``tess_dvt``: :mod:`.tess` (SPOC light curves, target pixel files and
  DV time series that lightkurve and astropy read like the real ones);
* ``tess_dvr_pdf``, ``tess_dvm_pdf``, ``tess_dvs_pdf``, ``tess_dvr_xml``: :mod:`.documents`;
* ``generic_image``, ``generic_spectrum``: :mod:`.generic`;
* ``tess_ffi_cube``: :mod:`.ffi` (full-frame images of a window around a target, stacked into the
  data cube TESScut cuts from);
* ``hst_drz``, ``hst_flt``: :mod:`.hst` (WFC3/IR drizzled images and calibrated exposures);
* ``tess_ffic``: :mod:`.ffi_sector` (the calibrated full-frame images of a whole sector);
* ``kepler_llc``: :mod:`.kepler` (Kepler long-cadence light curves).

Files that are not MAST products (the Roman buckets) are written by :mod:`.roman`.

Every writer is deterministic: the same observation and product give byte-identical files.
The writers read only the archive's definitions (:mod:`offline_archive.sky`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from ..sky.targets import Observation, Product

#: Stamped on the built data; bump it whenever any writer's output changes.
GENERATOR_VERSION = "9"

MAY_IMPORT: tuple[str, ...] = ("sky",)

Writer = Callable[[Observation, Product, Path], None]

#: The writer of each product kind, as (module of this package, function).  Modules are imported
#: on first use, so that ``offline_archive.generate.tess`` loads without matplotlib.
WRITERS: dict[str, tuple[str, str]] = {
    "tess_lc": ("tess", "write_lc"),
    "tess_tp": ("tess", "write_tp"),
    "tess_dvt": ("tess", "write_dvt"),
    "tess_dvr_pdf": ("documents", "write_dvr_pdf"),
    "tess_dvm_pdf": ("documents", "write_dvm_pdf"),
    "tess_dvs_pdf": ("documents", "write_dvs_pdf"),
    "tess_dvr_xml": ("documents", "write_dvr_xml"),
    "generic_image": ("generic", "write_image"),
    "generic_spectrum": ("generic", "write_spectrum"),
    "hst_drz": ("hst", "write_drz"),
    "hst_flt": ("hst", "write_flt"),
    "tess_ffi_cube": ("ffi", "write_cube"),
    "tess_ffic": ("ffi_sector", "write_ffic"),
    "kepler_llc": ("kepler", "write_llc"),
}


#: Kinds whose files take seconds rather than milliseconds to write.  The build starts them
#: first, so that they run alongside the many small files instead of after them.
SLOW_KINDS: frozenset[str] = frozenset({"tess_ffi_cube"})


def writer_for(kind: str) -> Writer:
    """The function that writes products of a kind.

    Raises
    ------
    ValueError
        If no writer knows the kind.
    """
    if kind not in WRITERS:
        raise ValueError(f"unknown product kind {kind!r}; known kinds: {', '.join(sorted(WRITERS))}")
    module, name = WRITERS[kind]
    writer: Writer = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    return writer


def write_product(observation: Observation, product: Product, path: Path) -> None:
    """Write one product's file.

    Parameters
    ----------
    observation : Observation
        The observation the product belongs to.
    product : Product
        The product; its ``kind`` chooses the writer and its ``params`` feed it.
    path : pathlib.Path
        The file to write (overwritten if present); its directory must exist.

    Raises
    ------
    ValueError
        If no writer knows ``product.kind``.
    """
    try:
        writer = writer_for(product.kind)
    except ValueError as error:
        raise ValueError(f"{product.filename}: {error}") from None
    writer(observation, product, Path(path))


__all__ = ["GENERATOR_VERSION", "SLOW_KINDS", "WRITERS", "write_product", "writer_for"]

"""The data-validation time series of a TCE, read from its ``dvt.fits`` file in MAST's cloud copy.

ExoMAST's ``table`` request once gave the whole DV time series of a TCE; since 2024 it answers
with the folded light curve only (``PHASE``, ``LC_DETREND``, ``MODEL_INIT``), without the times.
The times, and every other column, are in the DV run's ``dvt.fits`` file: one ``TCE_n`` table per
TCE, then a ``Statistics`` table.  The functions here find that file with ``astroquery`` (the DV
products of a single-sector search belong to the sector's light-curve observation, those of a
multi-sector search to an observation of their own) and read one TCE's table from the cloud.
"""

from __future__ import annotations

import warnings

import numpy as np
from astropy.table import MaskedColumn, Table
from astroquery.exceptions import NoResultsWarning
from astroquery.mast import Observations

from .cloud import open_fits
from .errors import MissingFileError, NoObservationsError, UnknownTceError
from .exomast import split_tce, tic_number
from .files import check_cloud_uris

__all__ = ["dvt_cloud_uri", "read_dv_timeseries"]


def dvt_cloud_uri(tic: int | str, tce: str) -> str:
    """The ``s3://`` URI of the ``dvt.fits`` file that holds a TCE.

    Parameters
    ----------
    tic : int or str
        The star's TIC number.
    tce : str
        The TCE as ExoMAST's ``tces`` request names it, e.g. ``"s0001-s0001:TCE_1"``.

    Returns
    -------
    str
        For example ``s3://stpubdata/tess/public/tid/s0001/.../tess2018206190142-s0001-s0001-..._dvt.fits``.

    Raises
    ------
    UnknownTceError
        ``tce`` is not written as ExoMAST names TCEs.
    NoObservationsError
        MAST has no TESS time series of the star.
    MissingFileError
        None of its products is the ``dvt.fits`` file of the TCE's sectors.
    """
    sectors, _ = split_tce(tce)
    number = tic_number(tic)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoResultsWarning)  # an empty answer is reported below
        observations = Observations.query_criteria(
            obs_collection="TESS", target_name=str(number), dataproduct_type="timeseries"
        )
    if observations is None or len(observations) == 0:
        raise NoObservationsError(f"MAST has no TESS time series of TIC {number}.")
    products = Observations.get_product_list(observations)
    names = [str(name) for name in products["productFilename"]]
    wanted = [i for i, name in enumerate(names) if f"-{sectors}-" in name and name.endswith("_dvt.fits")]
    if not wanted:
        raise MissingFileError(
            f"No dvt.fits file of sectors {sectors} among the {len(names)} products of TIC {number}.",
            "Check the TCE name with helpers.exomast.list_tces: its first part is the sector range.",
        )
    Observations.enable_cloud_dataset()
    return check_cloud_uris(Observations.get_cloud_uris(products[wanted[:1]]), expected=1)[0]


def read_dv_timeseries(uri: str, tce: str, *, anon: bool = True) -> Table:
    """One TCE's table of a ``dvt.fits`` file in the cloud, as an astropy Table.

    Parameters
    ----------
    uri : str
        The file's ``s3://`` URI (see :func:`dvt_cloud_uri`).
    tce : str
        ``"s0001-s0001:TCE_1"`` or ``"TCE_1"``: the extension read is ``TCE_1``.
    anon : bool, optional
        Read anonymously (the default, for MAST's public bucket).

    Returns
    -------
    astropy.table.Table
        ``TIME`` (BTJD), ``TIMECORR``, ``CADENCENO``, ``PHASE``, ``LC_INIT``, ``LC_INIT_ERR``,
        ``LC_WHITE``, ``LC_DETREND``, ``MODEL_INIT``, ``MODEL_WHITE`` with their units; cadences
        without data (NaN in the file) are masked.  ``meta`` holds the extension's header cards.

    Raises
    ------
    UnknownTceError
        The file has no table for that TCE.
    """
    extension = tce.rsplit(":", 1)[-1]
    with open_fits(uri, anon=anon) as hdul:
        names = [hdu.name for hdu in hdul]
        if extension not in names:
            raise UnknownTceError(
                f"{uri} has no {extension} table; its extensions are {', '.join(names[1:])}.",
                "Pass a TCE of this DV run, as helpers.exomast.list_tces names it.",
            )
        hdu = hdul[extension]
        table = Table(masked=True, meta=dict(hdu.header))
        for column in hdu.columns:
            raw = np.asarray(hdu.data[column.name])
            # FITS is big-endian; plotting libraries (bokeh) want the machine's byte order.
            values = raw.astype(raw.dtype.newbyteorder("="))
            mask = ~np.isfinite(values) if values.dtype.kind == "f" else np.zeros(values.shape, bool)
            table[column.name] = MaskedColumn(values, mask=mask, unit=column.unit or None)
    return table

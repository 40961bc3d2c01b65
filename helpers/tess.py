"""Reading TESS observation tables from MAST: sectors, kinds of observation, DV runs.

A TESS observation in MAST is one of three kinds:

``single-sector``
    A 2-minute (or 20-second) SPOC time series of one star in one sector.  Its ``dataURL``
    ends in ``lc.fits`` and its ``obs_id`` names the sector, e.g.
    ``tess2020186164531-s0027-0000000261136679-0189-s``.
``multi-sector``
    A data-validation (DV) run that searched several sectors of one star for transits.  Its
    ``dataURL`` ends in ``dvt.fits`` and its ``obs_id`` names the first and last sector, e.g.
    ``tess2019201090000-s0001-s0013-0000000025132999``.
``ffi``
    A full-frame-image observation of a whole CCD (``dataproduct_type`` is ``image``), e.g.
    ``tess-s0001-4-2``.

Anything else (another mission, or a TESS row that fits none of the above) is ``other``.
The functions here work on the `astropy.table.Table` objects that
``astroquery.mast.Observations`` returns and never contact the archive.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import NamedTuple

import numpy as np
from astropy.table import MaskedColumn, Row, Table

from .errors import NoDataInSectorError, NoObservationsError, NoProductsError

__all__ = [
    "KINDS",
    "SectorRange",
    "classify_observations",
    "newest_dv_run",
    "observation_kind",
    "parse_sector_range",
    "processing_stamp",
    "product_kind",
    "require_rows",
    "require_sector",
]

#: The kinds of observation :func:`observation_kind` tells apart, in display order.
KINDS: tuple[str, ...] = ("single-sector", "multi-sector", "ffi", "other")

# "-s0027-" (one sector) or "-s0001-s0013-" (a range); the sector numbers have four digits.
_SECTORS = re.compile(r"-s(\d{4})(?:-s(\d{4}))?(?=-|_|$)")
# The processing time stamp that starts SPOC file names: "tess" + yyyydddhhmmss.
_STAMP = re.compile(r"(?:^|/)tess(\d{13})-")
# The final "_xxx.ext" or "-xxx.ext" of a file name: "dvt.fits", "lc.fits", "dvr.pdf", ...
_KIND = re.compile(r"[_-]([A-Za-z0-9]+(?:\.[A-Za-z0-9]+)+)$")


class SectorRange(NamedTuple):
    """The first and last TESS sector an observation or file covers.

    Attributes
    ----------
    first : int
        First sector.
    last : int
        Last sector (equal to ``first`` for single-sector data).
    """

    first: int
    last: int

    @property
    def count(self) -> int:
        """Number of sectors spanned, counting both ends."""
        return self.last - self.first + 1

    @property
    def is_multi(self) -> bool:
        """True when the range spans more than one sector."""
        return self.last > self.first

    def __str__(self) -> str:
        if self.is_multi:
            return f"s{self.first:04d}-s{self.last:04d}"
        return f"s{self.first:04d}"


def parse_sector_range(identifier: str) -> SectorRange:
    """Read the sector or sector range out of a TESS ``obs_id``, file name or data URI.

    Parameters
    ----------
    identifier : str
        For example ``"tess2019201090000-s0001-s0013-0000000025132999"`` (a multi-sector
        DV run), ``"mast:TESS/product/tess2020186164531-s0027-0000000261136679-0189-s_lc.fits"``
        (a light curve) or ``"tess-s0001-4-2"`` (an FFI observation).

    Returns
    -------
    SectorRange
        The first and last sector; both are the same for single-sector data.

    Raises
    ------
    ValueError
        If the identifier contains no ``-sNNNN`` sector label, or the range runs backwards.

    Examples
    --------
    >>> parse_sector_range("tess2019201090000-s0001-s0013-0000000025132999")
    SectorRange(first=1, last=13)
    >>> str(parse_sector_range("tess-s0027-4-4"))
    's0027'
    """
    name = PurePosixPath(str(identifier)).name
    match = _SECTORS.search(name)
    if match is None:
        raise ValueError(
            f"No TESS sector label (like '-s0027-' or '-s0001-s0013-') in {identifier!r}; "
            "pass a TESS obs_id, product file name or dataURI."
        )
    first = int(match.group(1))
    last = int(match.group(2)) if match.group(2) else first
    if last < first:
        raise ValueError(f"Sector range runs backwards in {identifier!r}: s{first:04d} to s{last:04d}.")
    return SectorRange(first, last)


def processing_stamp(identifier: str) -> str:
    """The SPOC processing time stamp (``yyyydddhhmmss``) that starts a TESS file name.

    Stamps of the same length sort in time order, so later processing runs compare greater.

    Parameters
    ----------
    identifier : str
        A TESS ``obs_id``, file name or data URI, e.g. ``"tess2019201090000-s0001-s0013-..."``.

    Returns
    -------
    str
        The 13 digits after ``tess`` (``"2019201090000"``), or ``""`` when there is none
        (FFI observations such as ``"tess-s0001-4-2"`` carry no stamp).
    """
    match = _STAMP.search(str(identifier))
    return match.group(1) if match else ""


def _text(value: object) -> str:
    """A table cell as text, with masked or missing values as ''."""
    if value is None or value is np.ma.masked:
        return ""
    return str(value)


def _require_columns(table: Table | Row, names: tuple[str, ...]) -> None:
    missing = [name for name in names if name not in table.colnames]
    if missing:
        raise ValueError(
            f"The table lacks the column(s) {', '.join(missing)}: pass the table returned by "
            "Observations.query_criteria (or one of its rows), not a subset of its columns."
        )


def observation_kind(row: Row) -> str:
    """Say which kind of TESS observation a row of an observation table is.

    Parameters
    ----------
    row : astropy.table.Row
        One row of a table from ``Observations.query_criteria`` (or ``query_object``...), with
        at least the columns ``obs_collection``, ``dataproduct_type`` and ``dataURL``.

    Returns
    -------
    str
        ``"single-sector"`` (dataURL ends in ``lc.fits``), ``"multi-sector"`` (dataURL ends in
        ``dvt.fits``), ``"ffi"`` (a TESS image) or ``"other"``.

    Raises
    ------
    ValueError
        If a needed column is missing.
    """
    _require_columns(row, ("obs_collection", "dataproduct_type", "dataURL"))
    if _text(row["obs_collection"]) != "TESS":
        return "other"
    data_url = _text(row["dataURL"])
    if _text(row["dataproduct_type"]) == "image":
        return "ffi"
    if data_url.endswith("dvt.fits"):
        return "multi-sector"
    if data_url.endswith("lc.fits"):
        return "single-sector"
    return "other"


def classify_observations(observations: Table) -> Table:
    """Add each observation's kind and sector range as columns.

    Parameters
    ----------
    observations : astropy.table.Table
        A table from ``Observations.query_criteria`` with at least ``obs_collection``,
        ``dataproduct_type``, ``dataURL`` and ``obs_id``.

    Returns
    -------
    astropy.table.Table
        A copy with four more columns: ``kind`` (see :func:`observation_kind`),
        ``first_sector``, ``last_sector`` and ``n_sectors`` (masked where ``obs_id`` names no
        sector, as for other missions).  The input table is not changed.

    Raises
    ------
    ValueError
        If a needed column is missing.
    """
    _require_columns(observations, ("obs_collection", "dataproduct_type", "dataURL", "obs_id"))
    result = observations.copy()
    ranges: list[SectorRange | None] = []
    for obs_id in result["obs_id"]:
        try:
            ranges.append(parse_sector_range(_text(obs_id)))
        except ValueError:
            ranges.append(None)
    missing = [r is None for r in ranges]
    result["kind"] = np.array([observation_kind(row) for row in result], dtype=str)
    for name, value in (
        ("first_sector", lambda r: r.first),
        ("last_sector", lambda r: r.last),
        ("n_sectors", lambda r: r.count),
    ):
        values = [value(r) if r is not None else 0 for r in ranges]
        result[name] = MaskedColumn(np.array(values, dtype=int), mask=missing)
    return result


def split_by_kind(observations: Table) -> dict[str, Table]:
    """Split an observation table into one table per kind of observation.

    Parameters
    ----------
    observations : astropy.table.Table
        As for :func:`classify_observations`.

    Returns
    -------
    dict of str to astropy.table.Table
        One entry for every name in :data:`KINDS` (empty tables included), each with the extra
        columns added by :func:`classify_observations`.
    """
    classified = classify_observations(observations)
    return {kind: classified[classified["kind"] == kind] for kind in KINDS}


def newest_dv_run(observations: Table) -> Row:
    """Pick the multi-sector data-validation run that supersedes the others.

    MAST keeps older multi-sector DV runs (for example sectors 1-3) next to the newer ones
    that include more data (sectors 1-13).  The run to use is the one covering the most
    sectors; among runs covering as many, the one reaching the latest sector; and among those,
    the most recently processed (the latest time stamp in ``obs_id``).

    Parameters
    ----------
    observations : astropy.table.Table
        Observations of one target, as returned by ``Observations.query_criteria``.  Rows of
        other kinds are ignored.

    Returns
    -------
    astropy.table.Row
        The chosen observation, with the extra columns of :func:`classify_observations`.  It
        can be passed straight to ``Observations.get_product_list``.

    Raises
    ------
    NoObservationsError
        If the table holds no multi-sector observation.
    """
    multi = split_by_kind(observations)["multi-sector"]
    if len(multi) == 0:
        raise NoObservationsError(
            "None of these observations is a multi-sector data-validation run "
            "(no dataURL ends in 'dvt.fits').",
            "Query by TIC number (target_name='...') with obs_collection='TESS' and check that the "
            "star was observed in more than one sector; single-sector results are in the rows "
            "whose dataURL ends in 'lc.fits'.",
        )
    keys = [
        (int(row["n_sectors"]), int(row["last_sector"]), processing_stamp(_text(row["obs_id"])))
        for row in multi
    ]
    best = max(range(len(multi)), key=lambda i: keys[i])
    return multi[best]


def product_kind(filename: str) -> str:
    """The kind of a TESS product, read from the end of its file name.

    Parameters
    ----------
    filename : str
        A product file name or data URI, e.g.
        ``"tess2019201090000-s0001-s0013-0000000025132999-00253_dvr.pdf"``.

    Returns
    -------
    str
        The suffix after the last ``_`` or ``-``: ``"dvt.fits"``, ``"dvr.pdf"``, ``"dvr.xml"``,
        ``"dvs.pdf"``, ``"dvm.pdf"``, ``"lc.fits"``, ``"tp.fits"``...

    Raises
    ------
    ValueError
        If the name has no ``_kind.ext`` or ``-kind.ext`` ending.
    """
    name = PurePosixPath(str(filename)).name
    match = _KIND.search(name)
    if match is None:
        raise ValueError(f"Cannot tell the product kind of {filename!r}: no '_kind.ext' ending.")
    return match.group(1)


def require_rows(table: Table | None, what: str, next_step: str | None = None) -> Table:
    """Return the table unchanged, or raise if it is empty.

    astroquery answers a query that matches nothing with an empty table and a warning; a
    notebook that carries on would fail several cells later with a confusing message.  Put
    this check right after the query instead.

    Parameters
    ----------
    table : astropy.table.Table or None
        The result of a query, a product list or a filtered product list.  ``None`` (which some
        astroquery calls return when there is nothing to do) counts as empty.
    what : str
        What the table was meant to hold, for the message, e.g. ``"TESS observations of
        Pi Mensae in sector 27"``.
    next_step : str, optional
        Advice to print; defaults to the exception's own.

    Returns
    -------
    astropy.table.Table
        The same table, when it has at least one row.

    Raises
    ------
    NoProductsError
        If the table is empty and is a product table (it has a ``dataURI`` column).
    NoObservationsError
        If the table is empty (or None) and is anything else.
    """
    if table is not None and len(table) > 0:
        return table
    if table is not None and "dataURI" in table.colnames:
        raise NoProductsError(f"No {what} were found.", next_step)
    raise NoObservationsError(f"No {what} were found.", next_step)


def require_sector(sectors: Table | None, sector: int, target: str) -> Row:
    """The row for ``sector`` of a table of the sectors that cover a target, or a clear error.

    ``Tesscut.get_sectors`` answers a position with the sectors (and cameras and CCDs) whose
    images cover it; asking for a cutout in any other sector gets nothing back but a warning.
    Put this check between the two calls.

    Parameters
    ----------
    sectors : astropy.table.Table or None
        What ``Tesscut.get_sectors`` returned (a ``sector`` column; ``sectorName`` if present).
    sector : int
        The sector wanted.
    target : str
        The target's name, for the message.

    Returns
    -------
    astropy.table.Row
        The first row of that sector.

    Raises
    ------
    NoDataInSectorError
        If the target was not observed in ``sector`` (the message lists the sectors it was).
    ValueError
        If the table has no ``sector`` column.
    """
    if sectors is not None and len(sectors) and "sector" not in sectors.colnames:
        raise ValueError("The table has no 'sector' column: pass what Tesscut.get_sectors returned.")
    observed = sorted({int(s) for s in sectors["sector"]}) if sectors is not None and len(sectors) else []
    for row in sectors if observed else []:
        if int(row["sector"]) == int(sector):
            return row
    listed = ", ".join(str(s) for s in observed) if observed else "none"
    raise NoDataInSectorError(
        f"TESS did not observe {target} in sector {sector}; the sectors that cover it: {listed}."
    )

"""Unit tests of helpers.tess, on observation and product tables built by hand."""

import numpy as np
import pytest
from astropy.table import MaskedColumn, Table

from helpers.errors import NoObservationsError, NoProductsError
from helpers.tess import (
    KINDS,
    SectorRange,
    classify_observations,
    newest_dv_run,
    observation_kind,
    parse_sector_range,
    processing_stamp,
    product_kind,
    require_rows,
    split_by_kind,
)

LC_S1 = "tess2018206045859-s0001-0000000025132999-0120-s"
LC_S2 = "tess2018234235059-s0002-0000000025132999-0121-s"
DV_OLD = "tess2018349182737-s0001-s0003-0000000025132999"
DV_NEW = "tess2019201090000-s0001-s0013-0000000025132999"


def observation_table(rows):
    """A masked table shaped like astroquery's, from (collection, type, obs_id, dataURL) tuples."""
    names = ("obs_collection", "dataproduct_type", "obs_id", "dataURL", "target_name")
    columns = {name: [] for name in names}
    for collection, dtype, obs_id, url in rows:
        for name, value in zip(names, (collection, dtype, obs_id, url, "25132999"), strict=True):
            columns[name].append(value)
    table = Table(masked=True)
    for name in names:
        values = np.array(columns[name], dtype=str)
        table[name] = MaskedColumn(values, mask=values == "")
    return table


@pytest.fixture
def tic_observations():
    return observation_table(
        [
            ("TESS", "timeseries", LC_S1, f"mast:TESS/product/{LC_S1}_lc.fits"),
            ("TESS", "timeseries", DV_NEW, f"mast:TESS/product/{DV_NEW}-00253_dvt.fits"),
            ("TESS", "timeseries", LC_S2, f"mast:TESS/product/{LC_S2}_lc.fits"),
            ("TESS", "timeseries", DV_OLD, f"mast:TESS/product/{DV_OLD}-00192_dvt.fits"),
            ("TESS", "image", "tess-s0001-3-2", ""),
            ("GALEX", "image", "6380309945367547904", "mast:GALEX/product/x-nd-int.fits"),
        ]
    )


# --- parse_sector_range -------------------------------------------------------------------


@pytest.mark.parametrize(
    "identifier, expected",
    [
        (LC_S1, (1, 1)),
        (DV_NEW, (1, 13)),
        (f"mast:TESS/product/{DV_OLD}-00192_dvt.fits", (1, 3)),
        (f"{DV_NEW}-01-00253_dvs.pdf", (1, 13)),
        ("tess2020186164531-s0027-0000000261136679-0189-a_fast-lc.fits", (27, 27)),
        ("tess-s0001-4-2", (1, 1)),
        (
            "s3://stpubdata/tess/public/tid/s0027/0000/0002/6113/6679/tess2020186164531-s0027-x_lc.fits",
            (27, 27),
        ),
    ],
)
def test_parse_sector_range(identifier, expected):
    assert parse_sector_range(identifier) == SectorRange(*expected)


def test_sector_range_properties():
    assert SectorRange(1, 13).count == 13
    assert SectorRange(1, 13).is_multi
    assert str(SectorRange(1, 13)) == "s0001-s0013"
    assert SectorRange(27, 27).count == 1
    assert not SectorRange(27, 27).is_multi
    assert str(SectorRange(27, 27)) == "s0027"


@pytest.mark.parametrize(
    "identifier", ["ldw301010_x1d.fits", "tess2018206045859-s01-x", "", "6380309945367547904"]
)
def test_parse_sector_range_rejects_names_without_a_sector(identifier):
    with pytest.raises(ValueError, match="No TESS sector label"):
        parse_sector_range(identifier)


def test_parse_sector_range_rejects_a_backwards_range():
    with pytest.raises(ValueError, match="backwards"):
        parse_sector_range("tess2019201090000-s0013-s0001-0000000025132999-00253")


# --- processing_stamp ---------------------------------------------------------------------


def test_processing_stamp():
    assert processing_stamp(DV_NEW) == "2019201090000"
    assert processing_stamp(f"mast:TESS/product/{DV_OLD}-00192_dvt.fits") == "2018349182737"
    assert processing_stamp("tess-s0001-4-2") == ""
    assert processing_stamp(DV_OLD) < processing_stamp(DV_NEW)


# --- observation_kind / classify / split ------------------------------------------------


def test_observation_kind(tic_observations):
    kinds = [observation_kind(row) for row in tic_observations]
    assert kinds == ["single-sector", "multi-sector", "single-sector", "multi-sector", "ffi", "other"]


def test_observation_kind_of_an_unrecognised_tess_row():
    table = observation_table([("TESS", "timeseries", "tess-x", "mast:TESS/product/x_tp.fits")])
    assert observation_kind(table[0]) == "other"


def test_observation_kind_needs_the_columns(tic_observations):
    with pytest.raises(ValueError, match="dataURL"):
        observation_kind(tic_observations["obs_collection", "dataproduct_type"][0])


def test_classify_observations_adds_columns_without_changing_the_input(tic_observations):
    before = tic_observations.colnames
    classified = classify_observations(tic_observations)
    assert tic_observations.colnames == before
    assert classified.colnames == before + ["kind", "first_sector", "last_sector", "n_sectors"]
    assert list(classified["first_sector"][:5]) == [1, 1, 2, 1, 1]
    assert list(classified["last_sector"][:5]) == [1, 13, 2, 3, 1]
    assert list(classified["n_sectors"][:5]) == [1, 13, 1, 3, 1]
    # The GALEX row names no sector: masked, not a made-up number.
    assert classified["first_sector"].mask[5] and classified["n_sectors"].mask[5]


def test_classify_observations_needs_obs_id(tic_observations):
    tic_observations.remove_column("obs_id")
    with pytest.raises(ValueError, match="obs_id"):
        classify_observations(tic_observations)


def test_split_by_kind(tic_observations):
    parts = split_by_kind(tic_observations)
    assert tuple(parts) == KINDS
    assert [len(parts[kind]) for kind in KINDS] == [2, 2, 1, 1]
    assert set(parts["multi-sector"]["obs_id"]) == {DV_OLD, DV_NEW}


def test_split_by_kind_of_an_empty_table(tic_observations):
    parts = split_by_kind(tic_observations[:0])
    assert all(len(part) == 0 for part in parts.values())


# --- newest_dv_run ------------------------------------------------------------------------


def test_newest_dv_run_prefers_the_widest_run(tic_observations):
    best = newest_dv_run(tic_observations)
    assert best["obs_id"] == DV_NEW
    assert best["n_sectors"] == 13


def test_newest_dv_run_breaks_ties_by_last_sector_then_processing_time():
    later_range = "tess2019000000000-s0002-s0004-0000000025132999-00200"
    reprocessed = "tess2020000000000-s0002-s0004-0000000025132999-00300"
    table = observation_table(
        [
            ("TESS", "timeseries", DV_OLD, f"mast:TESS/product/{DV_OLD}-00192_dvt.fits"),
            ("TESS", "timeseries", reprocessed, f"mast:TESS/product/{reprocessed}_dvt.fits"),
            ("TESS", "timeseries", later_range, f"mast:TESS/product/{later_range}_dvt.fits"),
        ]
    )
    # s0002-s0004 beats s0001-s0003 (same width, later end); the 2020 run beats the 2019 one.
    assert newest_dv_run(table)["obs_id"] == reprocessed


def test_newest_dv_run_without_multi_sector_rows(tic_observations):
    single_only = tic_observations[[0, 2]]
    with pytest.raises(NoObservationsError, match="multi-sector"):
        newest_dv_run(single_only)


# --- product_kind -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filename, kind",
    [
        (f"{DV_NEW}-00253_dvt.fits", "dvt.fits"),
        (f"{DV_NEW}-00253_dvr.pdf", "dvr.pdf"),
        (f"{DV_NEW}-00253_dvr.xml", "dvr.xml"),
        (f"{DV_NEW}-00253_dvm.pdf", "dvm.pdf"),
        (f"{DV_NEW}-01-00253_dvs.pdf", "dvs.pdf"),
        (f"mast:TESS/product/{LC_S1}_lc.fits", "lc.fits"),
        ("tess2020186164531-s0027-0000000261136679-0189-a_fast-lc.fits", "lc.fits"),
        ("ldw301010_x1d.fits", "x1d.fits"),
        ("6380309945367547904-nd-int.fits", "int.fits"),
    ],
)
def test_product_kind(filename, kind):
    assert product_kind(filename) == kind


@pytest.mark.parametrize("filename", ["README", "plainname.fits", "tess-s0001-4-2"])
def test_product_kind_rejects_names_without_a_kind(filename):
    with pytest.raises(ValueError, match="product kind"):
        product_kind(filename)


# --- require_rows -------------------------------------------------------------------------


def test_require_rows_returns_a_non_empty_table(tic_observations):
    assert require_rows(tic_observations, "observations") is tic_observations


def test_require_rows_on_empty_observations(tic_observations):
    with pytest.raises(NoObservationsError, match="No TESS observations of TIC 25132999 were found"):
        require_rows(tic_observations[:0], "TESS observations of TIC 25132999")


def test_require_rows_on_none_uses_the_given_advice():
    with pytest.raises(NoObservationsError) as info:
        require_rows(None, "observations", "Widen the radius.")
    assert info.value.next_step == "Widen the radius."


def test_require_rows_on_an_empty_product_table():
    products = Table({"dataURI": np.array([], dtype=str), "productFilename": np.array([], dtype=str)})
    with pytest.raises(NoProductsError, match="No LC products were found"):
        require_rows(products, "LC products")


# --------------------------------------------------------------------------------------------
# require_sector: "nothing in that sector" as its own error
# --------------------------------------------------------------------------------------------


def _sectors(*numbers):
    from astropy.table import Table

    return Table(
        {
            "sectorName": [f"tess-s{n:04d}-4-2" for n in numbers],
            "sector": list(numbers),
            "camera": [4] * len(numbers),
            "ccd": [2] * len(numbers),
        }
    )


def test_require_sector_returns_the_row():
    from helpers.tess import require_sector

    assert require_sector(_sectors(1, 13, 27), 13, "Pi Men")["sectorName"] == "tess-s0013-4-2"


@pytest.mark.parametrize(
    ("table", "listed"), [(_sectors(1, 27), "1, 27"), (_sectors(), "none"), (None, "none")]
)
def test_require_sector_names_the_sectors_that_exist(table, listed):
    from helpers.errors import NoDataInSectorError, NoObservationsError
    from helpers.tess import require_sector

    with pytest.raises(NoDataInSectorError, match=f"sector 2; the sectors that cover it: {listed}") as info:
        require_sector(table, 2, "Pi Men")
    assert isinstance(info.value, NoObservationsError)
    assert "Tesscut.get_sectors" in info.value.next_step

"""helpers.exomast: building tables from ExoMAST's answers (unit) and the client against the archive."""

from __future__ import annotations

import numpy as np
import pytest
from astropy.table import MaskedColumn

from helpers.errors import ArchiveUnavailableError, NoTcesError, TutorialError, UnknownTceError
from helpers.exomast import (
    column_dtype,
    dv_metadata,
    dv_timeseries,
    dvdata_url,
    list_tces,
    split_tce,
    table_from_fields,
    tic_number,
)

TIC = 214568914
TCE = "s0001-s0001:TCE_1"
FIELDS = [
    {"colname": "TIME", "datatype": "real", "description": "time, BTJD"},
    {"colname": "CADENCENO", "datatype": "int", "description": "cadence number"},
    {"colname": "FLAG", "datatype": "boolean", "description": "a flag"},
    {"colname": " NAME ", "datatype": "varchar(6)", "description": "a label"},
]
DATA = [
    {"TIME": 1325.5, "CADENCENO": 10, "FLAG": True, "NAME": "first"},
    {"TIME": None, "CADENCENO": None, "FLAG": None, "NAME": None},
    {"TIME": 1325.6, "CADENCENO": 12, "NAME": "third"},  # FLAG left out: null
]


# --------------------------------------------------------------------------------------------
# Unit tests
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "dtype"),
    [
        ("int", np.int64),
        ("real", np.float64),
        ("double", np.float64),
        ("boolean", np.bool_),
        ("varchar(20)", np.dtype("U20")),
        (" REAL ", np.float64),
    ],
)
def test_exomast_type_words_map_to_numpy(word, dtype):
    assert column_dtype(word) == np.dtype(dtype)


def test_an_unknown_type_word_is_a_clear_error():
    with pytest.raises(ArchiveUnavailableError, match="blob"):
        column_dtype("blob")


def test_the_table_follows_the_field_descriptions():
    table = table_from_fields(FIELDS, DATA)
    assert table.colnames == ["TIME", "CADENCENO", "FLAG", "NAME"]
    assert [table[name].dtype for name in table.colnames] == [np.float64, np.int64, np.bool_, np.dtype("U6")]
    assert table["TIME"].description == "time, BTJD"
    assert all(isinstance(table[name], MaskedColumn) for name in table.colnames)


def test_nulls_and_missing_keys_are_masked_not_invented():
    table = table_from_fields(FIELDS, DATA)
    assert table["TIME"].mask.tolist() == [False, True, False]
    assert table["CADENCENO"].mask.tolist() == [False, True, False]
    assert table["FLAG"].mask.tolist() == [False, True, True]
    assert table["NAME"].mask.tolist() == [False, True, False]
    assert table["CADENCENO"][2] == 12 and table["NAME"][0] == "first"
    assert np.isclose(table["TIME"].mean(), 1325.55)  # the masked row does not count


def test_an_empty_answer_gives_an_empty_table_with_the_columns():
    table = table_from_fields(FIELDS, [])
    assert len(table) == 0 and table.colnames == ["TIME", "CADENCENO", "FLAG", "NAME"]


@pytest.mark.parametrize("value", [TIC, str(TIC), "00214568914", "TIC 214568914", "tic214568914"])
def test_tic_numbers_in_the_forms_people_write_them(value):
    assert tic_number(value) == TIC
    assert dvdata_url(value, "tces") == f"https://exo.mast.stsci.edu/api/v0.1/dvdata/tess/{TIC}/tces/"


@pytest.mark.parametrize("value", ["pi Men", "", "0", "TIC -5"])
def test_what_is_not_a_tic_number_is_refused(value):
    with pytest.raises(NoTcesError, match="not a TESS Input Catalog"):
        tic_number(value)


def test_the_new_errors_name_a_next_step():
    for cls in (NoTcesError, UnknownTceError):
        error = cls("Something is missing.")
        assert isinstance(error, TutorialError)
        assert error.next_step != TutorialError.default_next_step
        assert "Next step:" in str(error)


# --------------------------------------------------------------------------------------------
# Against the offline archive, through the proxy, exactly as a notebook calls them
# --------------------------------------------------------------------------------------------


@pytest.mark.archive
def test_list_tces(archive_env):
    assert list_tces(TIC) == [TCE]
    assert list_tces("TIC 261136679") == ["s0001-s0001:TCE_1", "s0027-s0027:TCE_1", "s0001-s0013:TCE_1"]


@pytest.mark.archive
@pytest.mark.parametrize("tic", [278892590, 123456789])  # TRAPPIST-1 has no TCEs; the other is unknown
def test_a_star_without_tces_raises(archive_env, tic):
    with pytest.raises(NoTcesError, match=f"TIC {tic}"):
        list_tces(tic)


@pytest.mark.archive
@pytest.mark.parametrize("tce", ["s0001-s0001:TCE_2", "s0002-s0002:TCE_1"])
def test_an_unknown_tce_raises(archive_env, tce):
    for request in (dv_metadata, dv_timeseries):
        with pytest.raises(UnknownTceError, match="TIC 214568914"):
            request(TIC, tce)


@pytest.mark.parametrize("tce", ["TCE_1", "nonsense", "s0001:TCE_1", ""])
def test_a_tce_not_named_as_tces_names_it_is_refused_before_asking(tce):
    for request in (dv_metadata, dv_timeseries):
        with pytest.raises(UnknownTceError, match="not a TESS TCE name"):
            request(TIC, tce)


def test_a_tce_name_splits_into_the_request_parameters():
    assert split_tce("s0001-s0013:TCE_2") == ("s0001-s0013", "TCE_2")
    assert split_tce(" s0027-s0027:TCE_10 ") == ("s0027-s0027", "TCE_10")


@pytest.mark.archive
def test_dv_metadata(archive_env):
    from offline_archive.sky.targets import TIC_214568914

    metadata = dv_metadata(TIC, TCE)
    assert metadata["DV Primary Header"]["TICID"] == TIC
    header = metadata["DV Data Header"]
    assert (header["RA_OBJ"], header["DEC_OBJ"]) == (TIC_214568914.ra, TIC_214568914.dec)
    assert header["TPERIOD"] == TIC_214568914.planets[0].period_days


@pytest.mark.archive
def test_dv_timeseries_is_the_folded_light_curve(archive_env):
    from astropy.io import fits

    from offline_archive.paths import archive_root
    from offline_archive.sky import catalogue
    from offline_archive.store import DataStore

    table = dv_timeseries(TIC, TCE)
    assert table.colnames == ["PHASE", "LC_DETREND", "MODEL_INIT"]
    assert all(table[name].dtype == np.float64 for name in table.colnames)
    assert table.meta["TCE"] == TCE
    obs, product = next(
        (o, p) for o, p in catalogue.all_products() if p.kind == "tess_dvt" and o.target_name == str(TIC)
    )
    data = fits.getdata(DataStore(archive_root()).get(obs.data_uri(product)).path, "TCE_1")
    assert len(table) == len(data)
    assert table["LC_DETREND"].mask.sum() == np.isnan(data["LC_DETREND"]).sum() > 0
    assert np.allclose(table["PHASE"], data["PHASE"])

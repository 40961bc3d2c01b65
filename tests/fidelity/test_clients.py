"""Clients nobody here wrote, tried as a new user would inside the archive's environment (issue 13, item 6).

One subprocess runs, with the environment the archive writes (proxy, CA bundle, S3 endpoint,
``ASTROPY_CONFIG_DIR``), what a learner might type: lightkurve's searches and downloads,
astropy's downloads of a MAST URL, ``Observations.list_missions`` and a TIC criteria query.
Each attempt is reported as ``{"ok": ..., "error": type, "message": ...}`` and checked here.

What online MAST does is the reference: lightkurve's ``search_*``/``download`` calls
(documented behaviour, and astroquery's recorded ``missions.extjs`` for the extjs format of
``Mast.Caom.All``, astropy/astroquery@2e8c636b astroquery/mast/tests/data/missions.extjs, 2017-07-05).
One difference is kept on purpose and tested as such: astropy's own downloads of a URL
(``fits.open(url)``, ``download_file``, ``lightkurve.read(url)``) are refused by the archive's
astropy configuration (``allow_internet = False``), because astropy verifies TLS against certifi's
bundle, which cannot trust the archive's private authority; astropy's IERS and leap-second tables
are kept local by ``auto_download = False``, not by that refusal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from offline_archive.sky import catalogue
from offline_archive.sky.targets import PI_MEN, TIC_214568914

pytestmark = pytest.mark.archive

LC_URI = "mast:TESS/product/tess2020186164531-s0027-0000000261136679-0189-s_lc.fits"
DOWNLOAD_URL = f"https://mast.stsci.edu/api/v0.1/Download/file?uri={LC_URI}"

SCRIPT = textwrap.dedent(
    f"""
    import json, sys, tempfile, warnings
    warnings.simplefilter("ignore")
    import lightkurve as lk
    from astropy.io import fits
    from astropy.utils import iers
    from astropy.utils.data import conf, download_file
    from astroquery.mast import Catalogs, Observations

    out = {{"allow_internet": conf.allow_internet, "iers_auto_download": iers.conf.auto_download}}
    tmp = tempfile.mkdtemp()

    def attempt(name, action):
        try:
            out[name] = {{"ok": action()}}
        except Exception as exc:
            out[name] = {{"error": type(exc).__name__, "message": str(exc)[:400]}}

    pi_men = "TIC {PI_MEN.tic}"
    attempt("search_lightcurve", lambda: len(lk.search_lightcurve(pi_men, sector=27, author="SPOC", exptime=120)))
    attempt("download_lightcurve", lambda: lk.search_lightcurve(pi_men, sector=27, author="SPOC", exptime=120)
            .download(download_dir=tmp).meta["TICID"])
    attempt("download_tpf", lambda: list(lk.search_targetpixelfile(pi_men, sector=27, author="SPOC", exptime=120)
            .download(download_dir=tmp).shape[1:]))
    attempt("download_tesscut", lambda: list(lk.search_tesscut("TIC {TIC_214568914.tic}", sector=1)
            .download(cutout_size=(7, 5), download_dir=tmp).shape[1:]))
    attempt("fits_open_url", lambda: len(fits.open("{DOWNLOAD_URL}")))
    attempt("download_file_url", lambda: download_file("{DOWNLOAD_URL}"))
    attempt("lightkurve_read_url", lambda: lk.read("{DOWNLOAD_URL}").meta["TICID"])
    attempt("list_missions", lambda: Observations.list_missions())
    attempt("tic_criteria", lambda: [int(i) for i in Catalogs.query_criteria(catalog="TIC", ID={PI_MEN.tic})["ID"]])
    attempt("tic_cone", lambda: len(Catalogs.query_object(pi_men, catalog="TIC", radius=0.01)))
    print("RESULTS" + json.dumps(out))
    """
)


@pytest.fixture(scope="module")
def tried(archive_env, tmp_path_factory):
    env = os.environ | archive_env
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        cwd=tmp_path_factory.mktemp("clients"),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULTS")), None)
    assert line is not None, done.stderr[-3000:]
    return json.loads(line.removeprefix("RESULTS"))


def test_lightkurve_searches_and_downloads_work(tried):
    assert tried["search_lightcurve"] == {"ok": 1}
    assert tried["download_lightcurve"] == {"ok": PI_MEN.tic}
    assert tried["download_tpf"]["ok"][0] > 0
    # lightkurve's cutout_size is (rows, columns): TESScut's y=7, x=5.
    assert tried["download_tesscut"] == {"ok": [7, 5]}


@pytest.mark.parametrize("attempt", ["fits_open_url", "download_file_url"])
def test_astropy_downloads_of_a_mast_url_are_refused_by_the_configuration(tried, attempt):
    assert tried["allow_internet"] is False
    assert tried[attempt]["error"] == "URLError"
    assert "allow_internet is False" in tried[attempt]["message"]


def test_lightkurve_read_of_a_url_fails_through_astropy(tried):
    assert tried["lightkurve_read_url"]["error"] == "LightkurveError"


def test_astropy_keeps_its_tables_local_by_auto_download(tried):
    assert tried["iers_auto_download"] is False


def test_list_missions_lists_the_collections_the_archive_holds(tried):
    held = sorted({o.obs_collection for o in catalogue.observations()})
    assert tried["list_missions"] == {"ok": held}


def test_a_tic_criteria_query_answers(tried):
    assert tried["tic_criteria"] == {"ok": [PI_MEN.tic]}


def test_a_service_the_archive_does_not_serve_raises_astroquerys_own_error(tried):
    assert tried["tic_cone"]["error"] == "RemoteServiceError"
    assert "Unknown service" in tried["tic_cone"]["message"]


def test_an_unknown_extjs_request_is_answered_in_extjs(archive_env):
    from offline_archive.services import mast

    answer = mast.invoke(
        {"service": "Mast.Catalogs.All.DiskDetective", "params": {}, "format": "extjs"}, None
    )
    assert answer["status"] == "ERROR" and "Unknown service" in answer["msg"]
    assert answer["data"]["Tables"][0]["ExtendedProperties"]["discreteHistogram"] == {}
    json_answer = mast.invoke({"service": "Mast.Nothing", "params": {}, "format": "json"}, None)
    assert json_answer["status"] == "ERROR" and json_answer["data"] == []

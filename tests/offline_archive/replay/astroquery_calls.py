"""The astroquery calls whose answers astroquery's own tests keep (``astroquery/mast/tests/data``).

Run inside ``offline_archive record`` (against the generated archive): the recording then holds
the requests exactly as astroquery sends them, and ``test_astroquery_recorded.py`` puts the real
recorded answers in place of the generated ones.  Targets are the archive's own (Pi Mensae).
"""

from __future__ import annotations

import astropy.units as u
from astropy.coordinates import SkyCoord
from astroquery.mast import Catalogs, Observations, Tesscut
from astroquery.mast.utils import resolve_object

PI_MEN = SkyCoord(84.291188, -80.469119, unit="deg")

resolve_object("TIC 261136679")
Observations.query_region(PI_MEN, radius=0.01 * u.deg)
observations = Observations.query_criteria(obs_collection="TESS", target_name="261136679")
Observations.query_criteria(coordinates=PI_MEN, radius=0.01 * u.deg, obs_collection="TESS")
Observations.query_criteria_count(obs_collection="TESS", target_name="261136679")
Observations.get_product_list(observations[:1])
Observations.list_missions()
Catalogs.query_criteria(catalog="TIC", ID=261136679)
Tesscut.get_sectors(coordinates=PI_MEN)

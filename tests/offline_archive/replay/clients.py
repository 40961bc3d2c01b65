"""A short client session for the record/replay tests: what a notebook does, in one script.

Run as ``python clients.py OUT.json`` inside ``offline_archive record``, ``exec`` or
``exec --replay``; it writes what it found to OUT.json.  It queries the portal (astroquery),
downloads a light curve over HTTPS (astroquery, astropy reads it), lists a prefix, reads an
object's metadata and a byte range from S3 (s3fs, anonymous) and sends a credential-shaped header,
a cookie and signed S3 requests with the keys given in its environment, so that a test can show
none of them reaches a cassette.
"""

from __future__ import annotations

import json
import os
import sys

import requests
import s3fs
from astropy.io import fits
from astroquery.mast import Observations


def main(out: str) -> None:
    found: dict[str, object] = {}
    obs = Observations.query_criteria(
        target_name="261136679", obs_collection="TESS", dataproduct_type="timeseries"
    )
    found["observations"] = sorted(str(o) for o in obs["obs_id"])
    products = Observations.get_product_list(obs[:1])
    lc = products[products["productSubGroupDescription"] == "LC"][0]
    path = Observations.download_file(
        lc["dataURI"], local_path=os.path.join(os.path.dirname(out), "lc.fits")
    )[1]
    with fits.open(os.path.join(os.path.dirname(out), "lc.fits")) as hdus:
        found["lc_hdus"] = [h.name for h in hdus]
        found["lc_rows"] = len(hdus[1].data)
    found["download"] = path
    Observations.enable_cloud_dataset()
    key = Observations.get_cloud_uris(products[products["productSubGroupDescription"] == "LC"][:1])[0]
    fs = s3fs.S3FileSystem(anon=True)
    found["listing"] = sorted(fs.ls(key.rsplit("/", 1)[0].removeprefix("s3://")))
    found["size"] = fs.info(key)["size"]
    with fs.open(key, block_size=2880) as f:
        found["first_card"] = f.read(80).decode()
    token = os.environ.get("PLANTED_TOKEN")
    if token:
        headers = {"Authorization": f"token {token}", "Cookie": f"mast_token={token}"}
        found["with_token"] = requests.get(
            "https://mast.stsci.edu/api/v0.1/path_lookup/",
            params={"uri": lc["dataURI"]},
            headers=headers,
            timeout=60,
        ).status_code
        signed = s3fs.S3FileSystem(anon=False)  # signs with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
        found["signed_size"] = signed.info(key)["size"]
    with open(out, "w") as f:
        json.dump(found, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1])

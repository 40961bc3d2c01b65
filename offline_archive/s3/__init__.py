"""The S3 server: moto behind the archive's guards (:mod:`.guard`: read-only once loaded, S3's
error shapes) and access gate (:mod:`.server`: private buckets answer only signed requests).
It serves the built files (``store``) on the threaded server of ``network``, shaped by ``traffic``.
"""

MAY_IMPORT: tuple[str, ...] = ("store", "network", "traffic")

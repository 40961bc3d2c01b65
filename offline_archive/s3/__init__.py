"""The S3 server: moto behind the archive's guard (:mod:`.guard`: read-only once loaded, S3's
error shapes) and a counter of the bytes it sends (:mod:`.server`).
It serves the built files (``store``) on the threaded server of ``network``, shaped by ``traffic``.
"""

MAY_IMPORT: tuple[str, ...] = ("store", "network", "traffic")

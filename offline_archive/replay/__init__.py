"""Record once online, replay anywhere: the cassette format (:mod:`.cassette`), the recorder that
forwards the archive's hosts and S3 to the real services and keeps what they answer
(:mod:`.recorder`), the replayer that answers from a cassette alone (:mod:`.replayer`) and the drift
check that compares a cassette's answers with the generated archive's (:mod:`.drift`).
They take the portal's and S3's error shapes from ``services`` and ``s3``.
"""

MAY_IMPORT: tuple[str, ...] = ("services", "s3", "network")

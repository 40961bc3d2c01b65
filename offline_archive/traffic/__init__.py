"""WSGI middlewares that stand in the way of traffic without answering it: faults
(:mod:`.faults`), latency and bandwidth (:mod:`.shaping`) and the request log
(:mod:`.requestlog`).  They wrap any WSGI application and import nothing else of the archive.
"""

MAY_IMPORT: tuple[str, ...] = ()

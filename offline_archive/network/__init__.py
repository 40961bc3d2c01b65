"""How requests reach the archive: the proxy that tunnels the archive hosts (:mod:`.proxy`), the
certificate authority (:mod:`.certs`), the threaded HTTP(S) server (:mod:`.webserver`) and the
hosts answered for (:mod:`.hosts`).  It knows nothing of what is answered: no imports from the
rest of the archive.
"""

MAY_IMPORT: tuple[str, ...] = ()

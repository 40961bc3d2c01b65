"""The offline archive: a local stand-in for the MAST services and S3 buckets the notebooks use.

Its layers, from the top; a module imports only from its own unit or from those its unit's
``MAY_IMPORT`` names, and never from a higher layer (``tests/offline_archive/test_layout.py``):

* entry points: ``__main__`` (the command line), :mod:`.build` (generate the data), :mod:`.serve`
  (start and join the servers);
* what answers and carries requests: :mod:`.replay` (a cassette's recorder, replayer and drift
  check), :mod:`.services` (the HTTP services), :mod:`.s3` (the S3 server), :mod:`.network` (proxy, TLS, the threaded web server, the hosts), :mod:`.traffic`
  (middlewares that shape, break or log traffic);
* the built data: :mod:`.store` (the manifest and the files it lists), :mod:`.paths` (where they live);
* what the archive holds: :mod:`.sky` (targets, observations, columns) and :mod:`.generate` (the
  file writers).
"""

#: The layers, highest first.  A unit may import a unit of a lower layer, or of its own layer when
#: its ``MAY_IMPORT`` says so; never one of a higher layer.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("__main__", "build", "serve"),
    ("replay", "services", "s3", "network", "traffic"),
    ("store", "paths"),
    ("sky", "generate"),
)

#: What each top-level module may import (the subpackages declare theirs in their ``__init__``).
MAY_IMPORT: dict[str, tuple[str, ...]] = {
    "__main__": ("build", "serve", "store", "paths", "traffic", "replay"),
    "build": ("store", "paths", "network", "sky", "generate"),
    "serve": ("store", "paths", "replay", "services", "s3", "network", "traffic"),
    "store": ("paths", "sky", "generate"),
    "paths": (),
}

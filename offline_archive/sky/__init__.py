"""What the archive holds: the targets and sectors (:mod:`.targets`), the observations and products
built from them (:mod:`.catalogue` and its ``catalogue_*`` parts) and the portal's columns
(:mod:`.columns`).  Plain definitions: nothing here imports another part of the archive.
"""

MAY_IMPORT: tuple[str, ...] = ()

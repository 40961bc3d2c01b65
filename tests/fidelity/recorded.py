"""What a fidelity test keeps beside each fact: the claim, where it was recorded, and when.

Every module of ``tests/fidelity`` states its facts as :class:`Fact` records; the tests check the
offline archive against them.  Sources are recorded real answers, never our own stand-in.
"""

from __future__ import annotations

from dataclasses import dataclass

#: STScI's notebooks, whose executed copies (``_sources/notebooks/``) recorded real answers.
MAST_NOTEBOOKS = "spacetelescope/mast_notebooks"


@dataclass(frozen=True)
class Fact:
    """One fact about the real services or files: what it is, where it was recorded, and when."""

    claim: str
    source: str
    date: str

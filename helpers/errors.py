"""Exceptions raised by the tutorial helpers.

Every exception carries two parts: what went wrong (``problem``) and what the reader can do
about it (``next_step``).  Printing one shows both, so a failing cell in a notebook tells the
learner where to go next rather than only that something broke.

All of them derive from :class:`TutorialError`, so a notebook can catch the whole family with
one ``except TutorialError``.
"""

from __future__ import annotations

__all__ = [
    "ArchiveTimeoutError",
    "ArchiveUnavailableError",
    "MissingFileError",
    "NoObservationsError",
    "NoProductsError",
    "TargetNotFoundError",
    "TutorialError",
]


class TutorialError(Exception):
    """Base class of the helpers' exceptions: a problem and the next step to take.

    Parameters
    ----------
    problem : str
        One sentence saying what went wrong, naming the thing that was looked for.
    next_step : str, optional
        What to try next.  Defaults to the subclass's ``default_next_step``.

    Attributes
    ----------
    problem : str
        The problem, as given.
    next_step : str
        The advice shown after the problem.
    """

    default_next_step: str = "Re-read the cell that raised this error and check its inputs."

    def __init__(self, problem: str, next_step: str | None = None) -> None:
        self.problem = problem
        self.next_step = next_step if next_step is not None else self.default_next_step
        super().__init__(f"{self.problem}\nNext step: {self.next_step}")


class TargetNotFoundError(TutorialError):
    """A target name could not be turned into a position on the sky."""

    default_next_step = (
        "Check the spelling, try another common name or catalogue identifier, "
        "or search by coordinates instead (an astropy SkyCoord)."
    )


class NoObservationsError(TutorialError):
    """An observation query matched nothing."""

    default_next_step = (
        "Loosen the criteria (a larger radius, fewer or wider filters) and check how many rows "
        "each criterion allows with Observations.query_criteria_count."
    )


class NoProductsError(TutorialError):
    """An observation has no data products, or a filter removed all of them."""

    default_next_step = (
        "Print the unfiltered product list and compare the values of the columns you filtered "
        "on (for example productSubGroupDescription) with the values you asked for."
    )


class MissingFileError(TutorialError):
    """A file that should exist (locally or in the cloud) is not there."""

    default_next_step = (
        "Download the file from MAST instead with Observations.download_products, "
        "or run the query again: the archive may have reprocessed the data since."
    )


class ArchiveUnavailableError(TutorialError):
    """The archive could not be reached or did not answer usefully."""

    default_next_step = (
        "Check your network connection and the service notices on https://archive.stsci.edu, "
        "then run the cell again."
    )


class ArchiveTimeoutError(ArchiveUnavailableError):
    """The archive was reached but did not answer in time."""

    default_next_step = (
        "The service may be busy: wait a minute and run the cell again, or ask for less at once "
        "(a smaller cutout, fewer sectors)."
    )

"""Unit tests of helpers.errors: every error says what went wrong and what to do next."""

import pytest

from helpers.errors import (
    ArchiveUnavailableError,
    MissingFileError,
    NoObservationsError,
    NoProductsError,
    PrivateBucketError,
    TargetNotFoundError,
    TutorialError,
    WrongFileTypeError,
)

SUBCLASSES = [
    TargetNotFoundError,
    NoObservationsError,
    NoProductsError,
    MissingFileError,
    ArchiveUnavailableError,
    PrivateBucketError,
    WrongFileTypeError,
]


@pytest.mark.parametrize("cls", SUBCLASSES)
def test_subclasses_share_the_tutorial_base(cls):
    assert issubclass(cls, TutorialError)
    assert issubclass(cls, Exception)


@pytest.mark.parametrize("cls", SUBCLASSES)
def test_default_next_step_is_specific_and_shown(cls):
    err = cls("Nothing matched.")
    assert err.problem == "Nothing matched."
    assert err.next_step == cls.default_next_step
    assert err.next_step != TutorialError.default_next_step
    assert str(err) == f"Nothing matched.\nNext step: {cls.default_next_step}"


def test_explicit_next_step_replaces_the_default():
    err = NoProductsError("No LC products.", "Filter on productSubGroupDescription='LC'.")
    assert err.next_step == "Filter on productSubGroupDescription='LC'."
    assert str(err).endswith("Next step: Filter on productSubGroupDescription='LC'.")


def test_one_except_clause_catches_the_family():
    with pytest.raises(TutorialError):
        raise MissingFileError("gone")

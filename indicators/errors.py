"""The one error hierarchy of indexlib.

It lives in the lowest package (``indicators``) so that ``weights``, ``city_data`` and the
``indexlib`` engine can all raise the same classes without importing upwards; ``indexlib.errors``
re-exports it.

Every error raised on purpose derives from :class:`IndexlibError`; the command line turns it into
exit code 2 (bad input) with a one-line message, and anything else into exit code 1.
"""

from __future__ import annotations

__all__ = [
    "IndexlibError",
    "FrameworkError",
    "SpecificationError",
    "PolarityError",
    "DataValidationError",
    "MissingInputError",
    "DegenerateIndicatorError",
    "DomainError",
    "SizeLimitError",
    "WeightsError",
    "OutputError",
    "UnknownMethodError",
    "NotFittedError",
    "IndexlibWarning",
    "DataQualityWarning",
]


class IndexlibError(Exception):
    """Base class: ``except IndexlibError`` catches every error indexlib raises on purpose."""


class FrameworkError(IndexlibError, ValueError):
    """A framework (indicator tree) is malformed: duplicate ids, orphans, cycles, bad weights."""


class SpecificationError(IndexlibError, ValueError):
    """A methodology, weighting or analysis specification is invalid or inconsistent."""


class PolarityError(SpecificationError):
    """A polarity is not one of the accepted spellings (see :func:`indicators.polarity.parse_polarity`)."""


class DataValidationError(IndexlibError, ValueError):
    """A panel is unusable as given: unknown ids, duplicates, non-numeric or non-finite cells.

    Attributes
    ----------
    problems : list of str
        Every problem found, one line each (``indexlib validate`` prints them all).
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems) if problems else [message]


class MissingInputError(DataValidationError, FileNotFoundError):
    """An input file or folder that is needed does not exist (also a :class:`FileNotFoundError`)."""


class DegenerateIndicatorError(DataValidationError):
    """An indicator carries no information (constant, or missing for every city)."""


class DomainError(DataValidationError):
    """Values outside a method's domain (zero or negative values under a geometric mean or a log)."""


class SizeLimitError(SpecificationError):
    """A requested size (runs, base samples, resamples) would need more memory than is available."""


class WeightsError(IndexlibError, ValueError):
    """Weights are negative, non-finite, all zero, or keyed by ids the framework does not have."""


class OutputError(IndexlibError, OSError):
    """An output file cannot be written (folder not creatable, not writable, disk full)."""


class UnknownMethodError(IndexlibError, KeyError):
    """A method name is not in its registry; the message lists the valid names."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class NotFittedError(IndexlibError, ValueError, AttributeError):
    """An estimator was used before ``fit`` (mirrors scikit-learn's NotFittedError bases)."""


class IndexlibWarning(UserWarning):
    """Base class of indexlib's warnings."""


class DataQualityWarning(IndexlibWarning):
    """Something in the data was handled by a recorded policy (an indicator excluded, a fallback)."""

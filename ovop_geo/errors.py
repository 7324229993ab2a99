"""Errors raised by ovop_geo.

Every problem a user can fix (a bad file, a wrong column, an unknown unit) is raised as an
:class:`InputDataError`, whose message names the file, the column, the villages or rows, and what
to do. The app and the command line catch :class:`OvopError` and show its message; anything else is
a bug and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ovop_geo.messages import msg, translate

__all__ = [
    "InputDataError",
    "OvopError",
    "ParameterError",
    "Problem",
    "format_items",
    "raise_problems",
]


class OvopError(Exception):
    """Base class of every error ovop_geo raises on purpose.

    ``message`` is the text given (a :class:`ovop_geo.messages.Message` where it has an id);
    :meth:`text` gives it in the user's language.
    """

    def __init__(self, message: str = "", *args: object):
        super().__init__(message, *args)
        self.message = message

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (``"id"`` or ``"en"``) when it has an id; else as written."""
        return translate(self.message, lang)


class InputDataError(OvopError, ValueError):
    """A user-supplied file or table cannot be used as it is.

    Attributes
    ----------
    path : str or None
        The file concerned, as the user named it (never a temporary path when avoidable).
    problems : tuple of str
        Every problem found, one sentence each; ``str(err)`` joins them.
    """

    def __init__(self, message: str, *, path: str | None = None, problems: Sequence[str] = ()):
        super().__init__(message)
        self.path = path
        self.problems = tuple(problems) if problems else (message,)


class ParameterError(OvopError, ValueError):
    """A parameter (weight, threshold, AHP matrix, growth rate) is out of range or inconsistent."""


def format_items(items: Iterable[object], *, limit: int = 5) -> str:
    """Format a list of ids for a message: ``A01, A07, B02 (and 3 more)``."""
    items = [str(i) for i in items]
    head = ", ".join(items[:limit])
    rest = len(items) - limit
    return f"{head} (and {rest} more)" if rest > 0 else head


class Problem(list):
    """Collects problems found in one file so they can be raised together.

    Examples
    --------
    >>> problems = Problem("stats.csv")
    >>> problems.add("column 'yield': 2 values are not numbers. Rows: 3, 9. Fix them.")
    >>> problems.raise_if_any()
    Traceback (most recent call last):
    ...
    ovop_geo.errors.InputDataError: stats.csv: column 'yield': ...
    """

    def __init__(self, path: str | None):
        super().__init__()
        self.path = path

    def add(self, message: str) -> None:
        """Add one problem."""
        self.append(message)

    def raise_if_any(self) -> None:
        """Raise one :class:`InputDataError` listing every problem collected, if there is any."""
        raise_problems(self.path, list(self))


def raise_problems(path: str | None, problems: Sequence[str]) -> None:
    """Raise one :class:`InputDataError` listing every problem, prefixed with the file name."""
    if not problems:
        return
    prefix = f"{path}: " if path else ""
    if len(problems) == 1:
        message = msg("problems.one", prefix=prefix, problem=problems[0])
    else:
        message = msg("problems.many", prefix=prefix, n=len(problems), problems=list(problems))
    raise InputDataError(message, path=path, problems=problems)

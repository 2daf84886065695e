"""Typed errors with source locations, shared by every loader in assay.

A policy author needs every mistake in one pass, each pointing at a file, a line, a column,
the rule it belongs to and the field inside that rule. `Problem` is one such mistake;
`LoadError` carries all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a source file. Line and column are 1-based; 0 means unknown."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file


@dataclass(frozen=True, slots=True)
class Problem:
    """One located mistake in a rule, list or policy file."""

    location: Location
    message: str
    rule_id: str = "-"
    field: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.location}: {self.rule_id}: "
        return f"{where}{self.field}: {self.message}" if self.field else f"{where}{self.message}"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.location.file, self.location.line, self.location.column, self.message)


class AssayError(Exception):
    """Base class of every error assay raises on purpose."""


@dataclass(slots=True)
class LoadError(AssayError):
    """Raised when rule, list or policy files hold one or more errors."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.problems = sorted(self.problems, key=Problem.sort_key)
        Exception.__init__(self, self.__str__())

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class EvaluationError(AssayError):
    """A fact could not be evaluated (it is reported beside the findings, never raised)."""


def display_path(path: Path) -> str:
    """Path as a user typed it when possible: relative to the working directory, else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)

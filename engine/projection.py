"""The engine's view of a fact: what both evaluators (compiled and reference) read.

A fact model becomes a nested dict without provenance and without absent fields (absent is
how *missing* is spelled for durable_rules), with dates as day ordinals so both sides compare
plain integers. One function builds it, so the two evaluators cannot disagree on the input.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import TypeAdapter

from .facts import DeclarationFact, Fact, SmelterFact

_FACT_ADAPTER: TypeAdapter[SmelterFact | DeclarationFact] = TypeAdapter(Fact)
MISSING = object()


def to_fact(value: SmelterFact | DeclarationFact | dict[str, Any]) -> SmelterFact | DeclarationFact:
    """Accept a fact model or a plain dict (validated against the fact models)."""
    if isinstance(value, SmelterFact | DeclarationFact):
        return value
    return _FACT_ADAPTER.validate_python(value)


def engine_value(value: Any) -> Any:
    """A literal as the engine compares it."""
    if isinstance(value, dt.date):
        return value.toordinal()
    return value


def project(fact: SmelterFact | DeclarationFact) -> dict[str, Any]:
    """Nested dict of the fact's rule-visible, present fields."""
    out: dict[str, Any] = {"kind": fact.kind}
    for part, model in fact:
        if part in ("kind", "provenance"):
            continue
        values = {name: engine_value(v) for name, v in model if v is not None}
        if values:
            out[part] = values
    return out


def lookup(projection: dict[str, Any], path: str) -> Any:
    """Value at a dotted path in a projection, or MISSING."""
    part, _, name = path.partition(".")
    return projection.get(part, {}).get(name, MISSING)


def fact_value(fact: SmelterFact | DeclarationFact, path: str) -> Any:
    """Value at a dotted path in the fact model itself (dates as dates), or None."""
    part, _, name = path.partition(".")
    return getattr(getattr(fact, part, None), name, None)

"""The engine's view of a fact: what both evaluators (compiled and reference) read.

A fact model becomes a nested dict without provenance and without absent fields (absent is
how *missing* is spelled for durable_rules), with dates as day ordinals so both sides compare
plain integers. One function builds it, so the two evaluators cannot disagree on the input.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import TypeAdapter

from .facts import CATALOGUE, DeclarationFact, Fact, SmelterFact

_FACT_ADAPTER: TypeAdapter[SmelterFact | DeclarationFact] = TypeAdapter(Fact)
MISSING = object()


def to_fact(value: SmelterFact | DeclarationFact | dict[str, Any]) -> SmelterFact | DeclarationFact:
    """Accept a fact model or a plain dict (validated against the fact models)."""
    if isinstance(value, SmelterFact | DeclarationFact):
        return value
    return _FACT_ADAPTER.validate_python(value)


# durable_rules' JSON parser crashes the process on exponent notation (1e-05, 1E5), which
# Python writes for small and large floats. Decimal fields therefore travel as integers in
# billionths: exact for every value the templates hold, and never written with an exponent.
NUMBER_SCALE = 1_000_000_000


def engine_value(value: Any, kind: str | None = None) -> Any:
    """A value as the engine compares it (`kind` is the field's catalogue kind)."""
    if isinstance(value, dt.date):
        return value.toordinal()
    if kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        return round(value * NUMBER_SCALE)
    return value


# durable_rules compares strings as the JSON text it was given, escapes included, so a quote,
# a backslash or a control character would look like two characters to `.` or `[^a]`. The
# engine therefore sees those characters as private-use code points (a one-to-one mapping
# applied to facts, rule literals and patterns alike); nothing else is escaped by json.dumps
# with ensure_ascii=False.
_ENGINE_CHARS = {ord('"'): "\ue000", ord("\\"): "\ue001",
                 **{code: chr(0xE100 + code) for code in range(32)}}


def engine_text(text: str) -> str:
    """A string as durable_rules must receive it (see _ENGINE_CHARS)."""
    return text.translate(_ENGINE_CHARS)


def engine_payload(projection: dict[str, Any]) -> dict[str, Any]:
    """A projection with its strings mapped for durable_rules."""
    return {key: ({k: engine_text(v) if isinstance(v, str) else v for k, v in value.items()}
                  if isinstance(value, dict) else value)
            for key, value in projection.items()}


def _number_fields() -> frozenset[tuple[str, str]]:
    return frozenset(tuple(path.split(".", 1)) for kind in CATALOGUE.fields.values()
                     for path, spec in kind.items() if spec.kind == "number")


_NUMBER_FIELDS = _number_fields()


def project(fact: SmelterFact | DeclarationFact) -> dict[str, Any]:
    """Nested dict of the fact's rule-visible, present fields."""
    out: dict[str, Any] = {"kind": fact.kind}
    for part, model in fact:
        if part in ("kind", "provenance"):
            continue
        values = {name: engine_value(v, "number" if (part, name) in _NUMBER_FIELDS else None)
                  for name, v in model if v is not None}
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

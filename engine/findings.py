"""What evaluation returns: findings, and per-fact results that may carry an error."""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

from pydantic import BaseModel, ConfigDict

from .facts import DeclarationFact, Provenance, SmelterFact
from .projection import fact_value
from .rules.model import Rule, Severity, fields_read

MISSING_TEXT = "(missing)"


class Finding(BaseModel):
    """A rule that fired on a fact."""

    model_config = ConfigDict(frozen=True)

    rule_id: str
    title: str
    severity: Severity
    risk: str
    reference: str
    message: str
    actions: tuple[str, ...]
    fact_kind: str
    subject: str
    supplier: str | None = None
    metal: str | None = None
    provenance: Provenance


class FactResult(BaseModel):
    """The outcome for one input fact: its findings, or the error that stopped it."""

    model_config = ConfigDict(frozen=True)

    index: int
    findings: tuple[Finding, ...] = ()
    error: str | None = None


class Evaluation(BaseModel):
    """All findings and errors of one evaluation, in input order then rule order."""

    model_config = ConfigDict(frozen=True)

    facts: int
    findings: tuple[Finding, ...]
    errors: tuple[FactResult, ...] = ()


def _text(value: Any) -> str:
    if value is None:
        return MISSING_TEXT
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render_message(template: str, fields: tuple[str, ...],
                   fact: SmelterFact | DeclarationFact) -> str:
    """Fill `{dotted.field}` placeholders with the fact's values."""
    out: list[str] = []
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        out.append(literal)
        if name is not None:
            value = None
            if name in fields:
                # {a|b}: the first alternative the fact has.
                value = next((v for v in (fact_value(fact, alt) for alt in name.split("|"))
                              if v is not None), None)
            out.append(_text(value))
    return "".join(out)


def subject_of(fact: SmelterFact | DeclarationFact) -> str:
    """What a finding is about, in the words an analyst uses."""
    if isinstance(fact, SmelterFact):
        s = fact.smelter
        name = s.standard_name or s.name or s.lookup_name or "unnamed smelter"
        cid = s.resolved_cid or s.cid
        return f"{name} ({cid})" if cid else name
    metal = fact.declaration.metal or "all metals"
    return f"{fact.supplier.name or 'supplier'} declaration for {metal}"


def make_finding(rule: Rule, fact: SmelterFact | DeclarationFact) -> Finding:
    """The finding `rule` produces on `fact`."""
    template = rule.message
    metal = fact.smelter.metal if isinstance(fact, SmelterFact) else fact.declaration.metal
    return Finding(
        rule_id=rule.id,
        title=rule.title,
        severity=rule.severity,
        risk=rule.risk,
        reference=rule.reference,
        message=render_message(template.text, template.fields, fact),
        actions=tuple(t.action for t in rule.then),
        fact_kind=fact.kind,
        subject=subject_of(fact),
        supplier=fact.supplier.name,
        metal=metal,
        provenance=_pointed(rule, fact.provenance),
    )


def _pointed(rule: Rule, provenance: Provenance) -> Provenance:
    """The fact's provenance, pointing at the cell of the first field the rule tests."""
    if not provenance.cells:
        return provenance
    for path in fields_read(rule.when):
        cell = provenance.cells.get(path)
        if cell:
            sheet, _, ref = cell.rpartition("!")
            return provenance.model_copy(update={"sheet": sheet or provenance.sheet,
                                                 "cell": ref})
    return provenance

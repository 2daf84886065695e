"""Typed rule objects: what a validated rule file becomes.

Loading turns YAML into these frozen objects once; the compiler, the reference evaluator,
explain and the test runner all read them and nothing else.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import Location
from ..facts import FieldSpec

Severity = Literal["info", "low", "medium", "high", "critical"]
SEVERITIES: tuple[Severity, ...] = ("info", "low", "medium", "high", "critical")

RISKS: dict[str, str] = {
    "serious-abuses": "Annex II paras 1-2: serious abuses (forced labour, worst forms of child "
                      "labour, torture, war crimes, other gross human-rights violations)",
    "non-state-armed-groups": "Annex II paras 3-4: direct or indirect support to non-state "
                              "armed groups",
    "security-forces": "Annex II paras 5-10: public or private security forces",
    "bribery-misrepresentation": "Annex II para 11: bribery and fraudulent misrepresentation "
                                 "of the origin of minerals",
    "money-laundering": "Annex II para 12: money laundering",
    "taxes-fees-royalties": "Annex II para 13: payment of taxes, fees and royalties due to "
                            "governments",
    "red-flag-location": "Red flag: origin or transit through a conflict-affected or high-risk "
                         "area",
    "red-flag-supplier": "Red flag: supplier or upstream company linked to a red-flag location",
    "red-flag-circumstance": "Red flag: anomalies in the information that give reasonable "
                             "suspicion",
    "due-diligence-gap": "OECD steps 1-2: a supplier's or smelter's due diligence is missing "
                         "or incomplete",
    "data-quality": "The supplier's template is incomplete or inconsistent",
}

Operator = Literal["equals", "not_equals", "in", "not_in", "missing", "present",
                   "lt", "le", "gt", "ge", "contains", "matches"]
OPERATORS: tuple[str, ...] = ("equals", "not_equals", "in", "not_in", "missing", "present",
                              "lt", "le", "gt", "ge", "contains", "matches")


@dataclass(frozen=True, slots=True)
class Leaf:
    """One test of one field: `field op value`. Absent fields make every value test false."""

    field: FieldSpec
    op: str
    value: Any = None
    list_name: str | None = None
    regex: re.Pattern[str] | None = field(default=None, compare=False)
    engine_regex: str | None = None
    loc: Location | None = field(default=None, compare=False)

    def describe(self) -> str:
        if self.op in ("missing", "present"):
            return f"{self.field.path} is {self.op}"
        shown = f"${self.list_name}" if self.list_name else _show(self.value)
        return f"{self.field.path} {self.op} {shown}"


@dataclass(frozen=True, slots=True)
class All:
    items: tuple[Condition, ...]
    loc: Location | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class AnyOf:
    items: tuple[Condition, ...]
    loc: Location | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Not:
    item: Condition
    loc: Location | None = field(default=None, compare=False)


Condition = Leaf | All | AnyOf | Not


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, dt.date):
        return value.isoformat()
    return repr(value) if isinstance(value, str) else str(value)


def fields_read(cond: Condition) -> list[str]:
    """Every field path a condition reads, in the order the rule names them."""
    if isinstance(cond, Leaf):
        return [cond.field.path]
    if isinstance(cond, Not):
        return fields_read(cond.item)
    out: list[str] = []
    for item in cond.items:
        out.extend(p for p in fields_read(item) if p not in out)
    return out


@dataclass(frozen=True, slots=True)
class MessageTemplate:
    """A message with `{dotted.field}` placeholders, validated against the catalogue."""

    text: str
    fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ThenAction:
    action: str
    message: MessageTemplate


@dataclass(frozen=True, slots=True)
class RuleTest:
    """An inline test: a partial fact and whether the rule must fire on it."""

    fact: dict[str, Any]
    expect: Literal["fires", "quiet"]
    name: str | None = None
    message: str | None = None
    loc: Location | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Rule:
    """A validated rule, ready to compile or to evaluate by reference."""

    id: str
    title: str
    applies_to: Literal["smelter", "declaration"]
    risk: str
    severity: Severity
    reference: str
    when: Condition
    then: tuple[ThenAction, ...]
    minerals: tuple[str, ...] | None = None
    description: str | None = None
    tests: tuple[RuleTest, ...] = ()
    enabled: bool = True
    loc: Location | None = field(default=None, compare=False)

    @property
    def condition(self) -> Condition:
        """`when` with the minerals filter folded in: what the engine actually evaluates."""
        if not self.minerals:
            return self.when
        metal = f"{self.applies_to}.metal"
        from ..facts import CATALOGUE

        spec = CATALOGUE.lookup(self.applies_to, metal)
        assert spec is not None
        return All((Leaf(spec, "in", tuple(self.minerals)), self.when))

    @property
    def message(self) -> MessageTemplate:
        return self.then[0].message


@dataclass(frozen=True, slots=True)
class NamedList:
    """A list file: named entries with where they came from and when."""

    name: str
    title: str
    source: str
    retrieved: dt.date
    item_type: str
    entries: tuple[str, ...]
    max_age_days: int | None = None
    notes: dict[str, str] = field(default_factory=dict, compare=False)
    loc: Location | None = field(default=None, compare=False)
    refresh: str | None = None

    def age_days(self, today: dt.date) -> int:
        return (today - self.retrieved).days

    def is_stale(self, today: dt.date) -> bool:
        return self.max_age_days is not None and self.age_days(today) > self.max_age_days

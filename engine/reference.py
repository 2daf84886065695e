"""The same rule semantics in plain Python: the compiler's oracle and the basis of explain.

Kept deliberately naive (a direct reading of each operator) so it is easy to trust; the
property test in tests/test_equivalence.py checks compiled durable_rules == this on generated
facts for every shipped rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .facts import DeclarationFact, SmelterFact
from .projection import MISSING, engine_value, fact_value, lookup, project
from .rules.model import All, Condition, Leaf, Not, Rule


def holds(cond: Condition, projection: dict[str, Any]) -> bool:
    """Whether `cond` holds for a projected fact."""
    if isinstance(cond, Leaf):
        return _leaf(cond, lookup(projection, cond.field.path))
    if isinstance(cond, Not):
        return not holds(cond.item, projection)
    if isinstance(cond, All):
        return all(holds(c, projection) for c in cond.items)
    return any(holds(c, projection) for c in cond.items)


def _leaf(leaf: Leaf, value: Any) -> bool:
    op = leaf.op
    if op == "missing":
        return value is MISSING
    if op == "present":
        return value is not MISSING
    if value is MISSING:
        return False
    if op == "equals":
        return bool(value == engine_value(leaf.value, leaf.field.kind))
    if op == "not_equals":
        return bool(value != engine_value(leaf.value, leaf.field.kind))
    if op == "in":
        return any(value == engine_value(v, leaf.field.kind) for v in leaf.value)
    if op == "not_in":
        return all(value != engine_value(v, leaf.field.kind) for v in leaf.value)
    if op == "lt":
        return bool(value < engine_value(leaf.value, leaf.field.kind))
    if op == "le":
        return bool(value <= engine_value(leaf.value, leaf.field.kind))
    if op == "gt":
        return bool(value > engine_value(leaf.value, leaf.field.kind))
    if op == "ge":
        return bool(value >= engine_value(leaf.value, leaf.field.kind))
    if op == "contains":
        return leaf.value in value
    if op == "matches":
        assert leaf.regex is not None
        return leaf.regex.fullmatch(value) is not None
    raise AssertionError(op)


def matches(rule: Rule, fact: SmelterFact | DeclarationFact) -> bool:
    """Whether `rule` fires on `fact` by the reference semantics."""
    return rule.enabled and rule.applies_to == fact.kind and holds(rule.condition, project(fact))


@dataclass(frozen=True)
class Step:
    """One node of an explanation: a condition, the fact's value, and whether it held."""

    text: str
    held: bool
    value: Any = None
    children: tuple[Step, ...] = field(default=())

    def lines(self, indent: int = 0) -> list[str]:
        mark = "✓" if self.held else "✗"
        shown = "" if self.value is None else f"  (fact: {self.value})"
        out = [f"{'  ' * indent}{mark} {self.text}{shown}"]
        for child in self.children:
            out.extend(child.lines(indent + 1))
        return out


def explain(rule: Rule, fact: SmelterFact | DeclarationFact) -> Step:
    """Why `rule` does or does not fire on `fact`, condition by condition."""
    if rule.applies_to != fact.kind:
        return Step(f"rule applies to {rule.applies_to} facts; this is a {fact.kind} fact",
                    False)
    projection = project(fact)
    body = _explain(rule.condition, projection, fact)
    return Step(f"{rule.id}: {rule.title}", body.held, None, (body,))


def _explain(cond: Condition, projection: dict[str, Any],
             fact: SmelterFact | DeclarationFact) -> Step:
    if isinstance(cond, Leaf):
        raw = fact_value(fact, cond.field.path)
        shown = "missing" if raw is None else (raw.isoformat() if hasattr(raw, "isoformat")
                                                else repr(raw))
        return Step(cond.describe(), holds(cond, projection), shown)
    if isinstance(cond, Not):
        inner = _explain(cond.item, projection, fact)
        return Step("not", not inner.held, None, (inner,))
    children = tuple(_explain(c, projection, fact) for c in cond.items)
    label = "all of" if isinstance(cond, All) else "any of"
    held = all(c.held for c in children) if isinstance(cond, All) else any(
        c.held for c in children)
    return Step(label, held, None, children)

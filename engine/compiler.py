"""Compile typed rules into durable_rules rulesets (JSON data, never generated source).

durable_rules has no `$in` and no negation of a condition, so `in` becomes `$or` of
equalities and `not` is pushed down to the leaves by De Morgan's laws, each leaf's negation
spelled explicitly (the negation of "equals" includes "missing"). Every rule also requires the
fact's `kind`: without that discriminator a condition about an absent field would match the
engine's own state object and fire forever (durable_rules issues #222 and #302).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .projection import engine_text, engine_value
from .rules.model import All, AnyOf, Condition, Leaf, Not, Rule
from .rules.regex import SPECIAL

_NEVER = {"kind": "\x00never"}
_NEGATED = {"equals": "not_equals", "not_equals": "equals", "in": "not_in", "not_in": "in",
            "lt": "ge", "le": "gt", "gt": "le", "ge": "lt"}
_COMPARE = {"lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte", "not_equals": "$neq"}


class CompileError(ValueError):
    """A condition that durable_rules cannot express (the loader prevents these)."""


def compile_condition(cond: Condition, negate: bool = False) -> dict[str, Any]:
    """The durable_rules expression for a condition (or for its negation)."""
    if isinstance(cond, Not):
        return compile_condition(cond.item, not negate)
    if isinstance(cond, All | AnyOf):
        parts = [compile_condition(item, negate) for item in cond.items]
        conjunction = isinstance(cond, All) != negate
        if len(parts) == 1:
            return parts[0]
        return {"$and": parts} if conjunction else {"$or": parts}
    return _leaf(cond, negate)


def _leaf(leaf: Leaf, negate: bool) -> dict[str, Any]:
    path, op = leaf.field.path, leaf.op
    if op in ("missing", "present"):
        if negate:
            op = "present" if op == "missing" else "missing"
        return {"$nex" if op == "missing" else "$ex": {path: 1}}
    if negate:
        if op not in _NEGATED:
            raise CompileError(f"{leaf.describe()} cannot be negated")
        return {"$or": [{"$nex": {path: 1}}, _positive(path, _NEGATED[op], leaf)]}
    return _positive(path, op, leaf)


def _lit(value: Any, leaf: Leaf) -> Any:
    value = engine_value(value, leaf.field.kind)
    return engine_text(value) if isinstance(value, str) else value


def _positive(path: str, op: str, leaf: Leaf) -> dict[str, Any]:
    if op == "equals":
        return {path: _lit(leaf.value, leaf)}
    if op in _COMPARE:
        return {_COMPARE[op]: {path: _lit(leaf.value, leaf)}}
    if op == "in":
        options = [{path: _lit(v, leaf)} for v in leaf.value]
        if not options:
            return dict(_NEVER)
        return options[0] if len(options) == 1 else {"$or": options}
    if op == "not_in":
        return {"$and": [{"$ex": {path: 1}}] +
                [{"$neq": {path: _lit(v, leaf)}} for v in leaf.value]}
    if op == "contains":
        escaped = "".join("%" + ch if ch in SPECIAL else ch
                          for ch in engine_text(leaf.value))
        return {"$mt": {path: ".*" + escaped + ".*"}}
    if op == "matches":
        return {"$mt": {path: leaf.engine_regex}}
    raise CompileError(f"unknown operator {op}")


def compile_rule(rule: Rule) -> dict[str, Any]:
    """One durable_rules rule definition (without its action)."""
    expr = compile_condition(rule.condition)
    guarded = {"$and": [{"kind": rule.applies_to}, expr]}
    return {"all": [{"m": guarded}]}


def compile_ruleset(rules: Sequence[Rule]) -> dict[str, dict[str, Any]]:
    """{rule id: durable_rules rule} for every enabled rule, in the given order."""
    return {rule.id: compile_rule(rule) for rule in rules if rule.enabled}

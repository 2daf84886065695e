"""Parse a rule's `when:` block into condition objects, checking it against the catalogue.

Every mistake becomes a located `Problem` (unknown field with a suggestion, operator that
does not fit the field's type, value of the wrong type, unknown list, unbounded regex) and
parsing goes on, so an author sees all of them at once.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from dataclasses import dataclass, field
from typing import Any

import pycountry

from ..errors import Location, Problem
from ..facts import CATALOGUE, FieldSpec
from ..yamlsrc import key_location, location_of
from .model import OPERATORS, All, AnyOf, Condition, Leaf, NamedList, Not
from .regex import RegexError, check_engine_pattern, reference_pattern, translate

_BOOLEAN_KEYS = ("all", "any", "not")
# Literals must fit the engine's 64-bit integers (decimals travel scaled by 10^9).
MAX_INTEGER = 10**12
MAX_NUMBER = 10**6
_ORDERED_OPS = ("lt", "le", "gt", "ge")
_TEXT_ONLY_OPS = ("contains", "matches")


def suggest(word: str, options: Any) -> str:
    """`; did you mean 'x'?` when something close exists, else an empty string."""
    match = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return f"; did you mean {match[0]!r}?" if match else ""


@dataclass
class ParseContext:
    """What condition parsing needs to know and where it reports."""

    rule_id: str
    kind: str
    lists: dict[str, NamedList]
    default_loc: Location
    parameters: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def error(self, loc: Location | None, path: str, message: str) -> None:
        self.problems.append(Problem(loc or self.default_loc, message, self.rule_id, path))


def parse_condition(node: Any, ctx: ParseContext, path: str = "when",
                    negated: bool = False) -> Condition | None:
    """Parse one condition node; None when it was too broken to represent."""
    loc = location_of(node) or ctx.default_loc
    if not isinstance(node, dict) or not node:
        ctx.error(loc, path, "expected a condition: a mapping such as "
                  "{all: [...]}, {any: [...]}, {not: ...} or {field.path: {operator: value}}")
        return None
    boolean = [k for k in node if k in _BOOLEAN_KEYS]
    if boolean and len(node) > 1:
        ctx.error(loc, path, f"'{boolean[0]}' must be alone in its mapping; wrap the other "
                  "conditions in it")
        return None
    if boolean:
        key = boolean[0]
        child = node[key]
        child_loc = location_of(node, key) or loc
        if key == "not":
            inner = parse_condition(child, ctx, f"{path}.not", not negated)
            return Not(inner, child_loc) if inner is not None else None
        if not isinstance(child, list) or not child:
            ctx.error(child_loc, f"{path}.{key}", f"'{key}' takes a non-empty list of conditions")
            return None
        items = [parse_condition(c, ctx, f"{path}.{key}[{i}]", negated)
                 for i, c in enumerate(child)]
        if any(i is None for i in items):
            return None
        cls = All if key == "all" else AnyOf
        return cls(tuple(items), child_loc)  # type: ignore[arg-type]
    leaves: list[Condition] = []
    broken = False
    for key, spec_node in node.items():
        parsed = _parse_field(node, str(key), spec_node, ctx, path, negated)
        if parsed is None:
            broken = True
        else:
            leaves.extend(parsed)
    if broken:
        return None
    return leaves[0] if len(leaves) == 1 else All(tuple(leaves), loc)


def _parse_field(parent: dict, key: str, ops: Any, ctx: ParseContext, path: str,
                 negated: bool) -> list[Condition] | None:
    key_loc = _key_loc(parent, key) or ctx.default_loc
    spec = CATALOGUE.lookup(ctx.kind, key)
    if spec is None:
        known = CATALOGUE.for_kind(ctx.kind)
        hint = suggest(key, known) or suggest(key, _BOOLEAN_KEYS)
        other = "declaration" if ctx.kind == "smelter" else "smelter"
        if not hint and CATALOGUE.lookup(other, key):
            hint = f"; that field exists on {other} facts, not on {ctx.kind} facts"
        ctx.error(key_loc, f"{path}.{key}", f"unknown field '{key}' for {ctx.kind} facts{hint}")
        return None
    fpath = f"{path}.{key}"
    if not isinstance(ops, dict):
        # Shorthand `field: value` means equals.
        ops_items = [("equals", ops, location_of(parent, key))]
    else:
        if not ops:
            ctx.error(location_of(parent, key), fpath, "expected at least one operator, e.g. "
                      "{equals: ...}")
            return None
        ops_items = [(str(op), v, location_of(ops, op)) for op, v in ops.items()]
    out: list[Condition] = []
    broken = False
    for op, value, vloc in ops_items:
        op_loc = _key_loc(ops, op) if isinstance(ops, dict) else vloc
        leaf = _parse_leaf(spec, op, value, vloc or key_loc, op_loc or key_loc, ctx,
                           f"{fpath}.{op}", negated)
        if leaf is None:
            broken = True
        else:
            out.append(leaf)
    return None if broken else out


def _key_loc(container: Any, key: str) -> Location | None:
    return key_location(container, key)


def _parse_leaf(spec: FieldSpec, op: str, value: Any, vloc: Location, op_loc: Location,
                ctx: ParseContext, path: str, negated: bool) -> Leaf | None:
    if op not in OPERATORS:
        ctx.error(op_loc, path, f"unknown operator '{op}'{suggest(op, OPERATORS)}")
        return None
    if op in ("missing", "present"):
        if value is not True:
            other = "present" if op == "missing" else "missing"
            ctx.error(vloc, path, f"'{op}' takes `true` (for the opposite use '{other}: true')")
            return None
        return Leaf(spec, op, True, loc=op_loc)
    if op in _ORDERED_OPS and not spec.ordered:
        ctx.error(op_loc, path, f"'{op}' does not apply to {spec.path} ({spec.type_label()}); "
                  "use equals/in")
        return None
    if op in _TEXT_ONLY_OPS and spec.kind != "string":
        ctx.error(op_loc, path, f"'{op}' applies to text fields; {spec.path} is "
                  f"{spec.type_label()}")
        return None
    if op in _TEXT_ONLY_OPS and negated:
        ctx.error(op_loc, path, f"'{op}' cannot be negated (durable_rules has no negated "
                  "pattern match); state the positive case instead")
        return None
    if op in ("in", "not_in"):
        return _parse_in(spec, op, value, vloc, op_loc, ctx, path)
    if isinstance(value, str) and value.startswith("$") and op != "matches":
        # A policy-owned threshold such as $max_declaration_age_days.
        name = value[1:]
        if name not in ctx.parameters:
            hint = suggest(name, ctx.parameters) or suggest(name, ctx.lists)
            ctx.error(vloc, path, f"unknown parameter '{value}'{hint}")
            return None
        value = ctx.parameters[name]
    ok, coerced = coerce_value(spec, value)
    if not ok:
        ctx.error(vloc, path, coerced)
        return None
    if op == "matches":
        try:
            engine_regex = translate(coerced)
            check_engine_pattern(engine_regex, coerced)
            pattern = reference_pattern(coerced)
        except RegexError as exc:
            ctx.error(vloc, path, str(exc))
            return None
        return Leaf(spec, op, coerced, regex=pattern, engine_regex=engine_regex, loc=op_loc)
    if op == "contains" and not coerced:
        ctx.error(vloc, path, "'contains' needs a non-empty text")
        return None
    return Leaf(spec, op, coerced, loc=op_loc)


def _parse_in(spec: FieldSpec, op: str, value: Any, vloc: Location, op_loc: Location,
              ctx: ParseContext, path: str) -> Leaf | None:
    if isinstance(value, str) and value.startswith("$"):
        name = value[1:]
        named = ctx.lists.get(name)
        if named is None:
            ctx.error(vloc, path, f"unknown list '{value}'{suggest(name, ctx.lists)}")
            return None
        if named.item_type == "country" and spec.kind != "country":
            ctx.error(vloc, path, f"list ${name} holds countries but {spec.path} is "
                      f"{spec.type_label()}")
            return None
        if spec.kind == "country" and named.item_type != "country":
            ctx.error(vloc, path, f"{spec.path} is a country code but list ${name} holds "
                      f"{named.item_type} entries")
            return None
        for entry in named.entries:
            ok, msg = coerce_value(spec, entry)
            if not ok:
                ctx.error(vloc, path, f"list ${name} entry {entry!r}: {msg}")
                return None
        return Leaf(spec, op, tuple(named.entries), list_name=name, loc=op_loc)
    if not isinstance(value, list):
        ctx.error(vloc, path, f"'{op}' takes a list of values or a named list like "
                  "$covered_countries")
        return None
    values: list[Any] = []
    bad = False
    for i, item in enumerate(value):
        ok, coerced = coerce_value(spec, item)
        if not ok:
            ctx.error(location_of(value, i) or vloc, f"{path}[{i}]", coerced)
            bad = True
        else:
            values.append(coerced)
    return None if bad else Leaf(spec, op, tuple(values), loc=op_loc)


def coerce_value(spec: FieldSpec, value: Any) -> tuple[bool, Any]:
    """Check a literal against a field's type; (True, normalised) or (False, message)."""
    kind = spec.kind
    if kind == "enum":
        if isinstance(value, bool) and ("yes" in spec.values or "no" in spec.values):
            # YAML 1.1 reads a bare yes/no as a boolean; the template's answers are words.
            value = "yes" if value else "no"
        if isinstance(value, str) and value in spec.values:
            return True, value
        return False, (f"{value!r} is not a value of {spec.path} ({spec.type_label()})"
                       f"{suggest(value, spec.values)}")
    if kind == "country":
        return _coerce_country(spec, value)
    if kind == "string":
        if isinstance(value, str):
            return True, value
        return False, f"expected text for {spec.path}, got {_type_name(value)} (quote it)"
    if kind == "boolean":
        if isinstance(value, bool):
            return True, value
        return False, f"expected true or false for {spec.path}, got {_type_name(value)}"
    if kind == "integer":
        if isinstance(value, int) and not isinstance(value, bool):
            if abs(value) > MAX_INTEGER:
                return False, f"{value} is out of range (at most {MAX_INTEGER} either way)"
            return True, value
        return False, f"expected a whole number for {spec.path}, got {_type_name(value)}"
    if kind == "number":
        if isinstance(value, int | float) and not isinstance(value, bool):
            if not math.isfinite(value) or abs(value) > MAX_NUMBER:
                return False, f"{value} is out of range (a finite number up to {MAX_NUMBER})"
            return True, value
        return False, f"expected a number for {spec.path}, got {_type_name(value)}"
    if kind == "date":
        if isinstance(value, dt.datetime):
            return True, value.date()
        if isinstance(value, dt.date):
            return True, value
        if isinstance(value, str):
            try:
                return True, dt.date.fromisoformat(value)
            except ValueError:
                pass
        return False, f"expected a date (YYYY-MM-DD) for {spec.path}, got {value!r}"
    raise AssertionError(kind)


def _coerce_country(spec: FieldSpec, value: Any) -> tuple[bool, Any]:
    if isinstance(value, str) and len(value) == 2 and value.isupper() and \
            pycountry.countries.get(alpha_2=value) is not None:
        return True, value
    hint = ""
    if isinstance(value, str):
        try:
            found = pycountry.countries.lookup(value)
            hint = f"; did you mean {found.alpha_2!r} ({found.name})?"
        except LookupError:
            pass
    return False, f"{value!r} is not an ISO 3166 alpha-2 country code{hint}"


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)

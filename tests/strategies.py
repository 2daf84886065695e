"""Hypothesis strategies for facts and conditions, shared by the property tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st
from pydantic import ValidationError

from assay.engine import CATALOGUE, DeclarationFact, FieldSpec, SmelterFact
from assay.engine.rules.model import All, AnyOf, Condition, Leaf, Not, Rule

OTHER_COUNTRIES = ["BE", "CN", "KE", "MY", "ID", "US", "CH", "BR"]
TEXT_ALPHABET = "abAB019 -./%?_é\"\\\n\t中"


def _leaves(cond: Condition) -> list[Leaf]:
    if isinstance(cond, Leaf):
        return [cond]
    if isinstance(cond, Not):
        return _leaves(cond.item)
    return [leaf for item in cond.items for leaf in _leaves(item)]


def literal_pools(rules: list[Rule]) -> dict[str, list[Leaf]]:
    """Every leaf of every rule, by field path: where the interesting values are."""
    pools: dict[str, list[Leaf]] = {}
    for rule in rules:
        for leaf in _leaves(rule.condition):
            pools.setdefault(leaf.field.path, []).append(leaf)
    return pools


def _near(value: Any) -> list[Any]:
    """The value and its neighbours: just inside and just outside a threshold."""
    if isinstance(value, bool):
        return [value, not value]
    if isinstance(value, int):
        return [value - 1, value, value + 1]
    if isinstance(value, float):
        return [value - 0.5, value - 1e-9, value, value + 1e-9, value + 0.5]
    if isinstance(value, dt.date):
        return [value - dt.timedelta(days=1), value, value + dt.timedelta(days=1)]
    if isinstance(value, str):
        return [value, value + "x", "x" + value, value.lower(), value[:-1]]
    return [value]


def value_strategy(spec: FieldSpec, leaves: list[Leaf]) -> st.SearchStrategy[Any]:
    """Values for one field: rule literals and their neighbours, plus random ones."""
    literals: list[Any] = []
    regexes = []
    for leaf in leaves:
        if leaf.op == "matches":
            regexes.append(leaf.value)
        elif isinstance(leaf.value, tuple):
            for v in leaf.value:
                literals.extend(_near(v))
        elif leaf.value is not None and leaf.value is not True:
            literals.extend(_near(leaf.value))
    options: list[st.SearchStrategy[Any]] = []
    if spec.kind == "enum":
        options.append(st.sampled_from(spec.values))
    elif spec.kind == "country":
        codes = [v for v in literals if isinstance(v, str) and len(v) == 2 and v.isupper()]
        options.append(st.sampled_from(sorted(set(codes + OTHER_COUNTRIES))))
    elif spec.kind == "string":
        options.append(st.text(TEXT_ALPHABET, max_size=8))
        if literals:
            options.append(st.sampled_from([v for v in literals if isinstance(v, str)]))
            options.append(st.builds(lambda a, b, c: a + b + c, st.text(TEXT_ALPHABET, max_size=2),
                                     st.sampled_from([v for v in literals if isinstance(v, str)]),
                                     st.text(TEXT_ALPHABET, max_size=2)))
        for pattern in regexes:
            options.append(st.from_regex(pattern, fullmatch=True).filter(lambda s: len(s) < 40))
    elif spec.kind == "integer":
        options.append(st.integers(0, 50))
        ints = [v for v in literals if isinstance(v, int) and v >= 0]
        if ints:
            options.append(st.sampled_from(ints))
    elif spec.kind == "number":
        options.append(st.floats(0, 1, allow_nan=False))
        options.append(st.floats(0, 100, allow_nan=False))
        nums = [v for v in literals if isinstance(v, int | float) and 0 <= v <= 100]
        if nums:
            options.append(st.sampled_from(nums))
    elif spec.kind == "boolean":
        options.append(st.booleans())
    elif spec.kind == "date":
        options.append(st.dates(dt.date(2019, 1, 1), dt.date(2030, 12, 31)))
        dates = [v for v in literals if isinstance(v, dt.date)]
        if dates:
            options.append(st.sampled_from(dates))
    return st.one_of(st.none(), st.none(), *options)


@st.composite
def facts_for(draw: st.DrawFn, kind: str, pools: dict[str, list[Leaf]],
              extra_paths: tuple[str, ...] = ()) -> SmelterFact | DeclarationFact:
    """A fact of `kind` whose fields are the ones the rules read (plus `extra_paths`)."""
    catalogue = CATALOGUE.for_kind(kind)
    data: dict[str, dict[str, Any]] = {}
    for path in sorted(set(pools) | set(extra_paths)):
        spec = catalogue.get(path)
        if spec is None:
            continue
        value = draw(value_strategy(spec, pools.get(path, [])))
        if value is not None:
            part, _, name = path.partition(".")
            data.setdefault(part, {})[name] = value
    model = SmelterFact if kind == "smelter" else DeclarationFact
    try:
        return model.model_validate(data)
    except ValidationError:
        # Out-of-range values (e.g. a negative count) are not facts; drop those fields.
        from hypothesis import assume

        assume(False)
        raise


GEN_FIELDS = ["smelter.country", "smelter.rmap_status", "smelter.match_score", "smelter.name",
              "smelter.rmap_status_date", "declaration.smelter_rows", "declaration.in_scope",
              "smelter.metal"]
GEN_PATTERNS = ["N/A", "[A-Z][a-z]+", "CID[0-9]{6}", "a.*b", "(ab|ba)+", "[^a]?b{1,3}", "%.?"]


@st.composite
def leaves(draw: st.DrawFn, negated: bool) -> Leaf:
    spec = CATALOGUE.lookup("smelter", draw(st.sampled_from(GEN_FIELDS)))
    assert spec is not None
    ops = ["equals", "not_equals", "in", "not_in", "missing", "present"]
    if spec.ordered:
        ops += ["lt", "le", "gt", "ge"]
    if spec.kind == "string" and not negated:
        ops += ["contains", "matches"]
    op = draw(st.sampled_from(ops))
    if op in ("missing", "present"):
        return Leaf(spec, op, True)
    if op == "matches":
        from assay.engine.rules.regex import reference_pattern, translate

        pattern = draw(st.sampled_from(GEN_PATTERNS))
        return Leaf(spec, op, pattern, regex=reference_pattern(pattern),
                    engine_regex=translate(pattern))
    one = value_strategy(spec, []).filter(lambda v: v is not None)
    if op in ("in", "not_in"):
        return Leaf(spec, op, tuple(draw(st.lists(one, max_size=3))))
    if op == "contains":
        return Leaf(spec, op, draw(st.text(TEXT_ALPHABET, min_size=1, max_size=2)))
    return Leaf(spec, op, draw(one))


def conditions(negated: bool = False, depth: int = 3) -> st.SearchStrategy[Condition]:
    """Random condition trees; `matches`/`contains` only where not negated (as the loader)."""
    if depth == 0:
        return leaves(negated)
    sub = conditions(negated, depth - 1)
    return st.one_of(
        leaves(negated),
        st.builds(lambda xs: All(tuple(xs)), st.lists(sub, min_size=1, max_size=3)),
        st.builds(lambda xs: AnyOf(tuple(xs)), st.lists(sub, min_size=1, max_size=3)),
        st.builds(Not, conditions(not negated, depth - 1)),
    )
